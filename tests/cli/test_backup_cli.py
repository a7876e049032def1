"""`koordination db restore` and `db auto-backup` as a coordinator or a cron job calls them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from support.backup import add_network, table_rows, url_of

from koordination.cli.main import main
from koordination.db import backup, migrations
from koordination.db.auto_backup import auto_backup_settings, daily_backup_path, local_day
from koordination.db.engine import Database


def koordination(
    *args: str, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess; without a terminal unless told otherwise."""
    return subprocess.run(
        [sys.executable, "-m", "koordination", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _suffix(db: Database) -> str:
    return ".sqlite3" if db.is_sqlite else ".dump"


def _rename_everyone(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE person SET family_name = 'Überschrieben'"))


@pytest.fixture
def city(db: Database) -> Database:
    add_network(db)
    return db


def test_restore_with_yes_replaces_all_data_and_names_the_safety_copy(
    city: Database, tmp_path: Path
) -> None:
    url = url_of(city)
    saved = table_rows(city)
    copy = tmp_path / f"sicherung{_suffix(city)}"
    assert koordination("--db", url, "db", "backup", str(copy)).returncode == 0
    _rename_everyone(city)

    result = koordination("--db", url, "db", "restore", str(copy), "--yes")

    assert result.returncode == 0, result.stderr
    assert f"Stand: {migrations.head_revision()} (wie diese Fassung)" in result.stdout
    assert "Größe:" in result.stdout and "Datum:" in result.stdout
    assert "zurückgespielt" in result.stdout
    assert "Die bisherigen Daten liegen in" in result.stdout
    assert table_rows(city) == saved


def test_restore_without_a_terminal_needs_yes_and_changes_nothing(
    city: Database, tmp_path: Path
) -> None:
    url = url_of(city)
    copy = tmp_path / f"sicherung{_suffix(city)}"
    migrations.backup(city, copy)
    _rename_everyone(city)
    before = table_rows(city)

    result = koordination("--db", url, "db", "restore", str(copy))

    assert result.returncode == 1
    assert "Ohne Terminal bitte mit --yes bestätigen" in result.stderr
    assert table_rows(city) == before


@pytest.mark.parametrize(("answer", "restored"), [("nein", False), ("JA", True)])
def test_restore_on_a_terminal_goes_ahead_only_after_JA(
    tmp_path: Path, answer: str, restored: bool
) -> None:
    db = Database(str(tmp_path / "koordination.sqlite3"))
    migrations.upgrade(db)
    add_network(db)
    saved = table_rows(db)
    copy = tmp_path / "sicherung.sqlite3"
    migrations.backup(db, copy)
    _rename_everyone(db)
    changed = table_rows(db)
    master, slave = os.openpty()
    try:
        os.write(master, f"{answer}\n".encode())
        result = koordination("--db", url_of(db), "db", "restore", str(copy), stdin=slave)
    finally:
        os.close(slave)
        os.close(master)

    assert "werden durch die Sicherung ersetzt. Fortfahren? Tippen Sie JA" in result.stdout
    assert result.returncode == (0 if restored else 1), result.stderr
    assert table_rows(db) == (saved if restored else changed)
    if not restored:
        assert "Abgebrochen; nichts wurde verändert." in result.stderr
    db.dispose()


def test_restore_refuses_a_file_that_is_no_backup(city: Database, tmp_path: Path) -> None:
    before = table_rows(city)
    letter = tmp_path / "brief.odt"
    letter.write_bytes(b"PK\x03\x04 kein Backup")

    result = koordination("--db", url_of(city), "db", "restore", str(letter), "--yes")

    assert result.returncode == 1
    assert f"Fehler: Die Datei {letter} ist keine Sicherung von koordination" in result.stderr
    assert table_rows(city) == before


def test_auto_backup_on_status_run_off(
    city: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = url_of(city)
    folder = tmp_path / "tagessicherungen"

    def auto_backup(*args: str) -> tuple[int, str, str]:
        code = main(["--db", url, "db", "auto-backup", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = auto_backup("status")
    assert code == 0 and "Tägliche Sicherung: ausgeschaltet" in out
    code, _, err = auto_backup("run")
    assert code == 1 and "koordination db auto-backup on" in err

    code, out, err = auto_backup("on", "--keep", "2", "--dir", str(folder))
    assert code == 0, err
    assert "eingeschaltet" in out and str(folder) in out
    code, out, _ = auto_backup("status")
    assert "Tägliche Sicherung: eingeschaltet" in out
    assert "die neuesten 2" in out and "noch keine" in out and "Heute: noch fällig" in out

    code, out, err = auto_backup("run")
    assert code == 0, err
    today = daily_backup_path(city, folder, local_day(datetime.now(UTC)))
    assert f"Sicherung geschrieben: {today}" in out
    assert backup.inspect_backup(today).revision == migrations.head_revision()
    code, out, _ = auto_backup("run")
    assert code == 0 and "Heute wurde schon gesichert" in out
    code, out, _ = auto_backup("status")
    assert "Vorhanden: 1, die neueste" in out and "Heute: schon gesichert" in out

    code, out, _ = auto_backup("off")
    assert code == 0 and "ausgeschaltet" in out
    assert today.exists(), "switching off deletes nothing"
    assert not auto_backup_settings(city).enabled


def test_auto_backup_run_from_cron_writes_todays_backup(city: Database, tmp_path: Path) -> None:
    url = url_of(city)
    folder = tmp_path / "cron"
    city.dispose()  # only the commands use the database from here on
    on = koordination("--db", url, "db", "auto-backup", "on", "--dir", str(folder))
    assert on.returncode == 0, on.stderr

    first = koordination("--db", url, "db", "auto-backup", "run")
    again = koordination("--db", url, "db", "auto-backup", "run")

    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    today = daily_backup_path(city, folder, local_day(datetime.now(UTC)))
    assert first.stdout.strip() == f"Sicherung geschrieben: {today}"
    assert again.stdout.strip() == f"Heute wurde schon gesichert: {today}"
    assert [p.name for p in folder.iterdir()] == [today.name]


def test_auto_backup_options_belong_to_on(
    city: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", url_of(city), "db", "auto-backup", "status", "--keep", "3"])

    assert code == 1
    assert "--keep und --dir gehören zu „on“" in capsys.readouterr().err
