"""Survey results: counts, shares and statistics per question, breakdowns, comparisons across
audiences, small-cell suppression for published results, dated snapshots and raw answers.

Everything is counted in the database (grouped counts read the answer index alone) and only
the grouped figures come to Python, so a survey of 100,000 responses is evaluated quickly.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, null, select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import QuestionType
from koordination.domain.models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveySnapshot,
)
from koordination.domain.records.surveys import (
    BreakdownRow,
    ComparedQuestion,
    Comparison,
    NumberStats,
    OptionCount,
    QuestionResult,
    SnapshotRecord,
    SurveyResults,
    results_from_dict,
    results_to_dict,
)
from koordination.errors import NotFoundError
from koordination.services.surveys.suppression import (
    EXCLUSIVE,
    hidden_cells,
    too_few,
    without_extremes,
)

_MAX_VALUES = 11  # a number question with more distinct values is shown in ranges
_BINS = 6


def _share(count: int, base: int) -> float:
    return round(100.0 * count / base, 1) if base else 0.0


def _cells(
    pairs: Sequence[tuple[str, int]], base: int, *, published: bool, exclusive: bool
) -> tuple[OptionCount, ...]:
    """Bars from (label, count); published results hide the small cells (suppression.py)."""
    hidden = hidden_cells([n for _, n in pairs], exclusive=exclusive) if published else frozenset()
    return tuple(
        OptionCount(label, None, None) if i in hidden else OptionCount(label, n, _share(n, base))
        for i, (label, n) in enumerate(pairs)
    )


def _stats(distribution: Sequence[tuple[float, int]]) -> NumberStats | None:
    """Mean, median, minimum and maximum from (value, count) pairs sorted by value."""
    total = sum(n for _, n in distribution)
    if not total:
        return None
    mean = sum(v * n for v, n in distribution) / total

    def nth(k: int) -> float:  # the k-th smallest value, counting from 0
        seen = 0
        for value, n in distribution:
            seen += n
            if k < seen:
                return value
        return distribution[-1][0]

    median = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return NumberStats(
        mean=round(mean, 2),
        median=median,
        minimum=distribution[0][0],
        maximum=distribution[-1][0],
    )


def _number_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _number_cells(
    question: SurveyQuestion, distribution: Sequence[tuple[float, int]]
) -> list[tuple[str, int]]:
    """Bars of a scale (every step, with the end labels) or a number (values or ranges)."""
    counts = dict(distribution)
    if question.type is QuestionType.SKALA and question.scale_min is not None:
        assert question.scale_max is not None
        cells = []
        for step in range(question.scale_min, question.scale_max + 1):
            label = str(step)
            if step == question.scale_min and question.low_label:
                label += f" – {question.low_label}"
            if step == question.scale_max and question.high_label:
                label += f" – {question.high_label}"
            cells.append((label, counts.get(float(step), 0)))
        return cells
    if len(distribution) <= _MAX_VALUES:
        return [(_number_label(v), n) for v, n in distribution]
    low, high = distribution[0][0], distribution[-1][0]
    width = _nice_width((high - low) / _BINS)
    start = math.floor(low / width) * width
    bins: list[list[Any]] = []
    edge = start
    while edge <= high:
        bins.append([edge, edge + width, 0])
        edge += width
    for value, n in distribution:
        index = min(int((value - start) // width), len(bins) - 1)
        bins[index][2] += n
    integral = all(float(v).is_integer() for v, _ in distribution) and float(width).is_integer()
    cells = []
    for lower, upper, n in bins:
        if integral:
            label = f"{_number_label(lower)}–{_number_label(min(upper - 1, high))}"
        else:
            label = f"{_number_label(lower)} bis unter {_number_label(upper)}"
        cells.append((label, n))
    return cells


def _nice_width(raw: float) -> float:
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


class _Counts:
    """The grouped figures of one survey's answers, read in a few queries.

    With a breakdown question, the same single pass over the answer index also counts each
    answer per group (one summed column per group, so the database never sorts the answers),
    and ``by_group`` holds question → group option → [(option, number, count)].
    """

    def __init__(
        self,
        session: Session,
        questions: Sequence[SurveyQuestion],
        by: SurveyQuestion | None = None,
    ) -> None:
        ids = [q.id for q in questions]
        self.options: dict[int, dict[int, int]] = defaultdict(dict)
        self.numbers: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self.respondents: dict[int, int] = {}
        self.texts: dict[int, list[str]] = defaultdict(list)
        self.months: dict[int, list[tuple[str, int]]] = defaultdict(list)
        self.by_group: dict[int, dict[int, list[tuple[int | None, float | None, int]]]] = (
            defaultdict(lambda: defaultdict(list))
        )
        if not ids:
            return
        a = SurveyAnswer
        # Core rows: through the ORM's result machinery, 90,000 free texts cost 0.1 s more.
        conn = session.connection()
        group_ids = [o.id for o in by.options] if by is not None else []
        with _response_groups(session, by) as groups:
            columns: list[Any] = [a.question_id, a.option_id, a.number, func.count()]
            query = select(*columns).where(a.question_id.in_(ids))
            if groups is not None:
                # count(*) FILTER (WHERE …) per group: a fifth less than sum(CASE …) per row.
                query = query.add_columns(
                    *(func.count().filter(groups.c.grp == g) for g in group_ids)
                ).outerjoin(groups, groups.c.response_id == a.response_id)
            grouped = conn.execute(
                query.group_by(a.question_id, a.option_id, a.number).order_by(
                    a.question_id, a.option_id, a.number
                )
            )
            for question_id, option_id, number, count, *per_group in grouped:
                if option_id is not None:
                    self.options[question_id][option_id] = count
                elif number is not None:
                    self.numbers[question_id].append((float(number), count))
                self.respondents[question_id] = self.respondents.get(question_id, 0) + count
                if by is not None and question_id != by.id and (option_id or number is not None):
                    for group, n in zip(group_ids, per_group, strict=True):
                        if n:
                            self.by_group[question_id][group].append((option_id, number, n))
            # A response that ticked three options counts once as a respondent: in all, and
            # in its group (kept there as a row without option and number). One pass over
            # the responses for every multiple choice, each asking per response "has an
            # answer to this question", which reads the response index alone.
            multiple = [q for q in questions if q.type is QuestionType.MEHRFACH]
            if multiple:
                r = SurveyResponse
                answered = [
                    func.count().filter(
                        select(a.id).where(a.response_id == r.id, a.question_id == q.id).exists()
                    )
                    for q in multiple
                ]
                query = select(null(), *answered).select_from(r)
                if groups is not None:
                    query = (
                        select(groups.c.grp, *answered)
                        .select_from(r)
                        .outerjoin(groups, groups.c.response_id == r.id)
                        .group_by(groups.c.grp)
                    )
                for question in multiple:
                    self.respondents[question.id] = 0
                for group, *counts in conn.execute(
                    query.where(r.survey_id == multiple[0].survey_id)
                ):
                    for question, count in zip(multiple, counts, strict=True):
                        self.respondents[question.id] += count
                        if group is not None and count:
                            self.by_group[question.id][group].append((None, None, count))
        by_type = {q.id: q.type for q in questions}
        texts = [qid for qid, kind in by_type.items() if kind is QuestionType.TEXT]
        if texts:
            for question_id, text in conn.execute(
                select(a.question_id, a.text)
                .where(a.question_id.in_(texts))
                .order_by(a.question_id, a.id)
            ):
                self.texts[question_id].append(text or "")
        dates = [qid for qid, kind in by_type.items() if kind is QuestionType.DATUM]
        if dates:
            month = func.substr(a.text, 1, 7)
            for question_id, value, count in conn.execute(
                select(a.question_id, month, func.count())
                .where(a.question_id.in_(dates))
                .group_by(a.question_id, month)
                .order_by(a.question_id, month)
            ):
                self.months[question_id].append((value, count))


@contextmanager
def _response_groups(session: Session, by: SurveyQuestion | None) -> Iterator[Any]:
    """Response → the option it chose in the breakdown question, as something to join.

    On SQLite a temporary table keyed by the response: joining it is a rowid lookup, several
    times faster than a second pass over the answer index. PostgreSQL hash-joins the plain
    subquery by itself.
    """
    if by is None:
        yield None
        return
    b = SurveyAnswer
    chosen = select(b.response_id, b.option_id.label("grp")).where(b.question_id == by.id)
    if session.get_bind().dialect.name != "sqlite":
        yield chosen.subquery("response_groups")
        return
    table = Table(
        "response_groups",
        MetaData(),
        Column("response_id", Integer, primary_key=True),
        Column("grp", Integer),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    try:
        # One answer per response (single choice); a stray duplicate must not break this.
        connection.execute(
            insert(table).prefix_with("OR IGNORE").from_select(["response_id", "grp"], chosen)
        )
        yield table
    finally:
        table.drop(connection)


def _date_cells(q: SurveyQuestion, months: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Dates by month within about a year, otherwise by year or ranges of years."""
    years = sorted({m[:4] for m, _ in months})
    if len(years) <= 2:
        return [(f"{m[5:7]}/{m[:4]}", n) for m, n in months]
    merged: dict[float, int] = defaultdict(int)
    for month, n in months:
        merged[float(month[:4])] += n
    return _number_cells(q, sorted(merged.items()))


class Evaluation:
    """Results of surveys: computed live, or published as a dated snapshot."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def _load(self, session: Session, survey_id: int) -> Survey:
        survey = session.scalar(
            select(Survey)
            .where(Survey.id == survey_id)
            .options(selectinload(Survey.questions).selectinload(SurveyQuestion.options))
        )
        if survey is None:
            raise NotFoundError(f"Die Umfrage Nr. {survey_id} gibt es nicht (mehr).")
        return survey

    def results(
        self, survey_id: int, *, published: bool = True, stand: date | None = None
    ) -> SurveyResults:
        """Every question's results. ``published``: cells of fewer than 5 answers hidden."""
        with self.db.session() as session:
            return self.results_in(session, survey_id, published=published, stand=stand)

    def results_in(
        self, session: Session, survey_id: int, *, published: bool, stand: date | None
    ) -> SurveyResults:
        """:meth:`results` inside a transaction the caller holds."""
        survey = self._load(session, survey_id)
        by = next((q for q in survey.questions if q.breakdown and not q.retired), None)
        counts = _Counts(session, survey.questions, by)
        # Earlier versions of a question appear only when they were answered.
        questions = [q for q in survey.questions if not q.retired or counts.respondents.get(q.id)]
        groups = counts.by_group
        response_count = (
            session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey_id)) or 0
        )
        results = tuple(
            self._question(q, counts, groups.get(q.id, {}), by, published) for q in questions
        )
        return SurveyResults(
            survey_id=survey.id,
            title=survey.title,
            audience=(
                survey.audience_note
                if survey.audience_note and survey.audience.value == "andere"
                else survey.audience.label
            ),
            status=survey.status,
            stand=stand or self.clock.today(),
            response_count=response_count,
            published=published,
            questions=results,
            breakdown_by=by.text if by is not None else "",
        )

    def _question(
        self,
        q: SurveyQuestion,
        counts: _Counts,
        groups: dict[int, list[tuple[int | None, float | None, int]]],
        by: SurveyQuestion | None,
        published: bool,
    ) -> QuestionResult:
        respondents = counts.respondents.get(q.id, 0)
        suppressed = published and too_few(respondents)
        exclusive = q.type in EXCLUSIVE
        options: tuple[OptionCount, ...] = ()
        stats = None
        texts: tuple[str, ...] = ()
        if q.type.has_options:
            pairs = [(o.label, counts.options[q.id].get(o.id, 0)) for o in q.options]
            options = _cells(pairs, respondents, published=published, exclusive=exclusive)
        elif q.type.is_numeric:
            distribution = counts.numbers[q.id]
            options = _cells(
                _number_cells(q, distribution), respondents, published=published, exclusive=True
            )
            stats = _stats(distribution)
        elif q.type is QuestionType.DATUM:
            options = _cells(
                _date_cells(q, counts.months[q.id]),
                respondents,
                published=published,
                exclusive=True,
            )
        else:
            texts = tuple(counts.texts[q.id])
        breakdown: tuple[BreakdownRow, ...] = ()
        if by is not None and groups and q.id != by.id:
            breakdown = tuple(
                self._group_row(q, g, groups.get(g.id, []), published) for g in by.options
            )
        if published:
            stats = without_extremes(stats)
            breakdown = tuple(replace(row, stats=without_extremes(row.stats)) for row in breakdown)
        if suppressed:
            options = tuple(OptionCount(o.label, None, None) for o in options)
            stats, texts, breakdown = None, (), ()
        return QuestionResult(
            id=q.id,
            code=q.code,
            version=q.version,
            section=q.section,
            text=q.text,
            type=q.type,
            respondents=None if suppressed else respondents,
            suppressed=suppressed,
            options=options,
            stats=stats,
            texts=texts,
            breakdown=breakdown,
            retired=q.retired,
            bank_item_id=q.bank_item_id,
        )

    @staticmethod
    def _group_row(
        q: SurveyQuestion,
        group: Any,
        rows: list[tuple[int | None, float | None, int]],
        published: bool,
    ) -> BreakdownRow:
        multiple_respondents = 0
        if q.type.has_options:
            by_option: dict[int | None, int] = defaultdict(int)
            for option_id, _, n in rows:
                by_option[option_id] += n
            pairs = [(o.label, by_option.get(o.id, 0)) for o in q.options]
            stats = None
            # Multiple choice: the row without option carries the group's respondents.
            multiple_respondents = by_option.get(None, 0)
        elif q.type.is_numeric:
            merged: dict[float, int] = defaultdict(int)
            for _, number, n in rows:
                if number is not None:
                    merged[float(number)] += n
            distribution = sorted(merged.items())
            pairs = _number_cells(q, distribution)
            stats = _stats(distribution)
        else:
            pairs, stats = [], None
        if q.type is QuestionType.MEHRFACH:
            respondents = multiple_respondents
        else:
            respondents = sum(n for _, n in pairs)
        if published and too_few(respondents):
            return BreakdownRow(
                group.label, None, tuple(OptionCount(label, None, None) for label, _ in pairs)
            )
        cells = _cells(pairs, respondents, published=published, exclusive=q.type in EXCLUSIVE)
        return BreakdownRow(group.label, respondents, cells, stats)

    # ------------------------------------------------------------ comparison

    def compare(self, survey_ids: Sequence[int], *, published: bool = True) -> Comparison:
        """The questions all given surveys share from the question bank, side by side."""
        results = tuple(self.results(sid, published=published) for sid in survey_ids)
        shared: list[ComparedQuestion] = []
        first = results[0] if results else None
        for question in first.questions if first else ():
            if question.bank_item_id is None or question.retired:
                continue
            matches = []
            for other in results:
                match = next(
                    (
                        q
                        for q in other.questions
                        if q.bank_item_id == question.bank_item_id and not q.retired
                    ),
                    None,
                )
                if match is None:
                    break
                matches.append(match)
            else:
                shared.append(ComparedQuestion(question.text, question.type, tuple(matches)))
        return Comparison(results, tuple(shared))

    # ------------------------------------------------------------ snapshots

    def publish(self, survey_id: int, stand: date | None = None, by: str = "") -> SnapshotRecord:
        """Freeze the published results as of ``stand`` (default today) with a fingerprint."""
        with self.db.session() as session:
            return self.publish_in(session, survey_id, stand, by)

    def publish_in(
        self,
        session: Session,
        survey_id: int,
        stand: date | None,
        by: str,
        at: datetime | None = None,
    ) -> SnapshotRecord:
        """:meth:`publish` inside a transaction the caller holds."""
        results = self.results_in(session, survey_id, published=True, stand=stand)
        content = canonical_json(results_to_dict(results))
        snapshot = SurveySnapshot(
            survey_id=survey_id,
            stand=results.stand,
            created_at=at or self.clock.now(),
            created_by=by,
            content=content,
            fingerprint=hashlib.sha256(content.encode()).hexdigest(),
        )
        session.add(snapshot)
        session.flush()
        return _snapshot_record(snapshot)

    def snapshots(self, survey_id: int) -> list[SnapshotRecord]:
        with self.db.session() as session:
            rows = session.scalars(
                select(SurveySnapshot)
                .where(SurveySnapshot.survey_id == survey_id)
                .order_by(SurveySnapshot.stand, SurveySnapshot.id)
            )
            return [_snapshot_record(s) for s in rows]

    def snapshot_results(self, survey_id: int, stand: date | None = None) -> SurveyResults:
        """The published results as frozen: the newest snapshot, or the newest of ``stand``."""
        with self.db.session() as session:
            query = select(SurveySnapshot).where(SurveySnapshot.survey_id == survey_id)
            if stand is not None:
                query = query.where(SurveySnapshot.stand == stand)
            snapshot = session.scalar(
                query.order_by(SurveySnapshot.stand.desc(), SurveySnapshot.id.desc()).limit(1)
            )
            if snapshot is None:
                when = f" vom {stand:%d.%m.%Y}" if stand else ""
                raise NotFoundError(
                    f"Für die Umfrage Nr. {survey_id} gibt es keinen veröffentlichten Stand{when}."
                )
            results = results_from_dict(json.loads(snapshot.content))
            return replace(results, fingerprint=snapshot.fingerprint)

    # ------------------------------------------------------------ raw answers

    def raw_answers(self, survey_id: int) -> tuple[list[str], Iterator[list[str]]]:
        """One row per response, one column per question (earlier versions included): no
        person data, only the response's number, how it came in and its date."""
        with self.db.session() as session:
            survey = self._load(session, survey_id)
            questions = list(survey.questions)
            labels = {o.id: o.label for q in questions for o in q.options}
            headers = ["Nr.", "Quelle", "Eingegangen"] + [
                q.code if q.version == 1 else f"{q.code}.{q.version}" for q in questions
            ]
            column = {q.id: i for i, q in enumerate(questions)}

        def rows() -> Iterator[list[str]]:
            a, r = SurveyAnswer, SurveyResponse
            with self.db.session() as session:
                responses = session.execute(
                    select(r.id, r.source, r.submitted_at)
                    .where(r.survey_id == survey_id)
                    .order_by(r.id)
                    .execution_options(yield_per=2000)
                )
                answers = session.execute(
                    select(a.response_id, a.question_id, a.option_id, a.number, a.text)
                    .join(r, r.id == a.response_id)
                    .where(r.survey_id == survey_id)
                    .order_by(a.response_id, a.id)
                    .execution_options(yield_per=5000)
                )
                pending = next(answers, None)
                for response_id, source, submitted in responses:
                    cells: list[list[str]] = [[] for _ in questions]
                    while pending is not None and pending[0] == response_id:
                        _, qid, option_id, number, text = pending
                        if option_id is not None:
                            value = labels.get(option_id, "")
                        elif number is not None:
                            value = _number_label(number)
                        else:
                            value = text or ""
                        cells[column[qid]].append(value)
                        pending = next(answers, None)
                    yield [
                        str(response_id),
                        source.label,
                        submitted.astimezone(CITY_ZONE).date().isoformat(),
                        *("; ".join(c) for c in cells),
                    ]

        return headers, rows()


def _snapshot_record(s: SurveySnapshot) -> SnapshotRecord:
    return SnapshotRecord(s.id, s.survey_id, s.stand, s.created_at, s.created_by, s.fingerprint)


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
