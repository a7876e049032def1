"""Column widths for a DataTable at any width: low-priority columns drop out before a title
is cut below its least width, and a title gets the room left over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.widgets import DataTable

from koordination.tui.formatting import fit_widths

#: A DataTable pads each cell by one on either side.
CELL_PADDING = 2


@dataclass(frozen=True)
class Col:
    """One column: its ``key`` in the table, its heading and how it gives way."""

    key: str
    label: str
    #: Preferred width in cells (for the flexible column: its least width).
    width: int
    #: The column never gets narrower than this (0: it keeps ``width``).
    min_width: int = 0
    #: 0: always shown; when the table is too narrow, the highest number drops out first.
    priority: int = 0
    #: Takes whatever room is left over (the title).
    flex: bool = False

    @property
    def least(self) -> int:
        return self.min_width or self.width


def fit_columns(columns: Sequence[Col], available: int) -> dict[str, int]:
    """The width of each column shown in ``available`` cells, by key, in table order."""
    shown = list(columns)

    def room() -> int:
        return available - CELL_PADDING * len(shown)

    while sum(c.least for c in shown) > room():
        droppable = [c for c in shown if c.priority > 0]
        if not droppable:
            break
        # The highest number first; of equal ones, the one further right.
        drop = max(droppable, key=lambda c: (c.priority, shown.index(c)))
        shown.remove(drop)
    fixed = [c for c in shown if not c.flex]
    flex = [c for c in shown if c.flex]
    least_flex = sum(c.least for c in flex)
    widths = fit_widths(room() - least_flex, [c.width for c in fixed], [c.least for c in fixed])
    result = dict(zip((c.key for c in fixed), widths, strict=True))
    spare = room() - sum(widths)
    for i, c in enumerate(flex):
        # The first flexible column takes the spare room; any others keep their least width.
        result[c.key] = max(c.least, spare - sum(f.least for f in flex[1:])) if i == 0 else c.least
    return {c.key: result[c.key] for c in shown}


def table_room(table: DataTable[Any]) -> int:
    """The cells a table's columns may fill: its width less the vertical scrollbar."""
    width = table.size.width or 76
    return width - 1


def dropped(columns: Sequence[Col], widths: dict[str, int]) -> list[str]:
    """The headings of the columns left out for room (the detail pane says them)."""
    return [c.label for c in columns if c.key not in widths]
