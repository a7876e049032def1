"""The list + filters + detail pattern shared by the Personen, Organisationen and Gruppen areas."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Select, Static, Switch
from textual.worker import get_current_worker

from koordination.domain.enums import Sector
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import escape_markup, number
from koordination.tui.keys import bind
from koordination.tui.widgets.lazy_table import Column, Counter, LazyTable, Loader
from koordination.tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from koordination.domain.records.directory import Saved
    from koordination.services.directory.service import Directory
    from koordination.tui.dialogs.form import FormScreen
    from koordination.tui.dialogs.transfer import ExportKind, ImportKind
    from koordination.tui.widgets.form import Builder, FieldSpec

    #: A form's fields, their values from a record or from what was typed, and the builder
    #: that reads the input from them.
    FormFields = tuple[Sequence[FieldSpec], Callable[[Any], dict[str, Any]], Builder]
    #: The service's create (input) and update (record as shown, input) of a kind of record.
    Savers = tuple[Callable[[Any], Saved[Any]], Callable[[Any, Any], Saved[Any]]]


def list_bindings(
    one: str, many: str, own: Iterable[Binding] = (), *, can_import: bool = False
) -> list[Binding]:
    """The keys of a list area in the footer's order: the daily keys every list shares (Neu,
    Bearbeiten, Suchen), then the area's ``own`` keys (Einwilligung, Mitglied +, Angebote),
    then the rarer shared ones. The footer shows them in this order as far as they fit, so at
    80 columns Archivieren gives way to an area's own keys (F1 and the palette name it), and
    Archiv zeigen to all of them (the Archiv switch is on screen)."""
    out = [
        bind("new", "new", f"{one} anlegen"),
        bind("edit", "edit", f"{one} bearbeiten"),
        bind("search", "search", f"{many}: Suche"),
        *own,
        bind("remove", "archive", f"{one} archivieren/wiederherstellen"),
        bind("archive_view", "toggle_archive_view", f"Archiv zeigen ({many})"),
        bind("history", "history", f"Verlauf: Änderungen ({one})", show=False),
        bind("export", "export", f"{many} ausgeben (CSV, Excel, JSON)", show=False),
    ]
    if can_import:
        out.append(
            bind(
                "import", "import_csv", f"{many} importieren (Excel, LibreOffice, CSV)", show=False
            )
        )
    return out


class SearchField(Input):
    """A list's search field: as its text changes, the list holds the screen's next frame for
    its new rows (``LazyTable.hold_frame``), so that the letter typed and the rows it finds are
    drawn together. Here, while the field handles the key: before the field's own new frame."""

    def __init__(self, changing: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._changing = changing

    def watch_value(self) -> None:
        self._changing()


class ListArea(Area):
    """A searchable, filterable list on the left and the highlighted record on the right."""

    COLUMNS: ClassVar[list[Column]] = []
    #: "Personen", "Organisationen", ... for the status line.
    NOUN: ClassVar[str] = ""
    SEARCH_HINT: ClassVar[str] = "Suchen …"
    #: The search field's hint below about 100 columns, where the filters leave it less room.
    SEARCH_HINT_NARROW: ClassVar[str] = ""
    #: What ``i`` imports and ``Strg+E`` exports here ("people", ...); ``None``: not offered.
    IMPORT_KIND: ClassVar[ImportKind | None] = None
    EXPORT_KIND: ClassVar[ExportKind | None] = None
    #: "Person", "Organisation", ... for the archive question.
    RECORD_NOUN: ClassVar[str] = "Eintrag"
    #: Indexes of the columns the detail pane says anyway (not repeated when dropped).
    SHOWN_IN_DETAIL: ClassVar[tuple[int, ...]] = ()
    #: What this area's records are called in the data-changed message and in the audit
    #: trail ("person", ...).
    CHANGED: ClassVar[str] = ""
    #: What the message after saving a new record says was done ("angelegt", ...).
    CREATED: ClassVar[str] = "gespeichert"
    #: Below this width the search field's hint is the short one, the detail pane narrower.
    NARROW_BELOW: ClassVar[int] = 100
    #: Rows the list loads at a time.
    PAGE_SIZE: ClassVar[int] = 200

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current: Any = None
        self._shown_id: int | None = None
        #: A record just saved: put the cursor on it once the list is reloaded.
        self.select_after_load: int | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        width = self.shown_width()
        self.set_class(width < self.NARROW_BELOW, "-narrow")
        # One line of compact fields: at 80×24 every row below is a row of the list.
        with Horizontal(classes="filter-bar"):
            yield SearchField(
                self._hold_frame,
                placeholder=self._search_hint(width),
                id=f"{self.id}-search",
                classes="search",
                compact=True,
            )
            with Horizontal(classes="filters"):
                yield from self.compose_filters()
                with Horizontal(classes="archive-toggle"):
                    yield Static("Archiv", classes="switch-label")
                    yield Switch(False, id=f"{self.id}-archived")
        yield RecordTable(
            self.COLUMNS,
            prefix=str(self.id),
            empty_text=f"Keine {self.NOUN} gefunden.",
            detail_top=self.compose_detail_top(),
            shown_in_detail=self.SHOWN_IN_DETAIL,
            page_size=self.PAGE_SIZE,
        )

    def compose_filters(self) -> Iterable[Widget]:
        return ()

    def sector_filter(self, prompt: str = "Alle Sektoren") -> Select[Sector]:
        """The filter by sector (``described_filters`` names it)."""
        return Select(
            Sector.choices(), prompt=prompt, id=f"{self.id}-sector", classes="filter", compact=True
        )

    def compose_detail_top(self) -> Iterable[Widget]:
        """Widgets above the record's detail (a warning that must not scroll away)."""
        return ()

    @property
    def records(self) -> RecordTable:
        return self.query_one(RecordTable)

    @property
    def table(self) -> LazyTable:
        return self.query_one(f"#{self.id}-table", LazyTable)

    def on_resize(self) -> None:
        self._fit_width()

    def activate(self) -> None:
        self._fit_width()
        super().activate()

    def _fit_width(self) -> None:
        width = self.shown_width()
        self.set_class(width < self.NARROW_BELOW, "-narrow")
        self.search.placeholder = self._search_hint(width)

    def _search_hint(self, width: int) -> str:
        # Below about 100 columns the filters leave the search field room for a short hint.
        short = width < 96 and self.SEARCH_HINT_NARROW
        return self.SEARCH_HINT_NARROW if short else self.SEARCH_HINT

    def _hold_frame(self) -> None:
        for table in self.query(f"#{self.id}-table").results(LazyTable):
            table.hold_frame()

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
        self.records.set_status(text)
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
        self.records.show_detail(self.render_detail(record) if record is not None else None)

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

    def record_name(self, record: Any) -> str:
        return str(getattr(record, "display_name", None) or record.name)

    # ------------------------------------------------------------------ add / edit
    def form_fields(self) -> FormFields:
        """The form's fields, their values from a record or from what was typed, and how
        the input is read from them."""
        raise NotImplementedError

    def form(self, title: str, record: Any, typed: Any, refused: str) -> FormScreen:
        """The form for ``record`` (``None``: a new one); with ``typed`` it opens again with
        what was typed and why saving it was ``refused``."""
        from koordination.tui.areas.refused import RefusedForm
        from koordination.tui.dialogs.form import FormScreen

        fields, values, build = self.form_fields()
        if typed is None:
            return FormScreen(title, fields, values(record), build)
        return RefusedForm(title, fields, values(typed), build, refused)

    def action_new(self, data: Any = None, refused: str = "") -> None:
        """The form for a new record; with ``data`` it opens again with what was typed and
        why saving it was ``refused``."""
        if self.needs_core() is not None:
            self._open_form(None, data, refused)

    def action_edit(self, data: Any = None, original: Any = None, refused: str = "") -> None:
        """The form for the selected record (or ``original``), as ``action_new``."""
        record = original or self.selected()
        if record is not None and self.may_edit(record):
            self._open_form(record, data, refused)

    def may_edit(self, record: Any) -> bool:
        """Whether ``record`` may be changed now (if not, say why)."""
        return True

    def _open_form(self, record: Any, typed: Any, refused: str) -> None:
        if record is None:
            title = f"{self.RECORD_NOUN} anlegen"
        else:
            title = f"{self.RECORD_NOUN} bearbeiten – {self.record_name(record)}"

        def done(data: Any) -> None:
            if data is not None:
                self.submit(record, data)

        self.app.push_screen(self.form(title, record, typed, refused), done)

    def submit(self, original: Any, data: Any) -> None:
        """What the form gave for a new record (``original`` is ``None``) or ``original``."""
        self.save(original, data)

    def save(self, original: Any, data: Any) -> None:
        """Store ``data`` as a new record or over ``original``; when the service refuses,
        the form opens again with what was typed (``save_refused``)."""
        assert self.core is not None
        directory = self.core.directory

        def failed(exc: KoordinationError) -> None:
            self.refresh_detail()
            self.save_refused(original, data, exc.message)

        def store() -> Saved[Any]:
            create, update = self.savers(directory)
            return create(data) if original is None else update(original, data)

        self.call_service(store, lambda result: self.saved(original, result), failed)

    def savers(self, directory: Directory) -> Savers:
        """The service's create and update of this area's records."""
        raise NotImplementedError

    def saved(self, original: Any, result: Saved[Any]) -> None:
        """Say so; the list, reloaded, puts its cursor on the record."""
        verb = self.CREATED if original is None else "gespeichert"
        self.notify(f"{self.record_name(result.record)} wurde {verb}.", title="Gespeichert")
        self.select_after_load = result.record.id
        self.changed(self.CHANGED)

    def save_refused(self, original: Any, data: Any, reason: str) -> None:
        """The form again, with what was typed and why it was not saved (the notification
        has said so too)."""
        if original is None:
            self.action_new(data, refused=reason)
        else:
            self.action_edit(data, original, refused=reason)

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        record = self.selected()
        if record is not None and self.core is not None:
            name = self.record_name(record)
            self.app.push_screen(AuditScreen(self.core, self.CHANGED, record.id, name))

    # ------------------------------------------------------------------ archive
    def set_archived(self, directory: Directory, record: Any, archive: bool) -> Any:
        """Archive (or bring back) ``record`` through the service; returns the saved record."""
        raise NotImplementedError

    def action_archive(self) -> None:
        """Archive after asking, saying how to bring it back; from the archive, restore."""
        from koordination.tui.dialogs.form import ConfirmScreen

        record = self.selected()
        core = self.core
        if record is None or core is None:
            return
        directory = core.directory
        archive = not record.archived
        name = self.record_name(record)

        def done(saved: Any) -> None:
            if archive:
                self.notify(
                    f"{self.record_name(saved)} wurde archiviert. "
                    "Wiederherstellen im Archiv (z): Eintrag wählen, x drücken.",
                    title="Archiviert",
                    markup=False,
                    timeout=10,
                )
            else:
                self.notify(f"{self.record_name(saved)} wurde wiederhergestellt.", markup=False)
            self.changed(self.CHANGED)

        def run() -> None:
            self.call_service(lambda: self.set_archived(directory, record, archive), done)

        if not archive:
            run()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                run()

        self.app.push_screen(
            ConfirmScreen(
                f"{self.RECORD_NOUN} archivieren?",
                [
                    f"{escape_markup(name)} wird archiviert und verschwindet aus der Liste; "
                    "nichts wird gelöscht.",
                    "Wiederherstellen im Archiv (z): Eintrag wählen und x drücken.",
                ],
                "Archivieren",
                "Abbrechen",
            ),
            answer,
        )

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
        from koordination.tui.dialogs.export import ExportScope, export_dialog

        core = self.needs_core()
        if core is not None and self.EXPORT_KIND is not None:
            scope = ExportScope(self.list_filter(), self._described_with_archive())
            self.app.push_screen(export_dialog(core, self.EXPORT_KIND, scope))
