"""Which backups still hold a person, and when their rotation removes them: what an erasure
must tell the office, since a backup cannot be changed (and a restore replays the erasure).

Looked at: the daily backups of this database, the copies taken before schema upgrades and
before restores, and any other backup of koordination lying in the data directory or beside
the database file. A SQLite backup is opened read-only and asked for the person's number; a
``pg_dump`` archive is read with ``pg_restore`` (the person table only).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from koordination.db import auto_backup, dumps
from koordination.db.engine import SQLITE_HEADER, Database
from koordination.errors import DatabaseError
from koordination.paths import data_dir


@dataclass(frozen=True)
class HeldCopy:
    """A backup that still holds a person: where, what kind, when it goes (German)."""

    path: Path
    kind: str
    removal: str


def copies_holding(db: Database, person_id: int, today: date) -> list[HeldCopy]:
    """The backups of ``db`` in which person ``person_id`` is present and not erased."""
    found: list[HeldCopy] = []
    seen: set[Path] = set()
    settings = auto_backup.auto_backup_settings(db)
    daily = auto_backup.daily_backups(db, settings.directory)
    has_today = auto_backup.daily_backup_path(db, settings.directory, today).exists()
    for index, path in enumerate(daily):
        seen.add(path.resolve())
        if not _holds(path, person_id):
            continue
        left = max(1, settings.keep - (len(daily) - 1 - index))
        if settings.enabled:
            when = today + timedelta(days=left if has_today else left - 1)
            removal = (
                f"wird nach {left} weiteren täglichen Sicherungen gelöscht "
                f"(bei täglicher Sicherung am {when:%d.%m.%Y})"
            )
        else:
            removal = "die tägliche Sicherung ist ausgeschaltet: bleibt, bis sie jemand löscht"
        found.append(HeldCopy(path, "tägliche Sicherung", removal))
    if db.path is not None:
        upgrades = dumps.upgrade_backups(db.path)
        for index, path in enumerate(upgrades):
            seen.add(path.resolve())
            if _holds(path, person_id):
                left = max(1, dumps.UPGRADE_BACKUPS_KEPT - (len(upgrades) - 1 - index))
                removal = f"wird nach {left} weiteren Aktualisierungen von koordination gelöscht"
                found.append(HeldCopy(path, "Sicherung vor einer Aktualisierung", removal))
    live = db.path.resolve() if db.path is not None else None
    for path in _other_candidates(db, settings.directory):
        resolved = path.resolve()
        if resolved in seen or resolved == live:
            continue
        seen.add(resolved)
        if _holds(path, person_id):
            kind = (
                "Kopie vor einer Wiederherstellung"
                if ".vor-wiederherstellung-" in path.name
                else "Sicherung"
            )
            found.append(HeldCopy(path, kind, "wird nicht automatisch gelöscht"))
    return found


def _other_candidates(db: Database, backup_folder: Path) -> list[Path]:
    folders = {data_dir(), backup_folder}
    if db.path is not None:
        folders.add(db.path.parent)
    candidates: list[Path] = []
    for folder in sorted(folders):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        candidates += [
            p
            for p in entries
            if p.is_file()
            and not p.is_symlink()
            and not p.name.startswith(".")
            and not p.name.endswith(("-wal", "-shm", "-journal"))
        ]
    return candidates


def _holds(path: Path, person_id: int) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return False
    if head == SQLITE_HEADER:
        return _sqlite_holds(path, person_id)
    if head.startswith(b"PGDMP"):
        return _archive_holds(path, person_id)
    return False


def _sqlite_holds(path: Path, person_id: int) -> bool:
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(person)")}
            if "id" not in columns:
                return False
            query = "SELECT 1 FROM person WHERE id = ?"
            if "erased_at" in columns:
                query += " AND erased_at IS NULL"
            return conn.execute(query, (person_id,)).fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


_COPY_PERSON = re.compile(r"^COPY \S*person \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$", re.M | re.S)


def _archive_holds(path: Path, person_id: int) -> bool:
    try:
        result = subprocess.run(
            [dumps.pg_tool("pg_restore"), "--data-only", "--table=person", "--file=-", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    except (OSError, DatabaseError):
        return False  # no PostgreSQL client here: such an archive cannot be looked into
    match = _COPY_PERSON.search(result.stdout) if result.returncode == 0 else None
    if match is None:
        return False
    columns = [c.strip().strip('"') for c in match.group(1).split(",")]
    if "id" not in columns:
        return False
    id_at = columns.index("id")
    erased_at = columns.index("erased_at") if "erased_at" in columns else None
    for line in match.group(2).splitlines():
        values = line.split("\t")
        if len(values) == len(columns) and values[id_at] == str(person_id):
            return erased_at is None or values[erased_at] == "\\N"
    return False
