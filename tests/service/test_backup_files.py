"""Backups and exports write through private, unpredictable temporary files: nothing planted at
a name is followed, nothing is left readable after a crash, leftovers are swept, and the
PostgreSQL password never appears in a program's arguments."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest
from support.backup import add_network

from koordination.db import backup, dumps, migrations
from koordination.db.engine import Database
from koordination.files import atomic_text, write_text

HOUR = 3600


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    migrations.upgrade(database)
    add_network(database)
    return database


def test_backup_never_follows_a_symlink_at_the_old_temporary_name(
    db: Database, tmp_path: Path
) -> None:
    victim = tmp_path / "fremd.txt"
    victim.write_text("nicht anfassen")
    victim.chmod(0o644)
    target = tmp_path / "sicherungen" / "koordination.sicherung"
    target.parent.mkdir()
    planted = target.with_name(target.name + ".tmp")  # the fixed name earlier versions used
    planted.symlink_to(victim)

    migrations.backup(db, target)

    assert planted.is_symlink() and planted.readlink() == victim
    assert victim.read_text() == "nicht anfassen"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert backup.inspect_backup(target).revision == migrations.head_revision()
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([target.name, planted.name])


@pytest.mark.postgres
def test_pg_dump_gets_the_password_from_the_environment_never_from_its_arguments(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Geheim-Passwort-4711"
    url = pg_url.replace("postgres@", f"postgres:{secret}@")  # the test server trusts anyone
    db = Database(url)
    migrations.upgrade(db)
    real = dumps.pg_tool("pg_dump")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    record = tmp_path / "aufruf.json"
    wrapper = bindir / "pg_dump"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv, 'env': sorted(os.environ)}}, open({str(record)!r}, 'w'))\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n"
    )
    wrapper.chmod(0o700)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "sicherung.dump"
    try:
        migrations.backup(db, target)
    finally:
        db.dispose()

    seen = json.loads(record.read_text())
    assert not any(secret in arg for arg in seen["argv"]), seen["argv"]
    assert "PGPASSWORD" in seen["env"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert backup.inspect_backup(target).backend == "postgresql"
    assert [p.name for p in tmp_path.glob(".*.tmp")] == []


def test_stale_temporary_files_of_ours_are_swept_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    stale_file = folder / ".personen.json.k3j9x_2a.tmp"  # tempfile's name in earlier versions
    stale_folder = folder / ".oparl.0123456789abcdef.tmp"
    fresh = folder / ".gruppen.csv.fedcba9876543210.tmp"  # a run writing right now
    foreign = [folder / ".personen.json.tmp", folder / "notizen.tmp", folder / "personen.json"]
    link_target = tmp_path / "woanders.txt"
    link_target.write_text("fremd")
    link = folder / ".link.0000111122223333.tmp"
    stale_file.write_text("[]")
    stale_folder.mkdir()
    (stale_folder / "body.json").write_text("{}")
    fresh.write_text("a;b")
    for path in foreign:
        path.write_text("fremd")
    link.symlink_to(link_target)
    for path in (stale_file, stale_folder, link, *foreign):
        _age(path, 2 * HOUR)

    write_text(folder / "organisationen.csv", "Name\n")

    left = {p.name for p in folder.iterdir()}
    assert stale_file.name not in left and stale_folder.name not in left
    assert {fresh.name, link.name, "organisationen.csv", *(p.name for p in foreign)} <= left
    assert link_target.read_text() == "fremd"


def test_an_export_that_fails_midway_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    target = folder / "personen.json"
    with pytest.raises(RuntimeError), atomic_text(target) as fh:
        fh.write("[" + '{"name": "Jürgen Weiß"},' * 10_000)
        raise RuntimeError("killed")
    assert list(folder.iterdir()) == []

    write_text(target, "[]")
    assert [p.name for p in folder.iterdir()] == ["personen.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_daily_backup_folder_and_data_directory_are_swept_of_killed_runs(
    db: Database, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from koordination.db import auto_backup

    folder = tmp_path / "taeglich"
    folder.mkdir()
    killed_dump = folder / ".koordination-2026-03-01.sqlite3.0123456789abcdef.tmp"
    killed_dump.write_bytes(b"SQLite format 3\x00 half a dump with personal data")
    _age(killed_dump, 2 * HOUR)
    auto_backup.configure_auto_backup(db, enabled=True, folder=folder)

    made = auto_backup.run_auto_backup(db, datetime(2026, 3, 2, 8, tzinfo=UTC))

    assert made is not None and [p.name for p in folder.iterdir()] == [made.name]


def test_before_upgrade_copies_rotate_keeping_the_newest_five(tmp_path: Path) -> None:
    path = tmp_path / "koordination.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    db.dispose()
    older = [
        path.with_name(f"{path.name}.vor-upgrade-0005-2020010{d}-120000.bak") for d in range(6)
    ]
    for old in older:
        dumps.sqlite_copy(path, old)
    other_database = tmp_path / "demo.sqlite3.vor-upgrade-0005-20260101-120000.bak"
    other_database.write_bytes(b"")

    made = dumps.backup_before_upgrade(path, "0009")

    kept = dumps.upgrade_backups(path)
    assert len(kept) == dumps.UPGRADE_BACKUPS_KEPT == 5
    assert kept == [*older[2:], made]
    assert other_database.exists()
