"""The command line: no sub-command opens the TUI; sub-commands are headless and scriptable.

Exit codes: 0 success, 1 a user error (German message on stderr), 2 wrong usage, 130 interrupted,
70 an unexpected error (a German message naming the log file that holds the traceback).

Commands are registered lazily. :data:`COMMAND_MODULES` names every command module under
``koordination.cli`` and the top-level commands its ``register(sub)`` adds. A run imports only
the module of the command typed (``koordination people list`` loads ``cli/people.py`` and what
it needs, never the exporters of ``cli/exports.py``); no command (the interface) loads none;
``--help``, ``--version``, a typo and shell completion build the whole parser, so the help lists
every command with its German help. A new command module is one entry in the table; a test
checks that the table names exactly the commands the modules register.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import NoReturn

from koordination import __version__
from koordination.cli import common
from koordination.cli.common import INTERRUPTED, Parser, add_global_options, database_url, err
from koordination.errors import KoordinationError

#: The exit status of an unexpected error (EX_SOFTWARE of sysexits.h).
UNEXPECTED = 70

#: Every command module (``koordination.cli.<module>``) and the top-level commands its
#: ``register`` adds, in the order they appear in ``koordination --help``.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "demo": ("demo",),
    "db": ("db",),
    "people": ("people",),
    "organisations": ("organisations",),
    "groups": ("groups",),
    "imports": ("import",),
    "retention": ("retention",),
    "audit": ("audit",),
    "privacy": ("datenschutz",),
    "roles": ("roles",),
    "meetings": ("meetings", "invite", "cancel", "feed", "replies", "caldav"),
    "sittings": ("agenda", "minutes", "attendance", "tasks", "workshop"),
    "surveys": ("surveys",),
    "rundmail": ("rundmail",),
    "reminders": ("reminders",),
    "fields": ("fields",),
    "offers": ("angebote",),
    "programme": ("check", "steckbrief", "report"),
    "exports": ("export",),
    "config": ("config",),
    "password": ("password",),
    "mail": ("mail",),
    "completion": ("completion",),
    "record_numbers": ("_complete",),
}

#: The module that registers each top-level command.
MODULE_OF: dict[str, str] = {
    name: module for module, names in COMMAND_MODULES.items() for name in names
}


class _Unclear(Exception):
    """The first look at the arguments could not tell the command."""


class _Scan(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Unclear(message)


def modules_for(argv: Sequence[str]) -> Iterable[str]:
    """The command modules to register for ``argv``: the typed command's only, none without a
    command (the interface), every one for the help, the version, a typo or anything unclear
    (the full parser then answers as it always did)."""
    scan = _Scan(add_help=False)
    add_global_options(scan, default=None)
    scan.add_argument("command", nargs="?")
    try:
        known, rest = scan.parse_known_args(list(argv))
    except _Unclear:
        return COMMAND_MODULES
    if known.command in MODULE_OF:
        return (MODULE_OF[known.command],)
    if known.command is None and not rest:
        return ()
    return COMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv`` (only the command modules it needs); without ``argv`` the whole
    parser with every command."""
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
    for module in COMMAND_MODULES if argv is None else modules_for(argv):
        importlib.import_module(f"koordination.cli.{module}").register(sub)
    return parser


def run_tui(args: argparse.Namespace) -> int:
    """No sub-command: the terminal UI on the chosen database."""
    # Importing the interface makes only objects that live as long as the program: without the
    # collector walking them again and again, the first screen comes ~15 ms sooner (the
    # interface pauses it itself until that screen is complete, see KoordinationApp.run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from koordination.tui.app import run
    finally:
        if collecting:
            gc.enable()
    return run(database_url(args))


def main(argv: Sequence[str] | None = None) -> int:
    """The program; ``argv`` given (tests, scripts): the same run inside a longer process."""
    from koordination import logs

    program = argv is None
    if argv is None:
        argv = sys.argv[1:]
    args = build_parser(argv).parse_args(argv)
    common.VERBOSITY = args.verbosity
    logs.setup(args.verbosity)
    if args.command is None:
        return _run(run_tui, args)
    # A command is a short run that makes many objects and hardly any reference cycles: without
    # the cyclic collector walking everything imported again and again, it finishes about a
    # tenth sooner. The interface, which runs for hours, keeps the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with warnings.catch_warnings():
            # A library's warning (SQLAlchemy's about a row another process deleted first, say)
            # names tables and rows: it goes into the log, and onto the terminal only with -v.
            warnings.showwarning = _warning_into_log
            return _run(args.handler, args)
    finally:
        if program:
            # The program ends now: its databases are closed here, and the objects are frozen,
            # so the collection Python runs on exit does not walk every one of them once more
            # (~0.1 s) only to free memory the operating system takes back anyway. Frozen
            # before the collector is back: enabled first, it walked them all at once (~35 ms).
            common.close_opened()
            gc.freeze()
        if collecting:
            gc.enable()
        common.OPENED.clear()  # inside a longer process the cores live on as before


def _warning_into_log(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    from koordination.logs import log

    log.warning("%s (%s:%s): %s", category.__name__, filename, lineno, message)


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """``handler(args)``, every error told in German with the exit status it stands for."""
    try:
        result: int = handler(args)
        return result
    except KoordinationError as exc:
        err(f"Fehler: {exc.message}")
        return 1
    except KeyboardInterrupt:
        err("Abgebrochen.")
        return INTERRUPTED
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
