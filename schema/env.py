"""Alembic environment of koordination: runs migrations on the Database it is handed."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from koordination.domain.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    db = config.attributes.get("database")
    engine = (
        db.engine if db is not None else create_engine(config.get_main_option("sqlalchemy.url"))
    )
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # SQLite ALTERs by copying a table and dropping the old one: with foreign keys on,
        # dropping "person" would cascade to every e-mail address, consent and membership.
        # They are off while the migrations run (outside the transaction, where SQLite
        # honours the pragma) and checked before the transaction commits.
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=True,  # SQLite can only ALTER through table copies
                    compare_type=True,
                )
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(
                            f"foreign keys broken by the migration: {sorted(set(broken))[:5]}"
                        )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


run()
