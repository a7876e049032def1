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
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite can only ALTER through table copies
            compare_type=True,
        )
        context.run_migrations()


run()
