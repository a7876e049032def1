"""Small-cell suppression at its edges: what published survey results hide (suppression.py)."""

from __future__ import annotations

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import MIN_CELL, NumberStats
from koordination.services.surveys.suppression import (
    EXCLUSIVE,
    hidden_cells,
    too_few,
    without_extremes,
)


def test_four_respondents_are_too_few_and_five_are_enough() -> None:
    assert MIN_CELL == 5
    assert too_few(0)
    assert too_few(4)
    assert not too_few(5)


def test_cells_of_one_to_four_are_hidden_and_empty_and_five_shown() -> None:
    assert hidden_cells([0, 1, 4, 5, 12], exclusive=False) == {1, 2}


def test_no_small_cell_hides_nothing() -> None:
    assert hidden_cells([0, 5, 9], exclusive=True) == frozenset()
    assert hidden_cells([], exclusive=True) == frozenset()


def test_one_small_cell_among_exclusive_answers_hides_the_smallest_other_one_too() -> None:
    # 3 of 20 could be worked out as 20 - 8 - 9; hiding the 8 as well prevents it.
    assert hidden_cells([9, 3, 8], exclusive=True) == {1, 2}
    # The smallest other cell, not the first, and never an empty one.
    assert hidden_cells([0, 7, 4, 6, 0], exclusive=True) == {2, 3}
    # Of two equally small others, the first.
    assert hidden_cells([6, 2, 6], exclusive=True) == {0, 1}


def test_a_single_small_cell_with_only_empty_others_stays_alone() -> None:
    assert hidden_cells([0, 3, 0], exclusive=True) == {1}


def test_multiple_choice_hides_no_second_cell() -> None:
    # Ticks of a multiple-choice question do not add up to the respondents.
    assert hidden_cells([9, 3, 8], exclusive=False) == {1}


def test_two_small_cells_hide_no_third() -> None:
    assert hidden_cells([9, 3, 2, 8], exclusive=True) == {1, 2}


def test_answers_that_add_up_to_the_total_are_the_exclusive_types() -> None:
    assert {t for t in QuestionType if t in EXCLUSIVE} == {
        QuestionType.EINFACH,
        QuestionType.JA_NEIN,
        QuestionType.SKALA,
        QuestionType.ZAHL,
        QuestionType.DATUM,
    }


def test_published_statistics_lose_minimum_and_maximum() -> None:
    stats = NumberStats(mean=12.5, median=10.0, minimum=1.0, maximum=400.0)
    assert without_extremes(stats) == NumberStats(12.5, 10.0, None, None)
    assert without_extremes(None) is None
