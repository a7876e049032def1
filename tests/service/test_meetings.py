"""The meetings service on SQLite and PostgreSQL: series, exceptions, consent, delivery, replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from support.consents import give_consent, withdraw_consent

from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Bundesland,
    ConsentPurpose,
    GroupKind,
    MeetingKind,
    MeetingStatus,
    ResponseStatus,
)
from koordination.domain.inputs.directory import CityProfileInput, GroupInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.errors import ValidationError
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Reply:
    uid: str
    attendee_email: str
    partstat: str
    sequence: int
    dtstamp: datetime
    recurrence_id: datetime | None = None
    source: str = "test"


@pytest.fixture
def city(
    built_db: Callable[..., tuple[Database, tuple[Clock, int, dict[str, int]]]],
) -> tuple[Directory, Meetings, int, dict[str, int]]:
    """An office, a working group of three — one without consent, one who withdrew it; built
    once per run and backend and copied per test, the directory's clock running on from the
    build's."""
    db, (clock, group_id, people) = built_db(_build_city)
    return Directory(db, clock), Meetings(db, clock=Clock.fixed(NOW)), group_id, people


def _build_city(db: Database) -> tuple[Clock, int, dict[str, int]]:
    clock = Clock.on(date(2026, 11, 22))
    directory = Directory(db, clock)
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Wiesenbrück",
            office_email="engagiert@wiesenbrueck.example.org",
        ),
    )
    group = directory.create_group(
        GroupInput(name="AK Stadtteilarbeit", kind=GroupKind.ARBEITSKREIS)
    )
    people: dict[str, int] = {}
    for given, family in (("Anna", "Schäfer"), ("Bernd", "Krüger"), ("Clara", "Weiß")):
        email = f"{given.lower()}@example.org"
        pid = directory.create_person(
            PersonInput(given_name=given, family_name=family, emails=[email])
        ).record.id
        people[given] = pid
        directory.add_membership(group.record.id, pid)
    give_consent(directory, people["Anna"], ConsentPurpose.EINLADUNGEN)
    withdrawn = give_consent(directory, people["Clara"], ConsentPurpose.EINLADUNGEN)
    withdraw_consent(directory, withdrawn.id)
    return clock, group.record.id, people


def _series(group_id: int, **changes: object) -> MeetingInput:
    data = MeetingInput(
        title="AK Stadtteilarbeit",
        kind=MeetingKind.ARBEITSKREIS,
        start=datetime(2026, 9, 8, 18, 0),
        end=datetime(2026, 9, 8, 20, 0),
        address="Rathaus, Marktplatz 3",
        room="Saal 2",
        group_ids=[group_id],
        rrule=RecurrenceRule.monthly_on_weekday(2, 1, until=date(2027, 6, 30)).to_rrule(),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CITY_ZONE)


def test_series_expands_in_wall_clock_time_across_daylight_saving(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    rows = meetings.occurrences(_local(2026, 9, 1), _local(2027, 7, 1))
    assert [r.start for r in rows][:4] == [
        _local(2026, 9, 8, 18),
        _local(2026, 10, 13, 18),
        _local(2026, 11, 10, 18),  # after the switch to winter time: still 18:00
        _local(2026, 12, 8, 18),
    ]
    assert len(rows) == 10
    assert all(r.uid == m.uid for r in rows)


def test_moved_and_cancelled_occurrences_show_in_the_list(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.move_occurrence(
        m.id, _local(2026, 12, 8), start=_local(2026, 12, 15, 18), room="Saal 1"
    )
    meetings.cancel_occurrence(m.id, _local(2027, 1, 12))
    rows = {
        r.recurrence_id.date(): r
        for r in meetings.occurrences(_local(2026, 12, 1), _local(2027, 2, 1))
    }
    moved = rows[date(2026, 12, 8)]
    assert (moved.start, moved.end, moved.moved) == (
        _local(2026, 12, 15, 18),
        _local(2026, 12, 15, 20),
        True,
    )
    assert "Saal 1" in moved.place
    assert rows[date(2027, 1, 12)].status == MeetingStatus.ABGESAGT
    with pytest.raises(ValidationError, match="findet kein Termin dieser Serie statt"):
        meetings.cancel_occurrence(m.id, _local(2027, 1, 13))


def test_holiday_warning_names_the_holiday(city: tuple) -> None:
    _, meetings, group_id, _ = city
    data = _series(
        group_id,
        start=datetime(2026, 12, 25, 10),
        end=datetime(2026, 12, 25, 12),
        rrule=RecurrenceRule.weekly(4, count=3).to_rrule(),
    )
    warnings = meetings.create(data).warnings
    assert any("25.12.2026" in w and "Weihnacht" in w for w in warnings)


def test_only_people_with_consent_and_address_receive_invitations(city: tuple) -> None:
    _, meetings, group_id, _people = city
    m = meetings.create(_series(group_id)).record
    assert meetings.invite(m.id, group_ids=[group_id]) == 3
    plan = meetings.plan_delivery(m.id)
    assert [(d.name, d.method) for d in plan.deliveries] == [("Anna Schäfer", "REQUEST")]
    assert dict(plan.excluded) == {
        "Bernd Krüger": "keine Einwilligung für Einladungen",
        "Clara Weiß": "Einwilligung für Einladungen widerrufen",
    }
    cal = Calendar.from_ical(plan.deliveries[0].ics)
    assert cal["METHOD"] == "REQUEST"
    attendees = [str(c["ATTENDEE"]) for c in cal.walk("VEVENT")]
    assert attendees == ["mailto:anna@example.org"]


def test_nothing_is_sent_twice_unless_the_meeting_changed(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    again = meetings.plan_delivery(m.id)
    assert again.deliveries == () and again.up_to_date == 1
    assert meetings.get(m.id).status == MeetingStatus.EINGELADEN

    # A cancelled occurrence goes out as CANCEL for that date, with the higher SEQUENCE.
    meetings.cancel_occurrence(m.id, _local(2026, 11, 10))
    plan = meetings.plan_delivery(m.id)
    (cancel,) = plan.deliveries
    assert (cancel.method, cancel.recurrence_id) == ("CANCEL", _local(2026, 11, 10, 18))
    event = next(iter(Calendar.from_ical(cancel.ics).walk("VEVENT")))
    assert int(event["SEQUENCE"]) == plan.meeting.sequence == 1
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    assert meetings.plan_delivery(m.id).deliveries == ()

    # A new room is a change of place: the whole series goes out again as REQUEST.
    current = meetings.get(m.id)
    meetings.update(current, _series(group_id, room="Saal 3"))
    (update,) = meetings.plan_delivery(m.id).deliveries
    assert update.method == "REQUEST"
    assert int(next(iter(Calendar.from_ical(update.ics).walk("VEVENT")))["SEQUENCE"]) == 2


def test_removed_person_and_cancelled_series_get_cancel(city: tuple) -> None:
    _, meetings, group_id, people = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    meetings.uninvite(m.id, people["Anna"])
    (cancel,) = meetings.plan_delivery(m.id).deliveries
    assert (cancel.method, cancel.email) == ("CANCEL", "anna@example.org")
    assert Calendar.from_ical(cancel.ics)["METHOD"] == "CANCEL"
    meetings.mark_delivered(m.id, [cancel], meetings.get(m.id).sequence)
    assert meetings.plan_delivery(m.id).deliveries == ()

    meetings.invite(m.id, person_ids=[people["Anna"]])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    meetings.cancel(meetings.get(m.id))
    (cancel,) = meetings.plan_delivery(m.id).deliveries
    event = next(iter(Calendar.from_ical(cancel.ics).walk("VEVENT")))
    assert (cancel.method, str(event["STATUS"])) == ("CANCEL", "CANCELLED")


def test_withdrawn_consent_stops_invitations_of_a_scheduled_series(city: tuple) -> None:
    directory, meetings, group_id, people = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    consent = directory.get_person(people["Anna"]).consents[0]
    withdraw_consent(directory, consent.id)
    meetings.update(meetings.get(m.id), _series(group_id, room="Saal 9"))
    plan = meetings.plan_delivery(m.id)
    # One CANCEL takes the series out of Anna's calendar; the change itself is not sent.
    assert [(d.name, d.method) for d in plan.deliveries] == [("Anna Schäfer", "CANCEL")]
    assert ("Anna Schäfer", "Einwilligung für Einladungen widerrufen") in plan.excluded
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    assert meetings.plan_delivery(m.id).deliveries == ()
    assert meetings.plan_delivery(m.id, everything=True).deliveries == ()


def test_consent_given_again_after_a_withdrawal_brings_the_invitations_back(city: tuple) -> None:
    directory, meetings, group_id, people = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    assert ("Clara Weiß", "Einwilligung für Einladungen widerrufen") in plan.excluded
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)

    # Clara withdrew once; now she consents again: the withdrawn row stays, a new one is added.
    give_consent(directory, people["Clara"], ConsentPurpose.EINLADUNGEN)
    plan = meetings.plan_delivery(m.id)
    assert [(d.name, d.method, d.email) for d in plan.deliveries] == [
        ("Clara Weiß", "REQUEST", "clara@example.org")
    ]
    assert "Clara Weiß" not in dict(plan.excluded)
    row = next(r for r in meetings.invitation_list(m.id) if r.name == "Clara Weiß")
    assert row.excluded_because == ""


def test_a_consent_dated_after_now_does_not_count_yet(city: tuple) -> None:
    directory, meetings, group_id, people = city
    give_consent(
        directory, people["Bernd"], ConsentPurpose.EINLADUNGEN, given_at=NOW - timedelta(days=1)
    )
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    assert "Bernd Krüger" not in dict(meetings.plan_delivery(m.id).excluded)
    # Seen a day before Bernd signed, the same list leaves him out.
    earlier = Meetings(meetings.db, clock=Clock.fixed(NOW - timedelta(days=2)))
    assert dict(earlier.plan_delivery(m.id).excluded)["Bernd Krüger"] == (
        "keine Einwilligung für Einladungen"
    )


def test_replies_update_status_and_late_replies_do_not_overwrite(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    newer = Reply(m.uid, "ANNA@example.org", "DECLINED", 0, NOW)
    older = Reply(m.uid, "anna@example.org", "ACCEPTED", 0, NOW - timedelta(hours=2))
    one_date = Reply(m.uid, "anna@example.org", "ACCEPTED", 0, NOW, _local(2026, 12, 8, 18))
    report = meetings.apply_replies([newer, older, one_date, newer])
    assert (report.applied, report.ignored_older, report.already) == (2, 1, 1)
    (row,) = [r for r in meetings.invitation_list(m.id) if r.name == "Anna Schäfer"]
    assert row.status == ResponseStatus.ABGESAGT
    assert row.occurrence_answers == ((_local(2026, 12, 8, 18), ResponseStatus.ZUGESAGT),)

    report = meetings.apply_replies(
        [
            Reply("unbekannt@elsewhere", "anna@example.org", "ACCEPTED", 0, NOW),
            Reply(m.uid, "bernd@example.org", "ACCEPTED", 0, NOW),
            Reply(m.uid, "fremd@example.org", "ACCEPTED", 0, NOW),
        ]
    )
    assert report.applied == 0
    assert len(report.problems) == 3
    assert "unbekannter Termin" in report.problems[0]
    assert "nicht eingeladen" in report.problems[1]


def test_split_series_keeps_the_past_and_carries_invitees_over(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    new = meetings.split_series(
        meetings.get(m.id),
        date(2027, 1, 1),
        _series(
            group_id,
            start=datetime(2027, 1, 14, 17),
            end=datetime(2027, 1, 14, 19),
            rrule=RecurrenceRule.monthly_on_weekday(2, 3, until=date(2027, 6, 30)).to_rrule(),
        ),
    ).record
    rows = meetings.occurrences(_local(2026, 12, 1), _local(2027, 3, 1))
    assert [(r.meeting_id, r.start) for r in rows] == [
        (m.id, _local(2026, 12, 8, 18)),
        (new.id, _local(2027, 1, 14, 17)),
        (new.id, _local(2027, 2, 11, 17)),
    ]
    assert new.previous_id == m.id
    assert len(meetings.invitation_list(new.id)) == 3


def test_meeting_input_is_validated_in_german(city: tuple) -> None:
    _, meetings, _group_id, _ = city
    with pytest.raises(ValidationError) as err:
        meetings.create(
            MeetingInput(
                title="Zeile\nBCC:x",
                start=datetime(2026, 12, 1, 18),
                end=datetime(2026, 12, 1, 17),
            )
        )
    assert "Ende: muss nach dem Beginn liegen." in err.value.message
    assert "Titel: darf keinen Zeilenumbruch enthalten." in err.value.message


def test_series_must_start_on_one_of_its_dates(city: tuple) -> None:
    _, meetings, group_id, _ = city
    wednesday = _series(group_id, start=datetime(2026, 9, 9, 18), end=datetime(2026, 9, 9, 20))
    with pytest.raises(ValidationError, match=r"passt nicht zur Wiederholung „jeden 2\. Dienstag"):
        meetings.create(wednesday)


def test_a_moved_date_can_be_cancelled_by_its_old_or_its_new_day(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.move_occurrence(m.id, _local(2026, 12, 8), start=_local(2026, 12, 15, 18))
    meetings.move_occurrence(m.id, _local(2026, 12, 15), room="Saal 7")  # by its new day
    meetings.cancel_occurrence(m.id, _local(2026, 12, 8))  # by its original day
    (row,) = meetings.occurrences(_local(2026, 12, 1), _local(2026, 12, 31))
    assert (row.recurrence_id, row.status) == (_local(2026, 12, 8, 18), MeetingStatus.ABGESAGT)


def test_changing_the_time_of_a_series_keeps_its_moved_and_cancelled_dates(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.move_occurrence(m.id, _local(2026, 12, 8), start=_local(2026, 12, 15, 18))
    meetings.cancel_occurrence(m.id, _local(2027, 1, 12))
    later = _series(group_id, start=datetime(2026, 9, 8, 19), end=datetime(2026, 9, 8, 21))
    saved = meetings.update(meetings.get(m.id), later)
    assert not [w for w in saved.warnings if "entfernt" in w]
    rows = meetings.occurrences(_local(2026, 12, 1), _local(2027, 2, 1))
    assert [(r.recurrence_id, r.start, r.moved) for r in rows] == [
        (_local(2026, 12, 8, 19), _local(2026, 12, 15, 18), True),
        (_local(2027, 1, 12, 19), _local(2027, 1, 12, 19), False),
    ]
    assert rows[1].status == MeetingStatus.ABGESAGT
    # A rule on another weekday no longer has those dates: they go, with a warning.
    wednesday = _series(
        group_id,
        start=datetime(2026, 9, 9, 19),
        end=datetime(2026, 9, 9, 21),
        rrule=RecurrenceRule.monthly_on_weekday(2, 2, until=date(2027, 6, 30)).to_rrule(),
    )
    saved = meetings.update(meetings.get(m.id), wednesday)
    assert sum("passt nicht mehr zur Serie" in w for w in saved.warnings) == 2


def test_split_series_takes_later_exceptions_along(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.cancel_occurrence(m.id, _local(2027, 3, 9))
    new = meetings.split_series(
        meetings.get(m.id),
        date(2027, 1, 1),
        _series(group_id, start=datetime(2027, 1, 12, 17), end=datetime(2027, 1, 12, 19)),
    ).record
    rows = meetings.occurrences(_local(2027, 3, 1), _local(2027, 3, 31))
    assert [(r.meeting_id, r.start, r.status) for r in rows] == [
        (new.id, _local(2027, 3, 9, 17), MeetingStatus.ABGESAGT)
    ]


def test_a_person_taken_off_the_list_stays_off_when_the_group_is_invited_again(
    city: tuple,
) -> None:
    _, meetings, group_id, people = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    meetings.uninvite(m.id, people["Anna"])
    assert meetings.invite(m.id, group_ids=[group_id]) == 0
    (cancel,) = meetings.plan_delivery(m.id).deliveries
    assert cancel.method == "CANCEL"
    assert meetings.invite(m.id, person_ids=[people["Anna"]]) == 1


def test_everything_plans_the_current_state_for_all_again(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    assert meetings.plan_delivery(m.id).deliveries == ()
    again = meetings.plan_delivery(m.id, everything=True)
    assert [d.method for d in again.deliveries] == ["REQUEST"]


def test_a_cancelled_moved_date_is_named_by_the_day_it_was_moved_to(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    meetings.move_occurrence(m.id, _local(2027, 2, 9), start=_local(2027, 2, 11, 18))
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    meetings.cancel_occurrence(m.id, _local(2027, 2, 11))
    (cancel,) = meetings.plan_delivery(m.id).deliveries
    assert cancel.recurrence_id == _local(2027, 2, 9, 18)
    assert cancel.occurrence_start == _local(2027, 2, 11, 18)
    from koordination.services.meetings.dispatch import label
    from koordination.services.meetings.invitation_text import subject

    assert label(cancel) == "Absage 11.02.2027"
    assert "11.02.2027" in subject(meetings.get(m.id), "CANCEL", cancel.occurrence_start)


def test_uids_use_the_office_domain_and_past_dates_are_flagged(city: tuple) -> None:
    _, meetings, group_id, _ = city
    saved = meetings.create(
        _series(group_id, start=datetime(2026, 1, 13, 18), end=datetime(2026, 1, 13, 20))
    )
    assert saved.record.uid.endswith("@wiesenbrueck.example.org")
    assert "Der Termin liegt in der Vergangenheit." in saved.warnings


def test_a_changed_address_gets_the_invitation_and_the_old_one_a_cancellation(
    city: tuple,
) -> None:
    directory, meetings, group_id, people = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    anna = directory.get_person(people["Anna"])
    directory.update_person(
        anna, PersonInput(given_name="Anna", family_name="Schäfer", emails=["anna@neu.example"])
    )
    plan = meetings.plan_delivery(m.id)
    assert [(d.method, d.email) for d in plan.deliveries] == [
        ("CANCEL", "anna@example.org"),
        ("REQUEST", "anna@neu.example"),
    ]
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    assert meetings.plan_delivery(m.id).deliveries == ()


_SHOWN_IN_CALENDARS: dict[str, object] = {
    "title": "AK Stadtteilarbeit (neu)",
    "description": "Bitte Unterlagen mitbringen.",
    "start": datetime(2026, 9, 8, 19, 0),
    "end": datetime(2026, 9, 8, 21, 0),
    "address": "Bürgerhaus, Lindenweg 1",
    "room": "Saal 3",
    "online_url": "https://treffen.example.org/ak",
    "rrule": RecurrenceRule.monthly_on_weekday(2, 1, until=date(2027, 3, 31)).to_rrule(),
}


@pytest.mark.parametrize("field", sorted(_SHOWN_IN_CALENDARS))
def test_each_change_a_calendar_shows_raises_sequence_and_sends_one_request(
    city: tuple, field: str
) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    assert meetings.get(m.id).sequence == 0

    changed = meetings.update(
        meetings.get(m.id), _series(group_id, **{field: _SHOWN_IN_CALENDARS[field]})
    ).record
    assert changed.sequence == 1
    (update,) = meetings.plan_delivery(m.id).deliveries
    assert (update.name, update.method) == ("Anna Schäfer", "REQUEST")
    event = next(iter(Calendar.from_ical(update.ics).walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 1


@pytest.mark.parametrize(("field", "value"), [("kind", MeetingKind.WERKSTATT), ("public", False)])
def test_internal_fields_change_nothing_in_calendars(
    city: tuple, field: str, value: object
) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)

    changed = meetings.update(meetings.get(m.id), _series(group_id, **{field: value})).record
    assert getattr(changed, field) == value
    assert changed.sequence == 0
    assert meetings.plan_delivery(m.id).deliveries == ()


def test_cancelling_a_series_raises_sequence_and_sends_cancel(city: tuple) -> None:
    _, meetings, group_id, _ = city
    m = meetings.create(_series(group_id)).record
    meetings.invite(m.id, group_ids=[group_id])
    plan = meetings.plan_delivery(m.id)
    meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    meetings.cancel(meetings.get(m.id))
    assert meetings.get(m.id).sequence == 1
    (cancel,) = meetings.plan_delivery(m.id).deliveries
    event = next(iter(Calendar.from_ical(cancel.ics).walk("VEVENT")))
    assert (cancel.method, int(event["SEQUENCE"])) == ("CANCEL", 1)
