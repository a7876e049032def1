"""`koordination agenda`, `minutes`, `attendance`, `tasks`, `workshop`: the documents of a
sitting (invitation letter, minutes, sign-in sheet, workshop report), the minutes archive and
the tasks from the minutes."""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import (
    actions,
    command,
    group_id,
    letterhead,
    number,
    open_core,
    print_json,
    when,
    year,
)
from koordination.errors import KoordinationError
from koordination.outputs.registry import OUTPUTS

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.meetings import SittingRecord


def register(sub: Any) -> None:
    def sitting_args(p: argparse.ArgumentParser, key: str) -> None:
        formats = OUTPUTS[key].formats
        p.add_argument("id", type=number, metavar="TERMIN", help="Nummer des Termins")
        p.add_argument(
            "--occurrence",
            type=when,
            metavar="DATUM",
            help="bei einer Serie: das Datum des Termins",
        )
        p.add_argument("--format", choices=formats, required=True, help="Dateiformat")
        p.add_argument(
            "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
        )

    agenda = actions(
        command(sub, "agenda", "Tagesordnung und Einladungsschreiben", cmd_agenda), "agenda_command"
    )
    sitting_args(
        command(agenda, "export", "Einladungsschreiben mit Tagesordnung ausgeben"), "einladung"
    )

    minutes = actions(
        command(sub, "minutes", "Protokolle ausgeben und archivieren", cmd_minutes),
        "minutes_command",
    )
    export = command(minutes, "export", "ein Protokoll ausgeben")
    sitting_args(export, "protokoll")
    export.add_argument(
        "--version", type=number, metavar="N", help="eine frühere genehmigte Fassung"
    )
    archive = command(minutes, "archive", "alle genehmigten Protokolle einer Gruppe eines Jahres")
    archive.add_argument("--group", required=True, metavar="GRUPPE", help="Name oder Nummer")
    archive.add_argument("--year", required=True, type=year, metavar="JAHR", help="z. B. 2026")
    archive.add_argument("-o", "--output", type=Path, metavar="DATEI", help="ZIP-Datei")
    send = command(
        minutes,
        "send",
        "das genehmigte Protokoll per E-Mail an die Gruppen des Termins und die Anwesenden",
    )
    send.add_argument("id", type=number, metavar="TERMIN", help="Nummer des Termins")
    send.add_argument(
        "--occurrence", type=when, metavar="DATUM", help="bei einer Serie: das Datum des Termins"
    )
    send.add_argument(
        "--dry-run", action="store_true", help="nur zeigen, wer es erhielte; nichts senden"
    )

    attendance = actions(
        command(sub, "attendance", "Anwesenheit und Teilnehmendenliste", cmd_attendance),
        "attendance_command",
    )
    sitting_args(
        command(attendance, "export", "Teilnehmendenliste oder Anwesenheit ausgeben"),
        "teilnehmende",
    )

    tasks = actions(
        command(sub, "tasks", "Aufgaben aus den Protokollen", cmd_tasks), "tasks_command"
    )
    listing = command(tasks, "list", "Aufgaben nach Person, Gruppe und Fälligkeit")
    listing.add_argument("--open", action="store_true", help="nur offene Aufgaben")
    listing.add_argument("--group", metavar="GRUPPE", help="nur diese Gruppe")
    listing.add_argument("--person", type=number, metavar="NR", help="nur diese Person")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")

    workshop = actions(command(sub, "workshop", "Werkstätten", cmd_workshop), "workshop_command")
    sitting_args(
        command(workshop, "report", "Ergebnisbericht einer Werkstatt ausgeben"), "ergebnisbericht"
    )


# --------------------------------------------------------------------------- helpers
def _produce(args: argparse.Namespace, key: str) -> int:
    """Write the sitting's output ``key`` through the output registry and say where; the
    minutes with ``--version``: that approved version."""
    from koordination.outputs.registry import MinutesVersion, produce

    core, record = _sitting(args)
    version = getattr(args, "version", None)
    subject = record if version is None else MinutesVersion(record, version)
    print(f"Geschrieben: {produce(core, key, subject, args.format, args.output)}")
    return 0


def _sitting(args: argparse.Namespace) -> tuple[Core, SittingRecord]:
    core = open_core(args)
    return core, core.sittings.open(args.id, args.occurrence)


# --------------------------------------------------------------------------- commands
def cmd_agenda(args: argparse.Namespace) -> int:
    return _produce(args, "einladung")


def cmd_minutes(args: argparse.Namespace) -> int:
    if args.minutes_command == "archive":
        return _archive(args)
    if args.minutes_command == "send":
        from koordination.cli.reminders import send_minutes

        return send_minutes(args)
    return _produce(args, "protokoll")


def _archive(args: argparse.Namespace) -> int:
    from koordination.domain.enums import MinutesStatus
    from koordination.files import atomic_bytes
    from koordination.outputs import document as documents
    from koordination.outputs.builders.sittings import minutes_document
    from koordination.outputs.files import export_path, slug

    core = open_core(args)
    group = group_id(core.directory, args.group)
    assert group is not None
    minutes = core.sittings
    head = letterhead(core)
    sittings = minutes.sittings_of_group(group, args.year)
    approved = [s for s in sittings if s.versions]
    if not approved:
        raise KoordinationError(
            f"Für {args.year} gibt es in dieser Gruppe keine genehmigten Protokolle."
        )
    buffer = io.BytesIO()
    index = [f"# Protokolle {args.year}", ""]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in approved:
            content, print_ = minutes.approved_content(record.id)
            number = record.versions[-1].number
            document = minutes_document(
                content, head, status=MinutesStatus.GENEHMIGT, fingerprint=print_, version=number
            )
            name = f"{record.start:%Y-%m-%d}-{slug(record.title)}.pdf"
            archive.writestr(name, documents.render(document, "pdf"))
            index.append(f"- {name}: Fassung {number}, SHA-256 {print_}")
        archive.writestr("inhalt.md", "\n".join(index) + "\n")
    target = args.output or export_path(f"protokolle-{args.year}-gruppe-{group}", "zip")
    with atomic_bytes(target) as fh:
        fh.write(buffer.getvalue())
    drafts = len(sittings) - len(approved)
    note = f" ({drafts} noch nicht genehmigte nicht enthalten)" if drafts else ""
    print(f"{len(approved)} Protokolle nach {target} geschrieben{note}.")
    return 0


def cmd_attendance(args: argparse.Namespace) -> int:
    return _produce(args, "teilnehmende")


def cmd_tasks(args: argparse.Namespace) -> int:
    core = open_core(args)
    group = group_id(core.directory, args.group)
    tasks = core.sittings.list_tasks(open_only=args.open, group_id=group, person_id=args.person)
    today = core.clock.today()
    if args.json:
        print_json(
            [
                {
                    "id": t.id,
                    "title": t.title,
                    "assignee": t.assignee,
                    "group": t.group_name,
                    "due": t.due.isoformat() if t.due else None,
                    "done_on": t.done_on.isoformat() if t.done_on else None,
                    "overdue": t.overdue(today),
                    "origin": t.origin,
                }
                for t in tasks
            ]
        )
        return 0
    for t in tasks:
        due = f"{t.due:%d.%m.%Y}" if t.due else "–"
        state = (
            f"erledigt {t.done_on:%d.%m.%Y}"
            if t.done_on
            else ("ÜBERFÄLLIG" if t.overdue(today) else "offen")
        )
        print(f"Nr. {t.id:<4} {due:<10} {state:<18} {t.assignee:<24} {t.title}")
    print(f"{len(tasks)} Aufgaben", file=sys.stderr)
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    return _produce(args, "ergebnisbericht")
