"""The rules of questions beyond the single form: codes, display conditions, the one breakdown
question, and how a change is applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from koordination.domain.enums import QuestionType
from koordination.domain.inputs.surveys import question_problems
from koordination.domain.models import QuestionOption, Survey, SurveyQuestion
from koordination.errors import FieldError, ValidationError
from koordination.services.surveys.records import clean_options

#: Results can be broken down by a question with exactly one answer per response.
BREAKDOWN_TYPES = (QuestionType.EINFACH, QuestionType.JA_NEIN)


def next_code(survey: Survey) -> str:
    numbers = [
        int(q.code[1:]) for q in survey.questions if q.code[:1] == "F" and q.code[1:].isdigit()
    ]
    return f"F{max(numbers, default=0) + 1}"


def check_condition(
    session: Session,
    survey_id: int,
    position: int,
    condition: tuple[int, int] | None,
) -> tuple[int | None, int | None]:
    if condition is None:
        return None, None
    question_id, option_id = condition
    earlier = session.get(SurveyQuestion, question_id)
    if earlier is None or earlier.survey_id != survey_id or earlier.retired:
        raise ValidationError([FieldError("Bedingung", "Diese Frage gibt es hier nicht.")])
    if not earlier.type.has_options or option_id not in {o.id for o in earlier.options}:
        raise ValidationError(
            [FieldError("Bedingung", "Wählen Sie eine Antwort einer Auswahlfrage.")]
        )
    if earlier.position >= position:
        raise ValidationError(
            [FieldError("Bedingung", "Eine Bedingung kann nur auf eine frühere Frage zeigen.")]
        )
    return question_id, option_id


def clear_breakdown(survey: Survey) -> None:
    for question in survey.questions:
        question.breakdown = False


def current_value(question: SurveyQuestion, name: str) -> Any:
    if name == "options":
        return tuple(o.label for o in question.options)
    return getattr(question, name)


def apply_changes(session: Session, question: SurveyQuestion, changes: Mapping[str, Any]) -> None:
    kind = changes.get("type", question.type)
    options = clean_options(kind, changes.get("options", [o.label for o in question.options]))
    scale_min = changes.get("scale_min", question.scale_min)
    scale_max = changes.get("scale_max", question.scale_max)
    if kind is QuestionType.SKALA and scale_min is None and scale_max is None:
        scale_min, scale_max = 1, 5
    text = changes.get("text", question.text)
    problems = question_problems(kind, text, options, scale_min, scale_max)
    if problems:
        raise ValidationError(problems)
    if "condition" in changes:
        cond_q, cond_o = check_condition(
            session, question.survey_id, question.position, changes["condition"]
        )
        question.condition_question_id, question.condition_option_id = cond_q, cond_o
    if changes.get("breakdown"):
        clear_breakdown(question.survey)
    for name in ("section", "hint", "required", "breakdown", "low_label", "high_label"):
        if name in changes:
            value = changes[name]
            setattr(question, name, value.strip() if isinstance(value, str) else value)
    question.text = text.strip()
    question.type = kind
    question.breakdown = question.breakdown and kind in BREAKDOWN_TYPES
    question.scale_min = scale_min if kind is QuestionType.SKALA else None
    question.scale_max = scale_max if kind is QuestionType.SKALA else None
    if [o.label for o in question.options] != options:
        # Only reached while the question has no answers: options may be replaced.
        question.options.clear()
        session.flush()
        question.options.extend(
            QuestionOption(position=i, label=o) for i, o in enumerate(options, 1)
        )
