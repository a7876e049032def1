"""Raw survey answers that stay anonymous: k-anonymity over the quasi-identifiers.

An anonymous survey stores no names, but the raw answers can still single a person out: the
source, the day an answer came in and an age band together were unique for more than half of
the answers of a citizens' survey. Before raw answers leave the office, the columns that
describe the respondent rather than their opinion (*quasi-identifiers*: the source, the day of
receipt, the breakdown questions, date and number questions) are coarsened step by step until
every combination of them occurs at least :data:`K` times (k-anonymity):

1. generalise a whole column one step (day → month → quarter → year → left out; a number into
   bands of 5, 10, 20, then left out; a source or a breakdown answer is kept or left out),
   always the step that leaves the fewest answers in too small groups;
2. once at most :data:`SUPPRESS_SHARE` of the answers are still in too small groups, their
   quasi-identifiers are left out ("–") for those answers only (local suppression);
3. if these suppressed answers are themselves fewer than ``K``, they are not exported at all.

Free texts can name anyone and are left out unless the office asks for them. The response's
running number is replaced by a new one in the order of the coarsened values, so it no longer
tells the order in which answers came in. The plan is computed in one pass over the quasi-
identifiers only; the rows are then streamed a second time through it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import QuestionRecord

#: Every combination of the quasi-identifiers occurs at least this often.
K = 5
#: Up to this share of answers may lose their quasi-identifiers one by one instead of
#: coarsening a whole column further.
SUPPRESS_SHARE = 0.05
#: What a left-out value shows.
LEFT_OUT = "–"
#: The first columns of a raw export, before the questions.
FIXED = ("Nr.", "Quelle", "Eingegangen")

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _date_ladder(value: str, level: int) -> str:
    """Level 0 the day, 1 the month, 2 the quarter, 3 the year, 4 left out."""
    match = _ISO_DAY.match(value)
    if match is None or level == 0:
        return value if level < 4 else LEFT_OUT
    year, month = match.group(1), int(match.group(2))
    if level == 1:
        return f"{year}-{month:02d}"
    if level == 2:
        return f"{(month - 1) // 3 + 1}. Quartal {year}"
    if level == 3:
        return year
    return LEFT_OUT


def _number(value: str) -> float | None:
    try:
        return float(value.replace(".", "").replace(",", ".")) if value else None
    except ValueError:
        return None


_BANDS = (5, 10, 20)


def _number_ladder(value: str, level: int) -> str:
    """Level 0 the number, 1–3 bands of 5, 10 and 20 ("30–34"), 4 left out."""
    if level == 0:
        return value
    if level > len(_BANDS):
        return LEFT_OUT
    number = _number(value)
    if number is None:
        return value
    width = _BANDS[level - 1]
    low = int(number // width * width)
    return f"{low}–{low + width - 1}"


def _keep_or_drop(value: str, level: int) -> str:
    return value if level == 0 else LEFT_OUT


@dataclass(frozen=True)
class RawAnswersRequest:
    """What the raw-answers export is asked for: the survey, and whether free texts go with
    it (they can name anyone; left out unless the office asks)."""

    survey_id: int
    free_texts: bool = False


@dataclass(frozen=True)
class QuasiColumn:
    """One column that describes the respondent, with its ladder of coarser values."""

    index: int
    name: str
    steps: int
    coarsen: Callable[[str, int], str]
    #: How each level reads in the file's note ("Monat", "Zehnerschritte", …).
    level_names: tuple[str, ...]


def _quasi_columns(
    questions: Sequence[QuestionRecord], headers: Sequence[str]
) -> list[QuasiColumn]:
    columns = [
        QuasiColumn(1, "Quelle", 1, _keep_or_drop, ("genau", "weggelassen")),
        QuasiColumn(
            2,
            "Eingegangen",
            4,
            _date_ladder,
            ("Tag", "Monat", "Quartal", "Jahr", "weggelassen"),
        ),
    ]
    for offset, question in enumerate(questions):
        index = len(FIXED) + offset
        name = headers[index]
        if question.type is QuestionType.DATUM:
            columns.append(
                QuasiColumn(
                    index, name, 4, _date_ladder, ("Tag", "Monat", "Quartal", "Jahr", "weggelassen")
                )
            )
        elif question.type is QuestionType.ZAHL:
            columns.append(
                QuasiColumn(
                    index,
                    name,
                    4,
                    _number_ladder,
                    (
                        "genau",
                        "Fünferschritte",
                        "Zehnerschritte",
                        "Zwanzigerschritte",
                        "weggelassen",
                    ),
                )
            )
        elif question.breakdown:
            columns.append(QuasiColumn(index, name, 1, _keep_or_drop, ("genau", "weggelassen")))
    return columns


@dataclass
class AnonymityPlan:
    """How the raw answers are coarsened; :meth:`apply` streams the rows through it."""

    headers: list[str]
    columns: list[QuasiColumn]
    levels: list[int]
    free_text_columns: list[int]
    #: Positions (in the order read) of answers whose quasi-identifiers are left out.
    suppressed: set[int] = field(default_factory=set)
    #: Positions of answers not exported at all (too few even when suppressed).
    dropped: set[int] = field(default_factory=set)
    total: int = 0
    smallest_group: int = 0

    def key(self, row: Sequence[str]) -> tuple[str, ...]:
        return tuple(
            c.coarsen(row[c.index], level)
            for c, level in zip(self.columns, self.levels, strict=True)
        )

    @property
    def out_headers(self) -> list[str]:
        return [h for i, h in enumerate(self.headers) if i not in self.free_text_columns]

    def apply(self, rows: Iterable[Sequence[str]]) -> Iterator[list[str]]:
        """The exported rows: coarsened, suppressed where planned, free texts left out, sorted
        by the coarsened values and numbered anew (the order of receipt is not told)."""
        kept: list[list[str]] = []
        for position, row in enumerate(rows):
            if position in self.dropped:
                continue
            cells = list(row)
            if position in self.suppressed:
                for c in self.columns:
                    cells[c.index] = LEFT_OUT
            else:
                for c, value in zip(self.columns, self.key(row), strict=True):
                    cells[c.index] = value
            kept.append([cell for i, cell in enumerate(cells) if i not in self.free_text_columns])
        kept.sort(key=lambda cells: cells[1:])
        for number, cells in enumerate(kept, start=1):
            cells[0] = str(number)
            yield cells

    def note(self) -> str:
        """The sentence at the top of the file: what was done and that k = 5 holds."""
        parts = [
            f"{c.name}: {c.level_names[level]}"
            for c, level in zip(self.columns, self.levels, strict=True)
            if level > 0
        ]
        text = (
            f"Anonymisiert (k-Anonymität, k = {K}): jede Kombination von "
            f"{', '.join(c.name for c in self.columns)} kommt mindestens {K}-mal vor."
        )
        if parts:
            text += f" Vergröbert: {'; '.join(parts)}."
        if self.suppressed:
            text += f" Bei {len(self.suppressed)} Antworten sind diese Angaben weggelassen."
        if self.dropped:
            text += f" {len(self.dropped)} Antworten sind nicht enthalten (zu wenige gleiche)."
        if self.free_text_columns:
            text += " Freitexte sind nicht enthalten."
        text += " Die Nummern sind neu vergeben."
        return text


def plan(
    questions: Sequence[QuestionRecord],
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    free_texts: bool = False,
) -> AnonymityPlan:
    """Read the quasi-identifiers once and decide how far to coarsen them."""
    columns = _quasi_columns(questions, headers)
    free = (
        []
        if free_texts
        else [len(FIXED) + i for i, q in enumerate(questions) if q.type is QuestionType.TEXT]
    )
    result = AnonymityPlan(list(headers), columns, [0] * len(columns), free)
    values = [tuple(row[c.index] for c in columns) for row in rows]
    result.total = len(values)
    if not values:
        return result
    # The search works on the distinct combinations with their counts, not on every answer.
    distinct = Counter(values)

    def grouped(levels: Sequence[int]) -> Counter[tuple[str, ...]]:
        groups: Counter[tuple[str, ...]] = Counter()
        for combination, n in distinct.items():
            groups[_coarse(columns, combination, levels)] += n
        return groups

    def violators(levels: Sequence[int]) -> int:
        return sum(n for n in grouped(levels).values() if n < K)

    allowed = int(SUPPRESS_SHARE * len(values))
    levels = _least_coarsening(columns, violators, allowed, len(distinct))
    result.levels = levels
    counts = grouped(levels)
    small = {
        combination for combination in distinct if counts[_coarse(columns, combination, levels)] < K
    }
    positions = [p for p, combination in enumerate(values) if combination in small]
    everything_left_out = tuple(LEFT_OUT for _ in columns)
    if len(positions) + counts.get(everything_left_out, 0) >= K:
        result.suppressed = set(positions)
    else:
        result.dropped = set(positions)
    remaining: Counter[tuple[str, ...]] = Counter()
    for combination, n in counts.items():
        if n >= K:
            remaining[combination] += n
    if result.suppressed:
        remaining[everything_left_out] += len(result.suppressed)
    result.smallest_group = min(remaining.values(), default=0)
    return result


#: Above this many (combinations × coarsening choices) the choice is made step by step
#: instead of trying every combination of coarsening levels.
_EXHAUSTIVE_LIMIT = 2_000_000


def _least_coarsening(
    columns: Sequence[QuasiColumn],
    violators: Callable[[Sequence[int]], int],
    allowed: int,
    combinations: int,
) -> list[int]:
    """The coarsening levels that lose the least (leaving a column out costs 1, a coarser
    value half its share of the ladder) while at most ``allowed`` answers stay in too small
    groups. Small surveys try every choice in order of loss (the first that holds is the
    best); large ones coarsen step by step, always the step that helps most."""
    ladders = [range(c.steps + 1) for c in columns]
    choices = 1
    for ladder in ladders:
        choices *= len(ladder)

    def loss(levels: Sequence[int]) -> float:
        # Left out costs 1; a coarser value at most half of that.
        return sum(
            1.0 if level == c.steps else 0.5 * level / c.steps
            for c, level in zip(columns, levels, strict=True)
        )

    if choices * combinations <= _EXHAUSTIVE_LIMIT:
        for candidate in sorted(itertools.product(*ladders), key=lambda lv: (loss(lv), lv)):
            if violators(candidate) <= allowed:
                return list(candidate)
        return [c.steps for c in columns]
    levels = [0] * len(columns)
    current = violators(levels)
    while current > allowed:
        steps = [
            (violators([*levels[:i], levels[i] + 1, *levels[i + 1 :]]), i)
            for i, c in enumerate(columns)
            if levels[i] < c.steps
        ]
        if not steps:
            break
        current, chosen = min(steps)
        levels[chosen] += 1
    return levels


def _coarse(
    columns: Sequence[QuasiColumn], combination: Sequence[str], levels: Sequence[int]
) -> tuple[str, ...]:
    return tuple(
        c.coarsen(value, level)
        for c, value, level in zip(columns, combination, levels, strict=True)
    )
