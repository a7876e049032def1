"""What the survey forms hand to the surveys service (a survey, a copy, a question), with
their validation."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from koordination.domain.enums import QuestionType, SurveyAudience
from koordination.domain.inputs.validation import date_order, date_value, text_value
from koordination.domain.records.surveys import YES_NO, QuestionRecord, SurveyRecord
from koordination.errors import FieldError

#: At most this many answer options per choice question.
MAX_OPTIONS = 50

# ---------------------------------------------------------------------- survey


@dataclass(frozen=True)
class SurveyInput:
    title: str
    audience: SurveyAudience
    #: Which group, when the audience is "andere".
    audience_note: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    introduction: str = ""
    anonymous: bool = True

    def changes(self, record: SurveyRecord) -> dict[str, Any]:
        """What differs from the stored survey (nothing: no need to save)."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(record, f.name) != getattr(self, f.name)
        }


def build_survey(values: Mapping[str, Any]) -> tuple[SurveyInput | None, list[FieldError]]:
    problems: list[FieldError] = []
    title = text_value(values, "title")
    if not title:
        problems.append(FieldError("Titel", "darf nicht leer sein."))
    starts = date_value(values, "starts_on", "Beginn", problems)
    ends = date_value(values, "ends_on", "Ende", problems)
    if order := date_order("Zeitraum", starts, ends):
        problems.append(order)
    audience = values.get("audience") or SurveyAudience.ORGANISATIONEN
    if problems:
        return None, problems
    note = text_value(values, "audience_note") if audience is SurveyAudience.ANDERE else ""
    return (
        SurveyInput(
            title=title,
            audience=audience,
            audience_note=note,
            starts_on=starts,
            ends_on=ends,
            introduction=text_value(values, "introduction"),
            anonymous=values.get("anonymous") is not False,
        ),
        [],
    )


@dataclass(frozen=True)
class CopyInput:
    title: str
    audience: SurveyAudience


def build_copy(values: Mapping[str, Any]) -> tuple[CopyInput | None, list[FieldError]]:
    title = text_value(values, "title")
    if not title:
        return None, [FieldError("Titel", "darf nicht leer sein.")]
    return CopyInput(title, values.get("audience") or SurveyAudience.ORGANISATIONEN), []


# ---------------------------------------------------------------------- question


def question_problems(
    kind: QuestionType,
    text: str,
    options: Sequence[str],
    scale_min: int | None,
    scale_max: int | None,
) -> list[FieldError]:
    """What is wrong with a question's definition, before anything is saved."""
    problems: list[FieldError] = []
    if not text.strip():
        problems.append(FieldError("Fragetext", "darf nicht leer sein."))
    if kind in (QuestionType.EINFACH, QuestionType.MEHRFACH):
        if len(options) < 2:
            problems.append(
                FieldError("Antwortmöglichkeiten", "Es braucht mindestens zwei, eine pro Zeile.")
            )
        if len(options) > MAX_OPTIONS:
            problems.append(FieldError("Antwortmöglichkeiten", f"Höchstens {MAX_OPTIONS}."))
        seen: set[str] = set()
        for option in options:
            if option.casefold() in seen:
                problems.append(
                    FieldError("Antwortmöglichkeiten", f"„{option}“ steht doppelt in der Liste.")
                )
            seen.add(option.casefold())
    if kind is QuestionType.SKALA:
        if scale_min is None or scale_max is None:
            problems.append(FieldError("Skala", "braucht einen kleinsten und größten Wert."))
        elif not (scale_min < scale_max and scale_max - scale_min <= 10):
            problems.append(
                FieldError(
                    "Skala",
                    "reicht von einem kleineren zu einem größeren Wert, "
                    "mit höchstens 11 Stufen (z. B. 1 bis 5).",
                )
            )
    return problems


@dataclass(frozen=True)
class QuestionInput:
    text: str
    type: QuestionType
    options: tuple[str, ...] = ()
    section: str = ""
    hint: str = ""
    required: bool = False
    #: Both empty on a scale: 1 to 5.
    scale_min: int | None = None
    scale_max: int | None = None
    low_label: str = ""
    high_label: str = ""
    breakdown: bool = False
    #: The earlier question and its answer (option) that show this one.
    condition: tuple[int, int] | None = None
    #: Only for a new question; empty: the next free code (F4, ...).
    code: str = ""

    @classmethod
    def from_record(cls, question: QuestionRecord) -> QuestionInput:
        """The stored question as the form would hand it back unchanged."""
        return cls(
            **{
                f.name: question_value(question, f.name)
                for f in dataclasses.fields(cls)
                if f.name != "code"
            }
        )

    def changes(self, question: QuestionRecord) -> dict[str, Any]:
        """Only what differs from ``question`` (the code never changes): a new section alone
        never needs a new version."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "code" and getattr(self, f.name) != question_value(question, f.name)
        }


def question_value(question: QuestionRecord, name: str) -> Any:
    if name == "options":
        return tuple(o.label for o in question.options)
    if name == "condition":
        if question.condition_question_id is None or question.condition_option_id is None:
            return None
        return (question.condition_question_id, question.condition_option_id)
    return getattr(question, name)


def _whole_number(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> int | None:
    text = text_value(values, key)
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,3}", text):
        problems.append(FieldError(label, "bitte eine ganze Zahl eingeben, z. B. 1 oder 5."))
        return None
    return int(text)


def build_question(values: Mapping[str, Any]) -> tuple[QuestionInput | None, list[FieldError]]:
    """The form's values as a :class:`QuestionInput`; the service's checks, in German."""
    problems: list[FieldError] = []
    kind = values.get("type") or QuestionType.EINFACH
    options: tuple[str, ...] = ()
    if kind is QuestionType.JA_NEIN:
        options = YES_NO
    elif kind.has_options:
        lines = str(values.get("options") or "").splitlines()
        options = tuple(line.strip() for line in lines if line.strip())
    scale_min = scale_max = None
    low = high = ""
    if kind is QuestionType.SKALA:
        scale_min = _whole_number(values, "scale_min", "Skala von", problems)
        scale_max = _whole_number(values, "scale_max", "Skala bis", problems)
        low, high = text_value(values, "low_label"), text_value(values, "high_label")
    text = text_value(values, "text")
    # A scale field that is no number is reported once, not again as "Skala braucht …".
    scale_typo = bool(problems)
    problems += [
        p
        for p in question_problems(kind, text, options, scale_min, scale_max)
        if not (p.field == "Skala" and scale_typo)
    ]
    code = text_value(values, "code")
    if len(code) > 20 or (code and not re.fullmatch(r"[\w.-]+", code)):
        problems.append(
            FieldError("Kürzel", "höchstens 20 Buchstaben, Ziffern, Punkte oder Striche.")
        )
    if problems:
        return None, problems
    condition = values.get("condition")
    return (
        QuestionInput(
            text=text,
            type=kind,
            options=options,
            section=text_value(values, "section"),
            hint=text_value(values, "hint"),
            required=values.get("required") is True,
            scale_min=scale_min,
            scale_max=scale_max,
            low_label=low,
            high_label=high,
            breakdown=values.get("breakdown") is True and kind.has_options,
            condition=condition if isinstance(condition, tuple) else None,
            code=code,
        ),
        [],
    )


# ---------------------------------------------------------------------- question bank


@dataclass(frozen=True)
class BankItemInput:
    """A question for the shared bank, under a key that names it across surveys."""

    key: str
    text: str
    type: QuestionType
    options: tuple[str, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    low_label: str = ""
    high_label: str = ""
