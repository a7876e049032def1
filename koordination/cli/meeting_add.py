"""`koordination meetings add`: a meeting or a weekly or monthly series from the command line,
with the same checks and warnings as the form (holidays, the past, clashes)."""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from koordination.cli.common import command, day, err, group_id, note, number, open_core, when
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.domain.enums import MeetingKind

_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def register(meeting_actions: Any) -> None:
    add = command(meeting_actions, "add", "einen Termin oder eine Serie anlegen")
    add.add_argument("title", metavar="TITEL", help="Titel des Termins")
    add.add_argument(
        "--start", type=when, required=True, metavar="ZEITPUNKT", help="Beginn (15.12.2026 18:00)"
    )
    add.add_argument(
        "--end", required=True, metavar="ZEIT", help="Ende: Uhrzeit (20:00) oder Zeitpunkt"
    )
    add.add_argument("--kind", type=meeting_kind, metavar="ART", help="Art (z. B. Arbeitskreis)")
    add.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="GRUPPE",
        help="Gruppe des Termins (Name oder Nr., mehrfach möglich)",
    )
    add.add_argument("--room", default="", metavar="RAUM", help="Raum")
    add.add_argument("--address", default="", metavar="ADRESSE", help="Adresse")
    add.add_argument("--online", default="", metavar="LINK", help="Link für die Online-Teilnahme")
    add.add_argument("--private", action="store_true", help="nicht im öffentlichen Kalender")
    repeat = add.add_mutually_exclusive_group()
    repeat.add_argument("--weekly", action="store_true", help="jede Woche am Wochentag des Beginns")
    repeat.add_argument(
        "--monthly",
        action="store_true",
        help="jeden Monat am selben Wochentag (etwa jeden 2. Dienstag im Monat)",
    )
    ends = add.add_mutually_exclusive_group()
    ends.add_argument("--until", type=day, metavar="DATUM", help="Serie endet an diesem Tag")
    ends.add_argument("--count", type=number, metavar="ANZAHL", help="Serie mit so vielen Terminen")
    add.set_defaults(handler=cmd_add)


def meeting_kind(text: str) -> MeetingKind:
    from koordination.domain.enums import MeetingKind

    found = MeetingKind.parse(text)
    if found is None:
        names = ", ".join(k.label for k in MeetingKind)
        raise argparse.ArgumentTypeError(f"„{text}“ ist keine Art von Termin ({names})")
    return found


def _end(start: datetime, text: str) -> datetime:
    """A time alone ends the meeting on the day it begins."""
    from koordination.domain.inputs.validation import parse_time

    try:
        if re.fullmatch(r"\s*\d{1,2}(?:[:.]?\d{2})?\s*(?:[Uu]hr)?\s*", text):
            return datetime.combine(start.date(), parse_time(text), tzinfo=start.tzinfo)
        return when(text)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise KoordinationError(f"Ende: {exc}") from None


def _rrule(args: argparse.Namespace, start: datetime) -> str | None:
    from koordination.calendar.recurrence import RecurrenceRule

    if not (args.weekly or args.monthly):
        if args.until or args.count:
            raise KoordinationError("--until und --count gelten nur mit --weekly oder --monthly.")
        return None
    if args.weekly:
        rule = RecurrenceRule.weekly(start.weekday(), until=args.until, count=args.count)
    else:
        nth = (start.day - 1) // 7 + 1
        rule = RecurrenceRule.monthly_on_weekday(
            -1 if nth == 5 else nth, start.weekday(), until=args.until, count=args.count
        )
    return rule.to_rrule()


def cmd_add(args: argparse.Namespace) -> int:
    from koordination.calendar.recurrence import RecurrenceRule
    from koordination.domain.enums import MeetingKind
    from koordination.domain.inputs.meetings import MeetingInput

    start: datetime = args.start
    end = _end(start, args.end)
    rrule = _rrule(args, start)
    core = open_core(args)
    groups = [group_id(core.directory, name) for name in args.group]
    data = MeetingInput(
        title=args.title,
        kind=args.kind or MeetingKind.SONSTIGES,
        start=start,
        end=end,
        address=args.address,
        room=args.room,
        online_url=args.online,
        group_ids=[g for g in groups if g is not None],
        public=not args.private,
        rrule=rrule,
    )
    meetings = core.meetings
    saved = meetings.create(data)
    m = saved.record
    when_text = f"{_WEEKDAYS[m.start.weekday()]} {m.start:%d.%m.%Y %H:%M}–{m.end:%H:%M}"
    print(f"Termin Nr. {m.id} angelegt: {when_text} {m.title}")
    if m.rrule:
        print(f"Serie: {RecurrenceRule.from_rrule(m.rrule).describe()}")
    for warning in saved.warnings:
        note(f"Hinweis: {warning}")
    # A clash is a warning, not a refusal: the meeting is saved, the user is told.
    for line in meetings.clash_warnings(data, exclude_meeting_id=m.id):
        err(f"Achtung: {line}")
    return 0
