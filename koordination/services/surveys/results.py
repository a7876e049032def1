"""Survey results: counts, shares and statistics per question, breakdowns, comparisons across
audiences, small-cell suppression for published results, dated snapshots and raw answers.

Everything is counted in the database (counting.py: grouped counts read the answer index
alone, on SQLite shared out between two connections reading one snapshot) and only the
grouped figures come to Python, so a survey of 100,000 responses is evaluated quickly.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import QuestionType
from koordination.domain.models import Survey, SurveyAnswer, SurveyResponse, SurveySnapshot
from koordination.domain.records.surveys import (
    BreakdownRow,
    ComparedQuestion,
    Comparison,
    NumberStats,
    OptionCount,
    QuestionRecord,
    QuestionResult,
    SnapshotRecord,
    SurveyResults,
    results_from_dict,
    results_to_dict,
)
from koordination.errors import NotFoundError
from koordination.services.surveys.counting import Counts, count_answers
from koordination.services.surveys.readers import snapshot_readers
from koordination.services.surveys.records import question_records
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
    question: QuestionRecord, distribution: Sequence[tuple[float, int]]
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


def _date_cells(q: QuestionRecord, months: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
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

    def _load(self, connection: Connection, survey_id: int) -> tuple[Any, list[QuestionRecord]]:
        """The survey's row (title, audience, status) and its questions, read through Core."""
        s = cast(Table, Survey.__table__).c
        survey = connection.execute(
            select(s.id, s.title, s.audience, s.audience_note, s.status).where(s.id == survey_id)
        ).first()
        if survey is None:
            raise NotFoundError(f"Die Umfrage Nr. {survey_id} gibt es nicht (mehr).")
        return survey, question_records(connection, survey_id)

    def results(
        self, survey_id: int, *, published: bool = True, stand: date | None = None
    ) -> SurveyResults:
        """Every question's results. ``published``: cells of fewer than 5 answers hidden."""
        with self.db.session() as session, snapshot_readers(self.db, session) as connections:
            return self._evaluate(connections, survey_id, published, stand)

    def results_in(
        self, session: Session, survey_id: int, *, published: bool, stand: date | None
    ) -> SurveyResults:
        """:meth:`results` inside a transaction the caller holds (on its connection alone:
        only it sees what the transaction has written)."""
        return self._evaluate([session.connection()], survey_id, published, stand)

    def _evaluate(
        self,
        connections: Sequence[Connection],
        survey_id: int,
        published: bool,
        stand: date | None,
    ) -> SurveyResults:
        connection = connections[0]
        survey, every = self._load(connection, survey_id)
        by = next((q for q in every if q.breakdown and not q.retired), None)
        counts = count_answers(every, by, connections)
        # Earlier versions of a question appear only when they were answered.
        questions = [q for q in every if not q.retired or counts.respondents.get(q.id)]
        groups = counts.by_group
        responses = cast(Table, SurveyResponse.__table__).c
        response_count = (
            connection.scalar(select(func.count()).where(responses.survey_id == survey_id)) or 0
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
        q: QuestionRecord,
        counts: Counts,
        groups: dict[int, list[tuple[int | None, float | None, int]]],
        by: QuestionRecord | None,
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
        q: QuestionRecord,
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
            _, questions = self._load(session.connection(), survey_id)
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
