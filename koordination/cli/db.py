"""`koordination db`: upgrade, current state, backup, restore and the daily backup."""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import actions, command, database_url, number, open_core
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.db.engine import Database

CONFIRM_WORD = "JA"


def register(sub: Any) -> None:
    db_actions = actions(command(sub, "db", "Datenbank verwalten"), "db_command")
    command(db_actions, "upgrade", "auf den neuesten Stand bringen", cmd_upgrade)
    command(db_actions, "current", "Stand der Datenbank anzeigen", cmd_current)
    backup = command(db_actions, "backup", "konsistente Sicherung schreiben", cmd_backup)
    backup.add_argument("file", metavar="DATEI", type=Path, help="Zieldatei der Sicherung")
    backup.add_argument("--force", action="store_true", help="eine vorhandene Datei überschreiben")
    restore = command(
        db_actions, "restore", "eine Sicherung zurückspielen (ersetzt alle Daten)", cmd_restore
    )
    restore.add_argument("file", metavar="DATEI", type=Path, help="die Sicherungsdatei")
    restore.add_argument("--yes", action="store_true", help="ohne Rückfrage zurückspielen")
    auto = command(
        db_actions,
        "auto-backup",
        "tägliche Sicherung mit Rotation einstellen oder ausführen",
        cmd_auto_backup,
    )
    auto.add_argument(
        "state",
        choices=["on", "off", "status", "run"],
        help="on/off: ein- oder ausschalten, status: anzeigen, run: jetzt prüfen und sichern",
    )
    auto.add_argument("--keep", type=number, metavar="N", help="so viele Tagessicherungen behalten")
    auto.add_argument("--dir", type=Path, metavar="ORDNER", help="Ordner der Sicherungen")


def cmd_upgrade(args: argparse.Namespace) -> int:
    from koordination.db import migrations

    db = open_core(args, migrate=False).db
    before = migrations.current_revision(db)
    made = migrations.upgrade(db)
    head = migrations.head_revision()
    if before == head:
        print(f"Die Datenbank ist schon auf dem neuesten Stand ({head}).")
    else:
        print(f"Die Datenbank wurde von {before or 'leer'} auf {head} gebracht.")
        if made:
            print(f"Sicherung der alten Fassung: {made}")
    # Duplicates kept migration 0011 from making addresses and names unique: once merged, the
    # next run turns the rule on; until then it says which records to merge.
    for line in migrations.enforce_unique_keys(db):
        print(line)
    for line in migrations.enforce_roles(db):
        print(line)
    # Without the right to create pg_trgm, migration 0014 leaves out the search's trigram
    # indexes: each run makes them once it can, and until then says why the search is slower.
    from koordination.db import search_indexes

    for line in search_indexes.setup(db):
        print(line)
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    from koordination.db import migrations

    db = open_core(args, migrate=False).db
    rev = migrations.current_revision(db)
    migrations.refuse_unknown(db, rev)
    head = migrations.head_revision()
    state = "aktuell" if rev == head else f"veraltet, neuester Stand ist {head}"
    print(f"{db.display_name}: Stand {rev or 'leer (noch keine Tabellen)'} ({state})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from koordination.db import migrations

    db = open_core(args).db
    if args.file.exists() and not args.force:
        raise KoordinationError(
            f"{args.file} gibt es schon. Bitte einen anderen Namen wählen oder mit --force "
            "überschreiben."
        )
    migrations.backup(db, args.file)
    print(f"Sicherung geschrieben: {args.file}")
    return 0


def _when(moment: datetime) -> str:
    from koordination.clock import CITY_ZONE

    return moment.astimezone(CITY_ZONE).strftime("%d.%m.%Y, %H:%M Uhr")


def _size(n: int) -> str:
    if n < 1000 * 1000:
        text = f"{max(n, 1) / 1000:.1f} kB"
    elif n < 1000**3:
        text = f"{n / 1000**2:.1f} MB"
    else:
        text = f"{n / 1000**3:.1f} GB"
    return text.replace(".", ",")


def cmd_restore(args: argparse.Namespace) -> int:
    from koordination.db import backup
    from koordination.db.migrations import head_revision
    from koordination.services.privacy.restore import restore_keeping_erasures

    url = database_url(args)  # not opened: a damaged file is restorable
    target = backup.restore_target(url)
    info = backup.inspect_backup(args.file, target)
    backup.refuse_unfit(info, target)
    head = head_revision()
    stand = (
        f"{info.revision} (wie diese Fassung)"
        if info.is_current
        else f"{info.revision} (ältere Fassung; wird danach auf {head} gebracht)"
    )
    print(f"Sicherung: {info.path}")
    print(f"  Art:   {info.kind_label}")
    print(f"  Stand: {stand}")
    print(f"  Datum: {_when(info.created)}")
    print(f"  Größe: {_size(info.size)}")
    if not args.yes and not _confirmed(args, target.name):
        print("Abgebrochen; nichts wurde verändert.", file=sys.stderr)
        return 1
    outcome = restore_keeping_erasures(url, args.file)
    result = outcome.result
    print(f"Die Sicherung vom {_when(info.created)} wurde nach {target.name} zurückgespielt.")
    if result.upgraded_to:
        print(f"Sie wurde von Stand {info.revision} auf {result.upgraded_to} gebracht.")
    if outcome.replay.erased_again:
        print(outcome.replay.summary() + " – sie waren nach dieser Sicherung gelöscht worden.")
    for line in outcome.replay.notes:
        print(line, file=sys.stderr)
    if result.damaged_moved_aside and result.safety_copy is not None:
        print(f"Die beschädigte Datenbank wurde beiseitegelegt: {result.safety_copy}")
    elif result.safety_copy is not None:
        again = f"koordination db restore {shlex.quote(str(result.safety_copy))}"
        if getattr(args, "db", None):
            again += " --db " + (shlex.quote(target.name) if target.is_sqlite else "…")
        print(f"Die bisherigen Daten liegen in {result.safety_copy} (rückgängig machen: {again}).")
    return 0


def _confirmed(args: argparse.Namespace, name: str) -> bool:
    """Ask on a terminal; a script must say --yes."""
    if not sys.stdin.isatty():
        raise KoordinationError(
            f"Zurückspielen ersetzt alle Daten in {name}. Ohne Terminal bitte mit --yes "
            f"bestätigen: koordination db restore {args.file} --yes"
        )
    try:
        answer = input(
            f"Alle Daten in {name} werden durch die Sicherung ersetzt. "
            f"Fortfahren? Tippen Sie {CONFIRM_WORD}: "
        )
    except EOFError:
        return False
    return answer.strip().upper() == CONFIRM_WORD


def cmd_auto_backup(args: argparse.Namespace) -> int:
    from koordination.db import auto_backup, dumps

    if args.state != "on" and (args.keep is not None or args.dir is not None):
        raise KoordinationError(
            "--keep und --dir gehören zu „on“: koordination db auto-backup on --keep N --dir ORDNER"
        )
    core = open_core(args)
    db, now = core.db, core.clock.now()
    if args.state == "on":
        if not db.is_sqlite:
            dumps.pg_tool("pg_dump")  # say now, not on the first morning, that it is missing
        folder = args.dir.expanduser().resolve() if args.dir is not None else None
        auto_backup.check_backup_folder(folder or auto_backup.auto_backup_settings(db).directory)
        settings = auto_backup.configure_auto_backup(
            db, enabled=True, keep=args.keep, folder=folder
        )
        print(
            f"Die tägliche Sicherung ist eingeschaltet: jeden Tag eine Sicherung nach "
            f"{settings.directory}, die neuesten {settings.keep} bleiben."
        )
        print(
            "Sie entsteht beim ersten Start von koordination an einem Tag; zu einer festen "
            "Uhrzeit per cron: koordination db auto-backup run"
        )
        return 0
    if args.state == "off":
        auto_backup.configure_auto_backup(db, enabled=False)
        print("Die tägliche Sicherung ist ausgeschaltet; vorhandene Sicherungen bleiben liegen.")
        return 0
    if args.state == "status":
        _print_status(db, now)
        return 0
    settings = auto_backup.auto_backup_settings(db)
    if not settings.enabled:
        raise KoordinationError(
            "Die tägliche Sicherung ist ausgeschaltet. Einschalten: koordination db auto-backup on"
        )
    made = auto_backup.run_auto_backup(db, now)
    if made is None:
        today = auto_backup.daily_backup_path(db, settings.directory, auto_backup.local_day(now))
        print(f"Heute wurde schon gesichert: {today}")
    else:
        print(f"Sicherung geschrieben: {made}")
    return 0


def _print_status(db: Database, now: datetime) -> None:
    from koordination.db import auto_backup

    settings = auto_backup.auto_backup_settings(db)
    files = auto_backup.daily_backups(db, settings.directory)
    print(f"Tägliche Sicherung: {'eingeschaltet' if settings.enabled else 'ausgeschaltet'}")
    print(f"Ordner:   {settings.directory}")
    print(f"Behalten: die neuesten {settings.keep}")
    if files:
        newest = files[-1]
        print(f"Vorhanden: {len(files)}, die neueste {newest.name} ({_size(_file_size(newest))})")
    else:
        print("Vorhanden: noch keine")
    if settings.enabled:
        due = auto_backup.auto_backup_due(db, now)
        print(f"Heute: {'noch fällig' if due else 'schon gesichert'}")


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
