"""Clash warnings on SQLite and PostgreSQL: same group or same room at an overlapping time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import GroupKind, MeetingKind
from koordination.domain.inputs.directory import GroupInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TUESDAY = RecurrenceRule.weekly(1).to_rrule()


@pytest.fixture
def setup(db: Database) -> tuple[Meetings, int, int]:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    ak = directory.create_group(GroupInput(name="AK Stadtteilarbeit", kind=GroupKind.ARBEITSKREIS))
    other = directory.create_group(GroupInput(name="AK Ehrenamt", kind=GroupKind.ARBEITSKREIS))
    return Meetings(db, clock=Clock.fixed(NOW)), ak.record.id, other.record.id


def meeting(
    day: date,
    start: str,
    end: str,
    *,
    title: str = "AK Stadtteilarbeit",
    groups: tuple[int, ...] = (),
    room: str = "",
    address: str = "",
    rrule: str | None = None,
) -> MeetingInput:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return MeetingInput(
        title=title,
        kind=MeetingKind.ARBEITSKREIS,
        start=datetime(day.year, day.month, day.day, h1, m1),
        end=datetime(day.year, day.month, day.day, h2, m2),
        room=room,
        address=address,
        group_ids=list(groups),
        rrule=rrule,
    )


def test_weekly_series_of_the_same_group_in_the_same_slot_clashes_with_its_existing_series(
    setup: tuple[Meetings, int, int],
) -> None:
    meetings, ak, _ = setup
    existing = meetings.create(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), rrule=TUESDAY)
    ).record
    new = meeting(
        date(2026, 12, 15), "19:00", "21:00", title="Neue Runde", groups=(ak,), rrule=TUESDAY
    )

    clashes = meetings.clashes(new)

    assert clashes, "the same group every Tuesday at an overlapping time"
    first = clashes[0]
    assert first.meeting_id == existing.id
    assert first.start == datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
    assert first.end == datetime(2026, 12, 15, 19, 0, tzinfo=UTC)
    assert first.same_group and first.room == ""
    assert first.message == (
        "Am Di 15.12.2026, 18:00–20:00 trifft sich „AK Stadtteilarbeit“ schon (gleiche Gruppe)."
    )
    # Every Tuesday of the year ahead, in time order, and said in a handful of lines.
    assert 50 <= len(clashes) <= 53
    assert [c.start for c in clashes] == sorted(c.start for c in clashes)
    lines = meetings.clash_warnings(new)
    assert lines[:5] == [c.message for c in clashes[:5]]
    assert lines[5:] == [f"… und {len(clashes) - 5} weitere Überschneidungen."]
    # Saving is still allowed: a clash is a warning, not a refusal.
    assert meetings.create(new).record.id != existing.id


def test_same_room_at_the_same_time_clashes_whatever_the_spelling_of_the_room(
    setup: tuple[Meetings, int, int],
) -> None:
    meetings, ak, other = setup
    meetings.create(
        meeting(
            date(2026, 12, 15),
            "18:00",
            "20:00",
            title="Sprechstunde",
            groups=(other,),
            room="Sitzungssaal 1",
            address="Rathaus, Marktplatz 3",
        )
    )
    new = meeting(
        date(2026, 12, 15),
        "19:30",
        "21:00",
        groups=(ak,),
        room="  sitzungssaal   1 ",
        address="RATHAUS,  Marktplatz 3",
    )

    [clash] = meetings.clashes(new)

    assert not clash.same_group
    assert clash.room == "Sitzungssaal 1"
    assert clash.message == (
        "Am Di 15.12.2026, 18:00–20:00 trifft sich „Sprechstunde“ schon "
        "(gleicher Raum: Sitzungssaal 1)."
    )
    # Another building's room of the same name, another room, or no room: no clash.
    elsewhere = meeting(
        date(2026, 12, 15), "19:30", "21:00", room="Sitzungssaal 1", address="Bürgerhaus"
    )
    assert meetings.clashes(elsewhere) == []
    assert meetings.clashes(meeting(date(2026, 12, 15), "19:30", "21:00", room="Saal 2")) == []
    assert meetings.clashes(meeting(date(2026, 12, 15), "19:30", "21:00")) == []


def test_same_group_and_same_room_names_both_reasons(setup: tuple[Meetings, int, int]) -> None:
    meetings, ak, _ = setup
    meetings.create(meeting(date(2026, 12, 15), "18:00", "20:00", groups=(ak,), room="Saal 2"))

    [clash] = meetings.clashes(
        meeting(date(2026, 12, 15), "18:00", "19:00", groups=(ak,), room="Saal 2")
    )

    assert clash.message.endswith("(gleiche Gruppe, gleicher Raum: Saal 2).")


def test_times_that_only_touch_do_not_clash(setup: tuple[Meetings, int, int]) -> None:
    meetings, ak, _ = setup
    meetings.create(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), room="Saal 2", rrule=TUESDAY)
    )

    after = meeting(date(2026, 12, 15), "20:00", "21:00", groups=(ak,), room="Saal 2")
    before = meeting(date(2026, 12, 15), "16:00", "18:00", groups=(ak,), room="Saal 2")
    later_series = meeting(
        date(2026, 12, 1), "20:00", "22:00", groups=(ak,), room="Saal 2", rrule=TUESDAY
    )

    assert meetings.clashes(after) == []
    assert meetings.clashes(before) == []
    assert meetings.clashes(later_series) == []
    assert len(meetings.clashes(meeting(date(2026, 12, 15), "19:59", "21:00", groups=(ak,)))) == 1


def test_a_cancelled_date_or_meeting_is_no_clash(setup: tuple[Meetings, int, int]) -> None:
    meetings, ak, _ = setup
    series = meetings.create(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), rrule=TUESDAY)
    ).record
    meetings.cancel_occurrence(series.id, datetime(2026, 12, 15, tzinfo=CITY_ZONE))
    single = meetings.create(
        meeting(date(2026, 12, 16), "18:00", "20:00", title="Fest", groups=(ak,))
    ).record
    meetings.cancel(single)

    assert meetings.clashes(meeting(date(2026, 12, 15), "18:00", "20:00", groups=(ak,))) == []
    assert meetings.clashes(meeting(date(2026, 12, 16), "18:00", "20:00", groups=(ak,))) == []
    # The next Tuesday still takes place.
    [clash] = meetings.clashes(meeting(date(2026, 12, 22), "18:00", "20:00", groups=(ak,)))
    assert clash.meeting_id == series.id


def test_a_moved_date_clashes_at_its_new_time_not_at_its_old_one(
    setup: tuple[Meetings, int, int],
) -> None:
    meetings, ak, _ = setup
    series = meetings.create(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), rrule=TUESDAY)
    ).record
    meetings.move_occurrence(
        series.id,
        datetime(2026, 12, 8, tzinfo=CITY_ZONE),
        start=datetime(2026, 12, 10, 17, 0, tzinfo=CITY_ZONE),
        end=datetime(2026, 12, 10, 19, 0, tzinfo=CITY_ZONE),
        room="Kleiner Saal",
    )

    assert meetings.clashes(meeting(date(2026, 12, 8), "18:00", "20:00", groups=(ak,))) == []
    [clash] = meetings.clashes(meeting(date(2026, 12, 10), "18:30", "19:30", groups=(ak,)))
    assert clash.start == datetime(2026, 12, 10, 16, 0, tzinfo=UTC)
    assert clash.message.startswith("Am Do 10.12.2026, 17:00–19:00 trifft sich")
    # The moved date took its new room along: it clashes there, too.
    [by_room] = meetings.clashes(
        meeting(date(2026, 12, 10), "18:00", "18:30", title="Chor", room="kleiner saal")
    )
    assert by_room.room == "Kleiner Saal"


def test_an_edited_meeting_does_not_clash_with_itself_and_keeps_its_own_cancellations(
    setup: tuple[Meetings, int, int],
) -> None:
    meetings, ak, other = setup
    series = meetings.create(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), rrule=TUESDAY)
    ).record
    meetings.cancel_occurrence(series.id, datetime(2026, 12, 15, tzinfo=CITY_ZONE))
    meetings.create(meeting(date(2026, 12, 15), "18:00", "20:00", title="Feier", groups=(ak,)))
    edited = meeting(date(2026, 12, 1), "18:00", "20:30", groups=(ak, other), rrule=TUESDAY)

    assert meetings.clashes(edited, exclude_meeting_id=series.id) == []
    assert meetings.clashes(edited)  # as a new series, it would clash with itself


def test_a_series_is_compared_only_up_to_its_end_and_other_groups_do_not_clash(
    setup: tuple[Meetings, int, int],
) -> None:
    meetings, ak, other = setup
    meetings.create(meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), rrule=TUESDAY))
    short = RecurrenceRule.weekly(1, until=date(2026, 12, 15)).to_rrule()

    clashes = meetings.clashes(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(ak,), rrule=short)
    )
    unrelated = meetings.clashes(
        meeting(date(2026, 12, 1), "18:00", "20:00", groups=(other,), rrule=TUESDAY)
    )

    assert [c.start.date() for c in clashes] == [
        date(2026, 12, 1),
        date(2026, 12, 8),
        date(2026, 12, 15),
    ]
    assert unrelated == []


def test_unfinished_input_has_no_clashes(setup: tuple[Meetings, int, int]) -> None:
    meetings, ak, _ = setup
    meetings.create(meeting(date(2026, 12, 15), "18:00", "20:00", groups=(ak,)))

    assert meetings.clashes(MeetingInput(title="AK", group_ids=[ak])) == []
    backwards = meeting(date(2026, 12, 15), "20:00", "18:00", groups=(ak,))
    assert meetings.clashes(backwards) == []
