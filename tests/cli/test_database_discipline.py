"""Which commands may make or migrate a database: a typo in --db creates nothing, a shared
PostgreSQL database is migrated by `db upgrade` only (after a dump), never on the side."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from koordination.cli.main import main
from koordination.db import migrations
from koordination.db.engine import Database


def test_a_typo_in_db_is_refused_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "koordinaton.sqlite3"
    for argv in (["people", "list"], ["import", "people", str(tmp_path / "x.csv"), "--dry-run"]):
        assert main(["--db", str(typo), *argv]) == 1
        assert "gibt es nicht; es wurde nichts angelegt" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_and_demo_may_create_a_database(tmp_path: Path) -> None:
    assert main(["--db", str(tmp_path / "neu.sqlite3"), "db", "upgrade"]) == 0
    assert main(["--db", str(tmp_path / "neu.sqlite3"), "people", "list"]) == 0
    assert main(["--db", str(tmp_path / "demo.sqlite3"), "demo"]) == 0
    assert (tmp_path / "demo.sqlite3").exists()


def test_an_older_shared_postgresql_database_is_refused_until_db_upgrade_dumps_and_migrates(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(pg_url)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations.schema_dir()))
        cfg.attributes["database"] = db
        command.upgrade(cfg, "0007")
    finally:
        db.dispose()

    assert main(["--db", pg_url, "people", "list"]) == 1
    err = capsys.readouterr().err
    assert "Die gemeinsame Datenbank" in err and "hat Stand 0007" in err
    assert "koordination db upgrade" in err
    db = Database(pg_url)
    try:
        assert migrations.current_revision(db) == "0007", "left as it was"
    finally:
        db.dispose()

    assert main(["--db", pg_url, "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert f"auf {migrations.head_revision()} gebracht" in out
    dumps = list((tmp_path / "data").glob("*.postgresql.vor-upgrade-0007-*.bak"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    assert dumps[0].stat().st_mode & 0o077 == 0
    assert main(["--db", pg_url, "people", "list"]) == 0


def test_the_default_database_is_made_on_first_use(tmp_path: Path) -> None:
    from koordination.core import open_core
    from koordination.db.engine import resolve_url
    from koordination.paths import default_database_path

    assert not default_database_path().exists()
    open_core(resolve_url(None)).close()
    assert default_database_path().exists()
