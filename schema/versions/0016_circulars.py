"""Circular e-mails (Rundmail): the circular with its Markdown text, audience, form of address
and pace; its attachments; and one row per recipient with the address, the greeting, a fixed
Message-ID and where sending stands (geplant, sendet, gesendet, fehlgeschlagen, unklar).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-09 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("geplant", "sendet", "gesendet", "fehlgeschlagen", "unklar")


def upgrade() -> None:
    op.create_table(
        "circular",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("informal", sa.Boolean(), nullable=False),
        sa.Column("per_minute", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circular")),
    )
    op.create_table(
        "circular_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circular_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["circular_id"],
            ["circular.id"],
            name=op.f("fk_circular_attachment_circular_id_circular"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circular_attachment")),
    )
    op.create_index(
        op.f("ix_circular_attachment_circular_id"),
        "circular_attachment",
        ["circular_id"],
        unique=False,
    )
    op.create_table(
        "circular_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circular_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("greeting", sa.String(length=400), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                *STATES,
                name="circular_state",
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
            ["circular_id"],
            ["circular.id"],
            name=op.f("fk_circular_recipient_circular_id_circular"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_circular_recipient_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circular_recipient")),
        sa.UniqueConstraint(
            "circular_id", "person_id", name=op.f("uq_circular_recipient_circular_id")
        ),
        sa.UniqueConstraint("message_id", name=op.f("uq_circular_recipient_message_id")),
    )
    for column in ("circular_id", "person_id", "state"):
        op.create_index(
            op.f(f"ix_circular_recipient_{column}"), "circular_recipient", [column], unique=False
        )


def downgrade() -> None:
    for column in ("state", "person_id", "circular_id"):
        op.drop_index(op.f(f"ix_circular_recipient_{column}"), table_name="circular_recipient")
    op.drop_table("circular_recipient")
    op.drop_index(op.f("ix_circular_attachment_circular_id"), table_name="circular_attachment")
    op.drop_table("circular_attachment")
    op.drop_table("circular")
