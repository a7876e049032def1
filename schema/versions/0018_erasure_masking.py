"""The erasure ledger records whether the office confirmed that the mentions by salutation and
family name ("Frau Weiß") meant the erased person, so replaying the erasure after an older
backup was restored replaces them again (a yes or no, nothing about the person).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-11 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("erasure_ledger", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("masked_surnames", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("erasure_ledger", schema=None) as batch_op:
        batch_op.drop_column("masked_surnames")
