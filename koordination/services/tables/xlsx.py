"""Reading an Excel workbook (.xlsx): its sheets and the rows of one, streamed."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from koordination.errors import ImportFailed
from koordination.services.tables.cells import cell_text
from koordination.services.tables.model import MAX_CELL


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    # A file object, not the name: openpyxl refuses names not ending in .xlsx, and a workbook
    # saved as "liste.csv" is still a workbook.
    with path.open("rb") as fh:
        with warnings.catch_warnings():
            # openpyxl warns about what it does not read (data validation, conditional formats):
            # nothing an import needs.
            warnings.simplefilter("ignore")
            try:
                # data_only: what Excel shows (a formula's last result), never the formula.
                wb = load_workbook(fh, read_only=True, data_only=True)
            except Exception:  # anything from KeyError to XML errors on a bad file
                raise broken(path) from None
        try:
            yield wb
        finally:
            wb.close()


def broken(path: Path) -> ImportFailed:
    return ImportFailed(
        f"Die Excel-Datei {path.name} ist beschädigt und lässt sich nicht lesen. Bitte in Excel "
        "öffnen und neu speichern (oder als CSV)."
    )


def sheets(path: Path) -> list[tuple[str, bool]]:
    """Every worksheet's name and whether it is visible, in the workbook's order."""
    with _workbook(path) as wb:
        return [(ws.title, ws.sheet_state == "visible") for ws in wb.worksheets]


def last_row(path: Path, sheet: str) -> int:
    """The last row the sheet says it uses (its dimension): an estimate for progress."""
    with _workbook(path) as wb:
        try:
            return int(wb[sheet].max_row or 1)
        except Exception:  # a dimension that is no number: only the estimate suffers
            return 1


def records(path: Path, sheet: str) -> Iterator[tuple[int, list[str]]]:
    """Every row of the sheet with its row number, as text; empty rows skipped."""
    with _workbook(path) as wb:
        ws = wb[sheet]
        ws.reset_dimensions()  # a row's width is its last cell, whatever the file claims
        number = 0
        rows = ws.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows, None)
            except Exception:
                raise broken(path) from None
            if values is None:
                break
            number += 1
            cells = [cell_text(v) for v in values]
            if not any(cells):
                continue
            if any(len(c) > MAX_CELL for c in cells):
                raise ImportFailed(
                    f"Die Datei {path.name} ist ab Zeile {number} nicht lesbar: eine Zelle ist "
                    "zu lang (mehr als 128.000 Zeichen)."
                )
            yield number, cells
