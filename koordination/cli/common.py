"""What every command shares: the core, output helpers, argument types and German argparse."""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from koordination.errors import KoordinationError

if TYPE_CHECKING:
    import threading

    from koordination.core import Core
    from koordination.domain.enums import Sector
    from koordination.outputs.document.model import Letterhead
    from koordination.services.directory.service import Directory

Handler = Callable[[argparse.Namespace], int]

#: -1 with ``--quiet``, 1 with ``--verbose``, else 0; set by ``main`` for the run.
VERBOSITY = 0

# argparse's own words, in German: every message argparse can raise at a user, as a pattern on
# its English text (Python 3.11 to 3.13) and the German it becomes. Order matters: the prefix
# "argument X: " is translated last, after the message behind it.
_ARGPARSE_GERMAN: tuple[tuple[str, str], ...] = (
    (r"ambiguous option: (\S+) could match (.+)", r"mehrdeutige Option: \1 passt zu \2"),
    (r"the following arguments are required: (.+)", r"diese Angaben fehlen: \1"),
    (r"one of the arguments (.+) is required", r"eine dieser Angaben ist nötig: \1"),
    (r"unrecognized arguments: (.+)", r"unbekannte Angaben: \1"),
    (r"invalid choice: (.+?) \(choose from (.+)\)", r"ungültige Auswahl: \1 (möglich sind: \2)"),
    (r"unknown parser (.+?) \(choices: (.+)\)", r"unbekannter Befehl \1 (möglich sind: \2)"),
    (r"expected at least one argument", "erwartet mindestens einen Wert"),
    (r"expected at most one argument", "erwartet höchstens einen Wert"),
    (r"expected one argument", "erwartet einen Wert"),
    (r"expected (\d+) arguments?", r"erwartet \1 Werte"),
    (r"ignored explicit argument (.+)", r"erwartet keinen Wert (angegeben: \1)"),
    (r"invalid int value: (.+)", r"keine ganze Zahl: \1"),
    (r"invalid float value: (.+)", r"keine Zahl: \1"),
    (r"invalid \S+ value: (.+)", r"ungültiger Wert: \1"),
    (r"not allowed with argument (.+)", r"nicht zusammen mit \1"),
    (r"^argument (\S+): ", r"Angabe \1: "),
)


#: The exit status of a command stopped with Ctrl+C (the same for every command).
INTERRUPTED = 130


def german_argparse_message(message: str) -> str:
    """An argparse error message in German (anything unknown stays as it was)."""
    for english, german in _ARGPARSE_GERMAN:
        message = re.sub(english, german, message)
    return message


DB_HELP = (
    "Datenbank: Pfad einer SQLite-Datei oder SQLAlchemy-URL "
    "(z. B. postgresql+psycopg://benutzer@server/koordination); "
    "sonst KOORDINATION_DB oder die Datei im Datenverzeichnis"
)


# --------------------------------------------------------------------------- parser
class Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it builds a sub-command's name; keep that.
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An argument parser that speaks German in its help and its errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", help="diese Hilfe anzeigen und beenden")

    def error(self, message: str) -> NoReturn:
        message = german_argparse_message(message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {message}\n")


# --db, -v and -q are accepted before and after the sub-command: every command parser inherits
# them (SUPPRESS: a value given before the command is not overwritten by the default after it).
GLOBAL_OPTIONS = argparse.ArgumentParser(add_help=False)


def add_global_options(parser: argparse.ArgumentParser, *, default: Any) -> None:
    """``--db``, ``-v/--verbose`` and ``-q/--quiet`` on ``parser``."""
    parser.add_argument("--db", metavar="PFAD_ODER_URL", help=DB_HELP, default=default)
    parser.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=1,
        default=0 if default is None else default,
        help="ausführlich: was geschieht auf stderr, bei Fehlern mit allen Einzelheiten",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=-1,
        default=argparse.SUPPRESS,
        help="still: nur Ergebnisse und Fehler, keine Hinweise und kein Fortschritt",
    )


add_global_options(GLOBAL_OPTIONS, default=argparse.SUPPRESS)


def command(
    group: Any,
    name: str,
    help_text: str,
    handler: Handler | None = None,
    *,
    examples: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A (sub-)command ``name`` in ``group``; ``handler`` runs it.

    Its ``--help`` ends with ``examples``, else with the ones ``cli/examples.py`` lists for it.
    """
    parser: argparse.ArgumentParser = group.add_parser(
        name, parents=[GLOBAL_OPTIONS], help=help_text
    )
    if not examples:
        from koordination.cli.examples import EXAMPLES

        examples = EXAMPLES.get(parser.prog.removeprefix("koordination "), ())
    if examples:
        parser.epilog = "Beispiele:\n" + "\n".join(f"  {line}" for line in examples)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def actions(parent: argparse.ArgumentParser, dest: str) -> Any:
    """The required actions below a command (``people list``, ``people show`` …)."""
    return parent.add_subparsers(dest=dest, metavar="AKTION", required=True, parser_class=Parser)


def list_options(p: argparse.ArgumentParser, *, group: bool, tag: bool) -> None:
    """Search and filter options of the directory listings."""
    p.add_argument("--search", metavar="TEXT", default="", help="Suchtext (Name, E-Mail, …)")
    p.add_argument("--sector", type=sector, metavar="SEKTOR", help="nur dieser Sektor")
    if group:
        p.add_argument(
            "--group", metavar="GRUPPE", help="nur Mitglieder dieser Gruppe (Name oder Nr.)"
        )
    if tag:
        p.add_argument("--tag", metavar="SCHLAGWORT", help="nur mit diesem Schlagwort")
    p.add_argument("--archived", action="store_true", help="archivierte statt aktive Einträge")
    p.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben (für Skripte)")


# --------------------------------------------------------------------------- argument types
def sector(text: str) -> Sector:
    from koordination.domain.enums import Sector

    found = Sector.parse(text)
    if found is None:
        names = ", ".join(s.label for s in Sector)
        raise argparse.ArgumentTypeError(f"„{text}“ ist kein Sektor ({names})")
    return found


def bounded(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """The argument type of a whole number from ``low`` to ``high``; anything else is refused
    with „…“ ist keine Zahl von ``low`` bis ``high`` (or „…“ ist ``what``)."""
    refusal = what or f"keine Zahl von {low} bis {high}"

    def whole_number(text: str) -> int:
        # isdecimal, not isdigit: int("²") fails. At most 18 digits: they fit into a database
        # integer, and int() of a few thousand digits is refused by Python itself.
        if not text.isdecimal() or len(text) > 18 or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"„{text}“ ist {refusal}")
        return int(text)

    return whole_number


#: A record number on the command line (the one parser every command uses).
number = bounded(1, 10**18 - 1, "keine Nummer")
year = bounded(2000, 2100, "kein Jahr")


def when(text: str) -> datetime:
    """A command-line date or date and time (31.12.2026, 31.12.2026 18:00, ISO), in Berlin."""
    from koordination.clock import CITY_ZONE
    from koordination.domain.inputs.validation import parse_datetime

    try:
        moment = parse_datetime(text).replace(tzinfo=CITY_ZONE)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not 1900 <= moment.year <= 2200:  # 01.01.0001 or 31.12.9999 overflow in UTC or +12 weeks
        raise argparse.ArgumentTypeError(f"„{text}“ liegt nicht zwischen 1900 und 2200.")
    return moment


def day(text: str) -> date:
    """A command-line date (31.12.2026 or ISO)."""
    from koordination.domain.inputs.validation import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --------------------------------------------------------------------------- the core
#: The cores this run opened (:func:`open_core`); ``main`` closes them when the program ends.
OPENED: list[Core] = []


def close_opened() -> None:
    """Close every database this run opened: the connections go (and SQLite folds its
    write-ahead log into the file) before the program ends, not whenever objects are freed."""
    while OPENED:
        with contextlib.suppress(Exception):  # the run's outcome is told already
            OPENED.pop().close()


def database_url(args: argparse.Namespace) -> str:
    """The database a command works on, without opening it (a damaged file is restorable)."""
    from koordination.config import load_settings
    from koordination.paths import resolve_url

    return resolve_url(getattr(args, "db", None) or load_settings().database)


def open_core(args: argparse.Namespace, *, migrate: bool = True) -> Core:
    """The core on ``--db`` (else the settings), upgraded and with the daily backup done.

    An upgrade says on stderr where the copy of the old database lies. The daily backup runs
    for every command except the ``db`` ones (``db auto-backup run`` reports by itself).
    """
    from koordination import core

    # Only these may make a new database (or migrate a shared PostgreSQL one).
    command = getattr(args, "command", None)
    create = command == "demo" or (
        command == "db" and getattr(args, "db_command", None) == "upgrade"
    )
    opened = core.open_core(getattr(args, "db", None), migrate=migrate, create=create)
    OPENED.append(opened)
    if not opened.db.is_sqlite:
        # On a shared database the login's role decides, before the command does anything.
        from koordination.cli.rights import refuse_forbidden

        refuse_forbidden(opened, args)
    if migrate:
        if opened.upgrade_backup is not None:
            made = opened.upgrade_backup
            note(f"Die Datenbank wurde aktualisiert; Sicherung der alten Fassung: {made}")
        # `db auto-backup run` reports by itself; no db command makes a daily backup on the side
        if getattr(args, "command", None) != "db" and (warning := opened.daily_backup()):
            err(warning)
    return opened


def group_id(directory: Directory, name: str | None) -> int | None:
    """The group named (or numbered) ``name``; a German error when there is none."""
    if not name:
        return None
    group = directory.find_group(name)
    if group is None:
        raise KoordinationError(
            f"Die Gruppe „{name}“ gibt es nicht. `koordination groups list` zeigt alle."
        )
    return group.id


def letterhead(core: Core) -> Letterhead:
    """The city's letterhead for documents."""
    from koordination.outputs.builders.sittings import letterhead as build

    return build(core.directory.get_city())


# --------------------------------------------------------------------------- output
def err(text: str) -> None:
    print(text, file=sys.stderr)


def note(text: str) -> None:
    """A hint on stderr that ``--quiet`` leaves out (errors go through :func:`err`)."""
    if VERBOSITY >= 0:
        err(text)


def progress(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr when a person is watching; silent in scripts and with -q."""
    if VERBOSITY < 0 or not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        end = "\n" if done >= total else ""
        print(
            f"\r{label}: {done:,} von {total:,} ({pct} %)".replace(",", "."),
            end=end,
            file=sys.stderr,
            flush=True,
        )

    return report


def first_message(name: str, subject: str, text: str, *heads: str) -> None:
    """A dry run's look at the first message as it would go out: to whom, its subject and
    further ``heads`` ("Anhang: …"), then its text."""
    print(f"\n--- Erste Nachricht (an {name}) ---")
    print(f"Betreff: {subject}", *heads, sep="\n", end="\n\n")
    print(text, end="")


@contextlib.contextmanager
def stopped_by_ctrl_c() -> Iterator[threading.Event]:
    """While messages go out: an event the first Ctrl+C sets (the sending stops after the
    message on its way), and a second Ctrl+C that stops at once."""
    import signal
    import threading

    stop = threading.Event()

    def interrupted(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err(
            "\nDer Versand hält nach der laufenden Nachricht an (noch einmal Strg+C bricht "
            "sofort ab)."
        )

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def print_json(data: Any) -> None:
    """JSON for scripts; a list has one object per line (fast to write, easy to read)."""
    if not isinstance(data, list):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode  # one encoder, not one a line
    lines = [encode(item) for item in data]
    sys.stdout.write("[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n")


def cut(text: str, width: int) -> str:
    """``text`` for a table cell at most ``width`` characters wide, ending in "…" when cut
    (a title of 300 characters would push every other column off the terminal)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """A plain text table with columns as wide as their longest cell."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
