"""Surveys, questions and bank items as the faces get them (plain records built from rows), and
the reads they need: counts, one survey or question by number."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from koordination.domain.enums import QuestionType
from koordination.domain.models import (
    QuestionBankItem,
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from koordination.domain.records.surveys import (
    YES_NO,
    BankItemRecord,
    OptionRecord,
    QuestionRecord,
    SurveyRecord,
)
from koordination.errors import NotFoundError


def survey_record(s: Survey, responses: int, questions: int) -> SurveyRecord:
    return SurveyRecord(
        id=s.id,
        version=s.version,
        title=s.title,
        audience=s.audience,
        audience_note=s.audience_note,
        starts_on=s.starts_on,
        ends_on=s.ends_on,
        status=s.status,
        introduction=s.introduction,
        anonymous=s.anonymous,
        response_count=responses,
        question_count=questions,
        copied_from_id=s.copied_from_id,
    )


def question_record(q: SurveyQuestion, answers: int = 0) -> QuestionRecord:
    return QuestionRecord(
        id=q.id,
        survey_id=q.survey_id,
        code=q.code,
        version=q.version,
        position=q.position,
        section=q.section,
        text=q.text,
        hint=q.hint,
        type=q.type,
        required=q.required,
        scale_min=q.scale_min,
        scale_max=q.scale_max,
        low_label=q.low_label,
        high_label=q.high_label,
        breakdown=q.breakdown,
        bank_item_id=q.bank_item_id,
        condition_question_id=q.condition_question_id,
        condition_option_id=q.condition_option_id,
        retired=q.retired,
        options=tuple(OptionRecord(o.id, o.position, o.label) for o in q.options),
        answer_count=answers,
    )


def bank_record(b: QuestionBankItem, used_in: int = 0) -> BankItemRecord:
    return BankItemRecord(
        id=b.id,
        key=b.key,
        text=b.text,
        type=b.type,
        options=tuple(line for line in b.options.split("\n") if line.strip()),
        scale_min=b.scale_min,
        scale_max=b.scale_max,
        low_label=b.low_label,
        high_label=b.high_label,
        used_in=used_in,
    )


def clean_options(kind: QuestionType, options: Iterable[str]) -> list[str]:
    if kind is QuestionType.JA_NEIN:
        return list(YES_NO)
    if not kind.has_options:
        return []
    return [o.strip() for o in options if o.strip()]


def survey_counts(session: Session, survey_ids: Sequence[int]) -> tuple[dict[int, int], ...]:
    responses = dict(
        session.execute(
            select(SurveyResponse.survey_id, func.count())
            .where(SurveyResponse.survey_id.in_(survey_ids))
            .group_by(SurveyResponse.survey_id)
        ).all()
    )
    questions = dict(
        session.execute(
            select(SurveyQuestion.survey_id, func.count())
            .where(SurveyQuestion.survey_id.in_(survey_ids), SurveyQuestion.retired.is_(False))
            .group_by(SurveyQuestion.survey_id)
        ).all()
    )
    return responses, questions


def record_of(session: Session, survey: Survey) -> SurveyRecord:
    responses, questions = survey_counts(session, [survey.id])
    return survey_record(survey, responses.get(survey.id, 0), questions.get(survey.id, 0))


def load_survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(f"Die Umfrage Nr. {survey_id} gibt es nicht (mehr).")
    return survey


def count_responses(session: Session, survey_id: int) -> int:
    return session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey_id)) or 0


def answer_counts(session: Session, question_ids: Sequence[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    return dict(
        session.execute(
            select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id)))
            .where(SurveyAnswer.question_id.in_(question_ids))
            .group_by(SurveyAnswer.question_id)
        ).all()
    )


def load_question(session: Session, question_id: int) -> SurveyQuestion:
    question = session.get(SurveyQuestion, question_id)
    if question is None:
        raise NotFoundError(f"Die Frage Nr. {question_id} gibt es nicht (mehr).")
    return question


#: The question's columns a QuestionRecord holds (all but its options and its answer count).
_QUESTION_FIELDS = set(QuestionRecord.__dataclass_fields__) - {"options", "answer_count"}


def question_records(connection: Connection, survey_id: int) -> list[QuestionRecord]:
    """Every question of a survey (earlier versions too) in order, with its options, read in
    two statements of Core tables: no ORM mapper is configured for it (that alone costs a
    fresh process a tenth of a second)."""
    question, option = cast(Table, SurveyQuestion.__table__), cast(Table, QuestionOption.__table__)
    q, o = question.c, option.c
    options: dict[int, list[OptionRecord]] = {}
    for question_id, option_id, position, label in connection.execute(
        select(o.question_id, o.id, o.position, o.label)
        .join(question, q.id == o.question_id)
        .where(q.survey_id == survey_id)
        .order_by(o.question_id, o.position, o.id)
    ):
        options.setdefault(question_id, []).append(OptionRecord(option_id, position, label))
    columns = [c for c in question.c if c.key in _QUESTION_FIELDS]
    return [
        QuestionRecord(**row._asdict(), options=tuple(options.get(row.id, ())))
        for row in connection.execute(
            select(*columns).where(q.survey_id == survey_id).order_by(q.position, q.id)
        )
    ]
