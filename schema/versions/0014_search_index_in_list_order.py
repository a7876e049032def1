"""Search-as-you-type reads one index in list order: ix_person_search becomes (archived, sort_key,
id, search_text), so a page of a search walks it in the list's order and stops after its last
match instead of scanning every search text and sorting the matches; it replaces
ix_person_archived_sort, a prefix of it. On PostgreSQL the search texts of people and
organisations also get trigram indexes (pg_trgm), which answer rare terms of three and more
characters without a walk; where the extension cannot be had, the search stays complete.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables whose search_text gets a trigram index on PostgreSQL, with the index's name.
TRIGRAM_INDEXES = (
    ("person", "ix_person_search_trgm"),
    ("organisation", "ix_organisation_search_trgm"),
)


def upgrade() -> None:
    # Building the index fills it from the rows already there: nothing else to carry over.
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search")
        batch_op.drop_index("ix_person_archived_sort")
        batch_op.create_index(
            "ix_person_search", ["archived", "sort_key", "id", "search_text"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        _trigram_indexes()


def _trigram_indexes() -> None:
    conn = op.get_bind()
    try:
        # In a savepoint: a refused CREATE EXTENSION must not abort the whole upgrade.
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            for table, index in TRIGRAM_INDEXES:
                conn.execute(
                    sa.text(f"CREATE INDEX {index} ON {table} USING gin (search_text gin_trgm_ops)")
                )
    except sa.exc.DBAPIError:
        # Creating an extension needs the right to create in this database; a shared database
        # may not grant it, or the server lacks the contrib package. The search stays complete;
        # `db upgrade` says so in German and makes the indexes once it can
        # (koordination/db/search_indexes.py).
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for _table, index in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {index}")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search")
        batch_op.create_index(
            "ix_person_archived_sort", ["archived", "sort_key", "id"], unique=False
        )
        batch_op.create_index(
            "ix_person_search", ["archived", "search_text", "sort_key", "id"], unique=False
        )
