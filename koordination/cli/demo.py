"""`koordination demo`: the invented demo city Wiesenbrück."""

from __future__ import annotations

import argparse
from typing import Any

from koordination.cli.common import command, open_core


def register(sub: Any) -> None:
    demo = command(sub, "demo", "die Demo-Stadt Wiesenbrück anlegen", run)
    demo.add_argument("--force", action="store_true", help="vorhandene Daten ersetzen (Vorsicht!)")


def run(args: argparse.Namespace) -> int:
    from koordination.demo.city import CITY, build_demo

    core = open_core(args)
    build_demo(core.db, force=args.force)
    print(f"Die Demo-Stadt {CITY} wurde in {core.db.display_name} angelegt.")
    return 0
