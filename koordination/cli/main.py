"""The command line: no sub-command opens the TUI; sub-commands are headless and scriptable.

Exit codes: 0 success, 1 a user error (German message on stderr), 2 wrong usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from koordination import __version__
from koordination.cli import (
    audit,
    db,
    demo,
    exports,
    fields,
    groups,
    imports,
    meetings,
    organisations,
    people,
    programme,
    retention,
    sittings,
    surveys,
)
from koordination.cli.common import DB_HELP, Parser, database_url, err
from koordination.errors import KoordinationError

#: The command modules in the order their commands appear in ``koordination --help``.
COMMAND_MODULES = (
    demo,
    db,
    people,
    organisations,
    groups,
    imports,
    retention,
    audit,
    meetings,
    sittings,
    surveys,
    fields,
    programme,
    exports,
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="koordination",
        description=(
            "koordination – die Anwendung der Koordinierungsstelle einer Engagierten Stadt.\n"
            "Ohne Befehl öffnet sich die Terminal-Oberfläche."
        ),
    )
    parser.add_argument("--db", metavar="PFAD_ODER_URL", help=DB_HELP)
    parser.add_argument(
        "--version",
        action="version",
        version=f"koordination {__version__}",
        help="Versionsnummer anzeigen",
    )
    sub = parser.add_subparsers(
        dest="command", title="Befehle", metavar="BEFEHL", parser_class=Parser
    )
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def run_tui(args: argparse.Namespace) -> int:
    """No sub-command: the terminal UI on the chosen database."""
    from koordination.tui.app import run

    run(database_url(args))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = run_tui if args.command is None else args.handler
    try:
        result: int = handler(args)
        return result
    except KoordinationError as exc:
        err(f"Fehler: {exc.message}")
        return 1
    except KeyboardInterrupt:
        err("Abgebrochen.")
        return 130
    except BrokenPipeError:
        return 0
