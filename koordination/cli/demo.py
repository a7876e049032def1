"""`koordination demo`: the invented demo city Wiesenbrück, in a database of its own."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from koordination.cli.common import command, open_core


def register(sub: Any) -> None:
    demo = command(
        sub,
        "demo",
        "die Demo-Stadt Wiesenbrück in einer eigenen Datenbank anlegen",
        run,
        examples=(
            "koordination demo",
            "koordination --db demo.sqlite3 demo --force",
        ),
    )
    demo.description = (
        "Legt die erfundene Demo-Stadt Wiesenbrück an – ohne --db in einer eigenen Datei\n"
        "(demo.sqlite3 im Datenverzeichnis), nie in der Datenbank der Koordinierungsstelle.\n"
        "In eine andere Datenbank nur mit ausdrücklichem --db."
    )
    demo.add_argument("--force", action="store_true", help="vorhandene Daten ersetzen (Vorsicht!)")


def demo_database() -> str:
    """Where the demo city goes unless ``--db`` names another database."""
    from koordination.paths import demo_database_path

    return str(demo_database_path())


def run(args: argparse.Namespace) -> int:
    from koordination.demo.city import CITY, build_demo

    # Only an explicit --db leads elsewhere; KOORDINATION_DB and the config file name the
    # office's own database, which the demo must never fill.
    chosen = getattr(args, "db", None)
    args.db = chosen or demo_database()
    core = open_core(args)
    build_demo(core.db, force=args.force)
    print(f"Die Demo-Stadt {CITY} wurde in {core.db.display_name} angelegt.")
    if not chosen:
        print(f"Öffnen mit: koordination --db {shlex.quote(args.db)}")
    return 0
