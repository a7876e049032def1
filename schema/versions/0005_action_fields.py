"""Action fields, goals and measures with partners, indicators and links; city contact.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 05:04:01.655466
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lead_group_id", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_group_id"],
            ["network_group.id"],
            name=op.f("fk_action_field_lead_group_id_network_group"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_field")),
    )
    with op.batch_alter_table("action_field", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_field_lead_group_id"), ["lead_group_id"], unique=False
        )

    op.create_table(
        "action_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["action_field.id"],
            name=op.f("fk_action_goal_field_id_action_field"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_goal")),
    )
    with op.batch_alter_table("action_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_goal_field_id"), ["field_id"], unique=False)

    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible_group_id", sa.Integer(), nullable=True),
        sa.Column("responsible_person_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "geplant",
                "laufend",
                "abgeschlossen",
                "pausiert",
                name="measure_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["action_goal.id"],
            name=op.f("fk_measure_goal_id_action_goal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_group_id"],
            ["network_group.id"],
            name=op.f("fk_measure_responsible_group_id_network_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_person_id"],
            ["person.id"],
            name=op.f("fk_measure_responsible_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_measure_responsible_group_id"), ["responsible_group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measure_responsible_person_id"), ["responsible_person_id"], unique=False
        )

    op.create_table(
        "measure_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("actual_value", sa.Float(), nullable=True),
        sa.Column("measured_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_indicator_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_indicator")),
    )
    with op.batch_alter_table("measure_indicator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_indicator_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "measure_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("survey_question_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_measure_link_decision_id_decision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_link_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_question_id"],
            ["survey_question.id"],
            name=op.f("fk_measure_link_survey_question_id_survey_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_measure_link_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_link")),
    )
    with op.batch_alter_table("measure_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_link_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measure_link_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measure_link_survey_question_id"), ["survey_question_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_measure_link_task_id"), ["task_id"], unique=False)

    op.create_table(
        "measure_partner",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_partner_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_measure_partner_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "organisation_id", name=op.f("pk_measure_partner")),
    )
    with op.batch_alter_table("measure_partner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_partner_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("city_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("principles_accepted_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_city_profile_contact_person_id_person"),
            "person",
            ["contact_person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("city_profile", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_city_profile_contact_person_id_person"), type_="foreignkey"
        )
        batch_op.drop_column("principles_accepted_on")
        batch_op.drop_column("contact_person_id")

    with op.batch_alter_table("measure_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_partner_organisation_id"))

    op.drop_table("measure_partner")
    with op.batch_alter_table("measure_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_link_task_id"))
        batch_op.drop_index(batch_op.f("ix_measure_link_survey_question_id"))
        batch_op.drop_index(batch_op.f("ix_measure_link_measure_id"))
        batch_op.drop_index(batch_op.f("ix_measure_link_decision_id"))

    op.drop_table("measure_link")
    with op.batch_alter_table("measure_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_indicator_measure_id"))

    op.drop_table("measure_indicator")
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_responsible_person_id"))
        batch_op.drop_index(batch_op.f("ix_measure_responsible_group_id"))
        batch_op.drop_index(batch_op.f("ix_measure_goal_id"))
        batch_op.drop_index(batch_op.f("ix_measure_due_on"))

    op.drop_table("measure")
    with op.batch_alter_table("action_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_goal_field_id"))

    op.drop_table("action_goal")
    with op.batch_alter_table("action_field", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_field_lead_group_id"))

    op.drop_table("action_field")
