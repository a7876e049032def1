"""The command line: no sub-command opens the TUI; sub-commands are headless and scriptable.

Exit codes: 0 success, 1 a user error (German message on stderr), 2 wrong usage, 130 interrupted,
70 an unexpected error (a German message naming the log file that holds the traceback).
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Sequence

from koordination import __version__
from koordination.cli import (
    audit,
    common,
    completion,
    config,
    db,
    demo,
    exports,
    fields,
    groups,
    imports,
    mail,
    meetings,
    organisations,
    password,
    people,
    programme,
    retention,
    sittings,
    surveys,
)
from koordination.cli.common import Parser, add_global_options, database_url, err
from koordination.errors import KoordinationError

#: The exit status of an unexpected error (EX_SOFTWARE of sysexits.h).
UNEXPECTED = 70

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
    config,
    password,
    mail,
    completion,
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="koordination",
        description=(
            "koordination – die Anwendung der Koordinierungsstelle einer Engagierten Stadt.\n"
            "Ohne Befehl öffnet sich die Terminal-Oberfläche."
        ),
    )
    add_global_options(parser, default=None)
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

    return run(database_url(args))


def main(argv: Sequence[str] | None = None) -> int:
    from koordination import logs

    parser = build_parser()
    args = parser.parse_args(argv)
    args.parser = parser  # for commands about the command line itself (completion)
    common.VERBOSITY = args.verbosity
    logs.setup(args.verbosity)
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
    except (OSError, sqlite3.Error) as exc:
        # A full disk or a read-only folder met outside a database session (a backup, an
        # export): said in German like the database's own errors, the details only in the log.
        from koordination.db.errors import explains, translate

        if not explains(exc):
            return _unexpected(exc, args)
        err(f"Fehler: {translate(exc).message}")
        return 1
    except Exception as exc:
        return _unexpected(exc, args)


def _unexpected(exc: BaseException, args: argparse.Namespace) -> int:
    """No traceback on the terminal (it may show SQL or a name); it goes into the log."""
    from koordination import logs

    where = logs.unexpected(exc, f"koordination {args.command or '(Oberfläche)'}")
    told = (
        f"Die Einzelheiten stehen in {where}; bitte diese Datei mitschicken, wenn Sie den "
        "Fehler melden."
        if where is not None
        else "Die Protokolldatei konnte nicht geschrieben werden; mit -v erscheinen die "
        "Einzelheiten hier."
    )
    err(
        f"Unerwarteter Fehler ({type(exc).__name__}) – das liegt am Programm, nicht an "
        f"Ihren Angaben. {told}"
    )
    return UNEXPECTED
