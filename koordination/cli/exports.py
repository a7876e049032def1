"""`koordination export`: lists as CSV, Excel workbook or JSON, and the network as open data
(OParl 1.1)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from koordination.cli.common import command, open_core, progress
from koordination.outputs.registry import DIRECTORY_TABLES, OUTPUTS


def register(sub: Any) -> None:
    exp = command(
        sub, "export", "Listen als CSV, Excel (XLSX) oder JSON ausgeben; offene Daten (OParl)", run
    )
    exp.add_argument(
        "kind",
        choices=[*DIRECTORY_TABLES, "oparl"],
        help="was ausgeben (oparl: das Netzwerk als offene Daten nach OParl 1.1, JSON)",
    )
    formats = OUTPUTS[DIRECTORY_TABLES["people"]].formats
    exp.add_argument("--format", choices=formats, default=formats[0], help="Dateiformat der Listen")
    exp.add_argument(
        "-o",
        "--output",
        metavar="PFAD",
        type=Path,
        help="Zieldatei, bei oparl ein Ordner (sonst im Export-Ordner, siehe config show)",
    )


def run(args: argparse.Namespace) -> int:
    if args.kind == "oparl":
        return _oparl(args)
    from koordination.outputs.registry import make

    key = DIRECTORY_TABLES[args.kind]
    made = make(open_core(args), key, None, args.format, args.output, progress=progress("Export"))
    print(f"{made.count} Einträge nach {made.path} geschrieben.")
    return 0


def _oparl(args: argparse.Namespace) -> int:
    """Write the export into ``-o ORDNER`` (default ``exports/oparl``) and say what it holds."""
    from koordination.config import load_settings
    from koordination.outputs.oparl import OParlSummary, check_base_url
    from koordination.outputs.registry import Folder, make

    # The base URL is checked before the database is opened: without it nothing can be built.
    base_url = check_base_url(load_settings().oparl_base_url)
    made = make(open_core(args), "oparl", base_url, "folder", args.output)
    assert isinstance(made.product, Folder) and isinstance(made.product.summary, OParlSummary)
    summary = made.product.summary
    print(f"Offene Daten (OParl 1.1) nach {made.path} geschrieben, Adressen unter {base_url}:")
    rows = [
        (summary.groups, "Gruppen (Gremien)"),
        (summary.organisations, "Organisationen"),
        (summary.persons, "Personen mit Einwilligung „Veröffentlichung in offenen Daten“"),
        (summary.memberships, "Mitgliedschaften"),
        (summary.meetings, "Sitzungstermine"),
        (summary.agenda_items, "Tagesordnungspunkte"),
        (summary.locations, "Orte"),
    ]
    width = max(len(str(count)) for count, _label in rows)
    for count, label in rows:
        print(f"  {count:>{width}} {label}")
    if summary.anonymous_memberships:
        print(
            f"{summary.anonymous_memberships} Mitgliedschaften stehen ohne Person, Rolle, "
            "Beginn und Organisation im Export: diese Personen haben keine gültige "
            "Einwilligung „Veröffentlichung in offenen Daten“."
        )
    return 0
