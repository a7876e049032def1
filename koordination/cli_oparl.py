"""`koordination export oparl`: the network as open data shaped after OParl 1.1."""

from __future__ import annotations

import argparse


def cmd_export_oparl(args: argparse.Namespace) -> int:
    """Write the export into ``-o ORDNER`` (default ``exports/oparl``) and say what it holds."""
    from koordination.cli import _database
    from koordination.config import load_settings
    from koordination.outputs.oparl import check_base_url, export_oparl
    from koordination.paths import exports_dir

    # The base URL is checked before the database is opened: without it nothing can be built.
    base_url = check_base_url(load_settings().oparl_base_url)
    target = args.output or exports_dir() / "oparl"
    summary = export_oparl(_database(args), base_url, target)
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
