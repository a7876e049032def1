"""Answers to survey questions: read from typed text (entry, CSV cells) and checked against
the questionnaire. Pure functions, shared by keyboard entry, kiosk mode and the import."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from koordination.domain.enums import QuestionType, fold
from koordination.domain.inputs.validation import parse_date
from koordination.domain.records.surveys import AnswerValue, QuestionRecord, SurveyForm
from koordination.errors import FieldError

_YES = {"ja", "j", "yes", "y", "x", "1", "true", "wahr", "gewaehlt", "ausgewaehlt"}
_NO = {"nein", "n", "no", "0", "false", "falsch", "nichtgewaehlt"}
_SEPARATORS = re.compile(r"\s*[;|\n]\s*|\s*,\s*")
# 1.250 is twelve hundred fifty in German; 3,5 three and a half. 3.5 is read as written.
_GERMAN_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?")
_POINT_NUMBER = re.compile(r"[+-]?\d+\.\d+")

#: Longest free-text answer kept (a paper form's text box never holds more).
MAX_TEXT = 10_000


class AnswerProblem(ValueError):
    """A typed answer that does not fit its question; the message is German."""


def is_yes(text: str) -> bool | None:
    """True for yes-like cell values (LimeSurvey's "Y", "Ja", "x", "1"), False for no-like ones
    and empty cells, None for anything else."""
    key = fold(text)
    if not key:
        return False
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def parse_number(text: str) -> float:
    """A number as Germans write it: 3,5 or 1.250 or 1.250,75; also 3.5."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if _GERMAN_NUMBER.fullmatch(value):
        value = value.replace(".", "").replace(",", ".")
    elif not _POINT_NUMBER.fullmatch(value):
        raise AnswerProblem(f"„{text}“ ist keine Zahl (Beispiel: 12 oder 3,5).")
    number = float(value)
    if not math.isfinite(number):
        raise AnswerProblem(f"„{text}“ ist keine Zahl.")
    return number


def _option_id(question: QuestionRecord, text: str) -> int:
    """An option by its number (1, 2, …) or its label (spelling tolerant)."""
    key = text.strip()
    if key.isdecimal() and 1 <= int(key) <= len(question.options):  # not "²": int() fails
        # A label that is itself a number ("5") wins over the position
        by_label = [o for o in question.options if o.label.strip() == key]
        return by_label[0].id if by_label else question.options[int(key) - 1].id
    folded = fold(key)
    for option in question.options:
        if fold(option.label) == folded:
            return option.id
    if question.type is QuestionType.JA_NEIN:
        yes = is_yes(key)
        if yes is not None and folded:
            return question.options[0 if yes else 1].id
    choices = ", ".join(f"{i} = {o.label}" for i, o in enumerate(question.options, start=1))
    raise AnswerProblem(f"„{text}“ ist keine der Antworten ({choices}).")


def parse_answer(question: QuestionRecord, text: str) -> AnswerValue | None:
    """The answer typed as ``text``, or None when it is empty (no answer).

    Options by number or label; several options separated by ; , or spaces; a scale value
    within its bounds; numbers with a German decimal comma; dates like 31.12.2026.
    """
    value = text.strip()
    if not value:
        return None
    kind = question.type
    if kind in (QuestionType.EINFACH, QuestionType.JA_NEIN):
        return _option_id(question, value)
    if kind is QuestionType.MEHRFACH:
        if any(fold(o.label) == fold(value) for o in question.options):
            parts = [value]  # one option, even if its label holds a comma
        elif re.fullmatch(r"[\d\s,;|]+", value):
            parts = re.findall(r"\d+", value)  # option numbers: "1 3", "1,3", "1;3"
        else:
            parts = [p for p in _SEPARATORS.split(value) if p.strip()]
        return frozenset(_option_id(question, p) for p in parts)
    if kind is QuestionType.SKALA:
        number = parse_number(value)
        values = question.scale_values()
        if number not in values:
            low, high = question.scale_min, question.scale_max
            raise AnswerProblem(f"„{text}“ liegt nicht auf der Skala von {low} bis {high}.")
        return int(number)
    if kind is QuestionType.ZAHL:
        number = parse_number(value)
        return int(number) if number.is_integer() else number
    if kind is QuestionType.DATUM:
        try:
            return parse_date(value)
        except ValueError as err:
            raise AnswerProblem(str(err)) from None
    if len(value) > MAX_TEXT:
        raise AnswerProblem(f"Der Text ist länger als {MAX_TEXT} Zeichen.")
    return value


def _type_problem(question: QuestionRecord, value: AnswerValue) -> str | None:
    kind = question.type
    option_ids = {o.id for o in question.options}
    if kind in (QuestionType.EINFACH, QuestionType.JA_NEIN):
        if isinstance(value, bool) or not isinstance(value, int) or value not in option_ids:
            return "ist keine der Antworten dieser Frage."
    elif kind is QuestionType.MEHRFACH:
        if not isinstance(value, frozenset) or not value <= option_ids:
            return "enthält Antworten, die es bei dieser Frage nicht gibt."
    elif kind is QuestionType.SKALA:
        if isinstance(value, bool) or value not in question.scale_values():
            return f"muss auf der Skala von {question.scale_min} bis {question.scale_max} liegen."
    elif kind is QuestionType.ZAHL:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "muss eine Zahl sein."
        if not math.isfinite(value):
            return "muss eine Zahl sein."
    elif kind is QuestionType.DATUM:
        if not isinstance(value, date):
            return "muss ein Datum sein."
    elif not isinstance(value, str) or len(value) > MAX_TEXT:
        return f"muss ein Text von höchstens {MAX_TEXT} Zeichen sein."
    return None


def is_empty(value: AnswerValue | None) -> bool:
    """No answer: nothing, an empty text or a multiple choice with nothing ticked."""
    return value is None or value == "" or value == frozenset()


def check_answers(form: SurveyForm, answers: Mapping[int, AnswerValue | None]) -> list[FieldError]:
    """Every problem of one filled-in questionnaire, named by question code.

    A required question must be answered when it is shown; an answer to a question that its
    display condition hides is a problem too (paper forms sometimes have both ticked).
    """
    problems: list[FieldError] = []
    known = {q.id for q in form.questions}
    for question_id in answers:
        if question_id not in known:
            problems.append(FieldError(str(question_id), "ist keine Frage dieser Umfrage."))
    given: dict[int, AnswerValue] = {
        qid: v for qid, v in answers.items() if v is not None and not is_empty(v)
    }
    for question in form.questions:
        value = given.get(question.id)
        shown = form.visible(question, given)
        if value is None:
            if question.required and shown:
                problems.append(FieldError(question.code, "ist eine Pflichtfrage."))
            continue
        if not shown:
            problems.append(
                FieldError(
                    question.code,
                    f"ist beantwortet, wird aber nur gestellt, wenn "
                    f"{form.condition_label(question).removeprefix('Nur wenn ')}.",
                )
            )
            continue
        problem = _type_problem(question, value)
        if problem:
            problems.append(FieldError(question.code, problem))
    return problems


def answer_rows(
    form: SurveyForm, response_id: int, answers: Mapping[int, AnswerValue | None]
) -> list[dict[str, Any]]:
    """The survey_answer rows of one response (already checked): one per ticked option."""
    rows: list[dict[str, Any]] = []
    for question in form.questions:
        value = answers.get(question.id)
        if value is None or value == "" or value == frozenset():
            continue
        row: dict[str, Any] = {
            "response_id": response_id,
            "question_id": question.id,
            "option_id": None,
            "number": None,
            "text": None,
        }
        if question.type is QuestionType.MEHRFACH:
            assert isinstance(value, frozenset)
            for option in question.options:  # in the option order, not the set's
                if option.id in value:
                    rows.append(row | {"option_id": option.id})
            continue
        if question.type.has_options:
            row["option_id"] = value
        elif question.type.is_numeric:
            row["number"] = float(value)  # type: ignore[arg-type]
        elif question.type is QuestionType.DATUM:
            assert isinstance(value, date)
            row["text"] = value.isoformat()
        else:
            row["text"] = value
        rows.append(row)
    return rows
