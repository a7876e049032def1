"""What a command loads on start: `people list` reads the people and nothing more (no exporters,
no Alembic, no backup machinery), and the schema check on a current database is one query
against a revision written into the code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from support.loaded import run_command

from koordination.db import migrations
from koordination.db.engine import Database
from koordination.db.schema_head import HEAD_REVISION, at_head


def test_people_list_loads_neither_exporters_nor_alembic_nor_the_backup_machinery(
    demo_sqlite: Callable[..., Path],
) -> None:
    out, modules = run_command("--db", str(demo_sqlite()), "people", "list")
    assert "Nr." in out
    for absent in (
        "alembic",
        "koordination.db.migrations",
        "koordination.db.dumps",
        "koordination.outputs.document",
        "koordination.outputs.builders",
        "koordination.outputs.table",
        "textual",
    ):
        assert absent not in modules, absent


def test_the_head_revision_in_the_code_is_the_newest_migration() -> None:
    assert HEAD_REVISION == migrations.head_revision() == migrations.script().get_current_head()


def test_the_schema_check_on_a_current_database_is_one_query(
    migrated_sqlite: Callable[..., Path],
) -> None:
    db = Database(f"sqlite:///{migrated_sqlite()}")
    statements: list[str] = []
    with db.engine.connect():
        pass  # the connection's own setup (pragmas) is not the check
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        assert at_head(db)
    finally:
        db.dispose()
    queries = [s for s in statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert queries == ["SELECT version_num FROM alembic_version"]


def test_an_older_or_empty_database_is_not_taken_for_current(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'leer.sqlite3'}")
    try:
        assert not at_head(db)  # no alembic_version: the full check explains and upgrades
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0011')")
        assert not at_head(db)
    finally:
        db.dispose()
