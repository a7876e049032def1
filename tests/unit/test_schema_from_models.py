"""An empty SQLite file gets its schema from the models, stamped at head, without Alembic: the
same schema, to the column default and the constraint name, as running every migration in turn.
A new PostgreSQL database still goes through the migrations (they add what the models do not
declare)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from koordination.db import migrations
from koordination.db.engine import Database
from koordination.db.schema_head import HEAD_REVISION
from koordination.domain.models import Base


def _normal(value: Any) -> Any:
    """One spelling for what the two ways may write differently but means the same."""
    if isinstance(value, str):
        return " ".join(value.replace('"', "").split())
    return value


def schema_of(db: Database) -> dict[str, Any]:
    """Everything the database says about its schema: per table the columns (type, null,
    default, key), keys, foreign keys, indexes, unique and check constraints; on SQLite also
    triggers and views."""
    with db.engine.connect() as conn:
        inspector = inspect(conn)
        tables: dict[str, Any] = {}
        for name in sorted(inspector.get_table_names()):
            tables[name] = {
                "columns": {
                    c["name"]: (
                        str(c["type"]),
                        c["nullable"],
                        _normal(c.get("default")),
                        c.get("autoincrement") if not db.is_sqlite else None,
                    )
                    for c in inspector.get_columns(name)
                },
                "primary key": inspector.get_pk_constraint(name),
                "foreign keys": sorted(
                    (
                        fk["name"],
                        tuple(fk["constrained_columns"]),
                        fk["referred_table"],
                        tuple(fk["referred_columns"]),
                        tuple(sorted((fk.get("options") or {}).items())),
                    )
                    for fk in inspector.get_foreign_keys(name)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(name)
                ),
                "unique": sorted(
                    (u["name"], tuple(u["column_names"]))
                    for u in inspector.get_unique_constraints(name)
                ),
                "checks": sorted(
                    (c["name"], _normal(c["sqltext"]))
                    for c in inspector.get_check_constraints(name)
                ),
            }
        others = (
            conn.execute(
                text("SELECT type, name FROM sqlite_master WHERE type NOT IN ('table', 'index')")
            ).all()
            if db.is_sqlite
            else []
        )
        version = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return {"tables": tables, "others": sorted(others), "version": version}


def test_the_schema_from_the_models_is_the_schema_of_all_migrations(sqlite_url: str) -> None:
    built = Database(sqlite_url)
    try:
        assert migrations.current_revision(built) is None
        assert migrations.upgrade(built) is None  # empty: no backup
        from_models = schema_of(built)
        with built.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        # the same database again, emptied, through every migration in turn
        with built.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE alembic_version"))
        assert migrations.current_revision(built) is None
        migrations.run_migrations(built)
        from_migrations = schema_of(built)
    finally:
        built.dispose()
    assert from_models["version"] == from_migrations["version"] == [(HEAD_REVISION,)]
    for table in from_migrations["tables"]:
        assert from_models["tables"].get(table) == from_migrations["tables"][table], table
    assert from_models == from_migrations


def test_an_empty_database_is_built_without_alembic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from koordination.db.engine import Database\n"
        "from koordination.db import migrations\n"
        f"db = Database({str(tmp_path / 'neu.sqlite3')!r})\n"
        "migrations.upgrade(db)\n"
        "print(migrations.current_revision(db), 'alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [HEAD_REVISION, "False"]
