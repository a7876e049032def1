"""Fitting a DataTable's columns to its width: low-priority columns drop out before a title is cut
below its minimum, the way LazyTable's columns do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable


@dataclass(frozen=True)
class FitColumn:
    key: str
    label: str
    #: Preferred width in cells.
    width: int
    #: Never narrower than this (0: the preferred width is also the least).
    min_width: int = 0
    #: 0: always shown; higher numbers drop out first when the table is too narrow.
    priority: int = 0
    #: Takes the space left over beyond the preferred widths.
    grow: bool = False

    @property
    def least(self) -> int:
        """Never narrower than the header: a cut header is as unreadable as a cut name."""
        return max(self.min_width or self.width, cell_len(self.label))


#: A DataTable pads each cell by one on either side.
PADDING = 2


def fit_columns(
    columns: Sequence[FitColumn], available: int, needs: Mapping[str, int] | None = None
) -> dict[str, int]:
    """The columns shown in ``available`` cells and their widths, in the columns' order.

    ``needs`` holds what a column's longest text takes, where known. The always-shown columns
    (priority 0) get what their text needs first; droppable columns shrink to their minimum
    and drop out, the highest priority number first, until that fits. Spare room then goes to
    the droppable columns up to their preferred width (never beyond what their text needs),
    the most important first, and the rest to the growing column (the title).
    """
    needs = needs or {}

    def want(c: FitColumn) -> int:
        """What a column's text needs; its minimum when nothing is known about its text."""
        return max(c.least, needs[c.key]) if c.key in needs else c.least

    def preferred(c: FitColumn) -> int:
        return max(c.least, min(c.width, needs.get(c.key, c.width)))

    shown = list(columns)

    def required() -> int:
        return sum((c.least if c.priority else want(c)) + PADDING for c in shown)

    while required() > available and any(c.priority for c in shown):
        worst = max(c.priority for c in shown)
        shown.remove([c for c in shown if c.priority == worst][-1])
    widths = {c.key: c.least for c in shown}
    spare = available - sum(c.least + PADDING for c in shown)

    def give(c: FitColumn, upto: int) -> None:
        nonlocal spare
        add = max(0, min(spare, upto - widths[c.key]))
        widths[c.key] += add
        spare -= add

    for c in shown:
        if not c.priority:
            give(c, want(c))
    for c in sorted(shown, key=lambda c: c.priority):
        give(c, preferred(c))
    growing = [c for c in shown if c.grow]
    if spare > 0 and growing:
        each, rest = divmod(spare, len(growing))
        for i, c in enumerate(growing):
            widths[c.key] += each + (1 if i < rest else 0)
    return widths


def text_width(value: Any) -> int:
    """The cells a cell's value takes on one line."""
    if isinstance(value, Text):
        return value.cell_len
    return cell_len(str(value))


def needed_widths(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """What each column's longest text takes, over ``rows`` (values by column key)."""
    widest: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            widest[key] = max(widest.get(key, 0), text_width(value))
    return widest


def table_width(table: DataTable[Any]) -> int:
    """The cells a table has for its columns (without border and vertical scrollbar)."""
    width = table.scrollable_content_region.width or table.size.width
    if table.styles.scrollbar_gutter == "stable":
        return width or 80  # the scrollbar's room is already taken off
    return max(0, width - 1) if width else 80


def set_columns(
    table: DataTable[Any],
    columns: Sequence[FitColumn],
    needs: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Clear ``table`` and add the columns that fit; returns the widths of those shown.
    ``needs``: what each column's longest text takes (see ``needed_widths``)."""
    widths = fit_columns(columns, table_width(table), needs)
    table.clear(columns=True)
    for c in columns:
        if c.key in widths:
            table.add_column(c.label, width=widths[c.key], key=c.key)
    return widths


def clip_cell(value: Any, width: int) -> Any:
    """``value`` as it fits ``width`` cells: a longer text ends in "…" instead of being cut
    silently by the table."""
    if text_width(value) <= width:
        return value
    text = value.copy() if isinstance(value, Text) else Text(str(value))
    text.truncate(width, overflow="ellipsis")
    return text


def row_cells(widths: dict[str, int], values: dict[str, Any], *, clip: bool = False) -> list[Any]:
    """The cells of one row for the columns shown (``values`` by column key); with ``clip``
    each is cut to its column with "…" (not for a row of ``height=None`` that wraps)."""
    if not clip:
        return [values[key] for key in widths]
    return [clip_cell(values[key], width) for key, width in widths.items()]


class FittedTable(DataTable[Any]):
    """A DataTable that says when its width changed, so its owner fits the columns anew."""

    # The scrollbar's room is kept even while it is hidden: the columns are fitted to one
    # width, not to one before the rows arrive and another once they fill the table.
    DEFAULT_CSS = """
    FittedTable {
        scrollbar-gutter: stable;
    }
    """

    class Resized(Message):
        def __init__(self, table: FittedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> FittedTable:
            return self.table

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fitted_width = 0

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            self.post_message(self.Resized(self))


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


RecordT = TypeVar("RecordT", bound=_Identified)


class FittedRecords(Generic[RecordT]):
    """For a widget or screen that lists records (by id) in a DataTable with fitted columns:
    the highlighted record is the current one and the detail follows it; new records keep the
    highlighted one, or the one named in ``_select_id`` (just saved); a resize fits the
    columns anew. Name it before the widget class among the bases, so its handlers run where
    the widget's own would."""

    records: list[RecordT]
    #: The record to highlight after the next :meth:`show_records` (``None``: as before).
    _select_id: int | None
    #: The widths of the columns shown.
    _widths: dict[str, int]

    @property
    def table(self) -> DataTable[Any]:
        raise NotImplementedError

    def fitted_columns(self) -> Sequence[FitColumn]:
        raise NotImplementedError

    def text_widths(self) -> Mapping[str, int]:
        """What each column's longest text takes (see :func:`needed_widths`)."""
        raise NotImplementedError

    def record_cells(self, record: RecordT, widths: dict[str, int]) -> Sequence[Any]:
        raise NotImplementedError

    def _show_detail(self) -> None:
        raise NotImplementedError

    def show_records(self, records: list[RecordT]) -> None:
        table = self.table
        wanted = self._select_id
        if wanted is None and 0 <= table.cursor_row < len(self.records):
            wanted = self.records[table.cursor_row].id
        self._select_id = None
        self.records = records
        self._render_rows()
        if records:
            index = next((i for i, r in enumerate(records) if r.id == wanted), 0)
            table.move_cursor(row=index, animate=False)
        self._show_detail()

    def _column_widths(self) -> dict[str, int]:
        return fit_columns(self.fitted_columns(), table_width(self.table), self.text_widths())

    def _render_rows(self) -> None:
        table = self.table
        self._widths = widths = set_columns(table, self.fitted_columns(), self.text_widths())
        for record in self.records:
            table.add_row(*self.record_cells(record, widths), key=str(record.id))

    def on_resize(self) -> None:
        if self.records and self._column_widths() != self._widths:
            index = self.table.cursor_row
            self._render_rows()
            self.table.move_cursor(row=index, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def current(self) -> RecordT | None:
        row = self.table.cursor_row
        return self.records[row] if 0 <= row < len(self.records) else None
