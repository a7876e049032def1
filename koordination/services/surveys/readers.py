"""The connections a long count reads on: the session's and, on SQLite, a second one that reads
the very snapshot the session reads, so the count can be shared out between two threads without
ever mixing two states of the data."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from koordination.db.engine import BUSY_TIMEOUT_MS, Database

#: Reads the database file, so it starts the connection's read transaction (its snapshot);
#: ``SELECT 1`` would not.
_FIRST_READ = "SELECT count(*) FROM sqlite_master"


@contextmanager
def snapshot_readers(db: Database, session: Session) -> Iterator[list[Connection]]:
    """The session's connection and, on SQLite, a second one reading what it reads, unless
    another connection is writing; PostgreSQL reads on the session's alone.

    Call it before the session has read anything. In WAL mode each SQLite connection reads
    the data as committed at its first read. A third connection holds the write lock from
    just before the session's first read until just after the helper's, so no writer can
    commit in between: both read one snapshot, and writers wait a moment at most. The lock is
    never waited for: while someone writes (an import may take seconds), the session reads
    alone. Leaving rolls the helper's read transaction back and returns it to the pool.
    """
    first = session.connection()
    if not db.is_sqlite:
        yield [first]
        return
    helper = db.engine.connect()  # connected (and set up) before anyone holds a lock
    try:
        yield [first, helper] if _read_together(db, first, helper) else [first]
    finally:
        helper.close()


def _read_together(db: Database, first: Connection, second: Connection) -> bool:
    """Start the read transactions of both connections under one write lock; False (and
    neither started) when the lock is taken."""
    lock = db.engine.raw_connection()
    driver = lock.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    try:
        driver.execute("PRAGMA busy_timeout = 0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # locked by a writer (or a read-only file)
            return False
        try:
            first.exec_driver_sql(_FIRST_READ)
            second.exec_driver_sql(_FIRST_READ)
        finally:
            driver.execute("ROLLBACK")
        return True
    finally:
        driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        lock.close()
