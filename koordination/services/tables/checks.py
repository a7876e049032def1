"""What makes a table file impossible to read unambiguously: a quote that swallows the lines
after it, rows with more or fewer fields than the header, control characters. Each refuses
the whole file, naming line and column, before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from koordination.errors import ImportFailed, ImportProblem
from koordination.services.tables.model import TableFormat

#: A cell longer than this is a quote that was never closed, not a name or an address.
MAX_CELL = 10_000
#: A quoted CSV cell may hold an address over a few lines; more is a quote never closed.
MAX_CELL_LINES = 10
#: Excel's own limit for one cell: longer cells come from no spreadsheet.
MAX_SPREADSHEET_CELL = 32_767

# C0 controls except tab, line feed and carriage return, and DEL; NUL included.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Records = Iterator[tuple[int, list[str]]]


def refused(path: Path, problem: ImportProblem) -> ImportFailed:
    return ImportFailed(
        f"Die Datei {path.name} wurde nicht importiert (es wurde nichts geändert):",
        [problem],
    )


def _column(header: list[str] | None, index: int) -> str:
    name = header[index].strip() if header is not None and index < len(header) else ""
    return f"{name} (Nr. {index + 1})" if name else f"Nr. {index + 1}"


def _control_name(ch: str) -> str:
    return "NUL (ein Null-Byte)" if ch == "\x00" else f"Code {ord(ch)}"


def checked(path: Path, fmt: TableFormat, rows: Records) -> Records:
    """``rows`` passed through, refusing the file at the first record that cannot be read
    unambiguously. The field count is checked in CSV files only: spreadsheets leave out
    empty cells at a row's end, and nothing in them can shift a cell into the next."""
    csv = fmt.kind == "csv"
    limit = MAX_CELL if csv else MAX_SPREADSHEET_CELL
    header: list[str] | None = None
    width = 0
    for line, cells in rows:
        # One pass over the whole row first: when it is short enough, has few enough line
        # breaks and no control character, so has every cell (most rows of every file).
        joined = "".join(cells)
        fine = (
            len(joined) <= limit
            and (not csv or joined.count("\n") <= MAX_CELL_LINES)
            and _CONTROL.search(joined) is None
        )
        for index, cell in enumerate(() if fine else cells):
            if len(cell) > limit or (csv and cell.count("\n") > MAX_CELL_LINES):
                # The line the cell (and in a CSV file its opening quote) starts on.
                opened = line + sum(c.count("\n") for c in cells[:index])
                reason = (
                    "Hier beginnt ein Anführungszeichen, das erst viele Zeilen später (oder nie) "
                    f"geschlossen wird; die Zelle wäre {_count(len(cell))} Zeichen lang. Bitte das "
                    "Anführungszeichen entfernen oder schließen."
                    if csv
                    else f"Die Zelle ist {_count(len(cell))} Zeichen lang, mehr als Excel hält."
                )
                raise refused(path, ImportProblem(opened, _column(header, index), reason))
            bad = _CONTROL.search(cell)
            if bad is not None:
                opened = line + sum(c.count("\n") for c in cells[:index])
                opened += cell.count("\n", 0, bad.start())
                raise refused(
                    path,
                    ImportProblem(
                        opened,
                        _column(header, index),
                        f"enthält das Steuerzeichen {_control_name(bad.group())}, das in "
                        "keinem Namen oder Text vorkommt. Ist die Datei beschädigt? Bitte in "
                        "der Tabellenkalkulation öffnen und neu speichern.",
                    ),
                )
        if csv:
            filled = len(cells)
            while filled and not cells[filled - 1].strip():
                filled -= 1
            if header is None:
                if filled >= 2:  # a title line of one cell may stand above the header
                    header, width = cells, len(cells)
            elif filled and (filled > width or len(cells) < width):
                more = filled > width
                raise refused(
                    path,
                    ImportProblem(
                        line,
                        _column(header, width if more else len(cells)),
                        f"Die Zeile hat {filled if more else len(cells)} Felder, die "
                        f"Kopfzeile {width}. "
                        + (
                            "Steht ein Trennzeichen („" + _shown(fmt.delimiter) + "“) in einem "
                            "Namen ohne Anführungszeichen?"
                            if more
                            else "Fehlt ein Trennzeichen, oder ist die Zeile umgebrochen?"
                        )
                        + " Bitte die Zeile in der Tabellenkalkulation prüfen und neu speichern.",
                    ),
                )
        yield line, cells


def _shown(delimiter: str) -> str:
    return "Tabulator" if delimiter == "\t" else delimiter


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")
