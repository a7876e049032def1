"""The Tagesordnung pane of the sitting screen: the agenda with its numbers, planned times and
hints, and adding, editing, deleting and moving its items (TOPs and sub-items)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import DataTable, Static

from koordination.domain.records.meetings import AgendaItemRecord, SittingRecord
from koordination.tui.keys import bind
from koordination.tui.screens.sitting.base import SittingBase
from koordination.tui.widgets.column_fit import (
    FitColumn,
    needed_widths,
    row_cells,
    set_columns,
)

if TYPE_CHECKING:
    from koordination.domain.inputs.sittings import ItemInput

KEYS: list[Binding] = [
    bind("new", "item_new", "Tagesordnungspunkt anlegen", label="Neuer TOP"),
    bind("sub_item", "item_sub", "Unterpunkt zum gewählten TOP anlegen"),
    bind("edit", "item_edit", "Tagesordnungspunkt bearbeiten"),
    bind("remove", "item_delete", "Tagesordnungspunkt löschen (fragt nach)", label="Löschen"),
    bind("item_up", "item_up", "TOP eine Stelle nach oben"),
    bind("item_down", "item_down", "TOP eine Stelle nach unten"),
]

COLUMNS = [
    FitColumn("number", "TOP", 5),
    FitColumn("start", "Beginn", 6, priority=2),
    FitColumn("duration", "Dauer", 8, priority=1),
    FitColumn("title", "Titel", 52, min_width=40, grow=True),
    FitColumn("presenter", "Vortrag", 22, min_width=10, priority=3),
    FitColumn("hint", "Hinweis", 22, min_width=10, priority=4),
]


def duration(minutes: int | None) -> str:
    return f"{minutes} Min." if minutes is not None else "–"


def attachments_marker(item: AgendaItemRecord) -> str:
    """ "[2 Anlagen]" for the agenda table; empty without attachments."""
    n = len(item.attachments)
    if not n:
        return ""
    return "[1 Anlage]" if n == 1 else f"[{n} Anlagen]"


class AgendaPane(SittingBase):
    """Tab 1: the agenda in the stored order, with the stored numbers."""

    def _show_agenda(self, record: SittingRecord) -> None:
        table = self.query_one("#sitting-agenda", DataTable)
        row = table.cursor_row
        rows: list[dict[str, Any]] = []
        for item in record.items:
            sub = item.parent_id is not None
            notes = []
            if item.standing is not None:
                notes.append("◆ ständig")
            if not item.public:
                notes.append("nicht öffentlich")
            if item.attachments:
                notes.append(attachments_marker(item))
            values: dict[str, Any] = {
                "number": Text(item.number, style="dim" if sub else "bold"),
                "start": f"{item.planned_start:%H:%M}" if item.planned_start else "",
                "duration": duration(item.duration_minutes),
                "title": Text(("   " if sub else "") + item.title, style="" if sub else "bold"),
                "presenter": item.presenter,
                "hint": Text(", ".join(notes), style="cyan"),
            }
            rows.append(values)
        widths = set_columns(table, COLUMNS, needed_widths(rows))
        for item, values in zip(record.items, rows, strict=True):
            table.add_row(*row_cells(widths, values, clip=True), key=str(item.id))
        if self._select_item is not None:
            row = next((i for i, it in enumerate(record.items) if it.id == self._select_item), row)
            self._select_item = None
        self._restore(table, row)
        table.border_title = f"Tagesordnung – {len(record.items)} Punkte"
        overrun = self.query_one("#sitting-overrun", Static)
        overrun.display = bool(record.overrun)
        overrun.update(f"⚠ {escape(record.overrun)}" if record.overrun else "")

    def _agenda_item(self) -> AgendaItemRecord | None:
        table = self.query_one("#sitting-agenda", DataTable)
        item = self._item_at(table.cursor_row)
        if item is None:
            self.notify("Bitte zuerst einen Tagesordnungspunkt wählen.", severity="warning")
        return item

    def action_item_new(self, parent: AgendaItemRecord | None = None) -> None:
        from koordination.tui.dialogs.sitting import item_form

        record = self.record
        if record is None:
            return
        minutes = self.minutes
        parent_id = parent.id if parent else None

        def done(data: ItemInput | None) -> None:
            if data is None:
                return

            def call() -> SittingRecord:
                return minutes.add_item(record.id, data, parent_id=parent_id)

            def added(new: SittingRecord) -> None:
                known = {i.id for i in record.items}
                fresh = next((i for i in new.items if i.id not in known), None)
                if fresh is not None:
                    self._select_item = fresh.id
                    self.show(new)
                    self.notify(f"TOP {fresh.number} „{fresh.title}“ angelegt.", markup=False)

            self.run_service(call, added, reload=False)

        title = f"Unterpunkt zu TOP {parent.number}" if parent else "Neuer Tagesordnungspunkt"
        self.app.push_screen(item_form(title, None), done)

    def action_item_sub(self) -> None:
        item = self._agenda_item()
        if item is None or self.record is None:
            return
        parent = item
        if item.parent_id is not None:
            parent = next(i for i in self.record.items if i.id == item.parent_id)
        self.action_item_new(parent)

    def action_item_edit(self) -> None:
        from koordination.tui.dialogs.sitting import item_form

        item = self._agenda_item()
        if item is None:
            return
        minutes = self.minutes

        def done(data: ItemInput | None) -> None:
            if data is None:
                return
            self._select_item = item.id
            self.run_service(
                lambda: minutes.update_item(item, data),
                lambda _none: self.notify(f"TOP {item.number} gespeichert."),
            )

        self.app.push_screen(item_form(f"TOP {item.number} bearbeiten", item), done)

    def action_item_delete(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        item = self._agenda_item()
        if item is None or self.record is None:
            return
        minutes = self.minutes
        lines = [f"TOP {item.number} „{item.title}“ wird gelöscht, mit Notizen und Beschlüssen."]
        if any(i.parent_id == item.id for i in self.record.items):
            lines.append("Auch seine Unterpunkte werden gelöscht.")

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_service(
                    lambda: minutes.remove_item(item.id),
                    lambda _none: self.notify(f"TOP „{item.title}“ gelöscht.", markup=False),
                )

        self.app.push_screen(
            ConfirmScreen("Tagesordnungspunkt löschen", lines, "Löschen", "Behalten"), answer
        )

    def _move(self, delta: int) -> None:
        item = self._agenda_item()
        if item is None:
            return
        minutes = self.minutes
        self._select_item = item.id
        self.run_service(lambda: minutes.move_item(item.id, delta))

    def action_item_up(self) -> None:
        self._move(-1)

    def action_item_down(self) -> None:
        self._move(1)

    @on(DataTable.RowSelected, "#sitting-agenda")
    def _agenda_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.frozen:
            self.action_item_edit()
