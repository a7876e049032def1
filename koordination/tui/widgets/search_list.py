"""A search field over a lazy list: type to filter, Enter to go to the list, pick a row."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from koordination.tui.widgets.lazy_table import Column, LazyTable, Row

#: Rows for (search text, offset, limit), and the number of rows for a search text.
Fetch = Callable[[str, int, int], Sequence[Row]]
Count = Callable[[str], int]


class SearchList(Vertical):
    """The picker of the dialogs: a labelled search field and the matching rows below it."""

    DEFAULT_CSS = """
    SearchList {
        height: auto;
    }
    """

    def __init__(
        self,
        *,
        label: str,
        placeholder: str,
        columns: list[Column],
        empty_text: str,
        fetch: Fetch,
        count: Count,
        search_id: str,
        table_id: str,
    ) -> None:
        super().__init__()
        self.label, self.placeholder = label, placeholder
        self.columns, self.empty_text = columns, empty_text
        self.fetch, self.count = fetch, count
        self.search_id, self.table_id = search_id, table_id

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield Input(placeholder=self.placeholder, id=self.search_id)
        yield LazyTable(self.columns, id=self.table_id, empty_text=self.empty_text)

    def on_mount(self) -> None:
        self._search("")
        self.query_one(Input).focus()

    @property
    def cursor_id(self) -> int | None:
        """The id of the highlighted row, if any."""
        return self.query_one(LazyTable).cursor_id

    def _search(self, text: str) -> None:
        self.query_one(LazyTable).load(
            lambda off, lim: self.fetch(text, off, lim), lambda: self.count(text)
        )

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(LazyTable).focus()
