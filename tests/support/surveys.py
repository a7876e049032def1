"""A small survey of every question type with a breakdown question, and paper answers to it,
for the tests of how results are counted."""

from __future__ import annotations

from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.services.surveys.answers import parse_answer
from koordination.services.surveys.service import Surveys

#: One questionnaire's answers as typed from paper, in question order.
ANSWERS = (
    ("Sport", "Räume; Geld", "4", "12", "03.04.2026", "mehr Hallenzeiten"),
    ("Kultur", "Geld", "5", "3,5", "17.05.2026", ""),
    ("Soziales", "Räume", "2", "40", "01.04.2026", "ein gemeinsamer Kalender"),
)


def small_survey(db: Database) -> int:
    """A running survey: single choice (the breakdown), multiple choice, scale, number, date
    and free text; returns its id."""
    surveys = Surveys(db)
    sid = surveys.create(SurveyInput("Engagement 2026", SurveyAudience.ORGANISATIONEN)).id
    t = QuestionType
    for question in (
        QuestionInput(
            "Bereich?", t.EINFACH, options=("Sport", "Kultur", "Soziales"), breakdown=True
        ),
        QuestionInput("Was fehlt?", t.MEHRFACH, options=("Räume", "Geld")),
        QuestionInput("Wie zufrieden?", t.SKALA),
        QuestionInput("Wie viele Stunden?", t.ZAHL),
        QuestionInput("Seit wann?", t.DATUM),
        QuestionInput("Was wünschen Sie sich?", t.TEXT),
    ):
        surveys.add_question(sid, question)
    surveys.set_status(sid, SurveyStatus.LAEUFT)
    return sid


def submit_answers(db: Database, sid: int, rounds: int) -> None:
    """:data:`ANSWERS` entered from paper ``rounds`` times."""
    surveys = Surveys(db)
    form = surveys.form(sid)
    for _ in range(rounds):
        for texts in ANSWERS:
            answers = {q.id: parse_answer(q, v) for q, v in zip(form.questions, texts, strict=True)}
            surveys.submit(sid, answers, source=ResponseSource.PAPIER)
