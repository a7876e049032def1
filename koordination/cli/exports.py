"""`koordination export`: lists as CSV or JSON, and the network as open data (OParl 1.1)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from koordination.cli.common import command, open_core, progress

#: The file name of each list in the exports folder.
_EXPORT_NAMES = {"people": "personen", "organisations": "organisationen", "groups": "gruppen"}


def register(sub: Any) -> None:
    exp = command(sub, "export", "Listen als CSV oder JSON ausgeben; offene Daten (OParl)", run)
    exp.add_argument(
        "kind",
        choices=["people", "organisations", "groups", "oparl"],
        help="was ausgeben (oparl: das Netzwerk als offene Daten nach OParl 1.1, JSON)",
    )
    # The choices are written out: the output registry imports the services, and --help
    # should not wait for them.
    exp.add_argument(
        "--format", choices=["csv", "json"], default="csv", help="Dateiformat der Listen"
    )
    exp.add_argument(
        "-o",
        "--output",
        metavar="PFAD",
        type=Path,
        help="Zieldatei, bei oparl ein Ordner (sonst im Ordner exports/)",
    )


def run(args: argparse.Namespace) -> int:
    if args.kind == "oparl":
        return _oparl(args)
    from koordination.outputs.registry import export_table
    from koordination.paths import exports_dir

    directory = open_core(args).directory
    target = args.output or exports_dir() / f"{_EXPORT_NAMES[args.kind]}.{args.format}"
    count = export_table(directory, args.kind, args.format, target, progress=progress("Export"))
    print(f"{count} Einträge nach {target} geschrieben.")
    return 0


def _oparl(args: argparse.Namespace) -> int:
    """Write the export into ``-o ORDNER`` (default ``exports/oparl``) and say what it holds."""
    from koordination.config import load_settings
    from koordination.outputs.oparl import check_base_url, export_oparl
    from koordination.paths import exports_dir

    # The base URL is checked before the database is opened: without it nothing can be built.
    base_url = check_base_url(load_settings().oparl_base_url)
    target = args.output or exports_dir() / "oparl"
    summary = export_oparl(open_core(args).open_data.source(), base_url, target)
    print(f"Offene Daten (OParl 1.1) nach {target} geschrieben, Adressen unter {base_url}:")
    rows = [
        (summary.groups, "Gruppen (Gremien)"),
        (summary.organisations, "Organisationen"),
        (summary.persons, "Personen mit Einwilligung „Kontaktdaten im Netzwerk teilen“"),
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
            f"{summary.anonymous_memberships} Mitgliedschaften stehen ohne Person im Export: "
            "Diese Personen haben keine gültige Einwilligung, ihre Kontaktdaten zu teilen."
        )
    return 0
