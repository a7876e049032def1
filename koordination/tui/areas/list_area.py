"""The list + filters + detail pattern shared by the Personen, Organisationen and Gruppen areas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, Static, Switch
from textual.worker import get_current_worker

from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import number
from koordination.tui.widgets.lazy_table import Column, Counter, LazyTable, Loader

if TYPE_CHECKING:
    from rich.console import RenderableType

    from koordination.services.directory.service import Directory
    from koordination.tui.dialogs.transfer import ExportKind, ImportKind


class ListArea(Area):
    """A searchable, filterable list on the left and the highlighted record on the right."""

    COLUMNS: ClassVar[list[Column]] = []
    #: "Personen", "Organisationen", ... for the status line.
    NOUN: ClassVar[str] = ""
    SEARCH_HINT: ClassVar[str] = "Suchen …"
    #: What ``i`` imports and ``Strg+E`` exports here ("people", ...); ``None``: not offered.
    IMPORT_KIND: ClassVar[ImportKind | None] = None
    EXPORT_KIND: ClassVar[ExportKind | None] = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current: Any = None
        self._shown_id: int | None = None
        #: A record just saved: put the cursor on it once the list is reloaded.
        self.select_after_load: int | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Input(placeholder=self.SEARCH_HINT, id=f"{self.id}-search", classes="search")
            yield from self.compose_filters()
            with Horizontal(classes="archive-toggle"):
                yield Static("Archiv", classes="switch-label")
                yield Switch(False, id=f"{self.id}-archived")
        with Horizontal(classes="list-body"):
            yield LazyTable(
                self.COLUMNS,
                id=f"{self.id}-table",
                empty_text=f"Keine {self.NOUN} gefunden.",
            )
            with VerticalScroll(classes="detail", id=f"{self.id}-detail-pane"):
                yield from self.compose_detail()
        yield Static("Wird geladen …", id=f"{self.id}-status", classes="status-line")

    def compose_filters(self) -> Iterable[Widget]:
        return ()

    def compose_detail(self) -> Iterable[Widget]:
        yield Static("[dim]Nichts ausgewählt.[/dim]", id=f"{self.id}-detail", classes="detail-text")

    @property
    def table(self) -> LazyTable:
        return self.query_one(f"#{self.id}-table", LazyTable)

    @property
    def search(self) -> Input:
        return self.query_one(f"#{self.id}-search", Input)

    @property
    def archived(self) -> bool:
        return self.query_one(f"#{self.id}-archived", Switch).value

    def select_value(self, widget_id: str) -> Any:
        value = self.query_one(f"#{self.id}-{widget_id}", Select).value
        return None if value is Select.NULL else value

    # ------------------------------------------------------------------ subclass hooks
    def source(self, directory: Directory) -> tuple[Loader, Counter]:
        raise NotImplementedError

    def fetch(self, directory: Directory, row_id: int) -> Any:
        raise NotImplementedError

    def render_detail(self, record: Any) -> RenderableType:
        raise NotImplementedError

    def list_filter(self) -> Any:
        """The service's filter for what the list shows now (the export uses it)."""
        raise NotImplementedError

    def described_filters(self) -> list[str]:
        """The search and filters set now, in German: ["Suche „mül“", "Sektor Verwaltung"]."""
        parts = []
        if text := self.search.value.strip():
            parts.append(f"Suche „{text}“")
        if self.query(f"#{self.id}-sector") and (sector := self.select_value("sector")):
            parts.append(f"Sektor {sector.label}")
        return parts

    def _described_with_archive(self) -> list[str]:
        return self.described_filters() + (["Archiv"] if self.archived else [])

    # ------------------------------------------------------------------ loading
    def reload(self, keep_position: bool = False) -> None:
        if self.core is None:
            return
        loader, counter = self.source(self.core.directory)
        self.table.load(loader, counter, keep_position=keep_position)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.reload()

    def on_lazy_table_loaded(self, event: LazyTable.Loaded) -> None:
        text = f"{number(event.row_count)}{'' if event.exact else '+'} {self.NOUN}"
        if self.archived:
            text += " im Archiv"
        self.query_one(f"#{self.id}-status", Static).update(text)
        if event.row_count == 0:
            self.show_record(None)
        if self.select_after_load is not None:
            index = self.table.index_of(self.select_after_load)
            if index is not None:
                self.table.cursor_row = index
            if event.exact:
                self.select_after_load = None

    def on_lazy_table_row_highlighted(self, event: LazyTable.RowHighlighted) -> None:
        if event.row_id is not None and event.row_id != self._shown_id:
            self._shown_id = event.row_id
            # After the list's frame is out: the list is what the user waits for.
            self.call_after_refresh(self._load_detail_if_wanted, event.row_id)

    def _load_detail_if_wanted(self, row_id: int) -> None:
        if row_id == self._shown_id:
            self.load_detail(row_id)

    async def on_lazy_table_row_selected(self, event: LazyTable.RowSelected) -> None:
        await self.run_action("edit")

    def refresh_detail(self) -> None:
        if self.current is not None:
            self._shown_id = self.current.id
            self.load_detail(self.current.id)

    @work(thread=True, exclusive=True, group="detail")
    def load_detail(self, row_id: int) -> None:
        core = self.core
        if core is None:
            return
        try:
            record = self.fetch(core.directory, row_id)
        except KoordinationError:
            record = None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._detail_loaded, row_id, record)

    def _detail_loaded(self, row_id: int, record: Any) -> None:
        # A slower, older request must not overwrite the record asked for last.
        if row_id == self._shown_id:
            self.show_record(record)

    def show_record(self, record: Any) -> None:
        self.current = record
        self._shown_id = record.id if record is not None else None
        shown = (
            self.render_detail(record) if record is not None else "[dim]Nichts ausgewählt.[/dim]"
        )
        self.query_one(f"#{self.id}-detail", Static).update(shown)

    def data_changed(self, what: str) -> None:
        self.reload(keep_position=True)
        self.refresh_detail()

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.table.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def on_key(self, event: Any) -> None:
        # From the search field, ↓ and Esc go to the list.
        if event.key in ("down", "escape") and isinstance(self.screen.focused, Input):
            event.stop()
            self.table.focus()

    # ------------------------------------------------------------------ shared actions
    def action_search(self) -> None:
        self.search.focus()

    def action_toggle_archive_view(self) -> None:
        self.query_one(f"#{self.id}-archived", Switch).toggle()

    def selected(self) -> Any:
        if self.current is None or self.current.id != self.table.cursor_id:
            self.notify("Bitte zuerst einen Eintrag in der Liste auswählen.", severity="warning")
            return None
        return self.current

    def action_import_csv(self) -> None:
        from koordination.tui.dialogs.transfer import ImportScreen

        core = self.needs_core()
        if core is not None and self.IMPORT_KIND is not None:
            self.app.push_screen(ImportScreen(core, self.IMPORT_KIND))

    def action_export(self) -> None:
        from koordination.tui.dialogs.transfer import ExportScope, export_dialog

        core = self.needs_core()
        if core is not None and self.EXPORT_KIND is not None:
            scope = ExportScope(self.list_filter(), self._described_with_archive())
            self.app.push_screen(export_dialog(core, self.EXPORT_KIND, scope))
