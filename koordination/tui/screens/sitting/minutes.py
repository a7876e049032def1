"""The Protokoll pane of the sitting screen: the items beside the editor for their notes (saved
a moment after the last key, and at once on leaving, closing or quitting), the minutes' header,
decisions and tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.widgets import DataTable, Static, TextArea

from koordination.domain.records.meetings import AgendaItemRecord, SittingRecord
from koordination.errors import KoordinationError
from koordination.tui.formatting import time_span
from koordination.tui.keys import bind
from koordination.tui.screens.sitting.base import SittingBase
from koordination.tui.widgets.column_fit import FitColumn, row_cells, set_columns

if TYPE_CHECKING:
    from koordination.domain.inputs.sittings import DecisionInput, HeaderInput, TaskInput

#: Seconds after the last key before the notes of an item are saved.
NOTES_DELAY = 0.5

KEYS: list[Binding] = [
    bind("decision", "decision", "Beschluss zum TOP erfassen"),
    bind("task", "task", "Aufgabe erfassen (wer, was, bis wann)"),
    bind("header", "header", "Protokollkopf: Leitung, Protokoll, Zeiten, Art"),
]

#: TOP numbers are short ("12"); the title gets the rest and wraps.
COLUMNS = [
    FitColumn("number", "TOP", 3),
    FitColumn("title", "Titel", 34, min_width=14, grow=True),
]


def item_results(item: AgendaItemRecord) -> str:
    """Decisions and tasks of one item, as the minutes will show them (Textual markup)."""
    lines: list[str] = []
    for d in item.decisions:
        if d.consensus:
            vote = "im Konsens"
        else:
            vote = (
                f"Ja {d.votes_yes or 0} · Nein {d.votes_no or 0} · "
                f"Enthaltung {d.votes_abstain or 0}"
            )
        lines.append(f"[b]Beschluss:[/b] {escape(d.wording)} [dim]({vote}; {d.result.label})[/dim]")
    for t in item.tasks:
        due = f" bis {t.due:%d.%m.%Y}" if t.due else ""
        lines.append(f"[b]Aufgabe:[/b] {escape(t.title)} [dim]– {escape(t.assignee)}{due}[/dim]")
    if not lines:
        return "[dim]Noch keine Beschlüsse oder Aufgaben. Strg+B: Beschluss, Strg+T: Aufgabe[/dim]"
    return "\n".join(lines)


class NotesArea(TextArea):
    """The editor for an item's notes; Esc goes back to the list of items."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "leave", "Zurück zur Liste der TOPs", label="Zur Liste"),
    ]

    def action_leave(self) -> None:
        self.screen.query_one("#sitting-items", DataTable).focus()


class MinutesPane(SittingBase):
    """Tab 3: what was said and decided, item by item."""

    def _show_minutes(self, record: SittingRecord, reload_editor: bool) -> None:
        head = (
            f"[b]{escape(record.minutes_kind.label)}[/b] · Leitung: "
            f"{escape(record.chair or '–')} · Protokoll: {escape(record.minute_taker or '–')} · "
            f"{time_span(record.start, record.end)}"
        )
        if not record.frozen:
            head += "  [dim]Strg+K: Kopf[/dim]"
        self.query_one("#sitting-head", Static).update(head)
        table = self.query_one("#sitting-items", DataTable)
        row = table.cursor_row
        with self.prevent(DataTable.RowHighlighted):
            widths = set_columns(table, COLUMNS)
            for item in record.items:
                marker = "✎ " if (self.saved_notes.get(item.id, item.notes)).strip() else ""
                values: dict[str, Any] = {"number": item.number, "title": marker + item.title}
                # The list is narrow beside the editor (18 cells at 80 columns): a long
                # title wraps onto further lines of its row instead of being cut.
                table.add_row(*row_cells(widths, values), key=str(item.id), height=None)
            self._restore(table, row)
        for item in record.items:
            # What the database holds now, unless typed text is waiting or being saved.
            if item.id != self._dirty and item.id not in self._writing:
                self.saved_notes[item.id] = item.notes
        notes = self.query_one(NotesArea)
        notes.read_only = record.frozen
        notes.disabled = not record.items
        current = self._item_at(table.cursor_row)
        if current is None:
            self.notes_item = None
            self.query_one("#sitting-item-title", Static).update("[dim]Keine TOPs.[/dim]")
            return
        if reload_editor or current.id != self.notes_item:
            self._load_notes(current)
        self._show_item_head(current)

    def _show_item_head(self, item: AgendaItemRecord) -> None:
        hint = "  [dim](nur lesbar)[/dim]" if self.frozen else "  [dim]Esc: zur Liste[/dim]"
        self.query_one("#sitting-item-title", Static).update(
            f"[b]TOP {item.number}: {escape(item.title)}[/b]{hint}"
        )
        self.query_one("#sitting-item-results", Static).update(item_results(item))

    # ------------------------------------------------------------------ notes (debounced)
    def _load_notes(self, item: AgendaItemRecord) -> None:
        self.notes_item = item.id
        notes = self.query_one(NotesArea)
        text = self.saved_notes.get(item.id, item.notes)
        with self.prevent(TextArea.Changed):
            notes.load_text(text)

    @on(DataTable.RowHighlighted, "#sitting-items")
    def _item_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        item = self._item_at(event.cursor_row)
        if item is None or item.id == self.notes_item:
            return
        self._flush_notes()  # leaving an item saves its notes at once
        self._load_notes(item)
        self._show_item_head(item)

    @on(DataTable.RowSelected, "#sitting-items")
    def _item_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        notes = self.query_one(NotesArea)
        # Minutes grow at the end: that is where typing goes on.
        notes.move_cursor(notes.document.end)
        notes.focus()

    @on(TextArea.Changed, "#sitting-notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        # Called per key: only remember that something changed and restart the clock.
        event.stop()
        if self.notes_item is None or self.frozen:
            return
        self._dirty = self.notes_item
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(NOTES_DELAY, self._flush_notes)

    def _take_typed(self) -> tuple[int, str] | None:
        """The item and text typed since the last save (``None``: nothing new); from now on the
        text counts as being written."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        item_id, self._dirty = self._dirty, None
        if item_id is None or item_id != self.notes_item or self.frozen:
            return None
        text = self.query_one(NotesArea).text
        if self.saved_notes.get(item_id) == text:
            return None
        self.saved_notes[item_id] = text
        self._writing[item_id] = text
        return item_id, text

    def _flush_notes(self) -> None:
        """Save the typed notes now, in a worker: the pause after typing, leaving an item."""
        typed = self._take_typed()
        if typed is None:
            return
        item_id, text = typed
        minutes, lock, writing = self.minutes, self.db_lock, self._writing

        def save() -> None:
            try:
                with lock:
                    # A newer text for the item (or a flush before quitting) supersedes this one.
                    if writing.get(item_id) != text:
                        return
                    minutes.set_notes(item_id, text)
                    del writing[item_id]
            except KoordinationError as exc:
                self.app.call_from_thread(self._notes_failed, item_id, exc.message)
            except Exception as exc:  # the typed text stays in the editor
                self.app.call_from_thread(
                    self._notes_failed, item_id, f"Unerwarteter Fehler: {exc}"
                )
            else:
                self.app.call_from_thread(self._notes_saved)

        # On the app, so a save started while closing the screen still finishes.
        self.app.run_worker(save, thread=True, group="sitting-notes")

    # ------------------------------------------------------------------ nothing lost
    def unsaved_changes(self) -> bool:
        """Notes typed and not yet stored (waiting for the pause, or being written)."""
        return self._dirty is not None or bool(self._writing)

    def flush_saves(self) -> None:
        """Write the notes not yet stored now, on this thread: the app quits right after."""
        self._take_typed()
        with self.db_lock:  # behind a save already running
            for item_id, text in list(self._writing.items()):
                try:
                    self.minutes.set_notes(item_id, text)
                except KoordinationError:
                    raise
                except Exception as exc:
                    raise KoordinationError(
                        f"Die Notizen konnten nicht gespeichert werden: {exc}"
                    ) from exc
                del self._writing[item_id]

    def _notes_saved(self) -> None:
        if self.is_mounted and self.record is not None:
            now = self.core.clock.local_now()
            self.query_one(
                "#sitting-head", Static
            ).border_subtitle = f"Notizen gespeichert {now:%H:%M:%S}"

    def _notes_failed(self, item_id: int, message: str) -> None:
        self._writing.pop(item_id, None)
        self.saved_notes.pop(item_id, None)
        self.app.notify(message, title="Notizen nicht gespeichert", severity="error", timeout=12)

    # ------------------------------------------------------------------ minutes actions
    def _minutes_item(self) -> AgendaItemRecord | None:
        table = self.query_one("#sitting-items", DataTable)
        item = self._item_at(table.cursor_row)
        if item is None:
            self.notify("Bitte zuerst einen Tagesordnungspunkt wählen.", severity="warning")
        return item

    def action_header(self) -> None:
        from koordination.tui.dialogs.sitting import header_form

        record = self.record
        if record is None:
            return
        minutes = self.minutes

        def done(data: HeaderInput | None) -> None:
            if data is None:
                return

            self.run_service(
                lambda: minutes.set_header(record, data),
                lambda _none: self.notify("Protokollkopf gespeichert."),
            )

        self.app.push_screen(header_form(record), done)

    def action_decision(self) -> None:
        from koordination.tui.dialogs.sitting import decision_form

        item = self._minutes_item()
        if item is None:
            return
        self._flush_notes()
        minutes = self.minutes

        def done(data: DecisionInput | None) -> None:
            if data is None:
                return
            self.run_service(
                lambda: minutes.add_decision(item.id, data),
                lambda _none: self.notify(f"Beschluss zu TOP {item.number} erfasst."),
            )

        self.app.push_screen(decision_form(item), done)

    def action_task(self) -> None:
        from koordination.tui.dialogs.sitting import task_form

        record = self.record
        if record is None:
            return
        item = None
        if self.active_tab == "minutes":
            item = self._minutes_item()
            if item is None:
                return
        self._flush_notes()
        minutes = self.minutes
        people = [(a.name, a.person_id) for a in record.attendance if a.person_id is not None]
        where = f"TOP {item.number}" if item else record.title

        def done(data: TaskInput | None) -> None:
            if data is None:
                return
            self.run_service(
                lambda: minutes.add_task(record.id, data, item_id=item.id if item else None),
                lambda number: self.notify(f"Aufgabe Nr. {number} erfasst."),
            )

        self.app.push_screen(task_form(where, people, self.groups), done)
