"""Command-line faces of sittings: agenda, minutes, attendance, tasks and workshop reports."""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli_meetings import Actions, Command, number, when, year
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.domain.records.meetings import SittingRecord
    from koordination.services.minutes import Minutes

DOCUMENT_FORMATS = ("md", "html", "docx", "odt", "pdf")


def add_commands(sub: Any, command: Command, actions: Actions) -> None:
    def sitting_args(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
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
        command(sub, "agenda", "Tagesordnung und Einladungsschreiben"), "agenda_command"
    )
    sitting_args(
        command(agenda, "export", "Einladungsschreiben mit Tagesordnung ausgeben"), DOCUMENT_FORMATS
    )

    minutes = actions(
        command(sub, "minutes", "Protokolle ausgeben und archivieren"), "minutes_command"
    )
    export = command(minutes, "export", "ein Protokoll ausgeben")
    sitting_args(export, DOCUMENT_FORMATS)
    export.add_argument(
        "--version", type=number, metavar="N", help="eine frühere genehmigte Fassung"
    )
    archive = command(minutes, "archive", "alle genehmigten Protokolle einer Gruppe eines Jahres")
    archive.add_argument("--group", required=True, metavar="GRUPPE", help="Name oder Nummer")
    archive.add_argument("--year", required=True, type=year, metavar="JAHR", help="z. B. 2026")
    archive.add_argument("-o", "--output", type=Path, metavar="DATEI", help="ZIP-Datei")

    attendance = actions(
        command(sub, "attendance", "Anwesenheit und Teilnehmendenliste"), "attendance_command"
    )
    sitting_args(
        command(attendance, "export", "Teilnehmendenliste oder Anwesenheit ausgeben"),
        ("pdf", "docx", "odt", "csv"),
    )

    tasks = actions(command(sub, "tasks", "Aufgaben aus den Protokollen"), "tasks_command")
    listing = command(tasks, "list", "Aufgaben nach Person, Gruppe und Fälligkeit")
    listing.add_argument("--open", action="store_true", help="nur offene Aufgaben")
    listing.add_argument("--group", metavar="GRUPPE", help="nur diese Gruppe")
    listing.add_argument("--person", type=number, metavar="NR", help="nur diese Person")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")

    workshop = actions(command(sub, "workshop", "Werkstätten"), "workshop_command")
    sitting_args(
        command(workshop, "report", "Ergebnisbericht einer Werkstatt ausgeben"), DOCUMENT_FORMATS
    )


# --------------------------------------------------------------------------- helpers
def _minutes(args: argparse.Namespace) -> Minutes:
    from koordination.cli import _database
    from koordination.services.minutes import Minutes

    return Minutes(_database(args))


def _head(args: argparse.Namespace) -> Any:
    from koordination.cli import _directory
    from koordination.outputs.builders.sittings import letterhead

    return letterhead(_directory(args).get_city())


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text.lower()).strip("-")[:40]


def _target(args: argparse.Namespace, record: SittingRecord, what: str) -> Path:
    from koordination.paths import exports_dir

    if args.output is not None:
        return Path(args.output)
    name = f"{record.occurrence:%Y-%m-%d}-{_slug(record.title)}-{what}.{args.format}"
    return exports_dir() / name


def _write(document: Any, fmt: str, target: Path) -> None:
    from koordination.outputs import document as documents

    documents.write(document, fmt, target)
    print(f"Geschrieben: {target}")


def _sitting(args: argparse.Namespace) -> tuple[Minutes, SittingRecord]:
    minutes = _minutes(args)
    return minutes, minutes.open(args.id, args.occurrence)


# --------------------------------------------------------------------------- commands
def cmd_agenda(args: argparse.Namespace) -> int:
    from koordination.outputs.builders.sittings import invitation_letter

    _, record = _sitting(args)
    _write(invitation_letter(record, _head(args)), args.format, _target(args, record, "einladung"))
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    if args.minutes_command == "archive":
        return _archive(args)
    from koordination.domain.enums import MinutesStatus
    from koordination.outputs.builders.sittings import draft_minutes, minutes_document

    minutes, record = _sitting(args)
    head = _head(args)
    if args.version is not None or record.frozen:
        content, print_ = minutes.approved_content(record.id, args.version)
        number = args.version or record.versions[-1].number
        document = minutes_document(
            content, head, status=MinutesStatus.GENEHMIGT, fingerprint=print_, version=number
        )
    else:
        document = draft_minutes(record, head)
    _write(document, args.format, _target(args, record, "protokoll"))
    return 0


def _archive(args: argparse.Namespace) -> int:
    from koordination.cli import _directory, _group_id
    from koordination.domain.enums import MinutesStatus
    from koordination.outputs import document as documents
    from koordination.outputs.builders.sittings import minutes_document
    from koordination.outputs.files import atomic_bytes
    from koordination.paths import exports_dir

    group_id = _group_id(_directory(args), args.group)
    assert group_id is not None
    minutes = _minutes(args)
    head = _head(args)
    sittings = minutes.sittings_of_group(group_id, args.year)
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
            name = f"{record.occurrence:%Y-%m-%d}-{_slug(record.title)}.pdf"
            archive.writestr(name, documents.render(document, "pdf"))
            index.append(f"- {name}: Fassung {number}, SHA-256 {print_}")
        archive.writestr("inhalt.md", "\n".join(index) + "\n")
    target = args.output or exports_dir() / f"protokolle-{args.year}-gruppe-{group_id}.zip"
    with atomic_bytes(target) as fh:
        fh.write(buffer.getvalue())
    drafts = len(sittings) - len(approved)
    note = f" ({drafts} noch nicht genehmigte nicht enthalten)" if drafts else ""
    print(f"{len(approved)} Protokolle nach {target} geschrieben{note}.")
    return 0


def cmd_attendance(args: argparse.Namespace) -> int:
    from koordination.outputs.builders.sittings import attendance_table, sign_in_sheet

    _, record = _sitting(args)
    target = _target(args, record, "teilnehmende")
    if args.format == "csv":
        import csv

        from koordination.outputs.files import atomic_text
        from koordination.outputs.table import guard_cell

        header, rows = attendance_table(record)
        with atomic_text(target, encoding="utf-8-sig") as fh:
            writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows([guard_cell(c) for c in row] for row in rows)
        print(f"Geschrieben: {target}")
        return 0
    _write(sign_in_sheet(record, _head(args)), args.format, target)
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from koordination.cli import _directory, _group_id, _print_json

    minutes = _minutes(args)
    group_id = _group_id(_directory(args), args.group) if args.group else None
    tasks = minutes.list_tasks(open_only=args.open, group_id=group_id, person_id=args.person)
    today = minutes.today()
    if args.json:
        _print_json(
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
    from koordination.outputs.builders.sittings import workshop_report

    _, record = _sitting(args)
    _write(workshop_report(record, _head(args)), args.format, _target(args, record, "ergebnis"))
    return 0


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    "agenda": cmd_agenda,
    "minutes": cmd_minutes,
    "attendance": cmd_attendance,
    "tasks": cmd_tasks,
    "workshop": cmd_workshop,
}
