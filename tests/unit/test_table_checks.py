"""The checks that refuse an unreadable table file find a bad cell wherever it stands in its
row (each row is first tested as a whole, then cell by cell only when something is wrong)."""

from __future__ import annotations

from pathlib import Path

import pytest

from koordination.errors import ImportFailed
from koordination.services.tables.checks import MAX_CELL, MAX_CELL_LINES, checked
from koordination.services.tables.model import TableFormat

CSV = TableFormat(kind="csv", delimiter=";", lines=3)
HEADER = ["Vorname", "Nachname", "E-Mail", "Telefon"]


def _problem(cells: list[str]) -> tuple[int, str, str]:
    rows = iter([(1, HEADER), (2, ["Anna", "Roth", "a@example.org", "0561 1"]), (3, cells)])
    with pytest.raises(ImportFailed) as caught:
        list(checked(Path("personen.csv"), CSV, rows))
    problem = caught.value.problems[0]
    return problem.line, problem.column, problem.reason


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("a\x00b", "NUL"),
        ("x" * (MAX_CELL + 1), "Anführungszeichen"),
        ("\n" * 11, "Anführungszeichen"),
    ],
)
def test_a_bad_cell_is_named_in_any_column(index: int, bad: str, says: str) -> None:
    cells = ["Ben", "Berg", "b@example.org", "0561 2"]
    cells[index] = bad
    line, column, reason = _problem(cells)
    assert line == 3 and column == f"{HEADER[index]} (Nr. {index + 1})" and says in reason


def test_a_row_whose_cells_are_each_within_the_limits_passes_though_together_they_are_not() -> None:
    cells = ["x" * MAX_CELL, "\n" * MAX_CELL_LINES, "\n" * MAX_CELL_LINES, "ok"]
    rows = [(1, HEADER), (2, cells)]
    assert list(checked(Path("personen.csv"), CSV, iter(rows))) == rows
