"""An e-mail address belongs to one person, an organisation name (folded) to one organisation;
and the erasure ledger: which person numbers were erased when, so that an erasure can be
applied again after an older backup is restored (no personal data in it).

A database that already holds duplicates is not changed by force: the index stays as it was
(nothing is merged silently), and the log names how many duplicates there are and the
numbers of the records to merge (never the addresses or names).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 12:00:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# (table, key column, owner column, the index, German words for the warning)
_KEYS = (
    ("person_email", "address_key", "person_id", "ix_person_email_address_key", "E-Mail-Adressen"),
    ("organisation", "name_key", "id", "ix_organisation_name_key", "Organisationsnamen"),
)


def _duplicates(table: str, key: str, owner: str) -> list[list[int]]:
    """For each key held more than once, the numbers of the records holding it."""
    conn = op.get_bind()
    t = sa.table(table, sa.column(key, sa.String), sa.column(owner, sa.Integer))
    keys = sa.select(t.c[key]).group_by(t.c[key]).having(sa.func.count() > 1).scalar_subquery()
    groups: dict[str, list[int]] = {}
    for value, number in conn.execute(
        sa.select(t.c[key], t.c[owner]).where(t.c[key].in_(keys)).order_by(t.c[owner])
    ):
        groups.setdefault(value, []).append(number)
    return list(groups.values())


def upgrade() -> None:
    op.create_table(
        "erasure_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_number", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_ledger")),
    )
    with op.batch_alter_table("erasure_ledger", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erasure_ledger_person_number"), ["person_number"], unique=False
        )
    for table, key, owner, index, words in _KEYS:
        groups = _duplicates(table, key, owner)
        if groups:
            # Only numbers, never the addresses or names: the log is no place for them.
            where = "; ".join(" und ".join(f"Nr. {n}" for n in g) for g in groups[:10])
            more = f" und {len(groups) - 10} weitere" if len(groups) > 10 else ""
            log.warning(
                "%d %s kommen mehrfach vor (%s%s). Bitte die Einträge zusammenführen; bis "
                "dahin verhindert die Datenbank selbst keine neuen doppelten %s (die Importe "
                "prüfen sie weiterhin).",
                len(groups),
                words,
                where,
                more,
                words,
            )
            continue
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.create_index(index, [key], unique=True)


def downgrade() -> None:
    for table, key, _owner, index, _words in _KEYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.create_index(index, [key], unique=False)
    with op.batch_alter_table("erasure_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasure_ledger_person_number"))
    op.drop_table("erasure_ledger")
