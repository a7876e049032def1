"""Plain frozen records of surveys, their questions and answers, for the faces and exporters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus

#: One answer as the services take it: an option id (single choice, yes/no), a frozenset of
#: option ids (multiple choice), a number (scale, number), a date or a text.
AnswerValue = int | float | str | date | frozenset[int]

#: The two fixed options of a yes/no question, in this order.
YES_NO = ("Ja", "Nein")


@dataclass(frozen=True)
class SurveyRecord:
    id: int
    version: int
    title: str
    audience: SurveyAudience
    audience_note: str
    starts_on: date | None
    ends_on: date | None
    status: SurveyStatus
    introduction: str
    anonymous: bool
    response_count: int
    question_count: int
    copied_from_id: int | None = None

    @property
    def audience_label(self) -> str:
        """The audience as users read it; "andere Gruppe" names the group when one is given."""
        if self.audience is SurveyAudience.ANDERE and self.audience_note:
            return self.audience_note
        return self.audience.label

    @property
    def period_label(self) -> str:
        def fmt(d: date) -> str:
            return d.strftime("%d.%m.%Y")

        if self.starts_on and self.ends_on:
            return f"{fmt(self.starts_on)} – {fmt(self.ends_on)}"
        if self.starts_on:
            return f"ab {fmt(self.starts_on)}"
        if self.ends_on:
            return f"bis {fmt(self.ends_on)}"
        return ""


@dataclass(frozen=True)
class OptionRecord:
    id: int
    position: int
    label: str


@dataclass(frozen=True)
class QuestionRecord:
    id: int
    survey_id: int
    code: str
    version: int
    position: int
    section: str
    text: str
    hint: str
    type: QuestionType
    required: bool
    scale_min: int | None
    scale_max: int | None
    low_label: str
    high_label: str
    breakdown: bool
    bank_item_id: int | None
    condition_question_id: int | None
    condition_option_id: int | None
    retired: bool
    options: tuple[OptionRecord, ...]
    answer_count: int = 0

    def option(self, option_id: int) -> OptionRecord | None:
        return next((o for o in self.options if o.id == option_id), None)

    def scale_values(self) -> tuple[int, ...]:
        if self.scale_min is None or self.scale_max is None:
            return ()
        return tuple(range(self.scale_min, self.scale_max + 1))

    @property
    def label(self) -> str:
        """Code, text and, from the second version on, the version: "F3 (Fassung 2)"."""
        return self.code if self.version == 1 else f"{self.code} (Fassung {self.version})"


@dataclass(frozen=True)
class SurveyForm:
    """A survey with its current questions in order: what a questionnaire shows."""

    survey: SurveyRecord
    questions: tuple[QuestionRecord, ...]

    def question(self, question_id: int) -> QuestionRecord | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def by_code(self, code: str) -> QuestionRecord | None:
        return next((q for q in self.questions if q.code == code), None)

    def visible(self, question: QuestionRecord, answers: Mapping[int, AnswerValue]) -> bool:
        """Whether ``question`` is shown, given the answers so far (display conditions)."""
        if question.condition_question_id is None or question.condition_option_id is None:
            return True
        given = answers.get(question.condition_question_id)
        if isinstance(given, frozenset):
            return question.condition_option_id in given
        return given == question.condition_option_id

    def condition_label(self, question: QuestionRecord) -> str:
        """ "Nur wenn F2 = Ja" for a conditional question, "" otherwise."""
        if question.condition_question_id is None or question.condition_option_id is None:
            return ""
        earlier = self.question(question.condition_question_id)
        if earlier is None:
            return ""
        option = earlier.option(question.condition_option_id)
        return f"Nur wenn {earlier.code} = {option.label if option else '?'}"


@dataclass(frozen=True)
class BankItemRecord:
    id: int
    key: str
    text: str
    type: QuestionType
    options: tuple[str, ...]
    scale_min: int | None
    scale_max: int | None
    low_label: str
    high_label: str
    used_in: int = 0


@dataclass(frozen=True)
class SnapshotRecord:
    id: int
    survey_id: int
    stand: date
    created_at: datetime
    created_by: str
    fingerprint: str


# ------------------------------------------------------------------- results

#: Cells with fewer answers than this are not shown in published results.
MIN_CELL = 5


@dataclass(frozen=True)
class OptionCount:
    """One bar: an option (or scale value, or month of a date) with its count and share.
    ``count`` and ``percent`` are None when the cell is suppressed (fewer than 5 answers,
    or hidden so that a suppressed cell cannot be worked out from the total)."""

    label: str
    count: int | None
    percent: float | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class NumberStats:
    """Mean and median; the extremes only internally — in published results one person's
    unusual answer (the one organisation with 400 volunteers) would stand out."""

    mean: float
    median: float
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class BreakdownRow:
    """A question's answers among the respondents who gave one answer to the breakdown
    question (for example the organisations of one sector)."""

    group: str
    respondents: int | None
    options: tuple[OptionCount, ...]
    stats: NumberStats | None = None


@dataclass(frozen=True)
class QuestionResult:
    """The results of one question. ``respondents`` counts responses that answered it;
    percentages are of them (so a multiple choice's shares may add up to more than 100 %).
    ``suppressed``: fewer than 5 answered, so nothing but that fact is shown (and
    ``respondents`` is None in published results)."""

    id: int
    code: str
    version: int
    section: str
    text: str
    type: QuestionType
    respondents: int | None
    suppressed: bool
    options: tuple[OptionCount, ...] = ()
    stats: NumberStats | None = None
    texts: tuple[str, ...] = ()
    breakdown: tuple[BreakdownRow, ...] = ()
    retired: bool = False
    bank_item_id: int | None = None


@dataclass(frozen=True)
class SurveyResults:
    """All results of one survey as of ``stand``. ``published``: small cells suppressed."""

    survey_id: int
    title: str
    audience: str
    status: SurveyStatus
    stand: date
    response_count: int
    published: bool
    questions: tuple[QuestionResult, ...]
    breakdown_by: str = ""
    fingerprint: str | None = None


@dataclass(frozen=True)
class ComparedQuestion:
    """One question both surveys share (from the question bank), with each survey's result."""

    text: str
    type: QuestionType
    results: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class Comparison:
    """Shared questions of several surveys (e.g. organisations and citizens) side by side."""

    surveys: tuple[SurveyResults, ...]
    questions: tuple[ComparedQuestion, ...]


def results_to_dict(results: SurveyResults) -> dict[str, Any]:
    """JSON-ready results: each question with id, text, type, respondents and option counts."""
    data = asdict(results)
    data["status"] = results.status.value
    data["stand"] = results.stand.isoformat()
    for question, source in zip(data["questions"], results.questions, strict=True):
        question["type"] = source.type.value
        question["type_label"] = source.type.label
    return data


def results_from_dict(data: dict[str, Any]) -> SurveyResults:
    def stats(d: dict[str, Any] | None) -> NumberStats | None:
        return NumberStats(**d) if d else None

    def cells(items: list[dict[str, Any]]) -> tuple[OptionCount, ...]:
        return tuple(OptionCount(i["label"], i["count"], i["percent"]) for i in items)

    questions = tuple(
        QuestionResult(
            id=q["id"],
            code=q["code"],
            version=q["version"],
            section=q["section"],
            text=q["text"],
            type=QuestionType(q["type"]),
            respondents=q["respondents"],
            suppressed=q["suppressed"],
            options=cells(q["options"]),
            stats=stats(q["stats"]),
            texts=tuple(q["texts"]),
            breakdown=tuple(
                BreakdownRow(b["group"], b["respondents"], cells(b["options"]), stats(b["stats"]))
                for b in q["breakdown"]
            ),
            retired=q["retired"],
            bank_item_id=q["bank_item_id"],
        )
        for q in data["questions"]
    )
    return SurveyResults(
        survey_id=data["survey_id"],
        title=data["title"],
        audience=data["audience"],
        status=SurveyStatus(data["status"]),
        stand=date.fromisoformat(data["stand"]),
        response_count=data["response_count"],
        published=data["published"],
        questions=questions,
        breakdown_by=data.get("breakdown_by", ""),
        fingerprint=data.get("fingerprint"),
    )
