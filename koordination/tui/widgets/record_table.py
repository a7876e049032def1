"""The table-plus-detail every list area shows: a lazy table, the highlighted record beside it,
the values of columns dropped for room, and a status line below."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from koordination.tui.widgets.lazy_table import Column, LazyTable

NOTHING_SELECTED = "[dim]Nichts ausgewählt.[/dim]"


def hidden_values(columns: Sequence[Column], cells: Sequence[str], hidden: Iterable[int]) -> Table:
    """``Label: value`` for the columns the table dropped, one per line."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column()
    for i in hidden:
        if i < len(cells) and cells[i]:
            grid.add_row(f"{columns[i].label}:", Text(cells[i]))
    return grid


class RecordTable(Vertical):
    """A :class:`LazyTable` with the detail of the highlighted row and a status line.

    Ids derive from ``prefix``: ``{prefix}-table``, ``{prefix}-detail-pane``, ``{prefix}-detail``,
    ``{prefix}-hidden`` and ``{prefix}-status``. ``shown_in_detail`` are the columns the detail
    already says, so a dropped one is not repeated above it.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        prefix: str,
        empty_text: str,
        detail_top: Iterable[Widget] = (),
        shown_in_detail: Iterable[int] = (),
        page_size: int = 200,
    ) -> None:
        super().__init__(id=f"{prefix}-records", classes="record-table")
        self.columns = list(columns)
        self.prefix = prefix
        self.empty_text = empty_text
        self._detail_top = list(detail_top)
        self.shown_in_detail = frozenset(shown_in_detail)
        self.page_size = page_size

    def compose(self) -> ComposeResult:
        with Horizontal(classes="list-body"):
            yield LazyTable(
                self.columns,
                page_size=self.page_size,
                id=f"{self.prefix}-table",
                empty_text=self.empty_text,
            )
            with VerticalScroll(classes="detail", id=f"{self.prefix}-detail-pane"):
                yield from self._detail_top
                hidden = Static("", id=f"{self.prefix}-hidden", classes="detail-hidden")
                hidden.display = False
                yield hidden
                yield Static(NOTHING_SELECTED, id=f"{self.prefix}-detail", classes="detail-text")
        yield Static("Wird geladen …", id=f"{self.prefix}-status", classes="status-line")

    @property
    def table(self) -> LazyTable:
        return self.query_one(f"#{self.prefix}-table", LazyTable)

    def show_detail(self, shown: RenderableType | None) -> None:
        """The record's detail (``None``: nothing selected)."""
        self.query_one(f"#{self.prefix}-detail", Static).update(
            NOTHING_SELECTED if shown is None else shown
        )
        self.show_hidden()

    def set_status(self, text: RenderableType) -> None:
        self.query_one(f"#{self.prefix}-status", Static).update(text)

    def show_hidden(self) -> None:
        """The dropped columns' values of the highlighted row, above the detail."""
        table = self.table
        row = table.row_at(table.cursor_row)
        hidden = [i for i in table.hidden_columns if i not in self.shown_in_detail]
        widget = self.query_one(f"#{self.prefix}-hidden", Static)
        widget.display = bool(row and hidden)
        if row is not None and hidden:
            widget.update(hidden_values(self.columns, row.cells, hidden))

    def on_lazy_table_columns_hidden(self, event: LazyTable.ColumnsHidden) -> None:
        event.stop()
        self.show_hidden()

    def on_lazy_table_row_highlighted(self, event: LazyTable.RowHighlighted) -> None:
        # Not stopped: the area loads the record's detail on the same message.
        self.show_hidden()
