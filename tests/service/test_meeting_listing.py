"""The dates of a window as the lists read them (services/meetings/listing.py): the same dates
as each meeting's calendar event expanded through the ORM, in a fixed number of statements
however many meetings there are, and ``meetings list --json`` exactly as the JSON encoder
writes them. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from koordination.calendar.recurrence import RecurrenceRule, expand
from koordination.cli.meetings import dates_json
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import GroupKind, MeetingKind, MeetingStatus
from koordination.domain.inputs.directory import GroupInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.records.meetings import OccurrenceRow
from koordination.services.directory.service import Directory
from koordination.services.meetings.listing import DateRow, window_dates
from koordination.services.meetings.service import Meetings

NOW = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CITY_ZONE)


def _meeting(title: str, start: datetime, hours: int = 2, **more: Any) -> MeetingInput:
    return MeetingInput(
        title=title,
        kind=more.pop("kind", MeetingKind.ARBEITSKREIS),
        start=start.replace(tzinfo=None),
        end=(start + timedelta(hours=hours)).replace(tzinfo=None),
        address=more.pop("address", "Rathaus, Marktplatz 3"),
        room=more.pop("room", "Saal 2"),
        **more,
    )


def _city(meetings: Meetings, groups: list[int], copies: int = 1) -> None:
    """Series across both switches of the clock with moved and cancelled dates, single
    meetings inside, across and outside the window, a cancelled one, online ones, groups."""
    for n in range(copies):
        weekly = meetings.create(
            _meeting(
                f"AK „Stadtteil“ {n}",
                _at(2027, 2, 2, 18),
                group_ids=groups,
                rrule=RecurrenceRule.weekly(1, 3, interval=2, until=date(2027, 11, 30)).to_rrule(),
            )
        ).record
        # over the switch to summer time, and to another place
        meetings.move_occurrence(
            weekly.id, _at(2027, 3, 30), start=_at(2027, 3, 31, 19), room="Saal 1"
        )
        meetings.move_occurrence(weekly.id, _at(2027, 4, 13), address="Webergasse 7\n35999 Ort")
        meetings.cancel_occurrence(weekly.id, _at(2027, 10, 26))
        monthly = meetings.create(
            _meeting(
                f"Konsortium {n}",
                _at(2027, 1, 29, 9, 30),
                hours=3,
                kind=MeetingKind.KONSORTIUMSSITZUNG,
                group_ids=groups[:1],
                rrule=RecurrenceRule.monthly_on_weekday(-1, 4, count=14).to_rrule(),
            )
        ).record
        meetings.move_occurrence(monthly.id, _at(2027, 5, 28), start=_at(2027, 6, 1, 14))
        meetings.cancel_occurrence(monthly.id, _at(2027, 7, 30))
        for day, title in ((3, "Werkstatt"), (20, "Netzwerk \\ Treffen"), (27, "Nachtcafé")):
            meetings.create(
                _meeting(f"{title} {n}", _at(2027, 3, day, 20), hours=30, group_ids=groups[1:])
            )
        meetings.create(_meeting(f"Am Rand {n}", _at(2026, 12, 31, 22), hours=6))
        meetings.create(_meeting(f"Vorher {n}", _at(2026, 11, 3, 18)))
        meetings.create(
            _meeting(
                f"Online {n}",
                _at(2027, 8, 4, 17),
                address="",
                room="",
                online_url="https://x.example/a",
            )
        )
        gone = meetings.create(_meeting(f"Abgesagt {n}", _at(2027, 9, 1, 18))).record
        meetings.cancel(gone)


@pytest.fixture
def calendar(built_db: Callable[..., tuple[Database, list[int]]]) -> tuple[Meetings, list[int]]:
    """Two groups' year of meetings (``_city``), written once per run and backend and copied
    per test."""
    db, groups = built_db(_build_calendar)
    return Meetings(db, clock=Clock.fixed(NOW), organizer=("Stelle", "stelle@example.org")), groups


def _build_calendar(db: Database) -> list[int]:
    directory = Directory(db, Clock.on(NOW.date()))
    groups = [
        directory.create_group(GroupInput(name=name, kind=GroupKind.ARBEITSKREIS)).record.id
        for name in ("AK Bildung", "AK Kultur")
    ]
    meetings = Meetings(db, clock=Clock.fixed(NOW), organizer=("Stelle", "stelle@example.org"))
    _city(meetings, groups)
    return groups


WINDOW = (_at(2027, 1, 1), _at(2028, 1, 1))


def orm_dates(
    meetings: Meetings, start: datetime, end: datetime, group: int | None
) -> list[DateRow]:
    """The dates as each meeting's record and calendar event, loaded through the ORM, give
    them."""
    rows = []
    for record in meetings.list_meetings():
        if group is not None and group not in record.group_ids:
            continue
        for o in expand(meetings.event(record.id), start, end):
            place = o.place.location if o.place.address or o.place.room else ""
            status = MeetingStatus.ABGESAGT if o.cancelled else record.status
            groups = tuple(sorted(record.group_names))
            rows.append(
                DateRow(
                    record.id,
                    record.uid,
                    o.recurrence_id,
                    o.start,
                    o.end,
                    record.title,
                    record.kind,
                    place,
                    o.place.online_url,
                    status,
                    o.moved,
                    groups,
                )
            )
    return sorted(rows, key=lambda r: (r[3], r[5], r[0]))


@pytest.mark.parametrize("which", ["alle", "Gruppe", "ein Monat"])
def test_the_window_holds_the_dates_the_calendar_events_give(
    calendar: tuple[Meetings, list[int]], which: str
) -> None:
    meetings, groups = calendar
    db = meetings.db
    start, end = (_at(2027, 3, 1), _at(2027, 4, 1)) if which == "ein Monat" else WINDOW
    group = groups[1] if which == "Gruppe" else None
    found = window_dates(db, start, end, group)
    assert found == orm_dates(meetings, start, end, group)
    assert len(found) > (5 if which == "ein Monat" else 30)
    assert all(r.start.tzinfo is CITY_ZONE and r.end.tzinfo is CITY_ZONE for r in found)
    # what the interface lists is the same
    assert meetings.occurrences(start, end, group) == [OccurrenceRow(*r) for r in found]


def _statements(db: Database) -> int:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        window_dates(db, *WINDOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_window_takes_the_same_few_statements_however_many_meetings(
    calendar: tuple[Meetings, list[int]],
) -> None:
    meetings, groups = calendar
    db = meetings.db
    before = _statements(db)
    _city(meetings, groups, copies=6)
    assert len(window_dates(db, *WINDOW)) > 6 * 30
    assert _statements(db) == before <= 4  # meetings, overrides, groups (and SQLite's BEGIN)


def test_the_json_list_is_what_the_json_encoder_writes() -> None:
    tricky = 'Er sagte „Hallo“ und "tschüss" \\ \t\x01 – 🙂\nzweite Zeile'
    winter = _at(2027, 1, 12, 18)
    summer = _at(2027, 7, 13, 18)
    rows = [
        DateRow(
            meeting_id=1,
            uid="a@x",
            recurrence_id=winter,
            start=winter,
            end=winter + timedelta(hours=2),
            title=tricky,
            kind=MeetingKind.WERKSTATT,
            place=tricky,
            online_url="",
            status=MeetingStatus.GEPLANT,
            moved=False,
            groups=(),
        ),
        DateRow(
            meeting_id=2,
            uid=tricky,
            recurrence_id=summer,
            start=summer + timedelta(days=1),
            end=summer + timedelta(days=1, hours=1),
            title="T",
            kind=MeetingKind.SONSTIGES,
            place="",
            online_url='https://x.example/?a=1&b="',
            status=MeetingStatus.ABGESAGT,
            moved=True,
            groups=("AK Bildung", tricky),
        ),
    ]
    encode = json.JSONEncoder(ensure_ascii=False).encode
    expected = [
        encode(
            {
                "meeting_id": r.meeting_id,
                "uid": r.uid,
                "recurrence_id": r.recurrence_id.isoformat(),
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
                "title": r.title,
                "kind": r.kind.label,
                "place": r.place,
                "online_url": r.online_url,
                "status": r.status.label,
                "moved": r.moved,
                "groups": list(r.groups),
            }
        )
        for r in rows
    ]
    assert dates_json(rows) == "[\n  " + ",\n  ".join(expected) + "\n]\n"
    assert json.loads(dates_json(rows))[1]["start"] == "2027-07-14T18:00:00+02:00"
    assert dates_json([]) == "[]\n"
