"""Spreadsheets as the office's programs save them, written by openpyxl and by odfdo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from odfdo import Document, Table
from openpyxl import Workbook

Cells = Sequence[object]


def write_xlsx(
    path: Path,
    rows: Sequence[Cells],
    *,
    sheet: str = "Mitglieder",
    first_row: int = 1,
    before: Sequence[tuple[str, Sequence[Cells], bool]] = (),
    after: Sequence[tuple[str, Sequence[Cells], bool]] = (),
) -> Path:
    """A workbook with ``rows`` on ``sheet`` from ``first_row``; ``before``/``after`` add
    (name, rows, hidden) sheets around it."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for name, sheet_rows, hidden in before:
        _xlsx_sheet(wb, name, sheet_rows, 1, hidden)
    _xlsx_sheet(wb, sheet, rows, first_row, False)
    for name, sheet_rows, hidden in after:
        _xlsx_sheet(wb, name, sheet_rows, 1, hidden)
    wb.save(path)
    return path


def _xlsx_sheet(wb: Workbook, name: str, rows: Sequence[Cells], first: int, hidden: bool) -> None:
    ws = wb.create_sheet(name)
    for r, row in enumerate(rows, start=first):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                ws.cell(row=r, column=c, value=value)
    if hidden:
        ws.sheet_state = "hidden"


def write_ods(
    path: Path,
    rows: Sequence[Cells],
    *,
    sheet: str = "Mitglieder",
    first_row: int = 1,
    before: Sequence[tuple[str, Sequence[Cells]]] = (),
) -> Path:
    """A LibreOffice spreadsheet with ``rows`` on ``sheet`` from ``first_row``."""
    doc = Document("spreadsheet")
    doc.body.clear()
    for name, sheet_rows in before:
        doc.body.append(_ods_table(name, sheet_rows, 1))
    doc.body.append(_ods_table(sheet, rows, first_row))
    doc.save(path)
    return path


def _ods_table(name: str, rows: Sequence[Cells], first: int) -> Table:
    table = Table(name)
    for r, row in enumerate(rows, start=first - 1):
        for c, value in enumerate(row):
            if value is not None and value != "":
                table.set_value((c, r), value)
    return table
