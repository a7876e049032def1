"""The schema revision this version of koordination works with, and the one-query check on start.

Every command and the interface ask on start whether the database is at this revision; the
answer is one ``SELECT`` on ``alembic_version``. Only when it is not (an older, empty, newer
or foreign database) does :mod:`koordination.db.migrations` read the migration files, and
Alembic is imported only when an upgrade is due. A test keeps ``HEAD_REVISION`` equal to the
newest file in ``schema/versions/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# SQLAlchemy inside the functions: the interface's first screen reads HEAD_REVISION before it.
if TYPE_CHECKING:
    from sqlalchemy import Table

    from koordination.db.engine import Database

#: The newest migration in ``schema/versions/`` (raise it with every new migration).
HEAD_REVISION = "0019"


def at_head(db: Database) -> bool:
    """True when the database is at :data:`HEAD_REVISION` (one query); any doubt (no table, an
    unreadable file) answers False and leaves the explaining to the full check."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False
    return found == [HEAD_REVISION]


def version_table() -> Table:
    """``alembic_version`` as Alembic makes it, for stamping a schema built from the models."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

    return Table(
        "alembic_version",
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )
