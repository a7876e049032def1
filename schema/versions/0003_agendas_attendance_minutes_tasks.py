"""Sittings of meetings: agendas, attendance, minutes versions, decisions, tasks, workshop cards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:17:08.678428
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sitting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "minutes_kind",
            sa.Enum(
                "ergebnis",
                "verlauf",
                name="minutes_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "minutes_status",
            sa.Enum(
                "entwurf",
                "zur_genehmigung",
                "genehmigt",
                name="minutes_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("minute_taker_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_id"],
            ["person.id"],
            name=op.f("fk_sitting_chair_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_sitting_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["minute_taker_id"],
            ["person.id"],
            name=op.f("fk_sitting_minute_taker_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sitting")),
        sa.UniqueConstraint("meeting_id", "occurrence", name=op.f("uq_sitting_meeting_id")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column(
            "standing",
            sa.Enum(
                "protokoll",
                "aufgaben",
                "verschiedenes",
                name="standing_item",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["agenda_item.id"],
            name=op.f("fk_agenda_item_parent_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_agenda_item_sitting_id_sitting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_sitting_id"), ["sitting_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "anwesend",
                "entschuldigt",
                "abwesend",
                "gast",
                name="attendance",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "zivilgesellschaft",
                "verwaltung",
                "wirtschaft",
                "wissenschaft",
                "politik",
                name="attendance_sector",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_attendance_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_attendance_sitting_id_sitting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("sitting_id", "person_id", name=op.f("uq_attendance_sitting_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_person_id"), ["person_id"], unique=False)

    op.create_table(
        "minutes_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_minutes_version_sitting_id_sitting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_version")),
        sa.UniqueConstraint("sitting_id", "number", name=op.f("uq_minutes_version_sitting_id")),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("consensus", sa.Boolean(), nullable=False),
        sa.Column("votes_yes", sa.Integer(), nullable=True),
        sa.Column("votes_no", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column(
            "result",
            sa.Enum(
                "angenommen",
                "abgelehnt",
                "vertagt",
                name="decision_result",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_item.id"],
            name=op.f("fk_decision_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_item_id"), ["item_id"], unique=False)

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("assignee_person_id", sa.Integer(), nullable=True),
        sa.Column("assignee_group_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_reported_in_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_group_id"],
            ["network_group.id"],
            name=op.f("fk_task_assignee_group_id_network_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_person_id"],
            ["person.id"],
            name=op.f("fk_task_assignee_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_reported_in_id"],
            ["sitting.id"],
            name=op.f("fk_task_done_reported_in_id_sitting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["network_group.id"],
            name=op.f("fk_task_group_id_network_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_item.id"],
            name=op.f("fk_task_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_task_sitting_id_sitting"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_assignee_person_id"), ["assignee_person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_due"), ["due"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_sitting_id"), ["sitting_id"], unique=False)

    op.create_table(
        "workshop_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "idee",
                "erkenntnis",
                "frage",
                name="card_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cluster", sa.String(length=200), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sitting_id"],
            ["sitting.id"],
            name=op.f("fk_workshop_card_sitting_id_sitting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_workshop_card_task_id_task"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_card")),
    )
    with op.batch_alter_table("workshop_card", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_card_sitting_id"), ["sitting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("workshop_card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_card_sitting_id"))

    op.drop_table("workshop_card")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_sitting_id"))
        batch_op.drop_index(batch_op.f("ix_task_group_id"))
        batch_op.drop_index(batch_op.f("ix_task_due"))
        batch_op.drop_index(batch_op.f("ix_task_assignee_person_id"))

    op.drop_table("task")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_item_id"))

    op.drop_table("decision")
    op.drop_table("minutes_version")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_person_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_sitting_id"))

    op.drop_table("agenda_item")
    op.drop_table("sitting")
