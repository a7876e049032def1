"""What a coordinator reads when the disk is full, the file read-only, the row taken or the
server gone: a German message naming cause and remedy, exit status 1, never a traceback, SQL or
the values of a row. Two erasures of one person at once: one erases, the other is told so."""

from __future__ import annotations

import errno
import os
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from koordination.cli import people
from koordination.cli.main import main
from koordination.db import engine
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.services.directory.service import Directory

SECRET_NAME = "Geheimrath"
SECRET_MAIL = "anna.geheimrath@example.org"
LEAKS = ("SQL:", "[SQL", "parameters", "Traceback", "UPDATE ", "INSERT ", SECRET_NAME, SECRET_MAIL)


def _clean(output: str) -> None:
    for leak in LEAKS:
        assert leak.lower() not in output.lower(), f"{leak!r} in: {output}"


def _person(url: str) -> int:
    db = Database(url)
    try:
        saved = Directory(db).create_person(
            PersonInput(given_name="Anna", family_name=SECRET_NAME, emails=[SECRET_MAIL])
        )
        return saved.record.id
    finally:
        db.dispose()


def _sqlite_error(message: str, code: int) -> sqlite3.OperationalError:
    orig = sqlite3.OperationalError(message)
    orig.sqlite_errorcode = code
    return orig


def _statement_error(cls: type[Exception], orig: Exception) -> Exception:
    """A driver error as SQLAlchemy raises it: with the statement and the row's values."""
    statement = "UPDATE person SET last_name=?, notes=? WHERE person.id = ?"
    return cls(statement, (SECRET_NAME, SECRET_MAIL, 7), orig)


#: Every class of failure, raised inside a real database session, and what the user must read.
ERRORS: dict[str, tuple[Callable[[], BaseException], str]] = {
    "gesperrt": (
        lambda: _statement_error(OperationalError, _sqlite_error("database is locked", 5)),
        "gesperrt",
    ),
    "nur lesbar": (
        lambda: _statement_error(
            OperationalError, _sqlite_error("attempt to write a readonly database", 8)
        ),
        "Zugriffsrechte",
    ),
    "Platte voll": (
        lambda: _statement_error(OperationalError, _sqlite_error("database or disk is full", 13)),
        "Speicherplatz",
    ),
    "Platte voll ohne Datenbank": (
        lambda: OSError(errno.ENOSPC, "No space left on device", f"/tmp/{SECRET_NAME}.csv"),
        "Speicherplatz",
    ),
    "Konflikt": (lambda: StaleDataError(f"UPDATE person ... {SECRET_NAME}"), "jemand anderem"),
    "doppelt": (
        lambda: _statement_error(
            IntegrityError,
            _sqlite_error("UNIQUE constraint failed: person_email.address_key", 19),
        ),
        "E-Mail-Adresse gehört schon",
    ),
    "Server weg": (
        lambda: _statement_error(
            OperationalError,
            psycopg.errors.AdminShutdown(f"terminating connection, {SECRET_MAIL}"),
        ),
        "Datenbankserver",
    ),
    "PostgreSQL doppelt": (
        lambda: _statement_error(
            IntegrityError,
            psycopg.errors.UniqueViolation(
                f"duplicate key value\nDETAIL:  Key (address_key)=({SECRET_MAIL}) already exists."
            ),
        ),
        "abgelehnt",
    ),
}


@pytest.mark.parametrize("kind", list(ERRORS))
def test_every_database_failure_reaches_the_user_in_german_without_sql_or_values(
    kind: str,
    migrated_sqlite: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = migrated_sqlite()
    make, expected = ERRORS[kind]

    def failing_command(args: Any) -> int:
        db = Database(str(path))
        try:
            with db.session() as session:
                session.execute(text("SELECT 1"))
                raise make()
        finally:
            db.dispose()

    monkeypatch.setattr(people, "cmd_list", failing_command)
    status = main(["--db", str(path), "people", "list"])
    out, err = capsys.readouterr()
    assert status == 1, err
    assert expected in err
    _clean(out + err)


def _read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file and its folder without write permission. Root writes through permissions, so
    there SQLite is also told to refuse writes (PRAGMA query_only: the same SQLITE_READONLY
    error a read-only file gives)."""
    path.chmod(0o444)
    if os.geteuid() == 0:
        on_connect = engine._sqlite_on_connect

        def read_only_connect(dbapi_connection: Any, record: Any) -> None:
            on_connect(dbapi_connection, record)
            dbapi_connection.execute("PRAGMA query_only=ON")

        monkeypatch.setattr(engine, "_sqlite_on_connect", read_only_connect)


def test_a_read_only_database_says_check_permissions_and_changes_nothing(
    migrated_sqlite: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = migrated_sqlite()
    number = _person(str(path))
    before = path.read_bytes()
    csv = tmp_path / "personen.csv"
    csv.write_text(f"Nachname;Vorname;E-Mail\n{SECRET_NAME}2;Bernd;b@example.org\n")
    _read_only(path, monkeypatch)
    for argv in (
        ["people", "erase", str(number), "--yes"],
        ["retention", "set", "guests", "12"],
        ["import", "people", str(csv)],
    ):
        status = main(["--db", str(path), *argv])
        out, err = capsys.readouterr()
        assert status == 1, (argv, err)
        assert "Zugriffsrechte" in err, (argv, err)
        _clean(out + err)
    assert path.read_bytes() == before


def _limited(limit: int, *argv: str) -> subprocess.CompletedProcess[str]:
    """The real program with its files limited to ``limit`` bytes (ulimit -f): every write
    beyond fails as on a full disk (EFBIG in Python, a disk I/O error in SQLite)."""

    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "koordination", *argv],
        preexec_fn=set_limit,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_full_disk_stops_backups_and_exports_with_a_german_message(
    demo_sqlite: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo_sqlite()
    db = ["--db", str(path)]
    assert path.stat().st_size > 64 * 1024
    assert main([*db, "db", "auto-backup", "on", "--dir", str(tmp_path / "sicherungen")]) == 0
    runs = [
        ("db backup", 64 * 1024, ["db", "backup", str(tmp_path / "kopie.sqlite3")]),
        ("auto-backup run", 64 * 1024, ["db", "auto-backup", "run"]),
        ("export", 2048, ["export", "people", "--format", "json", "-o", str(tmp_path / "p.json")]),
    ]
    for what, limit, argv in runs:
        if what == "export":  # the daily backup at the start would fail first
            assert main([*db, "db", "auto-backup", "off"]) == 0
        result = _limited(limit, *db, *argv)
        assert result.returncode == 1, (what, result.stderr)
        assert "Speicherplatz" in result.stderr, (what, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
    capsys.readouterr()
    left = [p.name for p in tmp_path.rglob("*") if p.is_file() and p != path]
    assert not [n for n in left if "kopie" in n or "p.json" in n or n.endswith(".tmp")], left


def _erase_twice(url: str, number: int) -> list[subprocess.CompletedProcess[str]]:
    argv = [sys.executable, "-m", "koordination", "--db", url, "people", "erase", str(number)]
    runs = [
        subprocess.Popen(
            [*argv, "--yes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    done = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(run.args, run.returncode, out, err))
    return done


def test_two_erasures_of_one_person_at_once_erase_once_and_tell_the_other(db: Database) -> None:
    url = db.url.render_as_string(hide_password=False)
    number = _person(url)
    runs = _erase_twice(url, number)
    assert sorted(r.returncode for r in runs) == [0, 1], [r.stderr for r in runs]
    loser = next(r for r in runs if r.returncode == 1)
    assert loser.stderr.startswith("Fehler: "), loser.stderr
    for run in runs:
        assert "StaleDataError" not in run.stdout + run.stderr
        _clean(run.stdout + run.stderr)
