"""The one CSV dialect, the formula guard every cell passes, and the generic table writers
(CSV for Excel, JSON arrays; workbooks, and the choice between the two, in
outputs/workbook.py); what goes into the directory's tables is built in
outputs/builders/directory.py."""

from __future__ import annotations

import contextlib
import csv
import json
import re
from _json import encode_basestring, make_encoder
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from koordination.errors import KoordinationError
from koordination.files import atomic_text
from koordination.outputs.formats import TABLE_FORMATS

Progress = Callable[[int, int], None]
FORMATS: tuple[str, ...] = tuple(TABLE_FORMATS)


# ---------------------------------------------------------------------------- CSV cells

# Excel and LibreOffice run a cell that starts with = + - @ (or a tab/CR before one) as a
# formula: "=HYPERLINK(...)" in a name field could phish whoever opens the file (CSV
# injection, see OWASP). A leading apostrophe makes the spreadsheet show the text as text.
# Phone numbers like +49 ... get the apostrophe too; that is the accepted practice, the
# spreadsheet hides it, and csv_import.clean_cell takes it off again on import.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)
# Control characters (a backspace pasted into a note) show as nothing in a spreadsheet, and a
# file with a few of them is no text file to the importer: the export could not be read back.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def guard_cell(value: str) -> str:
    # Called for every cell of an export (two million for a city): the control-character
    # pass runs only on text that holds a character that is not printable.
    if not value.isprintable():
        value = _CONTROL.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def strip_controls(value: str) -> str:
    """The cell without control characters (a spreadsheet shows them as nothing)."""
    return _CONTROL.sub("", value)


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would take the text for a formula."""
    return value.startswith(_FORMULA_START)


# ---------------------------------------------------------------------------- the CSV dialect


class GermanExcel(csv.Dialect):
    """What German Excel and LibreOffice open correctly by double-click: ";" between cells
    (the comma is the decimal sign), CRLF line ends, quotes only where needed. Files are
    written as UTF-8 with BOM (:data:`CSV_ENCODING`), which Excel needs to see UTF-8."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


CSV_ENCODING = "utf-8-sig"


class CsvRows:
    """Writes rows in the one dialect, every cell through :func:`guard_cell`; counts the rows."""

    def __init__(self, fh: TextIO) -> None:
        self._writer = csv.writer(fh, dialect=GermanExcel)
        self.count = 0

    def header(self, cells: Sequence[str]) -> None:
        """The header row: guarded like any row (a question's text is the user's), not counted."""
        self._writer.writerow([guard_cell(cell) for cell in cells])

    def row(self, cells: Sequence[str]) -> None:
        # guard_cell only for a cell that could need it: empty and plain cells (most of a
        # city's two million) pass as they are.
        self._writer.writerow(
            [
                cell
                if not cell or (cell.isprintable() and cell[0] not in _FORMULA_FIRST)
                else guard_cell(cell)
                for cell in cells
            ]
        )
        self.count += 1

    def rows(self, rows: Iterable[Sequence[str]]) -> None:
        for cells in rows:
            self.row(cells)


@contextlib.contextmanager
def csv_file(target: Path | str, header: Sequence[str]) -> Iterator[CsvRows]:
    """A CSV file in the one dialect, written atomically; the block writes the rows."""
    # UTF-8 with the BOM written first is byte for byte CSV_ENCODING, and the file object
    # encodes it in C: CSV_ENCODING's encoder is Python code called for every row.
    with atomic_text(target, encoding="utf-8") as fh:
        fh.write("\ufeff")
        rows = CsvRows(fh)
        rows.header(header)
        yield rows


def write_csv(target: Path | str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """A whole CSV file in the one dialect; returns how many rows (without the header)."""
    with csv_file(target, header) as out:
        out.rows(rows)
    return out.count


def check_format(fmt: str) -> None:
    """Refuse a format no table is written in, in German."""
    if fmt not in FORMATS:
        raise KoordinationError(
            f"Das Format „{fmt}“ gibt es für Tabellen nicht; möglich sind: {', '.join(FORMATS)}."
        )


def write_json(target: Path | str, items: Iterable[dict[str, Any]]) -> None:
    """A JSON array of ``items``, one per line, written atomically."""
    with atomic_text(target) as fh:  # UTF-8
        dump_array(fh, items)


#: One C encoder for every item, with the options of ``json.JSONEncoder(ensure_ascii=False)``:
#: its ``encode`` makes a new one for each call (100,000 for a city).
_ENCODE = make_encoder(
    {}, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, True
)


def dump_array(fh: TextIO, items: Iterable[dict[str, Any]]) -> None:
    # Streamed item by item: 100,000 people never sit in memory as one JSON string.
    fh.write("[")
    before = "\n  "
    for item in items:
        # The encoder gives the item in chunks (in CPython one): joined with the separator.
        fh.write("".join((before, *_ENCODE(item, 0))))
        before = ",\n  "
    fh.write("]\n" if before == "\n  " else "\n]\n")
