"""The demo city's two surveys: organisations and Vereine (closed, with a published snapshot)
and citizens (running), with plausible invented answers."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.models import (
    QuestionBankItem,
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from koordination.domain.records.surveys import YES_NO
from koordination.services.directory.imports.bulk import new_ids

NEEDS = (
    "Räume",
    "Fördermittel",
    "Nachwuchs an Engagierten",
    "Sichtbarkeit",
    "Vernetzung",
    "Weiterbildung",
)
SATISFACTION = "Wie zufrieden sind Sie mit den Bedingungen für Engagement in Wiesenbrück?"
NEED_TEXT = "Was braucht das Engagement in Wiesenbrück am dringendsten?"

# (section, code, text, type, options, extra) — extra: required, condition (code, option).
Question = tuple[str, str, str, QuestionType, Sequence[str], dict[str, Any]]

ORGANISATION_QUESTIONS: tuple[Question, ...] = (
    (
        "Über Ihre Organisation",
        "F1",
        "Zu welchem Bereich gehört Ihre Organisation?",
        QuestionType.EINFACH,
        ("Zivilgesellschaft", "Verwaltung", "Wirtschaft", "Wissenschaft"),
        {"required": True, "breakdown": True},
    ),
    (
        "Über Ihre Organisation",
        "F2",
        "Wie viele Menschen engagieren sich bei Ihnen?",
        QuestionType.ZAHL,
        (),
        {},
    ),
    ("Bedarf und Zufriedenheit", "F3", NEED_TEXT, QuestionType.MEHRFACH, NEEDS, {"bank": "bedarf"}),
    (
        "Bedarf und Zufriedenheit",
        "F4",
        SATISFACTION,
        QuestionType.SKALA,
        (),
        {"bank": "zufriedenheit"},
    ),
    (
        "Zusammenarbeit",
        "F5",
        "Arbeiten Sie mit anderen Organisationen in der Stadt zusammen?",
        QuestionType.JA_NEIN,
        (),
        {"required": True},
    ),
    (
        "Zusammenarbeit",
        "F6",
        "Mit welchen Organisationen vor allem?",
        QuestionType.TEXT,
        (),
        {"condition": ("F5", "Ja")},
    ),
    (
        "Zusammenarbeit",
        "F7",
        "Was sollte die Engagierte Stadt als Nächstes angehen?",
        QuestionType.TEXT,
        (),
        {},
    ),
)

CITIZEN_QUESTIONS: tuple[Question, ...] = (
    (
        "Über Sie",
        "F1",
        "Wie alt sind Sie?",
        QuestionType.EINFACH,
        ("unter 18", "18–29", "30–49", "50–64", "65 und älter"),
        {"breakdown": True},
    ),
    (
        "Über Sie",
        "F2",
        "Engagieren Sie sich ehrenamtlich?",
        QuestionType.JA_NEIN,
        (),
        {"required": True},
    ),
    (
        "Über Sie",
        "F3",
        "Wie viele Stunden im Monat etwa?",
        QuestionType.ZAHL,
        (),
        {"condition": ("F2", "Ja")},
    ),
    (
        "Engagement",
        "F4",
        "Was hält Sie davon ab, sich (mehr) zu engagieren?",
        QuestionType.MEHRFACH,
        (
            "Zeitmangel",
            "Keine passenden Angebote",
            "Nie gefragt worden",
            "Gesundheit",
            "Weiß nicht, wo",
        ),
        {},
    ),
    ("Engagement", "F5", NEED_TEXT, QuestionType.MEHRFACH, NEEDS, {"bank": "bedarf"}),
    ("Engagement", "F6", SATISFACTION, QuestionType.SKALA, (), {"bank": "zufriedenheit"}),
    ("Engagement", "F7", "Seit wann wohnen Sie in Wiesenbrück?", QuestionType.DATUM, (), {}),
    (
        "Ihre Ideen",
        "F8",
        "Was wünschen Sie sich für das Engagement in Ihrer Stadt?",
        QuestionType.TEXT,
        (),
        {},
    ),
)

PARTNERS = (
    "Sportverein und Schulen",
    "Freiwilligenzentrum, Tafel",
    "Stadtbibliothek",
    "Kirchengemeinden und Seniorenbeirat",
    "Jugendhaus",
)
IDEAS = (
    "Eine Engagementbörse im Rathaus",
    "Mehr Räume für Vereine am Abend",
    "Angebote für Berufstätige am Wochenende",
    "Bessere Information über Ehrenamt in der Zeitung",
    "Ein jährliches Fest der Vereine",
    "Weniger Bürokratie bei Zuschüssen",
)


def build_surveys(rng: random.Random, session: Session, db: Database) -> None:
    """Both surveys with their answers, and the published snapshot of the closed one."""
    from koordination.services.surveys.results import Evaluation

    bank = {
        "bedarf": QuestionBankItem(
            key="bedarf", text=NEED_TEXT, type=QuestionType.MEHRFACH, options="\n".join(NEEDS)
        ),
        "zufriedenheit": QuestionBankItem(
            key="zufriedenheit",
            text=SATISFACTION,
            type=QuestionType.SKALA,
            scale_min=1,
            scale_max=5,
            low_label="gar nicht zufrieden",
            high_label="sehr zufrieden",
        ),
    }
    session.add_all(bank.values())
    organisations = _survey(
        session,
        bank,
        Survey(
            title="Umfrage für Organisationen und Vereine 2026",
            audience=SurveyAudience.ORGANISATIONEN,
            starts_on=date(2026, 5, 4),
            ends_on=date(2026, 6, 30),
            status=SurveyStatus.ABGESCHLOSSEN,
            introduction=(
                "Die Engagierte Stadt Wiesenbrück möchte wissen, was Vereine, Initiativen und "
                "Einrichtungen für ihr Engagement brauchen. Das Ausfüllen dauert etwa fünf Minuten."
            ),
        ),
        ORGANISATION_QUESTIONS,
    )
    citizens = _survey(
        session,
        bank,
        Survey(
            title="Bürgerbefragung Engagement 2026",
            audience=SurveyAudience.BUERGER,
            starts_on=date(2026, 8, 15),
            ends_on=date(2026, 12, 15),
            status=SurveyStatus.LAEUFT,
            introduction=(
                "Wie engagiert ist Wiesenbrück? Ihre Antworten helfen uns, Engagement in der "
                "Stadt leichter zu machen."
            ),
        ),
        CITIZEN_QUESTIONS,
    )
    _answers(rng, session, organisations, 62, date(2026, 5, 4), _organisation_answers)
    _answers(rng, session, citizens, 412, date(2026, 8, 15), _citizen_answers)
    Evaluation(db).publish_in(
        session,
        organisations.id,
        date(2026, 7, 15),
        "Koordinierungsstelle Wiesenbrück",
        at=datetime(2026, 7, 15, 10, tzinfo=UTC),
    )


def _survey(
    session: Session,
    bank: dict[str, QuestionBankItem],
    survey: Survey,
    questions: Sequence[Question],
) -> Survey:
    session.add(survey)
    session.flush()
    by_code: dict[str, SurveyQuestion] = {}
    for position, (section, code, text, kind, options, extra) in enumerate(questions, 1):
        item = bank.get(extra.get("bank", ""))
        labels = YES_NO if kind is QuestionType.JA_NEIN else options
        question = SurveyQuestion(
            survey_id=survey.id,
            position=position,
            code=code,
            version=1,
            section=section,
            text=text,
            type=kind,
            required=extra.get("required", False),
            breakdown=extra.get("breakdown", False),
            scale_min=item.scale_min if item else None,
            scale_max=item.scale_max if item else None,
            low_label=item.low_label if item else "",
            high_label=item.high_label if item else "",
            bank_item_id=item.id if item else None,
            options=[QuestionOption(position=i, label=o) for i, o in enumerate(labels, 1)],
        )
        if "condition" in extra:
            on_code, on_label = extra["condition"]
            earlier = by_code[on_code]
            session.flush()
            question.condition_question_id = earlier.id
            question.condition_option_id = next(
                o.id for o in earlier.options if o.label == on_label
            )
        survey.questions.append(question)
        by_code[code] = question
    session.flush()
    return survey


Answers = dict[str, Any]


def _organisation_answers(rng: random.Random) -> Answers:
    sector = rng.choices(range(4), weights=(42, 8, 8, 4))[0]
    needs = [
        n
        for n, weight in zip(NEEDS, (55, 45, 70, 40, 35, 20), strict=True)
        if rng.random() * 100 < weight
    ]
    cooperates = rng.random() < 0.7
    answers: Answers = {
        "F1": sector,
        "F2": rng.choice([4, 8, 12, 15, 20, 25, 30, 40, 60, 80, 120])
        if rng.random() < 0.9
        else None,
        "F3": needs,
        "F4": rng.choices(range(1, 6), weights=(4, 10, 22, 18, 6))[0],
        "F5": 0 if cooperates else 1,
    }
    if cooperates and rng.random() < 0.6:
        answers["F6"] = rng.choice(PARTNERS)
    if rng.random() < 0.4:
        answers["F7"] = rng.choice(IDEAS)
    return answers


def _citizen_answers(rng: random.Random) -> Answers:
    age = rng.choices(range(5), weights=(6, 15, 30, 27, 22))[0]
    engaged = rng.random() < 0.38
    answers: Answers = {
        "F1": age if rng.random() < 0.95 else None,
        "F2": 0 if engaged else 1,
        "F4": [
            o
            for o, weight in zip(range(5), (55, 25, 30, 12, 20), strict=True)
            if rng.random() * 100 < weight
        ],
        "F5": [
            n
            for n, weight in zip(NEEDS, (30, 25, 35, 50, 30, 15), strict=True)
            if rng.random() * 100 < weight
        ],
        "F6": rng.choices(range(1, 6), weights=(5, 12, 30, 28, 10))[0],
    }
    if engaged:
        answers["F3"] = rng.choice([2, 4, 5, 8, 10, 12, 16, 20])
    if rng.random() < 0.5:
        answers["F7"] = date(rng.randint(1960, 2025), rng.randint(1, 12), 1)
    if rng.random() < 0.15:
        answers["F8"] = rng.choice(IDEAS)
    return answers


def _answers(
    rng: random.Random,
    session: Session,
    survey: Survey,
    count: int,
    first_day: date,
    make: Callable[[random.Random], Answers],
) -> None:
    """``count`` responses with their answers, in two statements."""
    questions = {q.code: q for q in survey.questions}
    responses = []
    for n in range(count):
        day = first_day + timedelta(days=n * 50 // count)
        responses.append(
            {
                "survey_id": survey.id,
                "source": rng.choice(
                    [ResponseSource.PAPIER, ResponseSource.IMPORT, ResponseSource.KIOSK]
                ),
                "submitted_at": datetime(day.year, day.month, day.day, 9 + n % 9, tzinfo=UTC),
            }
        )
    table = cast(Table, SurveyResponse.__table__)
    conn = session.connection()
    # Numbers reserved beforehand: one executemany, where RETURNING the new numbers in order
    # would insert row by row on SQLite.
    ids = new_ids(conn, table, count)
    conn.execute(insert(table), [row | {"id": i} for row, i in zip(responses, ids, strict=True)])
    rows: list[dict[str, Any]] = []
    for response_id in ids:
        for code, value in make(rng).items():
            if value is None or value == []:
                continue
            question = questions[code]
            row = {
                "response_id": response_id,
                "question_id": question.id,
                "option_id": None,
                "number": None,
                "text": None,
            }
            if question.type is QuestionType.MEHRFACH:
                for choice in value:
                    index = choice if isinstance(choice, int) else NEEDS.index(choice)
                    rows.append(row | {"option_id": question.options[index].id})
            elif question.type.has_options:
                rows.append(row | {"option_id": question.options[value].id})
            elif question.type.is_numeric:
                rows.append(row | {"number": float(value)})
            elif question.type is QuestionType.DATUM:
                rows.append(row | {"text": value.isoformat()})
            else:
                rows.append(row | {"text": value})
    conn.execute(insert(cast(Table, SurveyAnswer.__table__)), rows)
