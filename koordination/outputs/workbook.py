"""Tables as Excel workbooks (.xlsx) — a bold, frozen header row, columns as wide as their
content, phone numbers and postcodes as text, the formula guard of the CSV files — and
``write_rows``, which writes a table as CSV or as a workbook.

In a workbook a formula is a cell type of its own, so a text cell is never run. Text that
starts like a formula (= + - @) still gets Excel's "quote prefix" (what typing '=… does):
Excel and LibreOffice both show it as text without an apostrophe and keep it text when the
cell is edited, where an apostrophe written into the value would show up as part of it.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from koordination.files import atomic_bytes
from koordination.outputs.table import looks_like_formula, strip_controls, write_csv

#: Excel shows at most this many characters in a cell (and repairs files with longer ones).
MAX_CELL = 32_767
#: Rows read ahead to size the columns before the sheet is streamed out.
_SAMPLE = 500
_MAX_WIDTH = 60
#: Columns kept as text even when they hold digits only: "01067" is a postcode, not 1067.
_TEXT_COLUMNS = re.compile(r"telefon|mobil|handy|fax|plz|postleitzahl", re.IGNORECASE)
#: A whole number a spreadsheet may sum up: no sign, no leading zero, within Excel's precision.
_COUNT = re.compile(r"(0|[1-9][0-9]{0,14})")


def write_rows(
    fmt: str, target: Path | str, header: Sequence[str], rows: Iterable[Sequence[str]]
) -> int:
    """A table of text cells as CSV or as an Excel workbook (``fmt``); returns the rows."""
    if fmt == "xlsx":
        return write_xlsx(target, header, rows)
    return write_csv(target, header, rows)


def write_xlsx(
    target: Path | str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    sheet: str = "Tabelle",
) -> int:
    """A workbook with one sheet, written atomically; returns how many rows (without the
    header). Streamed: only the first rows are held to size the columns."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws: Any = wb.create_sheet(_sheet_title(sheet))
    source = iter(rows)
    sample = list(itertools.islice(source, _SAMPLE))
    text_columns = {i for i, name in enumerate(header) if _TEXT_COLUMNS.search(name)}
    for i, width in enumerate(_widths(header, sample)):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: str, column: int, *, head: bool = False) -> Any:
        text = strip_controls(value)
        if len(text) > MAX_CELL:
            text = text[: MAX_CELL - 1] + "…"
        if not head and column not in text_columns and _COUNT.fullmatch(text):
            return WriteOnlyCell(ws, value=int(text))
        out = WriteOnlyCell(ws, value=text)
        out.data_type = "s"  # never "f", whatever the text starts with
        if head:
            out.font = bold
        if looks_like_formula(text):
            out.quotePrefix = True
        if column in text_columns and not head:
            out.number_format = "@"
        return out

    count = 0
    try:
        ws.append([cell(name, i, head=True) for i, name in enumerate(header)])
        for values in itertools.chain(sample, source):
            ws.append([cell(value, i) for i, value in enumerate(values)])
            count += 1
    except BaseException:
        _discard(ws)
        raise
    with atomic_bytes(target) as fh:
        wb.save(fh)  # also removes openpyxl's temporary file
    return count


def _discard(ws: Any) -> None:
    """Remove the temporary file openpyxl streams a sheet into: it holds the rows written so
    far (personal data), and openpyxl itself would remove it only when the program ends."""
    writer = getattr(ws, "_writer", None)
    if writer is None:
        return
    with contextlib.suppress(Exception):
        ws.close()  # ends the row stream in order, so nothing complains when it is collected
    with contextlib.suppress(Exception):
        writer.cleanup()


def _sheet_title(name: str) -> str:
    # Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Tabelle"


def _widths(header: Sequence[str], sample: Sequence[Sequence[str]]) -> list[float]:
    widths = [len(name) + 2 for name in header]  # +2: the bold header and a margin
    for values in sample:
        for i, value in enumerate(values[: len(widths)]):
            longest = max((len(line) for line in value.split("\n")), default=0)
            widths[i] = max(widths[i], longest + 1)
    return [min(max(w, 6), _MAX_WIDTH) for w in widths]
