"""Replies the coordinator reviews: counter-proposals, comments, delegations and replies that
could not be booked (table reply_review); the comment of an answer (response.comment).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "reply_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "gegenvorschlag",
                "kommentar",
                "vertretung",
                "nicht_verbucht",
                name="review_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=500), nullable=False),
        sa.Column("recurrence_id", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendee_email", sa.String(length=320), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("proposed_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("delegate_email", sa.String(length=320), nullable=False),
        sa.Column("delegate_name", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_reply_review_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_reply_review_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_review")),
        sa.UniqueConstraint("key", name=op.f("uq_reply_review_key")),
    )
    with op.batch_alter_table("reply_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reply_review_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reply_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_review_meeting_id"))
    op.drop_table("reply_review")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("comment")
