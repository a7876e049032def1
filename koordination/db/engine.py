"""Engine and session factory for SQLite files and PostgreSQL servers."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

# Registers the audit trail's session listener: every change is logged.
import koordination.db.audit  # noqa: F401
from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.errors import translate
from koordination.errors import DatabaseError
from koordination.paths import resolve_url

SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a SQLite write waits for another one to finish before giving up (milliseconds).
BUSY_TIMEOUT_MS = 5000
#: The advisory lock key of bulk imports on PostgreSQL ("koor" in ASCII).
BULK_WRITE_LOCK = 0x6B6F6F72


def private_file(path: Path) -> None:
    """Create ``path`` (and its folder) readable by the owner only, if it does not exist."""
    if path.exists():
        return  # never open (and close) a live database file: see _check_sqlite_file
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


#: How much of a SQLite file each connection maps into memory for reading.
MAPPED_BYTES = 1 << 30


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy own transactions (pysqlite's own BEGIN handling is off), see the
    # "Serializable isolation / Savepoints / Transactional DDL" notes in SQLAlchemy's docs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL is written into the file's header, so only switch files that are new or ours: a
    # foreign file we are about to refuse must stay byte for byte as it was.
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = {row[0] for row in cursor.fetchall()}
    if not tables or "alembic_version" in tables:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 32 MiB of page cache: bulk imports keep the indexes in memory while they grow.
    cursor.execute("PRAGMA cache_size=-32768")
    # Reads use the file mapped into memory (address space only; writes still go through the
    # file): a page is read where it lies instead of being asked of the system and copied.
    # A search typed into a long list walks thousands of pages no query of this connection
    # read before, an export or a survey's results most of the file.
    cursor.execute(f"PRAGMA mmap_size={MAPPED_BYTES}")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


class Database:
    """One database: its engine, a session factory and what kind of backend it is."""

    def __init__(self, url: str) -> None:
        if url and "://" not in url:
            url = resolve_url(url)  # a plain file path
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise DatabaseError(f"Die Datenbankangabe „{url}“ ist ungültig.") from exc
        if parsed.drivername in ("postgresql", "postgres"):
            # A plain postgresql:// address (as psql and the server's admins write it) means
            # the one driver koordination uses.
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.url = parsed
        self.path: Path | None = None
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise DatabaseError("Bitte eine Datenbankdatei angeben, keine Speicher-Datenbank.")
            self.path = Path(parsed.database)
            self._check_sqlite_file(self.path)
            try:
                private_file(self.path)
            except OSError as exc:
                raise DatabaseError(
                    f"Die Datenbankdatei {self.path} kann nicht angelegt werden "
                    f"({exc.strerror or exc})."
                ) from exc
        try:
            self.engine: Engine = create_engine(parsed, future=True)
        except (NoSuchModuleError, ImportError) as exc:
            if parsed.drivername == "postgresql+psycopg" and isinstance(exc, ImportError):
                # psycopg is an extra: SQLite users need no PostgreSQL driver.
                raise DatabaseError(
                    "Für PostgreSQL fehlt der Datenbanktreiber psycopg. Bitte mit dem Zusatz "
                    "für PostgreSQL neu installieren: pipx install --force "
                    "'ORDNER/koordination[postgres]' (ORDNER: wo der Quellordner oder die "
                    ".whl-Datei liegt, siehe README)."
                ) from exc
            raise DatabaseError(
                f"Für „{parsed.drivername}“ fehlt der Datenbanktreiber. "
                "Bitte postgresql+psycopg://… verwenden."
            ) from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_on_begin)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._actor = ""
        self._clock = SYSTEM_CLOCK
        self._configure()

    def _configure(self) -> None:
        # Every session carries who changes the data and the clock that stamps the change.
        self.sessions.configure(info={"actor": self._actor, "clock": self._clock})

    @property
    def actor(self) -> str:
        """Who changes the data through this database, for the audit trail."""
        return self._actor

    @actor.setter
    def actor(self, name: str) -> None:
        self._actor = name
        self._configure()

    @property
    def clock(self) -> Clock:
        """The core's clock: it stamps the audit trail's entries."""
        return self._clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self._clock = clock
        self._configure()

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @staticmethod
    def _check_sqlite_file(path: Path) -> None:
        if path.is_dir():
            raise DatabaseError(f"{path} ist ein Ordner, keine Datenbankdatei.")
        if path.exists() and path.stat().st_size > 0:
            # Asked through SQLite, never by opening the file ourselves: closing any descriptor
            # of a file drops every POSIX lock this process holds on it, including those of
            # open SQLite connections, and another process could then remove the WAL.
            try:
                probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    probe.execute("PRAGMA schema_version").fetchone()
                finally:
                    probe.close()
            except sqlite3.OperationalError as exc:
                raise DatabaseError(
                    f"Die Datenbankdatei {path} kann nicht gelesen werden ({exc}). "
                    "Bitte die Zugriffsrechte prüfen."
                ) from exc
            except sqlite3.DatabaseError:
                raise DatabaseError(
                    f"Die Datei {path} ist keine koordination-Datenbank oder sie ist beschädigt. "
                    "Sie wurde nicht verändert. Bitte eine Sicherung (koordination db backup) "
                    "an ihre Stelle kopieren oder mit --db eine andere Datei wählen."
                ) from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back on any error.

        Every error of the database becomes one German message (koordination.db.errors): the
        one place where SQL and the values of a row are kept out of what a user sees."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise translate(exc) from None

    @contextmanager
    def bulk_session(self) -> Iterator[Session]:
        """One unit of work as :meth:`session` gives it, for a bulk import: on SQLite without
        the foreign-key checks of every row.

        SQLite looks up each row's parents as it stores the row (a third of the insert's cost
        for the answers of a city's survey). A bulk import writes only ids it reserved itself
        or read inside this very transaction, and a row another connection deleted after our
        read makes our first write fail (the transaction's snapshot is stale then), so the
        checks would never refuse anything. The pragma works only outside a transaction: it is
        switched off before this one begins, on the connection it runs on, and on again
        before that connection goes back to the pool."""
        if not self.is_sqlite:
            with self.session() as session:
                yield session
            return
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA foreign_keys = OFF")
            try:
                with self.sessions(bind=conn) as session, session.begin():
                    yield session
            except SQLAlchemyError as exc:
                raise translate(exc) from None
            finally:
                driver.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def alone(self, name: str, key: int) -> Iterator[bool]:
        """Held for a whole run of ``name`` (a Rundmail, the retention rules): yields whether
        this run is the only one, a lock file beside the SQLite file (``<file>.<name>.lock``)
        or a session advisory lock ``key`` on PostgreSQL; leaving releases it."""
        from koordination.files import try_lock

        if self.path is not None:
            fd = os.open(
                self.path.with_name(f"{self.path.name}.{name}.lock"), os.O_RDWR | os.O_CREAT, 0o600
            )
            try:
                yield try_lock(fd)
            finally:
                os.close(fd)  # closing releases the lock
            return
        with self.engine.connect() as conn:
            got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()

    def serialise_bulk_write(self, session: Session) -> None:
        """Let one bulk import write at a time: a second one waits here until the first has
        committed and then sees its rows as existing (PostgreSQL; SQLite's single writer lock
        already does this, refusing after its busy timeout)."""
        if not self.is_sqlite:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BULK_WRITE_LOCK})

    def after_bulk_write(self) -> None:
        """After a large import: fresh planner statistics, and the WAL folded into the file."""
        if not self.is_sqlite:
            return  # PostgreSQL's autovacuum analyses changed tables by itself
        # Outside any transaction: a checkpoint cannot run inside one.
        raw = self.engine.raw_connection()
        try:
            raw.execute("PRAGMA optimize")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def dispose(self) -> None:
        self.engine.dispose()
