"""Covering indexes for survey results: answers by question with the response, and by response.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 05:51:40.847423
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answer_response_id"))
        batch_op.drop_index(batch_op.f("ix_survey_answer_question"))
        batch_op.create_index(
            "ix_survey_answer_question",
            ["question_id", "option_id", "number", "response_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_survey_answer_response", ["response_id", "question_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answer_response")
        batch_op.drop_index("ix_survey_answer_question")
        batch_op.create_index(
            batch_op.f("ix_survey_answer_question"),
            ["question_id", "option_id", "number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_survey_answer_response_id"), ["response_id"], unique=False
        )
