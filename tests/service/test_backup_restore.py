"""Backups restore exactly, on SQLite and PostgreSQL; anything else is refused untouched."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from support.backup import add_network, table_rows, write_people_csv

from koordination.db import auto_backup, backup, migrations
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.errors import DatabaseError
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory

OLD_REVISION = "0006"  # before app_setting, retention_rule and person.erased_at existed

INSERT_PEOPLE_0006 = """
INSERT INTO person (salutation, title, given_name, family_name, postal_address, notes,
    preferred_channel, archived, sort_key, search_text, version, created_at, updated_at)
VALUES
 ('Frau', 'Dr.', 'Änne', 'Müller', '', '', 'email', :false, 'muller anne', 'änne müller',
  1, :now, :now),
 ('Herr', '', 'Jörg', 'Schäfer', '', '', 'telefon', :false, 'schafer jorg', 'jörg schäfer',
  1, :now, :now)
"""


def _suffix(db: Database) -> str:
    return ".sqlite3" if db.is_sqlite else ".dump"


def _change_everything(db: Database) -> None:
    """After the backup: new people, a changed name, a deleted tag."""
    directory = Directory(db)
    directory.create_person(PersonInput(given_name="Nach", family_name="Sicherung"))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE person SET family_name = 'Geändert' WHERE given_name = 'Jürgen'"))
        conn.execute(text("DELETE FROM person_tag"))


def _upgrade_to(db: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    command.upgrade(cfg, revision)


# --- restoring --------------------------------------------------------------------------------


def test_restore_brings_back_exactly_the_backed_up_rows_and_keeps_the_replaced_ones(
    db: Database, tmp_path: Path
) -> None:
    add_network(db)
    saved = table_rows(db)
    copy = tmp_path / f"sicherung{_suffix(db)}"
    migrations.backup(db, copy)
    _change_everything(db)
    changed = table_rows(db)
    assert changed != saved

    result = backup.restore(db, copy)

    assert table_rows(db) == saved
    assert result.upgraded_to is None
    assert result.safety_copy is not None and result.safety_copy.exists()
    assert "vor-wiederherstellung" in result.safety_copy.name
    assert result.safety_copy.stat().st_mode & 0o777 == 0o600
    # The safety copy is a backup itself: restoring it undoes the restore.
    backup.restore(db, result.safety_copy)
    assert table_rows(db) == changed


def test_backup_taken_during_writes_and_an_open_read_transaction_is_consistent(
    db: Database, tmp_path: Path
) -> None:
    add_network(db)
    writer_db = Database(str(db.url.render_as_string(hide_password=False)))
    written: list[int] = []
    stop = threading.Event()

    def keep_writing() -> None:
        # One transaction per person with an e-mail: a consistent copy has both or neither.
        directory = Directory(writer_db)
        n = 0
        while not stop.is_set():
            directory.create_person(
                PersonInput(given_name=f"W{n}", family_name="Schreiber", emails=[f"w{n}@x.example"])
            )
            written.append(n)
            n += 1

    reader = db.engine.connect()
    if not db.is_sqlite:  # SQLite's WAL readers see a snapshot anyway
        reader = reader.execution_options(isolation_level="REPEATABLE READ")
    reader.begin()
    seen_by_reader = reader.execute(text("SELECT count(*) FROM person")).scalar_one()
    thread = threading.Thread(target=keep_writing)
    thread.start()
    copy = tmp_path / f"laufend{_suffix(db)}"
    try:
        deadline = time.monotonic() + 30
        while len(written) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        before_backup = len(written)
        migrations.backup(db, copy)
        after_backup = len(written)
        while len(written) < after_backup + 5 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(timeout=30)
        # The read transaction stayed open throughout and still sees its own snapshot.
        assert reader.execute(text("SELECT count(*) FROM person")).scalar_one() == seen_by_reader
        reader.close()
        writer_db.dispose()
    assert before_backup >= 20 and len(written) > after_backup, "writes went on around the backup"

    backup.restore(db, copy)

    with db.engine.connect() as conn:
        names = conn.execute(
            text("SELECT given_name FROM person WHERE family_name = 'Schreiber'")
        ).scalars()
        numbers = sorted(int(name[1:]) for name in names)
        emails = conn.execute(
            text(
                "SELECT count(*) FROM person_email e JOIN person p ON p.id = e.person_id "
                "WHERE p.family_name = 'Schreiber'"
            )
        ).scalar_one()
    assert numbers == list(range(len(numbers))), "the copy holds a gap-free prefix of the writes"
    assert before_backup <= len(numbers) <= len(written)
    assert emails == len(numbers), "every copied person has the e-mail of the same transaction"


def test_older_backup_is_restored_then_upgraded(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        _upgrade_to(db, OLD_REVISION)
        now = "2025-03-01 09:30:00.000000" if db.is_sqlite else "2025-03-01 09:30:00+00"
        with db.engine.begin() as conn:
            conn.execute(text(INSERT_PEOPLE_0006), {"false": False, "now": now})
        old = tmp_path / f"alt{_suffix(db)}"
        migrations.backup(db, old)
        migrations.upgrade(db)
        add_network(db)

        result = backup.restore(db, old)

        assert result.info.revision == OLD_REVISION
        assert result.upgraded_to == migrations.head_revision()
        assert migrations.current_revision(db) == migrations.head_revision()
        people = Directory(db).list_people()
        assert sorted(p.name for p in people) == ["Dr. Änne Müller", "Jörg Schäfer"]
    finally:
        db.dispose()


def test_daily_backup_switch_survives_a_restore(db: Database, tmp_path: Path) -> None:
    add_network(db)
    copy = tmp_path / f"sicherung{_suffix(db)}"
    migrations.backup(db, copy)
    auto_backup.configure_auto_backup(db, enabled=True, keep=5, folder=tmp_path / "taeglich")

    backup.restore(db, copy)

    settings = auto_backup.auto_backup_settings(db)
    assert settings.enabled and settings.keep == 5
    assert settings.directory == (tmp_path / "taeglich").resolve()


# --- refusing ---------------------------------------------------------------------------------


def test_text_file_is_refused_as_no_backup(db: Database, tmp_path: Path) -> None:
    add_network(db)
    before = table_rows(db)
    note = tmp_path / "notizen.txt"
    note.write_text("Einkaufsliste: Kaffee, Kekse\n", encoding="utf-8")

    with pytest.raises(DatabaseError, match="ist keine Sicherung von koordination"):
        backup.restore(db, note)

    assert table_rows(db) == before


def test_foreign_sqlite_file_is_refused_as_no_backup(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "koordination.sqlite3"))
    migrations.upgrade(db)
    add_network(db)
    before = table_rows(db)
    foreign = tmp_path / "adressbuch.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE kontakte (name TEXT)")
        conn.execute("INSERT INTO kontakte VALUES ('Erika')")
    conn.close()

    with pytest.raises(DatabaseError, match="keine Sicherung von koordination") as excinfo:
        backup.restore(db, foreign)

    assert "Nichts wurde verändert" in str(excinfo.value)
    assert table_rows(db) == before
    assert not list(tmp_path.glob("*vor-wiederherstellung*"))
    db.dispose()


def test_backup_of_a_newer_version_is_refused(db: Database, tmp_path: Path) -> None:
    add_network(db)
    head = migrations.head_revision()
    future = tmp_path / f"zukunft{_suffix(db)}"
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    migrations.backup(db, future)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head})
    before = table_rows(db)

    with pytest.raises(DatabaseError) as excinfo:
        backup.restore(db, future)

    assert "stammt von einer neueren Fassung (Stand 0999)" in str(excinfo.value)
    assert "bitte zuerst koordination aktualisieren" in str(excinfo.value)
    assert table_rows(db) == before


def test_damaged_backup_is_refused_and_nothing_changes(db: Database, tmp_path: Path) -> None:
    add_network(db)
    good = tmp_path / f"gut{_suffix(db)}"
    migrations.backup(db, good)
    _change_everything(db)
    before = table_rows(db)
    cut = tmp_path / f"abgeschnitten{_suffix(db)}"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])

    with pytest.raises(DatabaseError, match="beschädigt oder unvollständig"):
        backup.restore(db, cut)

    assert table_rows(db) == before
    folder = db.path.parent if db.path else auto_backup.default_backup_dir()
    assert not list(folder.glob("*vor-wiederherstellung*")), "no safety copy left for nothing"


@pytest.mark.postgres
def test_backup_of_the_other_backend_is_refused(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    lite, pg = Database(sqlite_url), Database(pg_url)
    try:
        for db in (lite, pg):
            migrations.upgrade(db)
            add_network(db)
        lite_copy, pg_copy = tmp_path / "lite.sqlite3", tmp_path / "pg.dump"
        migrations.backup(lite, lite_copy)
        migrations.backup(pg, pg_copy)
        before = table_rows(lite), table_rows(pg)

        with pytest.raises(DatabaseError, match="ist eine PostgreSQL-Sicherung"):
            backup.restore(lite, pg_copy)
        with pytest.raises(DatabaseError, match="ist eine SQLite-Sicherung"):
            backup.restore(pg, lite_copy)

        assert (table_rows(lite), table_rows(pg)) == before
    finally:
        lite.dispose()
        pg.dispose()


# --- SQLite specifics -------------------------------------------------------------------------


def test_restore_while_another_program_has_the_file_open(tmp_path: Path) -> None:
    """A colleague's open connection keeps its snapshot, then sees the restored data."""
    path = tmp_path / "koordination.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    add_network(db)
    saved = table_rows(db)
    copy = tmp_path / "sicherung.sqlite3"
    migrations.backup(db, copy)
    _change_everything(db)
    changed_count = len(table_rows(db)["person"])
    other = Database(str(path))
    reading = other.engine.connect()
    reading.begin()
    assert len(reading.execute(text("SELECT * FROM person")).all()) == changed_count

    backup.restore(str(path), copy)

    assert len(reading.execute(text("SELECT * FROM person")).all()) == changed_count
    reading.rollback()
    assert table_rows(other) == saved
    reading.close()
    other.dispose()
    db.dispose()


def test_damaged_database_file_is_set_aside_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "koordination.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    add_network(db)
    saved = table_rows(db)
    copy = tmp_path / "sicherung.sqlite3"
    migrations.backup(db, copy)
    db.dispose()
    path.write_bytes(b"\x00" * 4096)  # e.g. a disk error wiped the file's beginning

    result = backup.restore(str(path), copy)

    assert result.damaged_moved_aside
    assert result.safety_copy is not None and result.safety_copy.read_bytes() == b"\x00" * 4096
    db = Database(str(path))
    assert table_rows(db) == saved
    db.dispose()


def test_backup_with_another_page_size_restores(tmp_path: Path) -> None:
    path = tmp_path / "koordination.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    add_network(db)
    saved = table_rows(db)
    copy = tmp_path / "sicherung.sqlite3"
    migrations.backup(db, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA page_size=16384")
    conn.execute("VACUUM")
    conn.close()
    _change_everything(db)

    backup.restore(db, copy)

    assert table_rows(db) == saved
    db.dispose()


def test_restore_waits_for_a_writer_then_gives_up_leaving_everything_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "LOCK_WAIT_SECONDS", 1)
    path = tmp_path / "koordination.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    add_network(db)
    copy = tmp_path / "sicherung.sqlite3"
    migrations.backup(db, copy)
    _change_everything(db)
    before = table_rows(db)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # e.g. an import in another window
    try:
        with pytest.raises(DatabaseError, match="zum Schreiben gesperrt") as excinfo:
            backup.restore(str(path), copy)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert "Nichts wurde verändert" in str(excinfo.value)
    assert table_rows(db) == before
    assert not list(tmp_path.glob("*vor-wiederherstellung*"))
    assert not list(tmp_path.glob(".koordination-wiederherstellung-*"))
    db.dispose()


def test_restore_killed_midway_leaves_the_database_as_before(tmp_path: Path) -> None:
    """SIGKILL while the backup is being written into the live file: nothing of it counts."""
    big = Database(str(tmp_path / "gross.sqlite3"))
    migrations.upgrade(big)
    Imports(big).people(write_people_csv(tmp_path / "liste.csv", 100_000))
    big.dispose()
    path = tmp_path / "koordination.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    add_network(db)
    before = table_rows(db)
    db.dispose()  # checkpoints: the WAL starts empty
    wal = path.with_name(path.name + "-wal")
    # Written in full, the WAL holds every page of the backup (plus a header per page) and
    # only then the commit; while it is below half the backup's size, nothing is committed.
    incomplete = (tmp_path / "gross.sqlite3").stat().st_size // 2

    def wal_size() -> int:
        try:
            return wal.stat().st_size
        except FileNotFoundError:  # not yet there, or just checkpointed away
            return 0

    big_file = str(tmp_path / "gross.sqlite3")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "koordination",
            "--db",
            str(path),
            "db",
            "restore",
            big_file,
            "--yes",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while not 0 < wal_size() < incomplete:
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the restore never started writing"
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGSTOP)
        assert 0 < wal_size() < incomplete, "stopped while writing, before any commit"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()

    assert child.returncode == -signal.SIGKILL
    db = Database(str(path))
    assert table_rows(db) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    db.dispose()


# --- the daily backup -------------------------------------------------------------------------


def test_daily_backup_writes_one_per_day_and_keeps_the_newest(db: Database, tmp_path: Path) -> None:
    add_network(db)
    folder = tmp_path / "taeglich"
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert not auto_backup.auto_backup_due(db, start), "off until switched on"
    assert auto_backup.run_auto_backup(db, start) is None
    auto_backup.configure_auto_backup(db, enabled=True, keep=3, folder=folder)
    prefix = auto_backup.backup_prefix(db)
    suffix = _suffix(db)
    unrelated = [
        folder / "notizen.txt",
        folder / f"{prefix}-2020-01-01.txt",
        folder / f"andere-datenbank-2020-01-01{suffix}",
        folder / f"{prefix}-export{suffix}",
    ]
    folder.mkdir()
    for path in unrelated:
        path.write_text("bleibt", encoding="utf-8")

    made = []
    for day in range(5):
        now = start + timedelta(days=day)
        assert auto_backup.auto_backup_due(db, now)
        made.append(auto_backup.run_auto_backup(db, now))
        assert not auto_backup.auto_backup_due(db, now + timedelta(hours=1))
        assert auto_backup.run_auto_backup(db, now + timedelta(hours=1)) is None

    names = sorted(p.name for p in auto_backup.daily_backups(db, folder))
    assert names == [f"{prefix}-2026-03-0{d}{suffix}" for d in (3, 4, 5)]
    assert all(path.exists() for path in unrelated)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "no partial files left"
    newest = made[-1]
    assert newest is not None
    info = backup.inspect_backup(newest)
    assert info.revision == migrations.head_revision()
    assert newest.stat().st_mode & 0o777 == 0o600


def test_daily_backup_day_is_the_citys_day() -> None:
    late_evening_utc = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 in Berlin
    assert auto_backup.local_day(late_evening_utc).isoformat() == "2026-07-01"


def test_daily_backup_folder_that_cannot_be_written_is_reported(
    db: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "eine-datei"
    blocker.write_text("kein Ordner", encoding="utf-8")
    auto_backup.configure_auto_backup(db, enabled=True, folder=blocker / "sicherungen")

    warning = auto_backup.auto_backup_at_start(db, datetime(2026, 3, 1, tzinfo=UTC))

    assert warning is not None and warning.startswith("Die tägliche Sicherung ist fehlgeschlagen")
    with pytest.raises(DatabaseError, match="lassen sich keine Sicherungen ablegen"):
        auto_backup.check_backup_folder(blocker / "sicherungen")


def test_copied_backup_keeps_its_identity(db: Database, tmp_path: Path) -> None:
    """A backup copied elsewhere (USB stick, network share) is still recognised."""
    add_network(db)
    copy = tmp_path / f"sicherung{_suffix(db)}"
    migrations.backup(db, copy)
    moved = tmp_path / "stick" / "sicherung-vom-maerz.bin"
    moved.parent.mkdir()
    shutil.copyfile(copy, moved)

    info = backup.inspect_backup(moved)

    assert info.backend == ("sqlite" if db.is_sqlite else "postgresql")
    assert info.is_current and not info.is_newer
