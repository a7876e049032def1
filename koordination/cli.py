"""The command line: no sub-command opens the TUI; sub-commands are headless and scriptable.

Exit codes: 0 success, 1 a user error (German message on stderr), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from koordination import __version__
from koordination.domain.enums import Sector
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.db.engine import Database
    from koordination.services.directory import Directory

# argparse's own words, in German. Keys are argparse's English message fragments.
_ARGPARSE_GERMAN = {
    "the following arguments are required": "diese Angaben fehlen",
    "unrecognized arguments": "unbekannte Angaben",
    "invalid choice": "ungültige Auswahl",
    "choose from": "möglich sind",
    "expected one argument": "erwartet einen Wert",
    "invalid int value": "keine ganze Zahl",
    "argument": "Angabe",
    "not allowed with argument": "nicht zusammen mit",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it builds a sub-command's name; keep that.
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", help="diese Hilfe anzeigen und beenden")

    def error(self, message: str) -> NoReturn:
        for english, german in _ARGPARSE_GERMAN.items():
            message = message.replace(english, german)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {message}\n")


def _sector(text: str) -> Sector:
    sector = Sector.parse(text)
    if sector is None:
        names = ", ".join(s.label for s in Sector)
        raise argparse.ArgumentTypeError(f"„{text}“ ist kein Sektor ({names})")
    return sector


def _positive_int(text: str) -> int:
    from koordination.cli_meetings import number

    return number(text)


def build_parser() -> argparse.ArgumentParser:
    db_help = (
        "Datenbank: Pfad einer SQLite-Datei oder SQLAlchemy-URL "
        "(z. B. postgresql+psycopg://benutzer@server/koordination); "
        "sonst KOORDINATION_DB oder die Datei im Datenverzeichnis"
    )
    # --db is accepted before and after the sub-command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PFAD_ODER_URL", help=db_help, default=argparse.SUPPRESS)

    def actions(parent: argparse.ArgumentParser, dest: str) -> Any:
        return parent.add_subparsers(
            dest=dest, metavar="AKTION", required=True, parser_class=_Parser
        )

    def command(group: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(name, parents=[common], help=help_text)
        return parser

    parser = _Parser(
        prog="koordination",
        description=(
            "koordination – die Anwendung der Koordinierungsstelle einer Engagierten Stadt.\n"
            "Ohne Befehl öffnet sich die Terminal-Oberfläche."
        ),
    )
    parser.add_argument("--db", metavar="PFAD_ODER_URL", help=db_help)
    parser.add_argument(
        "--version",
        action="version",
        version=f"koordination {__version__}",
        help="Versionsnummer anzeigen",
    )
    sub = parser.add_subparsers(
        dest="command", title="Befehle", metavar="BEFEHL", parser_class=_Parser
    )

    demo = command(sub, "demo", "die Demo-Stadt Wiesenbrück anlegen")
    demo.add_argument("--force", action="store_true", help="vorhandene Daten ersetzen (Vorsicht!)")

    db_actions = actions(command(sub, "db", "Datenbank verwalten"), "db_command")
    command(db_actions, "upgrade", "auf den neuesten Stand bringen")
    command(db_actions, "current", "Stand der Datenbank anzeigen")
    backup = command(db_actions, "backup", "konsistente Sicherung schreiben")
    backup.add_argument("file", metavar="DATEI", type=Path, help="Zieldatei der Sicherung")
    backup.add_argument("--force", action="store_true", help="eine vorhandene Datei überschreiben")
    restore = command(db_actions, "restore", "eine Sicherung zurückspielen (ersetzt alle Daten)")
    restore.add_argument("file", metavar="DATEI", type=Path, help="die Sicherungsdatei")
    restore.add_argument("--yes", action="store_true", help="ohne Rückfrage zurückspielen")
    auto = command(
        db_actions, "auto-backup", "tägliche Sicherung mit Rotation einstellen oder ausführen"
    )
    auto.add_argument(
        "state",
        choices=["on", "off", "status", "run"],
        help="on/off: ein- oder ausschalten, status: anzeigen, run: jetzt prüfen und sichern",
    )
    auto.add_argument(
        "--keep", type=_positive_int, metavar="N", help="so viele Tagessicherungen behalten"
    )
    auto.add_argument("--dir", type=Path, metavar="ORDNER", help="Ordner der Sicherungen")

    people = actions(command(sub, "people", "Personen auflisten und anzeigen"), "people_command")
    _list_options(command(people, "list", "Personen auflisten"), group=True, tag=True)
    show = command(people, "show", "eine Person anzeigen")
    show.add_argument("id", metavar="NR", type=_positive_int, help="Nummer der Person")
    show.add_argument("--json", action="store_true", help="als JSON ausgeben")
    export_data = command(
        people, "export-data", "Auskunft (Art. 15/20 DSGVO): alles Gespeicherte zu einer Person"
    )
    export_data.add_argument("id", metavar="NR", type=_positive_int, help="Nummer der Person")
    export_data.add_argument("--format", choices=["json", "pdf"], required=True, help="Dateiformat")
    export_data.add_argument(
        "-o", "--output", type=Path, metavar="DATEI", help="Zieldatei (sonst im Ordner exports/)"
    )
    erase = command(
        people, "erase", "Person löschen (Art. 17 DSGVO): Personendaten überall entfernen"
    )
    erase.add_argument("id", metavar="NR", type=_positive_int, help="Nummer der Person")
    erase.add_argument("--yes", action="store_true", help="ohne Rückfrage löschen")

    orgs = actions(command(sub, "organisations", "Organisationen auflisten"), "org_command")
    _list_options(command(orgs, "list", "Organisationen auflisten"), group=True, tag=False)

    groups = actions(command(sub, "groups", "Gruppen auflisten"), "group_command")
    _list_options(command(groups, "list", "Gruppen auflisten"), group=False, tag=False)

    imp = command(sub, "import", "Listen aus Excel oder LibreOffice (CSV) einlesen")
    imp.add_argument("kind", choices=["people", "organisations"], help="people oder organisations")
    imp.add_argument("file", metavar="DATEI", type=Path, help="CSV-Datei")
    imp.add_argument(
        "--dry-run", action="store_true", help="nur prüfen und berichten, nichts speichern"
    )
    existing = imp.add_mutually_exclusive_group()
    existing.add_argument(
        "--update-existing",
        action="store_true",
        help="bekannte Einträge (gleiche E-Mail bzw. gleicher Name) aktualisieren",
    )
    existing.add_argument(
        "--skip-existing", action="store_true", help="bekannte Einträge überspringen"
    )

    retention = actions(
        command(sub, "retention", "Aufbewahrungsregeln: was nicht mehr gebraucht wird"),
        "retention_command",
    )
    command(retention, "preview", "zeigen, was die Regeln löschen würden (ändert nichts)")
    run = command(retention, "run", "die Regeln ausführen und berichten")
    run.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")
    rule = command(retention, "set", "eine Regel einschalten (Monate) oder ausschalten (off)")
    rule.add_argument("rule", metavar="REGEL", help="z. B. guests, inactive_people")
    rule.add_argument("value", metavar="MONATE|off", help="Monate bis zum Löschen, oder off")
    audit = command(sub, "audit", "Änderungsprotokoll: wer hat was wann geändert")
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

    from koordination import cli_meetings, cli_minutes, cli_programme, cli_surveys

    cli_meetings.add_commands(sub, command, actions)
    cli_minutes.add_commands(sub, command, actions)
    cli_surveys.add_commands(sub, command, actions)
    cli_programme.add_commands(sub, command, actions)

    exp = command(sub, "export", "Listen als CSV oder JSON ausgeben; offene Daten (OParl)")
    exp.add_argument(
        "kind",
        choices=["people", "organisations", "groups", "oparl"],
        help="was ausgeben (oparl: das Netzwerk als offene Daten nach OParl 1.1, JSON)",
    )
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
    return parser


def _list_options(p: argparse.ArgumentParser, *, group: bool, tag: bool) -> None:
    p.add_argument("--search", metavar="TEXT", default="", help="Suchtext (Name, E-Mail, …)")
    p.add_argument("--sector", type=_sector, metavar="SEKTOR", help="nur dieser Sektor")
    if group:
        p.add_argument(
            "--group", metavar="GRUPPE", help="nur Mitglieder dieser Gruppe (Name oder Nr.)"
        )
    if tag:
        p.add_argument("--tag", metavar="SCHLAGWORT", help="nur mit diesem Schlagwort")
    p.add_argument("--archived", action="store_true", help="archivierte statt aktive Einträge")
    p.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben (für Skripte)")


# --------------------------------------------------------------------------- helpers
def _database(args: argparse.Namespace, *, upgrade: bool = True) -> Database:
    from koordination.config import load_settings
    from koordination.db import migrations
    from koordination.db.engine import Database, resolve_url

    settings = load_settings()
    url = resolve_url(getattr(args, "db", None) or settings.database)
    db = Database(url)
    db.actor = settings.who
    if upgrade:
        made = migrations.upgrade(db)
        if made is not None:
            _err(f"Die Datenbank wurde aktualisiert; Sicherung der alten Fassung: {made}")
        if getattr(args, "command", None) != "db":  # db auto-backup run reports by itself
            from koordination.db.backup import auto_backup_at_start

            if warning := auto_backup_at_start(db):
                _err(warning)
    return db


def _directory(args: argparse.Namespace) -> Directory:
    from koordination.services.directory import Directory

    return Directory(_database(args))


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr when a person is watching; silent in scripts."""
    if not sys.stderr.isatty():
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


def _print_json(data: Any) -> None:
    """JSON for scripts; a list has one object per line (fast to write, easy to read)."""
    if not isinstance(data, list):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    lines = [json.dumps(item, ensure_ascii=False, default=str) for item in data]
    sys.stdout.write("[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n")


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _group_id(directory: Directory, name: str | None) -> int | None:
    if not name:
        return None
    group = directory.find_group(name)
    if group is None:
        raise KoordinationError(
            f"Die Gruppe „{name}“ gibt es nicht. `koordination groups list` zeigt alle."
        )
    return group.id


# --------------------------------------------------------------------------- commands
def cmd_tui(args: argparse.Namespace) -> int:
    from koordination.config import load_settings
    from koordination.db.engine import resolve_url
    from koordination.tui.app import run

    run(resolve_url(args.db or load_settings().database))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from koordination.demo.city import CITY, build_demo

    db = _database(args)
    build_demo(db, force=args.force)
    print(f"Die Demo-Stadt {CITY} wurde in {db.display_name} angelegt.")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from koordination.db import migrations

    if args.db_command == "upgrade":
        db = _database(args, upgrade=False)
        before = migrations.current_revision(db)
        made = migrations.upgrade(db)
        head = migrations.head_revision()
        if before == head:
            print(f"Die Datenbank ist schon auf dem neuesten Stand ({head}).")
        else:
            print(f"Die Datenbank wurde von {before or 'leer'} auf {head} gebracht.")
            if made:
                print(f"Sicherung der alten Fassung: {made}")
        return 0
    if args.db_command == "current":
        db = _database(args, upgrade=False)
        rev = migrations.current_revision(db)
        migrations.refuse_unknown(db, rev)
        head = migrations.head_revision()
        state = "aktuell" if rev == head else f"veraltet, neuester Stand ist {head}"
        print(f"{db.display_name}: Stand {rev or 'leer (noch keine Tabellen)'} ({state})")
        return 0
    if args.db_command in ("restore", "auto-backup"):
        from koordination.cli_backup import cmd_auto_backup, cmd_restore

        return (cmd_restore if args.db_command == "restore" else cmd_auto_backup)(args)
    db = _database(args)
    if args.file.exists() and not args.force:
        raise KoordinationError(
            f"{args.file} gibt es schon. Bitte einen anderen Namen wählen oder mit --force "
            "überschreiben."
        )
    migrations.backup(db, args.file)
    print(f"Sicherung geschrieben: {args.file}")
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    from koordination.outputs.registry import person_json, person_row_json
    from koordination.services.directory import PeopleFilter

    directory = _directory(args)
    if args.people_command in ("export-data", "erase"):
        from koordination.cli_privacy import cmd_erase, cmd_export_data

        return (cmd_export_data if args.people_command == "export-data" else cmd_erase)(args)
    if args.people_command == "show":
        person = directory.get_person(args.id)
        if args.json:
            _print_json(person_json(person))
            return 0
        _print_person(person, directory.today())
        return 0
    f = PeopleFilter(
        search=args.search,
        sector=args.sector,
        group_id=_group_id(directory, args.group),
        tag=args.tag,
        archived=args.archived,
    )
    rows = directory.list_people(f)
    if args.json:
        _print_json([person_row_json(r) for r in rows])
        return 0
    _table(
        [
            (
                str(r.id),
                r.name,
                ", ".join(r.emails),
                r.organisation,
                r.sector.label if r.sector else "",
                ", ".join(r.groups),
            )
            for r in rows
        ],
        ("Nr.", "Name", "E-Mail", "Organisation", "Sektor", "Gruppen"),
    )
    _err(f"{len(rows)} Personen")
    return 0


def _print_person(p: Any, today: Any) -> None:
    from koordination.domain.inputs.validation import format_date

    print(f"{p.display_name} (Nr. {p.id}){' – archiviert' if p.archived else ''}")
    if p.salutation:
        print(f"  Anrede:        {p.salutation}")
    print(f"  E-Mail:        {', '.join(p.emails) or '–'}")
    print(f"  Telefon:       {', '.join(p.phones) or '–'}")
    if p.postal_address:
        print(f"  Anschrift:     {p.postal_address.replace(chr(10), ', ')}")
    print(f"  Einladungsweg: {p.preferred_channel.label}")
    if p.tags:
        print(f"  Schlagworte:   {', '.join(p.tags)}")
    print("  Organisationen:")
    for a in p.affiliations:
        span = f"{format_date(a.valid_from) or '…'} – {format_date(a.valid_to) or 'heute'}"
        print(f"    {a.organisation_name} ({a.sector.label}), {a.function or '–'}, {span}")
    print("  Gruppen:")
    for m in p.memberships:
        ended = "" if m.current(today) else f" (bis {format_date(m.valid_to)})"
        print(f"    {m.group_name}: {m.role.label}{ended}")
    print("  Einwilligungen:")
    for c in p.consents:
        state = f"widerrufen am {c.withdrawn_at:%d.%m.%Y}" if c.withdrawn_at else "gültig"
        given = f"erteilt am {c.given_at:%d.%m.%Y}"
        print(f"    {c.purpose.label}: {given}, {state} ({c.legal_basis.label})")
    if p.notes:
        print(f"  Notizen: {p.notes}")


def cmd_organisations(args: argparse.Namespace) -> int:
    from koordination.outputs.registry import organisation_row_json
    from koordination.services.directory import OrganisationFilter

    directory = _directory(args)
    f = OrganisationFilter(
        search=args.search,
        sector=args.sector,
        group_id=_group_id(directory, args.group),
        archived=args.archived,
    )
    rows = directory.list_organisations(f)
    if args.json:
        _print_json([organisation_row_json(r) for r in rows])
        return 0
    _table(
        [(str(r.id), r.name, r.sector.label, r.kind.label, str(r.people)) for r in rows],
        ("Nr.", "Name", "Sektor", "Art", "Personen"),
    )
    _err(f"{len(rows)} Organisationen")
    return 0


def cmd_groups(args: argparse.Namespace) -> int:
    from koordination.outputs.registry import group_row_json

    directory = _directory(args)
    rows = directory.list_groups(search=args.search, archived=args.archived, sector=args.sector)
    if args.json:
        _print_json([group_row_json(r) for r in rows])
        return 0
    _table(
        [(str(r.id), r.kind.label, r.name, str(r.members)) for r in rows],
        ("Nr.", "Art", "Name", "Mitglieder"),
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from koordination.services import csv_import

    db = _database(args)
    existing: csv_import.Existing = (
        "update" if args.update_existing else "skip" if args.skip_existing else "error"
    )
    run = csv_import.import_people if args.kind == "people" else csv_import.import_organisations
    report = run(
        db,
        args.file,
        existing=existing,
        dry_run=args.dry_run,
        progress=_progress("Import"),
    )
    for warning in report.warnings:
        _err(f"Hinweis: {warning}")
    print(report.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from koordination.outputs.registry import export_table
    from koordination.paths import exports_dir

    if args.kind == "oparl":
        from koordination.cli_oparl import cmd_export_oparl

        return cmd_export_oparl(args)
    directory = _directory(args)
    target = args.output or exports_dir() / f"{_EXPORT_NAMES[args.kind]}.{args.format}"
    count = export_table(directory, args.kind, args.format, target, progress=_progress("Export"))
    print(f"{count} Einträge nach {target} geschrieben.")
    return 0


_EXPORT_NAMES = {"people": "personen", "organisations": "organisationen", "groups": "gruppen"}

_COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_tui,
    "demo": cmd_demo,
    "db": cmd_db,
    "people": cmd_people,
    "organisations": cmd_organisations,
    "groups": cmd_groups,
    "import": cmd_import,
    "export": cmd_export,
    "retention": lambda args: _lazy("koordination.cli_retention", "cmd_retention")(args),
    "audit": lambda args: _lazy("koordination.cli_retention", "cmd_audit")(args),
}


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    import importlib

    handler: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    from koordination.cli_meetings import COMMANDS as MEETING_COMMANDS
    from koordination.cli_minutes import COMMANDS as MINUTES_COMMANDS
    from koordination.cli_programme import COMMANDS as PROGRAMME_COMMANDS
    from koordination.cli_surveys import COMMANDS as SURVEY_COMMANDS

    commands: dict[str | None, Callable[[argparse.Namespace], int]] = {
        **_COMMANDS,
        **MEETING_COMMANDS,
        **MINUTES_COMMANDS,
        **SURVEY_COMMANDS,
        **PROGRAMME_COMMANDS,
    }
    args = build_parser().parse_args(argv)
    try:
        return commands[args.command](args)
    except KoordinationError as exc:
        _err(f"Fehler: {exc.message}")
        return 1
    except KeyboardInterrupt:
        _err("Abgebrochen.")
        return 130
    except BrokenPipeError:
        return 0
