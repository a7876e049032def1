"""Surveys: questions, question bank, responses, answers and published snapshots.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:53:19.932936
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_bank_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "einfach",
                "mehrfach",
                "skala",
                "ja_nein",
                "zahl",
                "datum",
                "text",
                name="question_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=True),
        sa.Column("scale_max", sa.Integer(), nullable=True),
        sa.Column("low_label", sa.String(length=200), nullable=False),
        sa.Column("high_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_bank_item")),
        sa.UniqueConstraint("key", name=op.f("uq_question_bank_item_key")),
    )
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "organisationen",
                "buerger",
                "andere",
                name="survey_audience",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("audience_note", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "entwurf",
                "laeuft",
                "abgeschlossen",
                name="survey_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["copied_from_id"],
            ["survey.id"],
            name=op.f("fk_survey_copied_from_id_survey"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
    )
    op.create_table(
        "survey_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "einfach",
                "mehrfach",
                "skala",
                "ja_nein",
                "zahl",
                "datum",
                "text",
                name="question_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=True),
        sa.Column("scale_max", sa.Integer(), nullable=True),
        sa.Column("low_label", sa.String(length=200), nullable=False),
        sa.Column("high_label", sa.String(length=200), nullable=False),
        sa.Column("breakdown", sa.Boolean(), nullable=False),
        sa.Column("bank_item_id", sa.Integer(), nullable=True),
        sa.Column("condition_question_id", sa.Integer(), nullable=True),
        sa.Column("condition_option_id", sa.Integer(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_item_id"],
            ["question_bank_item.id"],
            name=op.f("fk_survey_question_bank_item_id_question_bank_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["condition_question_id"],
            ["survey_question.id"],
            name=op.f("fk_survey_question_condition_question_id_survey_question"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["survey_question.id"],
            name=op.f("fk_survey_question_replaces_id_survey_question"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_survey_question_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_question")),
        sa.UniqueConstraint(
            "survey_id", "code", "version", name=op.f("uq_survey_question_survey_id")
        ),
    )
    with op.batch_alter_table("survey_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_question_bank_item_id"), ["bank_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_question_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "papier",
                "kiosk",
                "import",
                name="response_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_survey_response_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_survey_response_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint("survey_id", "external_id", name=op.f("uq_survey_response_survey_id")),
    )
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_response_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_response_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "survey_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("stand", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_survey_snapshot_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_snapshot")),
    )
    with op.batch_alter_table("survey_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_snapshot_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "question_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_question.id"],
            name=op.f("fk_question_option_question_id_survey_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_option")),
    )
    with op.batch_alter_table("question_option", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_option_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["question_option.id"],
            name=op.f("fk_survey_answer_option_id_question_option"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_question.id"],
            name=op.f("fk_survey_answer_question_id_survey_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_response.id"],
            name=op.f("fk_survey_answer_response_id_survey_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
    )
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_answer_question", ["question_id", "option_id", "number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_answer_response_id"), ["response_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answer_response_id"))
        batch_op.drop_index("ix_survey_answer_question")

    op.drop_table("survey_answer")
    with op.batch_alter_table("question_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_option_question_id"))

    op.drop_table("question_option")
    with op.batch_alter_table("survey_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_snapshot_survey_id"))

    op.drop_table("survey_snapshot")
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_survey_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_person_id"))

    op.drop_table("survey_response")
    with op.batch_alter_table("survey_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_question_survey_id"))
        batch_op.drop_index(batch_op.f("ix_survey_question_bank_item_id"))

    op.drop_table("survey_question")
    op.drop_table("survey")
    op.drop_table("question_bank_item")
