"""Small-cell suppression: what published survey results hide, so that no answer given by fewer
than MIN_CELL (5) people can be read off a figure or worked out from the others.

Pure functions over counts; the evaluation (results.py) applies them. Internal results (for the
office, ``published=False``) hide nothing and never call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import MIN_CELL, NumberStats

#: Question types whose cells add up to the number of respondents: a suppressed cell could be
#: worked out from the others, so a second one is hidden with it.
EXCLUSIVE = frozenset(
    {
        QuestionType.EINFACH,
        QuestionType.JA_NEIN,
        QuestionType.SKALA,
        QuestionType.ZAHL,
        QuestionType.DATUM,
    }
)


def too_few(respondents: int) -> bool:
    """A question (or a breakdown group) answered by fewer than MIN_CELL people shows no
    figures at all in published results."""
    return respondents < MIN_CELL


def hidden_cells(counts: Sequence[int], *, exclusive: bool) -> frozenset[int]:
    """The positions of the cells published results hide: every count of 1 to MIN_CELL - 1
    (an empty cell tells nothing about anyone), and when exactly one is hidden among cells
    that add up to the total (``exclusive``), the smallest other non-empty cell too, so the
    first cannot be worked out by subtraction."""
    hidden = {i for i, n in enumerate(counts) if 0 < n < MIN_CELL}
    if exclusive and len(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n >= MIN_CELL]
        if others:
            hidden.add(min(others)[1])
    return frozenset(hidden)


def without_extremes(stats: NumberStats | None) -> NumberStats | None:
    """Published statistics keep mean and median only: the minimum and maximum are one
    person's answer (the one organisation with 400 volunteers would stand out)."""
    if stats is None:
        return None
    return replace(stats, minimum=None, maximum=None)
