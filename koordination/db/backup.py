"""Backups: recognising a koordination backup, restoring it, and the daily automatic backup.

Restoring never leaves half a database behind. SQLite: the backup is copied into a private
working file first (checked, upgraded if older, settings carried over), then written into the
live file with SQLite's online backup API in one write transaction. That is the safe direction
while the TUI or a colleague's command has the file open: their connections keep a consistent
snapshot and see the restored data with their next transaction. Renaming a file over the live
one would not be safe: open connections keep reading the old inode, and its ``-wal``/``-shm``
would be paired with the wrong file. PostgreSQL: ``pg_restore`` writes SQL that ``psql`` runs in
one transaction together with dropping the old tables; it only commits when ``pg_restore``
finished without error. Both keep a safety copy of the data they replace.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from koordination.clock import CITY_ZONE
from koordination.db import migrations
from koordination.db.auto_backup import (
    AUTO_PREFIX,
    read_settings_quietly,
    remove_stale,
    settings_from,
    write_settings,
)
from koordination.db.dumps import libpq, pg_dump, sqlite_copy
from koordination.db.dumps import pg_tool as pg_tool  # named here too for its callers
from koordination.db.engine import SQLITE_HEADER, Database, private_file, resolve_url
from koordination.db.pg_script import clean_sql, pump, read_all
from koordination.errors import DatabaseError, KoordinationError
from koordination.files import temporary_folder

#: Tables every koordination database has had since its first revision.
CORE_TABLES = frozenset({"alembic_version", "city_profile", "organisation", "person"})

PG_ARCHIVE_MAGIC = b"PGDMP"
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26  # primary result codes, https://sqlite.org/rescode.html
UNCHANGED = "Nichts wurde verändert."

#: How long a restore waits for other programs to finish writing before it gives up.
LOCK_WAIT_SECONDS = 60

Backend = Literal["sqlite", "postgresql"]


# --------------------------------------------------------------------------- recognising
@dataclass(frozen=True)
class BackupInfo:
    """What a backup file is: which backend wrote it, its schema revision, when, how big."""

    path: Path
    backend: Backend
    revision: str
    created: datetime
    size: int
    #: PostgreSQL: the schemas holding the archive's tables (``public`` as a rule).
    schemas: tuple[str, ...] = ()

    @property
    def is_newer(self) -> bool:
        """Written by a newer koordination: this version does not know its revision."""
        return not _known_revision(self.revision)

    @property
    def is_current(self) -> bool:
        return self.revision == migrations.head_revision()

    @property
    def kind_label(self) -> str:
        return "SQLite-Datei" if self.backend == "sqlite" else "PostgreSQL-Archiv (pg_dump)"


def _known_revision(revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return migrations.script().get_revision(revision) is not None
    except CommandError:
        return False


def _not_a_backup(path: Path, why: str = "") -> DatabaseError:
    reason = f" ({why})" if why else ""
    return DatabaseError(
        f"Die Datei {path} ist keine Sicherung von koordination{reason}. {UNCHANGED}"
    )


def _damaged(path: Path, reason: str) -> DatabaseError:
    return DatabaseError(
        f"Die Sicherung {path} ist beschädigt oder unvollständig ({reason}). "
        f"{UNCHANGED} Bitte eine andere Sicherung wählen."
    )


@dataclass(frozen=True)
class RestoreTarget:
    """The database a backup is meant for, known without opening it (it may be damaged)."""

    is_sqlite: bool
    #: The file's path, or the server URL without its password.
    name: str


def restore_target(url: str) -> RestoreTarget:
    """What ``url`` (a URL or a SQLite path) names; refuses an in-memory database."""
    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseError("Bitte eine Datenbankdatei angeben, keine Speicher-Datenbank.")
        return RestoreTarget(True, str(Path(parsed.database)))
    return RestoreTarget(False, parsed.render_as_string(hide_password=True))


def inspect_backup(path: Path, target: RestoreTarget | None = None) -> BackupInfo:
    """Recognise a koordination backup, or raise a German :class:`DatabaseError` saying why not.

    With ``target``, a backup of the other backend is refused before any PostgreSQL tool runs.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise DatabaseError(f"{path} ist ein Ordner; bitte die Sicherungsdatei angeben.")
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
        size = path.stat().st_size
    except FileNotFoundError:
        raise DatabaseError(f"Die Datei {path} gibt es nicht.") from None
    except OSError as exc:
        raise DatabaseError(
            f"Die Datei {path} kann nicht gelesen werden ({exc.strerror or exc})."
        ) from exc
    custom = head.startswith(PG_ARCHIVE_MAGIC)
    backend: Backend
    if head.startswith(SQLITE_HEADER):
        backend = "sqlite"
    elif custom or head[257:262] == b"ustar":
        backend = "postgresql"
    else:
        raise _not_a_backup(path, "weder eine SQLite-Datei noch ein Archiv von pg_dump")
    if target is not None:
        _refuse_other_backend(path, backend, target)
    if backend == "sqlite":
        return _inspect_sqlite(path, size)
    return _inspect_postgresql(path, size, custom=custom)


def _readonly_uri(path: Path) -> str:
    # immutable: read the file as it is, create no -wal/-shm next to the user's backup.
    return path.resolve().as_uri() + "?immutable=1"


def _inspect_sqlite(path: Path, size: int) -> BackupInfo:
    try:
        conn = sqlite3.connect(_readonly_uri(path), uri=True)
        try:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables >= CORE_TABLES:
                raise _not_a_backup(path, "die Tabellen von koordination fehlen")
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from exc
    if len(revisions) != 1 or not revisions[0]:
        raise _not_a_backup(path, "kein Stand der Datenbank vermerkt")
    created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return BackupInfo(
        path=path, backend="sqlite", revision=str(revisions[0]), created=created, size=size
    )


_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.M)
_TOC_DATA = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) alembic_version ", re.M)
_TOC_CREATED = re.compile(r"^; Archive created at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (\S+)", re.M)
_COPY_VERSION = re.compile(
    r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)^\\\.$", re.M | re.S
)


def _pg_restore_output(args: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pg_tool("pg_restore"), *args, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def _inspect_postgresql(path: Path, size: int, *, custom: bool) -> BackupInfo:
    listing = _pg_restore_output(["--list"], path)
    if listing.returncode != 0:
        reason = _first_error(listing.stderr)
        raise _damaged(path, reason) if custom else _not_a_backup(path, reason)
    tables = {(schema, name) for schema, name in _TOC_TABLE.findall(listing.stdout)}
    names = {name for _schema, name in tables}
    if not names >= CORE_TABLES or not _TOC_DATA.search(listing.stdout):
        raise _not_a_backup(path, "die Tabellen von koordination fehlen")
    data = _pg_restore_output(["--data-only", "--table=alembic_version", "--file=-"], path)
    if data.returncode != 0:
        raise _damaged(path, _first_error(data.stderr))
    match = _COPY_VERSION.search(data.stdout)
    revisions = match.group(1).split() if match else []
    if len(revisions) != 1:
        raise _not_a_backup(path, "kein Stand der Datenbank vermerkt")
    schemas = tuple(sorted({schema for schema, name in tables if name in CORE_TABLES}))
    return BackupInfo(
        path=path,
        backend="postgresql",
        revision=revisions[0],
        created=_archive_created(listing.stdout, path),
        size=size,
        schemas=schemas,
    )


def _archive_created(listing: str, path: Path) -> datetime:
    match = _TOC_CREATED.search(listing)
    zones = {"UTC": UTC, "GMT": UTC, "CET": CITY_ZONE, "CEST": CITY_ZONE}
    if match and match.group(2) in zones:
        naive = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
        return naive.replace(tzinfo=zones[match.group(2)]).astimezone(UTC)
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = lines[0] if lines else "unbekannter Fehler"
    return re.sub(r"^(pg_restore|psql|pg_dump): (error: |Fehler: )?", "", text)


def _refuse_other_backend(path: Path, backend: Backend, target: RestoreTarget) -> None:
    if backend == "sqlite" and not target.is_sqlite:
        raise DatabaseError(
            f"Die Datei {path} ist eine SQLite-Sicherung, {target.name} aber eine "
            "PostgreSQL-Datenbank. Eine Sicherung lässt sich nur in eine Datenbank derselben Art "
            f"zurückspielen: bitte mit --db eine SQLite-Datei als Ziel angeben. {UNCHANGED}"
        )
    if backend == "postgresql" and target.is_sqlite:
        raise DatabaseError(
            f"Die Datei {path} ist eine PostgreSQL-Sicherung (pg_dump), {target.name} aber "
            "eine SQLite-Datei. Eine Sicherung lässt sich nur in eine Datenbank derselben Art "
            "zurückspielen: bitte mit --db postgresql+psycopg://… die PostgreSQL-Datenbank "
            f"angeben. {UNCHANGED}"
        )


def refuse_unfit(info: BackupInfo, target: RestoreTarget) -> None:
    """Refuse a backup of the other backend or of a newer koordination, with what to do."""
    _refuse_other_backend(info.path, info.backend, target)
    if info.is_newer:
        raise DatabaseError(
            f"Die Sicherung {info.path} stammt von einer neueren Fassung (Stand {info.revision}); "
            f"bitte zuerst koordination aktualisieren. {UNCHANGED}"
        )


# --------------------------------------------------------------------------- restoring
@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    #: The data that was replaced, as a backup itself; ``None`` when there was none.
    safety_copy: Path | None
    #: The replaced file could not be read and was moved aside instead of copied.
    damaged_moved_aside: bool = False
    #: The revision the restored data was brought to, when the backup was older.
    upgraded_to: str | None = None


def restore(target: Database | str, source: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace all data of ``target`` by the backup ``source``; the old data is kept aside.

    ``target`` is a :class:`Database` or a URL/path; a SQLite file that is damaged beyond
    opening can only be given as a URL/path. On any failure the target is left as it was.
    """
    url = target if isinstance(target, str) else target.url.render_as_string(hide_password=False)
    where = restore_target(url)
    if where.is_sqlite and Path(source).expanduser().resolve() == Path(where.name).resolve():
        # Checked before the file is opened at all: see _live_page_size() for why.
        raise DatabaseError(
            f"{source} ist die Datenbank selbst, keine Sicherung davon. {UNCHANGED}"
        )
    info = inspect_backup(Path(source), where)
    refuse_unfit(info, where)
    moment = now or datetime.now(UTC)
    if where.is_sqlite:
        return _restore_sqlite(Path(where.name), info, moment)
    db = Database(resolve_url(url)) if isinstance(target, str) else target
    try:
        return _restore_postgresql(db, info, moment)
    finally:
        db.dispose()  # pooled connections must not keep plans of the replaced tables


def _stamp(now: datetime) -> str:
    return now.astimezone(CITY_ZONE).strftime("%Y%m%d-%H%M%S")


def _safety_path(folder: Path, name: str, now: datetime, suffix: str) -> Path:
    """A fresh name for the safety copy: two restores within a second must not share one
    (the second would overwrite the first, which may be the very backup being restored)."""
    base = f"{name}.vor-wiederherstellung-{_stamp(now)}"
    candidate = folder / f"{base}{suffix}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{base}-{n}{suffix}"
    return candidate


def _carried_settings(read: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {key: value for key, value in read if key.startswith(AUTO_PREFIX)}


def _settings_of_sqlite(path: Path) -> dict[str, str]:
    """The daily-backup switch of the file being replaced: the office's, not the data's."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True)
        try:
            return _carried_settings(conn.execute("SELECT key, value FROM app_setting"))
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def _restore_sqlite(path: Path, info: BackupInfo, now: datetime) -> RestoreResult:
    if path.is_dir():
        raise DatabaseError(f"{path} ist ein Ordner, keine Datenbankdatei. {UNCHANGED}")
    carried = _settings_of_sqlite(path) if path.exists() else {}
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_stale(path.parent.glob(".koordination-wiederherstellung-*"))  # earlier versions
    # Next to the database: the same file system, so a damaged file can be replaced by rename.
    # Private, and removed by the next run that writes here should this one be killed.
    work_dir = temporary_folder(path)
    try:
        work = work_dir / "sicherung.sqlite3"
        upgraded = _prepare_working_copy(info, work, carried, _live_page_size(path))
        safety = _safety_path(path.parent, path.name, now, ".bak")
        if not path.exists() or path.stat().st_size == 0:
            if not path.exists():
                private_file(path)
            _write_into(work, path)
            return RestoreResult(info, None, upgraded_to=upgraded)
        try:
            sqlite_copy(path, safety)
        except sqlite3.Error as exc:
            if not _is_damage(exc):  # locked, no permission, disk full: not ours to replace
                raise DatabaseError(
                    f"Vor dem Zurückspielen ließ sich {path} nicht sichern ({exc}). {UNCHANGED}"
                ) from exc
            # The current file cannot even be read: set it aside whole, put the backup in place.
            _move_aside(path, safety)
            os.replace(work, path)
            return RestoreResult(info, safety, damaged_moved_aside=True, upgraded_to=upgraded)
        try:
            _write_into(work, path)
        except BaseException:
            safety.unlink(missing_ok=True)  # nothing was replaced, so nothing needs keeping
            raise
        return RestoreResult(info, safety, upgraded_to=upgraded)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _is_damage(exc: sqlite3.Error) -> bool:
    """Not a database or corrupt, as opposed to busy, locked or not permitted."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


def _live_page_size(path: Path) -> int | None:
    """The live database's page size, asked through SQLite, ``None`` if it cannot be read.

    Never open the live file directly: closing any descriptor of it drops every POSIX lock
    this process holds on it, including those of open SQLite connections. Another process
    would then take itself for the last user, checkpoint and delete the WAL under them.
    """
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA page_size").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _page_size(path: Path) -> int | None:
    """The page size in the header of a file nobody has open (the working copy)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(18)
    except OSError:
        return None
    if len(header) < 18 or not header.startswith(SQLITE_HEADER):
        return None
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _prepare_working_copy(
    info: BackupInfo, work: Path, carried: dict[str, str], page_size: int | None
) -> str | None:
    """Copy, check and (when older) upgrade the backup; returns the revision upgraded to."""
    private_file(work)
    try:
        src = sqlite3.connect(_readonly_uri(info.path), uri=True)
        try:
            dst = sqlite3.connect(work)
            try:
                src.backup(dst)
                problems = [row[0] for row in dst.execute("PRAGMA quick_check")]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        if _is_damage(exc):
            raise _damaged(info.path, str(exc)) from exc
        raise DatabaseError(
            f"Die Sicherung ließ sich nicht in {work.parent.parent} zwischenspeichern ({exc}). "
            f"{UNCHANGED}"
        ) from exc
    if problems != ["ok"]:
        raise _damaged(info.path, "; ".join(problems[:3]))
    upgraded = None
    if not info.is_current or carried:
        db = Database(str(work))
        try:
            if not info.is_current:
                migrations.upgrade(db)
                upgraded = migrations.head_revision()
            if carried:
                write_settings(db, carried)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"Die Sicherung {info.path} lässt sich nicht auf den neuesten Stand bringen "
                f"({exc}). {UNCHANGED}"
            ) from exc
        finally:
            db.dispose()
    if page_size is not None and _page_size(work) != page_size:
        # A WAL database cannot change its page size, so the backup takes the live one's.
        conn = sqlite3.connect(work, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute(f"PRAGMA page_size={int(page_size)}")
            conn.execute("VACUUM")
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    return upgraded


def _write_into(work: Path, path: Path) -> None:
    """Write the working copy into the live file: one write transaction, readers stay consistent."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS

    def give_up_when_locked_too_long(_status: int, _remaining: int, _total: int) -> None:
        if time.monotonic() > deadline:
            raise DatabaseError(
                f"Die Datenbank {path} ist seit {LOCK_WAIT_SECONDS} Sekunden von einem anderen "
                f"Programm zum Schreiben gesperrt. {UNCHANGED} Bitte das andere Programm "
                "(z. B. einen laufenden Import) abwarten und noch einmal versuchen."
            )

    try:
        src = sqlite3.connect(work)
        try:
            dst = sqlite3.connect(path, timeout=min(5, LOCK_WAIT_SECONDS))
            try:
                src.backup(dst, progress=give_up_when_locked_too_long)
                with contextlib.suppress(sqlite3.Error):
                    dst.execute("PRAGMA wal_checkpoint(PASSIVE)")  # never waits for readers
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"Die Sicherung ließ sich nicht nach {path} schreiben ({exc}). {UNCHANGED}"
        ) from exc


def _move_aside(path: Path, safety: Path) -> None:
    os.replace(path, safety)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, safety.with_name(safety.name + suffix))


def _restore_postgresql(db: Database, info: BackupInfo, now: datetime) -> RestoreResult:
    pg_tool("psql")  # missing client tools are reported before anything happens
    carried = read_settings_quietly(db)
    folder = settings_from(carried).directory
    name = db.url.database or "koordination"
    safety = _safety_path(folder, name, now, ".dump")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        pg_dump(db, safety)
    except (DatabaseError, OSError) as exc:
        reason = exc.message if isinstance(exc, KoordinationError) else str(exc)
        raise DatabaseError(
            f"Vor dem Zurückspielen ließ sich die bisherige Datenbank nicht sichern: {reason} "
            f"{UNCHANGED}"
        ) from exc
    db.dispose()
    try:
        _run_restore_script(db, info)
    except BaseException:
        safety.unlink(missing_ok=True)  # nothing was replaced, so nothing needs keeping
        raise
    upgraded = None
    if not info.is_current:
        migrations.upgrade(db)
        upgraded = migrations.head_revision()
    if carried:
        write_settings(db, carried)
    return RestoreResult(info, safety, upgraded_to=upgraded)


def _run_restore_script(db: Database, info: BackupInfo) -> None:
    """Drop the old tables and restore the archive in one transaction, committed only when
    ``pg_restore`` read the whole archive without error."""
    uri, env = libpq(db)
    prologue = (
        "BEGIN;\n"
        f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s';\n"
        "SET client_min_messages = warning;\n" + clean_sql(info.schemas)
    )
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        psql = subprocess.Popen(
            [pg_tool("psql"), "-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d", uri, "-f", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        dump = subprocess.Popen(
            [pg_tool("pg_restore"), "--no-owner", "--file=-", str(info.path)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
        )
        outcome = pump(dump, psql, prologue.encode())
        psql_code = psql.wait()
        if outcome == "archive failed":
            raise _damaged(info.path, _first_error(read_all(restore_err)))
        if psql_code == 0 and outcome == "committed":
            return
        reason = _first_error(read_all(psql_err))
        if "lock timeout" in reason or "Sperr" in reason:
            raise DatabaseError(
                f"{db.display_name} wird gerade von einem anderen Programm benutzt "
                f"(Sperre nach {LOCK_WAIT_SECONDS} Sekunden nicht frei). {UNCHANGED} "
                "Bitte die anderen Programme schließen und noch einmal versuchen."
            )
        raise DatabaseError(
            f"Das Zurückspielen in {db.display_name} ist fehlgeschlagen ({reason}). {UNCHANGED}"
        )
