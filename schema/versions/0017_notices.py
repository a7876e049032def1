"""Messages koordination sends by itself (approved minutes, meeting and task reminders): one
row per occasion and person with the address, subject, a Message-ID and where sending stands
(sendet, gesendet, fehlgeschlagen, unklar), so a second run sends nothing twice. The lead
times of reminders are settings (app_setting), no column.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("geplant", "sendet", "gesendet", "fehlgeschlagen", "unklar")


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                *STATES,
                name="notice_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_notice_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("occasion", "person_id", name=op.f("uq_notice_occasion")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notice_message_id")),
    )
    for column in ("person_id", "state"):
        op.create_index(op.f(f"ix_notice_{column}"), "notice", [column], unique=False)


def downgrade() -> None:
    for column in ("state", "person_id"):
        op.drop_index(op.f(f"ix_notice_{column}"), table_name="notice")
    op.drop_table("notice")
