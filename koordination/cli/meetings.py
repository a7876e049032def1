"""`koordination meetings`, `invite`, `cancel`, `feed`, `replies`, `caldav`: meetings and
series, invitations and their replies, calendar feeds and CalDAV."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli import meeting_add, review
from koordination.cli.common import (
    actions,
    command,
    group_id,
    number,
    open_core,
    print_json,
    progress,
    when,
)
from koordination.domain.enums import LabeledEnum, MeetingStatus
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.meetings import OccurrenceRow
    from koordination.services.meetings.listing import DateRow
    from koordination.services.meetings.service import Meetings


def register(sub: Any) -> None:
    meetings = command(sub, "meetings", "Termine und Serien anzeigen", cmd_meetings)
    meeting_actions = actions(meetings, "meetings_command")
    listing = command(meeting_actions, "list", "Termine eines Zeitraums (Serien aufgelöst)")
    listing.add_argument("--from", dest="start", type=when, metavar="DATUM", help="ab (heute)")
    listing.add_argument("--to", dest="end", type=when, metavar="DATUM", help="bis (+12 Wochen)")
    listing.add_argument("--group", metavar="GRUPPE", help="nur Termine dieser Gruppe")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")
    show = command(meeting_actions, "show", "einen Termin mit Einladungsliste anzeigen")
    show.add_argument("id", type=number, metavar="NR", help="Nummer des Termins")
    show.add_argument(
        "--json", action="store_true", help="als JSON ausgeben (Termine, Einladungen, Antworten)"
    )
    meeting_add.register(meeting_actions)

    invite = command(
        sub, "invite", "Einladungen als Dateien schreiben oder per E-Mail senden", cmd_invite
    )
    invite.add_argument("id", type=number, metavar="TERMIN", help="Nummer des Termins")
    invite.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="GRUPPE",
        help="zusätzlich diese Gruppe einladen (mehrfach möglich)",
    )
    invite.add_argument(
        "--person",
        action="append",
        default=[],
        type=number,
        metavar="NR",
        help="zusätzlich diese Person als Gast einladen (mehrfach möglich)",
    )
    invite.add_argument(
        "--remove",
        action="append",
        default=[],
        type=number,
        metavar="NR",
        help="diese Person von der Liste nehmen; wer schon eingeladen war, erhält eine Absage",
    )
    invite.add_argument(
        "--all",
        action="store_true",
        help="allen Eingeladenen den aktuellen Stand noch einmal zustellen (etwa per E-Mail, "
        "nachdem Dateien verteilt wurden)",
    )
    invite.add_argument(
        "--out",
        type=Path,
        metavar="ORDNER",
        help="Ordner für die .ics-Dateien (sonst exports/einladungen/…)",
    )
    invite.add_argument("--send", action="store_true", help="per E-Mail (SMTP) senden")
    invite.add_argument(
        "--dry-run", action="store_true", help="nur zeigen, was geschrieben oder gesendet würde"
    )

    cancel = command(
        sub, "cancel", "einen Termin, eine Serie oder einen Serientermin absagen", cmd_cancel
    )
    cancel.add_argument("id", type=number, metavar="TERMIN", help="Nummer des Termins")
    cancel.add_argument(
        "--occurrence", type=when, metavar="DATUM", help="nur diesen Termin der Serie absagen"
    )

    feed = command(sub, "feed", "Kalender zum Abonnieren (.ics) schreiben", cmd_feed)
    feed.add_argument("--group", metavar="GRUPPE", help="nur Termine dieser Gruppe")
    feed.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DATEI",
        required=True,
        help="Zieldatei, z. B. ak-stadtteilarbeit.ics",
    )

    replies = command(sub, "replies", "Antworten auf Einladungen einlesen", cmd_replies)
    replies_actions = actions(replies, "replies_command")
    read = command(replies_actions, "import", "Antworten aus .ics, .eml, mbox oder Maildir")
    read.add_argument("path", type=Path, metavar="PFAD", help="Datei oder Maildir-Ordner")
    command(
        replies_actions,
        "fetch",
        "Antworten aus dem Postfach der Stelle ([imap]) abholen, verbuchen und ablegen",
    )
    review.register(replies_actions)

    caldav = command(sub, "caldav", "Termine in einem CalDAV-Kalender veröffentlichen", cmd_caldav)
    caldav_actions = actions(caldav, "caldav_command")
    publish = command(caldav_actions, "publish", "veröffentlichen, ändern und absagen")
    which = publish.add_mutually_exclusive_group(required=True)
    which.add_argument("--meeting", type=number, metavar="NR", help="nur dieser Termin")
    which.add_argument("--all", action="store_true", help="alle öffentlichen Termine")


#: One date of ``meetings list --json``: its fields in this order, as ``json.dumps`` writes them.
_DATE_JSON = (
    '{"meeting_id": %d, "uid": %s, "recurrence_id": "%s", "start": "%s", "end": "%s", '
    '"title": %s, "kind": %s, "place": %s, "online_url": %s, "status": %s, "moved": %s, '
    '"groups": %s}'
)


class _Quoted(dict[Any, str]):
    """Each text (or an enum's label) as a JSON string, encoded once: two years of dates repeat
    a few hundred titles, places and groups ten thousand times."""

    def __missing__(self, key: Any) -> str:
        if isinstance(key, tuple):
            found = "[" + ", ".join(self[name] for name in key) + "]"
        else:
            found = encode_basestring(key.label if isinstance(key, LabeledEnum) else key)
        self[key] = found
        return found


def dates_json(rows: Sequence[DateRow]) -> str:
    """``meetings list --json``: a list with one object per date and line, as ``print_json``
    writes it; times are ISO 8601 with the offset of the day."""
    quoted = _Quoted()
    lines: list[str] = []
    append = lines.append
    for mid, uid, rid, start, end, title, kind, place, url, status, moved, groups in rows:
        starts = start.isoformat()
        append(
            _DATE_JSON
            % (
                mid,
                quoted[uid],
                starts if rid is start else rid.isoformat(),
                starts,
                end.isoformat(),
                quoted[title],
                quoted[kind],
                quoted[place],
                quoted[url],
                quoted[status],
                "true" if moved else "false",
                quoted[groups],
            )
        )
    return "[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n"


_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def _short(row: OccurrenceRow | DateRow) -> str:
    start, end = row.start, row.end
    # formatted by hand: strftime took as long as the rest of a line
    day = (
        f"{_WEEKDAYS[start.weekday()]} {start.day:02}.{start.month:02}.{start.year} "
        f"{start.hour:02}:{start.minute:02}–{end.hour:02}:{end.minute:02}"
    )
    notes = []
    if row.moved:
        notes.append("verschoben")
    if row.status is MeetingStatus.ABGESAGT:
        notes.append("ABGESAGT")
    note = f" ({', '.join(notes)})" if notes else ""
    where = row.place or ("online" if row.online_url else "")
    return f"{day}  Nr. {row.meeting_id:<4} {row.title}{note}  {where}".rstrip()


#: Answers as scripts read them; "eingeladen" and "keine Antwort" are no answer (null).
_ANSWERS = {"zugesagt": "accepted", "abgesagt": "declined", "vielleicht": "tentative"}


def meeting_json(meetings: Meetings, meeting_id: int, now: datetime) -> dict[str, Any]:
    """`meetings show N --json`: the meeting, its dates as invited and every answer.

    An endless series lists its dates up to two years ahead; times are ISO 8601 with offset.
    """
    from koordination.calendar.recurrence import expand
    from koordination.services.meetings.times import LOOKAHEAD

    m = meetings.get(meeting_id)
    until = max(now, m.start) + LOOKAHEAD
    dates = expand(meetings.event(m.id), m.start, until)
    return {
        "id": m.id,
        "uid": m.uid,
        "sequence": m.sequence,
        "title": m.title,
        "rrule": m.rrule,
        "occurrences": [
            {
                "recurrence_id": o.recurrence_id.isoformat(),
                "start": o.start.isoformat(),
                "end": o.end.isoformat(),
                "status": "cancelled" if o.cancelled else "moved" if o.moved else "scheduled",
            }
            for o in dates
        ],
        "invitations": [
            {
                "person_id": r.person_id,
                "name": r.name,
                "email": r.email,
                "removed": r.removed,
                "answer": _ANSWERS.get(r.status.value),
                "comment": dict(r.answer_comments).get(None),
                "answers": [
                    {
                        "recurrence_id": rid.isoformat(),
                        "answer": _ANSWERS.get(status.value),
                        "comment": dict(r.answer_comments).get(rid),
                    }
                    for rid, status in r.occurrence_answers
                ],
            }
            for r in meetings.invitation_list(m.id)
        ],
    }


# --------------------------------------------------------------------------- commands
def cmd_meetings(args: argparse.Namespace) -> int:
    core = open_core(args)
    if args.meetings_command == "show":
        if args.json:
            print_json(meeting_json(core.meetings, args.id, core.clock.local_now()))
        else:
            _show(core.meetings, args.id, core.clock.local_now())
        return 0
    from koordination.services.meetings.listing import window_dates

    today = core.clock.local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = args.start or today
    end = args.end or start + timedelta(weeks=12)
    if end <= start:
        raise KoordinationError("Das Ende des Zeitraums liegt vor seinem Anfang.")
    # the directory (its service, its imports) only when a group is named
    group = group_id(core.directory, args.group) if args.group else None
    rows = window_dates(core.db, start, end, group)
    if args.json:
        sys.stdout.write(dates_json(rows))
        return 0
    sys.stdout.write("".join(f"{_short(row)}\n" for row in rows))
    print(f"{len(rows)} Termine vom {start:%d.%m.%Y} bis {end:%d.%m.%Y}", file=sys.stderr)
    return 0


def _show(meetings: Meetings, meeting_id: int, now: datetime) -> None:
    from koordination.calendar.recurrence import RecurrenceRule

    m = meetings.get(meeting_id)
    print(f"{m.title} (Nr. {m.id}) – {m.kind.label}, {m.status.label}")
    if m.rrule:
        print(
            f"  Serie:      {RecurrenceRule.from_rrule(m.rrule).describe()}, "
            f"{m.start:%H:%M}–{m.end:%H:%M} Uhr, ab {m.start:%d.%m.%Y}"
        )
    else:
        print(f"  Wann:       {m.start:%d.%m.%Y %H:%M}–{m.end:%H:%M} Uhr")
    print(f"  Form:       {m.mode}")
    if m.room or m.address:
        print(f"  Ort:        {', '.join(x for x in (m.room, m.address) if x)}")
    if m.online_url:
        print(f"  Online:     {m.online_url}")
    if m.group_names:
        print(f"  Gruppen:    {', '.join(m.group_names)}")
    print(f"  UID:        {m.uid} (SEQUENCE {m.sequence})")
    for o in m.overrides:
        if o.cancelled:
            print(f"  abgesagt:   {o.recurrence_id:%d.%m.%Y %H:%M}")
        elif o.start is not None:
            print(f"  verschoben: {o.recurrence_id:%d.%m.%Y %H:%M} → {o.start:%d.%m.%Y %H:%M}")
    if m.description:
        print(f"  {m.description}")
    upcoming = [
        r for r in meetings.occurrences(now, now + timedelta(days=120)) if r.meeting_id == m.id
    ]
    if upcoming:
        print("  Nächste Termine:")
        for row in upcoming[:6]:
            print(f"    {_short(row)}")
    rows = meetings.invitation_list(m.id)
    print(f"  Einladungsliste ({len([r for r in rows if not r.removed])}):")
    for r in rows:
        if r.removed:
            continue
        if r.excluded_because:
            state = f"nicht einladbar: {r.excluded_because}"
        elif r.sent_sequence is None:
            state = "noch nicht verschickt"
        else:
            state = r.status.label
        comments = dict(r.answer_comments)
        said = f" – „{comments[None]}“" if None in comments else ""
        print(f"    {r.name:<28} {r.email:<34} {state}{said}")
        for rid, status in sorted(r.occurrence_answers):
            said = f" – „{comments[rid]}“" if rid in comments else ""
            print(f"      am {_WEEKDAYS[rid.weekday()]} {rid:%d.%m.%Y %H:%M}: {status.label}{said}")


def cmd_invite(args: argparse.Namespace) -> int:
    core = open_core(args)
    meetings = core.meetings
    meeting = meetings.get(args.id)
    if args.send and not args.dry_run:
        from koordination.delivery.settings import load_smtp_settings

        load_smtp_settings()  # fail before the list changes, not after
    extra_groups = [group_id(core.directory, g) for g in args.group]
    groups = [*meeting.group_ids, *(g for g in extra_groups if g is not None)]
    if args.dry_run:
        # The list changes only in a transaction that is rolled back: a dry run changes nothing.
        added, plan = meetings.preview_list_change(
            meeting.id,
            group_ids=groups,
            person_ids=args.person,
            remove=args.remove,
            everything=args.all,
        )
    else:
        added = meetings.invite(meeting.id, group_ids=groups, person_ids=args.person)
        for person_id in args.remove:
            meetings.uninvite(meeting.id, person_id)
        plan = meetings.plan_delivery(meeting.id, everything=args.all)
    would = " (Probelauf)" if args.dry_run else ""
    if added:
        print(f"Neu auf der Einladungsliste{would}: {added}")
    if args.remove:
        print(f"Von der Einladungsliste genommen{would}: {len(args.remove)}")
    for name, reason in plan.excluded:
        print(f"Keine Einladung für {name}: {reason}", file=sys.stderr)
    if not plan.deliveries:
        print(f"Nichts zu tun: alle {plan.up_to_date} Eingeladenen haben den aktuellen Stand.")
        return 0
    if args.dry_run:
        verb = "gesendet" if args.send else "geschrieben"
        from koordination.services.meetings.dispatch import label

        for d in plan.deliveries:
            print(f"würde {verb}: {label(d)} an {d.name} <{d.email}>")
        print(f"{len(plan.deliveries)} Nachrichten würden {verb} (Probelauf, nichts geändert).")
        return 0
    if args.send:
        return _send(core, plan)
    from koordination.outputs.files import invitation_folder
    from koordination.services.meetings import dispatch

    folder = args.out or invitation_folder(plan.meeting)
    count, folder = dispatch.write_files(meetings, plan, folder, progress=progress("Dateien"))
    print(f"{count} Dateien in {folder} geschrieben.")
    return 0


def _send(core: Core, plan: Any) -> int:
    from koordination.delivery.settings import load_smtp_settings
    from koordination.outputs.registry import invitation_attachment
    from koordination.services.meetings import dispatch

    settings = load_smtp_settings()
    letter = invitation_attachment(core, plan.meeting)
    result = dispatch.send_mails(core.meetings, plan, settings, progress("Versand"), letter)
    for failure in result.failures:
        print(f"Nicht zugestellt: {failure}", file=sys.stderr)
    print(result.summary())
    return 0 if result.sent == result.total else 1


def cmd_cancel(args: argparse.Namespace) -> int:
    meetings = open_core(args).meetings
    meeting = meetings.get(args.id)
    if args.occurrence is not None:
        updated = meetings.cancel_occurrence(meeting.id, args.occurrence)
        print(f"Der Termin am {args.occurrence:%d.%m.%Y} von „{updated.title}“ ist abgesagt.")
    else:
        meetings.cancel(meeting)
        print(f"„{meeting.title}“ ist abgesagt.")
    print(
        f"Die Absagen verschickt `koordination invite {meeting.id} --send` "
        f"(oder als Dateien ohne --send)."
    )
    return 0


def cmd_feed(args: argparse.Namespace) -> int:
    from koordination.calendar import ics
    from koordination.files import atomic_bytes

    core = open_core(args)
    group = group_id(core.directory, args.group)
    events = core.meetings.feed_events(group)
    name = "Engagierte Stadt"
    if group is not None:
        name = core.directory.get_group(group).name
    data = ics.feed(events, name=name, dtstamp=core.clock.now())
    with atomic_bytes(args.output) as fh:
        fh.write(data)
    print(f"{len(events)} Termine nach {args.output} geschrieben.")
    return 0


def cmd_replies(args: argparse.Namespace) -> int:
    from koordination.calendar.replies import read_replies

    if args.replies_command == "fetch":
        return fetch_replies(args)
    if args.replies_command in review.COMMANDS:
        return review.run(args)
    from koordination.services.circulars.unsubscribe import read_requests

    replies, problems = read_replies(args.path)
    requests = read_requests(args.path)  # "abmelden" replies to circular e-mails
    if not replies and not requests:
        detail = "\n".join(problems) or "Keine Antworten gefunden."
        raise KoordinationError(f"In {args.path} steht keine Antwort auf eine Einladung.\n{detail}")
    core = open_core(args)
    if requests:
        unsubscribed = core.unsubscribes.apply(requests)
        for line in unsubscribed.details():
            print(line, file=sys.stderr)
        print(unsubscribed.summary())
        if not replies:
            return 0
    for problem in problems:
        print(f"Hinweis: {problem}", file=sys.stderr)
    report = core.meetings.apply_replies(replies)
    for problem in report.problems:
        print(f"Nicht verbucht: {problem}", file=sys.stderr)
    for note in report.unchecked:
        print(f"Hinweis: {note}", file=sys.stderr)
    print(report.summary())
    return 0


def fetch_replies(args: argparse.Namespace) -> int:
    """`replies fetch`: one German line on stdout (for cron's mail), details on stderr."""
    from koordination.delivery.settings import load_imap_settings

    settings = load_imap_settings()
    core = open_core(args)
    report = core.reply_fetch.run(settings, progress=progress("Nachrichten im Postfach"))
    for problem in report.problems:
        print(f"Nicht verbucht: {problem}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_caldav(args: argparse.Namespace) -> int:
    from koordination.delivery.caldav import publish
    from koordination.delivery.settings import load_caldav_settings

    meetings = open_core(args).meetings
    settings = load_caldav_settings()
    events = [meetings.event(args.meeting)] if args.meeting else meetings.feed_events()
    report = publish(events, settings.url, settings.username, settings.password)
    print(report.summary())
    return 0
