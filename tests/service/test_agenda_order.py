"""The agenda's one rule of order: what add_item returns is what is stored and what comes back
on reopening, a new TOP goes before a trailing "Verschiedenes", and a move is one place."""

from __future__ import annotations

from datetime import date, datetime

from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import GroupKind, MeetingKind
from koordination.domain.inputs.directory import GroupInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import ItemInput
from koordination.domain.records.meetings import SittingRecord
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.services.sittings.service import Sittings

CLOCK = Clock.on(date(2026, 9, 1))


def numbered(record: SittingRecord) -> list[tuple[str, str]]:
    return [(i.number, i.title) for i in record.items]


def test_new_items_keep_their_place_and_number_before_and_after_reopening(db: Database) -> None:
    group = Directory(db, CLOCK).create_group(GroupInput("AK Test", GroupKind.ARBEITSKREIS))
    series = (
        Meetings(db, clock=CLOCK)
        .create(
            MeetingInput(
                title="AK Test",
                kind=MeetingKind.ARBEITSKREIS,
                start=datetime(2026, 9, 8, 18),
                end=datetime(2026, 9, 8, 20),
                group_ids=[group.record.id],
                rrule=RecurrenceRule.monthly_on_weekday(2, 1, count=3).to_rrule(),
            )
        )
        .record
    )
    minutes = Sittings(db, clock=CLOCK)
    when = datetime(2026, 9, 8, 18, tzinfo=CITY_ZONE)
    sitting = minutes.open(series.id, when)
    assert sitting.items[-1].title == "Verschiedenes"

    added = minutes.add_item(sitting.id, ItemInput("Stadtteilfest"))
    # What the face shows right after adding is the stored order, with the stored numbers.
    assert numbered(added)[-2:] == [("5", "Stadtteilfest"), ("6", "Verschiedenes")]
    assert numbered(minutes.get(sitting.id)) == numbered(added)
    assert numbered(minutes.open(series.id, when)) == numbered(added)

    again = minutes.add_item(sitting.id, ItemInput("Haushalt"))
    assert numbered(again)[-3:] == [
        ("5", "Stadtteilfest"),
        ("6", "Haushalt"),
        ("7", "Verschiedenes"),
    ]
    fest = next(i for i in again.items if i.title == "Stadtteilfest")
    sub = minutes.add_item(sitting.id, ItemInput("Finanzierung"), parent_id=fest.id)
    assert numbered(sub)[-4:] == [
        ("5", "Stadtteilfest"),
        ("5.1", "Finanzierung"),
        ("6", "Haushalt"),
        ("7", "Verschiedenes"),
    ]

    # Up is one place up, whatever positions older data left behind.
    haushalt = next(i for i in sub.items if i.title == "Haushalt")
    minutes.move_item(haushalt.id, -1)
    assert [t for _n, t in numbered(minutes.get(sitting.id))][-4:] == [
        "Haushalt",
        "Stadtteilfest",
        "Finanzierung",
        "Verschiedenes",
    ]
    minutes.move_item(haushalt.id, 1)
    assert numbered(minutes.get(sitting.id)) == numbered(sub)

    # Moved away from the end, "Verschiedenes" is an item like any other: new ones go last.
    aob = next(i for i in sub.items if i.title == "Verschiedenes")
    minutes.move_item(aob.id, -1)
    last = minutes.add_item(sitting.id, ItemInput("Termine"))
    assert [t for _n, t in numbered(last)][-3:] == ["Verschiedenes", "Haushalt", "Termine"]
    assert numbered(minutes.get(sitting.id)) == numbered(last)
