"""The grouped figures of one survey's answers, counted in the database in a few independent
statements ("parts"), each merged into the counts as it finishes (in any order: no two parts
write the same figure).

Only grouped figures come to Python (and the free texts, which are shown as they are). Since
the parts do not depend on each other, they run one after the other on one connection or,
on SQLite, split between two connections that read the same snapshot (readers.py), each in
its own thread: Python's sqlite3 lets go of the interpreter while SQLite steps, so the two
count at once on two cores.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    and_,
    func,
    insert,
    select,
    true,
)
from sqlalchemy.sql import Executable

from koordination.domain.enums import QuestionType
from koordination.domain.models import SurveyAnswer, SurveyResponse
from koordination.domain.records.surveys import QuestionRecord

# Core tables, not the mapped classes: a statement of mapped attributes would configure every
# ORM mapper first (a tenth of a second in a fresh process).
_answer = cast(Table, SurveyAnswer.__table__)
_response = cast(Table, SurveyResponse.__table__)

#: question → group option → [(option, number, count)]; a row without option and number
#: carries a multiple choice's respondents in that group.
ByGroup = dict[int, dict[int, list[tuple[int | None, float | None, int]]]]


class Counts:
    """The merged figures: per question its options' counts, its numbers' distribution, its
    respondents, its free texts, its dates by month, and with a breakdown ``by_group``."""

    def __init__(self) -> None:
        self.options: dict[int, dict[int, int]] = defaultdict(dict)
        self.numbers: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self.respondents: dict[int, int] = {}
        self.texts: dict[int, list[str]] = defaultdict(list)
        self.months: dict[int, list[tuple[str, int]]] = defaultdict(list)
        self.by_group: ByGroup = defaultdict(lambda: defaultdict(list))


@dataclass(frozen=True)
class _Part:
    """One statement and how its rows go into the counts. ``grouped``: it joins the
    response → group table of the connection it runs on. ``weight``: a rough guess of its
    cost, so the dearest parts start first and the two connections finish together."""

    statement: Callable[[Any], Executable]
    merge: Callable[[Counts, Sequence[Any]], None]
    grouped: bool = False
    weight: int = 1


def count_answers(
    questions: Sequence[QuestionRecord],
    by: QuestionRecord | None,
    connections: Sequence[Connection],
) -> Counts:
    """All figures of ``questions`` (one survey's), broken down by ``by``'s options if given,
    read on the first connection alone or split between all of them (same snapshot)."""
    counts = Counts()
    if questions:
        dialect = connections[0].dialect.name
        _run(_parts(questions, by, dialect), connections, by, counts)
    return counts


def _parts(
    questions: Sequence[QuestionRecord], by: QuestionRecord | None, dialect: str
) -> list[_Part]:
    """The statements.

    Every question's answers are counted grouped by option and number in a pass over the
    answer index. A question with figures per group (any but the breakdown itself, texts and
    dates) also counts them in that pass, one count FILTER per group, each answer's group
    looked up by its response. On SQLite that lookup is a row id search in a temporary table
    per connection, and each such question gets a statement of its own (its own range of the
    index), so the lookups can be shared out between two connections; PostgreSQL hash-joins
    the groups, once per statement, so it counts them all in one.
    """
    a = _answer.c
    split = [q for q in questions if by is not None and _has_group_figures(q, by)]
    split_ids = {q.id for q in split}
    plain = [q for q in questions if q.id not in split_ids]
    group_ids = [o.id for o in by.options] if by is not None else []
    multiple = [q for q in questions if q.type is QuestionType.MEHRFACH]
    # A multiple choice's answers are its ticks: its respondents are counted apart.
    counted_apart = {q.id for q in multiple}

    def grouped_pass(chosen: Sequence[QuestionRecord], with_groups: bool) -> _Part:
        ids = [q.id for q in chosen]

        def statement(groups: Any) -> Executable:
            query = select(a.question_id, a.option_id, a.number, func.count()).where(
                a.question_id.in_(ids)
            )
            if with_groups:
                # count(*) FILTER (WHERE …) per group: a fifth less than sum(CASE …) per row.
                query = query.add_columns(
                    *(func.count().filter(groups.c.grp == g) for g in group_ids)
                ).outerjoin(groups, groups.c.response_id == a.response_id)
            return query.group_by(a.question_id, a.option_id, a.number).order_by(
                a.question_id, a.option_id, a.number
            )

        def merge(counts: Counts, rows: Sequence[Any]) -> None:
            for question_id, option_id, number, count, *per_group in rows:
                if option_id is not None:
                    counts.options[question_id][option_id] = count
                elif number is not None:
                    counts.numbers[question_id].append((float(number), count))
                if question_id not in counted_apart:
                    counts.respondents[question_id] = counts.respondents.get(question_id, 0) + count
                if not per_group or (option_id is None and number is None):
                    continue
                for group, n in zip(group_ids, per_group, strict=True):
                    if n:
                        counts.by_group[question_id][group].append((option_id, number, n))

        # A multiple choice has a row per option ticked; a group lookup costs two rows' pass.
        weight = sum(3 if q.type is QuestionType.MEHRFACH else 1 for q in chosen)
        return _Part(statement, merge, with_groups, weight * (3 if with_groups else 1))

    parts: list[_Part] = []
    if plain:
        parts.append(grouped_pass(plain, False))
    if dialect == "sqlite":
        parts.extend(grouped_pass([q], True) for q in split)
    elif split:
        parts.append(grouped_pass(split, True))
    if multiple:
        parts.append(_respondents(multiple, by))
    # Each free text and each date in a statement of its own: they need no group, and the
    # database sorts a question's answers by one key (answer or month), not by two.
    parts.extend(_texts(q.id, dialect) for q in questions if q.type is QuestionType.TEXT)
    parts.extend(_months(q.id) for q in questions if q.type is QuestionType.DATUM)
    return parts


def _has_group_figures(q: QuestionRecord, by: QuestionRecord) -> bool:
    """Whether a breakdown shows this question per group: options and numbers do."""
    return q.id != by.id and (q.type.has_options or q.type.is_numeric)


def _respondents(multiple: Sequence[QuestionRecord], by: QuestionRecord | None) -> _Part:
    """A response that ticked three options counts once as a respondent: in all, and in its
    group (kept there as a row without option and number). One pass over the responses for
    every multiple choice, each asking per response "has an answer to this question", which
    reads the response index alone; with a breakdown, a count per question and group (the
    group compared first, so each response asks once per question), which needs no sorting
    as grouping by the group would."""
    a, r = _answer.c, _response.c
    group_ids: list[int | None] = [o.id for o in by.options] if by is not None else []
    group_ids.append(None)  # no group (no breakdown, or the breakdown question unanswered)

    def statement(groups: Any) -> Executable:
        def in_group(group: int | None) -> Any:
            if groups is None:
                return true()
            return groups.c.grp.is_(None) if group is None else groups.c.grp == group

        answered = [
            func.count().filter(
                and_(
                    in_group(group),
                    select(a.id).where(a.response_id == r.id, a.question_id == q.id).exists(),
                )
            )
            for q in multiple
            for group in group_ids
        ]
        query = select(*answered).select_from(_response)
        if groups is not None:
            query = query.outerjoin(groups, groups.c.response_id == r.id)
        return query.where(r.survey_id == multiple[0].survey_id)

    def merge(counts: Counts, rows: Sequence[Any]) -> None:
        numbers = iter(rows[0])
        for question in multiple:
            counts.respondents[question.id] = 0
            for group in group_ids:
                count = next(numbers)
                counts.respondents[question.id] += count
                if group is not None and count:
                    counts.by_group[question.id][group].append((None, None, count))

    return _Part(statement, merge, by is not None, 4 * len(multiple))


def _texts(question_id: int, dialect: str) -> _Part:
    """A free-text question's answers, shown as they are: one JSON array of them in the order
    they came, made by the database (as 90,000 rows they cost more to make into Python rows
    than to read). SQLite (before 3.44) has no ORDER BY inside an aggregate but keeps the
    order of a subquery that an aggregate reads; PostgreSQL is told."""
    a = _answer.c
    text = func.coalesce(a.text, "")
    if dialect == "sqlite":
        ordered = select(text.label("text")).where(a.question_id == question_id).order_by(a.id)
        statement = select(func.json_group_array(ordered.subquery().c.text, type_=JSON))
    else:
        statement = select(func.json_agg(text, type_=JSON).aggregate_order_by(a.id)).where(
            a.question_id == question_id
        )

    def merge(counts: Counts, rows: Sequence[Any]) -> None:
        counts.texts[question_id] = rows[0][0] or []  # PostgreSQL: NULL when there is none

    return _Part(lambda _groups: statement, merge, weight=5)


def _months(question_id: int) -> _Part:
    """A date question's answers (ISO text) counted by month."""
    a = _answer.c
    month = func.substr(a.text, 1, 7)

    def merge(counts: Counts, rows: Sequence[Any]) -> None:
        counts.months[question_id] = [(value, count) for value, count in rows]

    return _Part(
        lambda _groups: (
            select(month, func.count())
            .where(a.question_id == question_id)
            .group_by(month)
            .order_by(month)
        ),
        merge,
        weight=5,
    )


def _run(
    parts: Sequence[_Part],
    connections: Sequence[Connection],
    by: QuestionRecord | None,
    counts: Counts,
) -> None:
    """Run every part and merge its rows into ``counts``. Each connection takes the dearest
    part left until none is; the first connection in this thread, the others in threads of
    their own. A connection makes its response → group table before its first part that
    needs it."""
    pending = deque(sorted(parts, key=lambda part: -part.weight))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(connection: Connection) -> None:
        try:
            with ExitStack() as stack:
                groups = None
                while True:
                    with lock:
                        if not pending:
                            return
                        part = pending.popleft()
                    if part.grouped and groups is None:
                        groups = stack.enter_context(_response_groups(connection, by))
                    rows = connection.execute(part.statement(groups)).all()
                    with lock:
                        part.merge(counts, rows)
        except BaseException as exc:
            with lock:
                pending.clear()  # the others stop after their current part
            errors.append(exc)

    helpers = [threading.Thread(target=work, args=(c,)) for c in connections[1:]]
    for thread in helpers:
        thread.start()
    work(connections[0])
    for thread in helpers:
        thread.join()
    if errors:
        raise errors[0]


@contextmanager
def _response_groups(connection: Connection, by: QuestionRecord | None) -> Iterator[Any]:
    """Response → the option it chose in the breakdown question, as something to join.

    On SQLite a temporary table keyed by the response: joining it is a row id search,
    several times faster than a second pass over the answer index. PostgreSQL hash-joins the
    plain subquery by itself.
    """
    assert by is not None
    b = _answer.c
    chosen = select(b.response_id, b.option_id.label("grp")).where(b.question_id == by.id)
    if connection.dialect.name != "sqlite":
        yield chosen.subquery("response_groups")
        return
    table = Table(
        "response_groups",
        MetaData(),
        Column("response_id", Integer, primary_key=True),
        Column("grp", Integer),
        prefixes=["TEMPORARY"],
    )
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
