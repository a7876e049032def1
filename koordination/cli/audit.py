"""`koordination audit`: the audit trail as a table, as JSON for scripts, as CSV for a
spreadsheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import command, note, open_core, print_json, table

if TYPE_CHECKING:
    from koordination.services.privacy.audit_trail import TrailEntry

#: Longest value shown in the text table; the JSON and CSV exports carry everything.
_SHOWN = 60


def register(sub: Any) -> None:
    audit = command(sub, "audit", "Änderungsprotokoll: wer hat was wann geändert", cmd_audit)
    audit.add_argument(
        "--record", metavar="ART:NR", help="nur zu einem Eintrag, z. B. person:12 oder group:3"
    )
    audit.add_argument("--json", action="store_true", help="als JSON ausgeben")
    audit.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DATEI",
        help="als CSV-Datei für Excel/LibreOffice schreiben",
    )


def cmd_audit(args: argparse.Namespace) -> int:
    from koordination.outputs.registry import make
    from koordination.services.privacy.audit_labels import parse_record
    from koordination.services.privacy.audit_trail import TrailQuery, entry_json

    # A malformed --record is refused before the database is opened.
    record = parse_record(args.record) if args.record else None
    core, query = open_core(args), TrailQuery(record=record)
    output: Path | None = getattr(args, "output", None)
    if output is not None:
        made = make(core, "verlauf", query, "csv", output)
        print(f"{made.count} Einträge des Änderungsprotokolls nach {made.path} geschrieben.")
        return 0
    entries = core.audit.entries(query)
    if args.json:
        print_json([entry_json(e) for e in entries])
        return 0
    if not entries:
        where = f" zu {args.record.strip()}" if record else ""
        print(f"Keine Einträge im Änderungsprotokoll{where}.")
        return 0
    _print_entries(entries)
    note(f"{len(entries)} Einträge")
    return 0


def _print_entries(entries: list[TrailEntry]) -> None:
    rows: list[tuple[str, ...]] = []
    for e in entries:
        head = (e.when, e.who, e.what, e.subject)
        if not e.shown_changes:
            rows.append((*head, "", ""))
        for i, change in enumerate(e.shown_changes):
            shown = (
                f"{_short(change.old_text)} → {_short(change.new_text)}"
                if change.paired
                else _short(change.new_text)
            )
            rows.append((*(head if i == 0 else ("",) * len(head)), change.label, shown))
    table(rows, ("Zeit", "Wer", "Was", "Eintrag", "Feld", "vorher → nachher"))


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1] + "…"
