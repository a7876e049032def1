"""An import killed midway (a real process, SIGKILL) leaves the database exactly as before."""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from support.backup import add_network, table_rows, url_of, write_people_csv

from koordination.db.engine import Database
from koordination.db.migrations import upgrade

ROWS = 200_000  # takes seconds to write: long enough to catch in the middle, on any machine
TIMEOUT = 300  # seconds; a generous ceiling, the loops below end on their signal long before
PROGRESS = re.compile(rb"Import: ([\d.]+) von ([\d.]+)")


class ImportProcess:
    """``koordination import people`` in a child process whose stderr is a terminal, so it
    reports its progress: every row counts once when checked and once when written."""

    def __init__(self, db_url: str, csv: Path) -> None:
        master, slave = os.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "koordination", "--db", db_url, "import", "people", str(csv)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=slave,
        )
        os.close(slave)
        self.master = master
        self.output = b""
        self.done = 0
        self.total = 0

    def read(self, timeout: float) -> None:
        """Take in what the child printed within ``timeout`` seconds."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            chunk = b""
        self.output += chunk
        found = PROGRESS.findall(self.output[-4096:])
        if found:
            done, total = found[-1]
            self.done = int(done.replace(b".", b""))
            self.total = int(total.replace(b".", b""))

    def writing(self) -> bool:
        """Past checking, into writing, and not yet at the last row."""
        return self.total > 0 and self.total // 2 < self.done < self.total

    def drain(self) -> None:
        """Everything a stopped child printed before it stopped."""
        while select.select([self.master], [], [], 0.2)[0]:
            before = len(self.output)
            self.read(0)
            if len(self.output) == before:
                break

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)
        self.drain()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        os.close(self.master)


@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    return write_people_csv(tmp_path / "grosse-liste.csv", ROWS)


def _database_with_a_network(url: str) -> Database:
    db = Database(url)
    upgrade(db)
    add_network(db)
    return db


def _wait_until(child: ImportProcess, midway: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not midway():
        child.read(0.05)
        if child.process.poll() is not None:
            pytest.fail(f"the import ended early: {child.output.decode(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"no sign of writing within {TIMEOUT} s (last {child.done}/{child.total})")


def _wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_killed_import_leaves_sqlite_database_exactly_as_before(
    sqlite_url: str, big_csv: Path, tmp_path: Path
) -> None:
    db = _database_with_a_network(sqlite_url)
    assert db.path is not None
    path = db.path
    before = table_rows(db)
    db.dispose()
    wal_at_start = _wal_size(path)
    child = ImportProcess(sqlite_url, big_csv)
    try:
        # Midway: writing rows, and uncommitted pages already in the WAL file on disk.
        _wait_until(child, lambda: child.writing() and _wal_size(path) > wal_at_start)
        child.stop()
        # Stopped, it cannot reach its commit, which comes only after the last row's report.
        assert child.writing(), f"stopped too late: {child.done}/{child.total}"
        child.kill()
    finally:
        child.close()

    assert child.process.returncode == -signal.SIGKILL
    assert _wal_size(path) > wal_at_start, "the killed import had written to the WAL file"
    after = Database(sqlite_url)
    assert table_rows(after) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    _next_import_works(after, tmp_path)
    after.dispose()


@pytest.mark.postgres
def test_killed_import_leaves_postgresql_database_exactly_as_before(
    pg_url: str, big_csv: Path, tmp_path: Path
) -> None:
    db = _database_with_a_network(pg_url)
    before = table_rows(db)
    db.dispose()
    conninfo = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    child = ImportProcess(pg_url, big_csv)
    try:
        _wait_until(child, child.writing)
        child.stop()
        assert child.writing(), f"stopped too late: {child.done}/{child.total}"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            # The stopped client's transaction is open and has written rows (it holds a xid).
            writers = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
                "AND backend_xid IS NOT NULL"
            ).fetchall()
            assert len(writers) == 1
            child.kill()
            # The server notices the dead client and rolls its transaction back.
            deadline = time.monotonic() + 60
            while conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", writers[0]
            ).fetchone() != (0,):
                assert time.monotonic() < deadline, "the server kept the dead client's session"
                time.sleep(0.05)
    finally:
        child.close()

    assert child.process.returncode == -signal.SIGKILL
    after = Database(pg_url)
    assert table_rows(after) == before
    _next_import_works(after, tmp_path)
    after.dispose()


def _next_import_works(db: Database, tmp_path: Path) -> None:
    """No lock, no leftover: the same kind of import runs to its end right after."""
    small = write_people_csv(tmp_path / "kleine-liste.csv", 3, start=ROWS)
    people_before = len(table_rows(db)["person"])
    result = subprocess.run(
        [sys.executable, "-m", "koordination", "--db", url_of(db), "import", "people", str(small)],
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert len(table_rows(db)["person"]) == people_before + 3
