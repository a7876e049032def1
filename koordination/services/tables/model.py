"""A table's row and format, shared by the readers of each kind of file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Kind = Literal["csv", "xlsx", "ods"]

#: The longest cell any reader accepts (the CSV module's own field limit).
MAX_CELL = 131_072


class Row(NamedTuple):
    """One record of a table: the line or sheet row it starts on (header = 1) and its cells."""

    line: int
    cells: list[str]


@dataclass(frozen=True)
class TableFormat:
    kind: Kind
    delimiter: str
    #: Physical lines (CSV) or the sheet's last row: an estimate of the rows for a progress bar.
    lines: int
    encoding: str = "utf-8"
    #: Excel's "sep=;" hint line in front of the header.
    sep_line: bool = False
    #: The worksheet read (a spreadsheet only).
    sheet: str = ""
