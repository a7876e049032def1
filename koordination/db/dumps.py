"""Writing backups: a consistent copy of a SQLite file, a ``pg_dump`` archive of a PostgreSQL
database, the copy taken before a schema upgrade (the newest few are kept), and the one way a
PostgreSQL program gets the password.

Every backup is written into a temporary file created exclusively beside the target (mode
0o600, never through a symlink, see :mod:`koordination.files`) and renamed into place only when
complete: a killed run leaves no readable dump and no half file under the target's name, and
the next run that writes into the folder removes its leftovers. The password never appears in
a program's arguments (where ``ps`` shows it to every user of the machine), only in its
environment, which only the same user can read.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from koordination.db.engine import Database
from koordination.db.errors import DISK_FULL
from koordination.errors import DatabaseError
from koordination.files import fsync_folder, temporary_beside

#: How many copies taken before a schema upgrade are kept per database file (the newest).
UPGRADE_BACKUPS_KEPT = 5

#: pg_dump's words for a full disk or a file-size limit (English and German messages).
_NO_SPACE = re.compile(r"No space left|File too large|Disk quota|kein Speicherplatz|Datei zu groß")

_UPGRADE_COPY = re.compile(r"\.vor-upgrade-(\w+)-(\d{8}-\d{6})\.bak$")


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: from PATH, else the newest Debian/Ubuntu installation."""
    found = shutil.which(name)
    if found:
        return found

    def version(p: Path) -> tuple[int, ...]:
        parts = p.parent.parent.name.split(".")
        return tuple(int(x) for x in parts) if all(x.isdigit() for x in parts) else (0,)

    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if candidates:
        return str(candidates[-1])
    raise DatabaseError(
        f"{name} ist nicht installiert; bitte den PostgreSQL-Client installieren "
        "(Paket postgresql-client)."
    )


def libpq(db: Database) -> tuple[str, dict[str, str]]:
    """The database as a libpq URI without the password, and the environment carrying it
    (``PGPASSWORD``); without a password in the URL, libpq reads ``~/.pgpass``/``PGPASSFILE``."""
    env = dict(os.environ)
    if db.url.password:
        env["PGPASSWORD"] = str(db.url.password)
    # URL.set() keeps a value given as None, so the URL is built anew without the password.
    url = URL.create(
        "postgresql",
        username=db.url.username,
        host=db.url.host,
        port=db.url.port,
        database=db.url.database,
        query=db.url.query,
    )
    return url.render_as_string(hide_password=False), env


def _first_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = lines[0] if lines else "unbekannter Fehler"
    return re.sub(r"^pg_dump: (error: |Fehler: )?", "", text)


def pg_dump(db: Database, target: Path) -> None:
    """A custom-format dump of a PostgreSQL database (``pg_restore`` reads it) at ``target``.

    ``pg_dump`` writes to its standard output, which is our exclusively created temporary
    file: it never opens a path itself, so nothing planted at a name can redirect the dump.
    """
    exe = pg_tool("pg_dump")
    uri, env = libpq(db)
    with temporary_beside(target) as (fh, tmp):
        result = subprocess.run(
            [exe, "--format=custom", "--no-password", f"--dbname={uri}"],
            stdout=fh,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
        if result.returncode != 0:
            stderr = result.stderr.decode("utf-8", errors="replace")
            if _NO_SPACE.search(stderr):
                raise DatabaseError(f"Die Sicherung ist fehlgeschlagen: {DISK_FULL}")
            raise DatabaseError(f"Die Sicherung ist fehlgeschlagen: {_first_line(stderr)}")
        fh.flush()
        os.fsync(fh.fileno())
        os.replace(tmp, target)
    fsync_folder(target.parent)


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (online backup API) at ``target``, readable by
    its owner only; a file at ``target`` is replaced only by the complete copy."""
    with temporary_beside(target) as (fh, tmp):
        fh.close()  # SQLite opens the (empty, private) file by its name
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    fsync_folder(target.parent)


def backup(db: Database, target: Path) -> None:
    """``db backup DATEI``: the whole database at ``target`` (SQLite file or ``pg_dump``)."""
    if target.exists() and target.is_dir():
        raise DatabaseError(f"{target} ist ein Ordner; bitte einen Dateinamen angeben.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.path is not None:
        sqlite_copy(db.path, target)
    else:
        pg_dump(db, target)


def upgrade_backup_path(path: Path, rev: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.vor-upgrade-{rev}-{stamp}.bak")


def upgrade_backups(path: Path) -> list[Path]:
    """The copies of the SQLite file ``path`` taken before schema upgrades, oldest first."""
    prefix = path.name + ".vor-upgrade-"
    try:
        found = [
            p
            for p in path.parent.iterdir()
            if p.name.startswith(prefix) and _UPGRADE_COPY.search(p.name) and p.is_file()
        ]
    except OSError:
        return []
    return sorted(found, key=lambda p: _UPGRADE_COPY.search(p.name).group(2))  # type: ignore[union-attr]


def backup_before_upgrade(path: Path, rev: str, keep: int = UPGRADE_BACKUPS_KEPT) -> Path:
    """Copy a SQLite file next to itself before its schema changes, then keep only the newest
    ``keep`` such copies (they hold personal data that an erasure cannot reach)."""
    target = upgrade_backup_path(path, rev)
    sqlite_copy(path, target)
    rotate_upgrade_backups(path, keep)
    return target


def rotate_upgrade_backups(path: Path, keep: int = UPGRADE_BACKUPS_KEPT) -> list[Path]:
    """Delete all but the newest ``keep`` before-upgrade copies of ``path``; returns those."""
    files = upgrade_backups(path)
    doomed = files[: max(0, len(files) - keep)]
    for old in doomed:
        old.unlink(missing_ok=True)
    return doomed
