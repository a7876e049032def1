"""One sitting of a meeting: its panes (Tagesordnung, Anwesenheit, Protokoll, Aufgaben,
Werkstatt) in tabs, the approval of the minutes and the export."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Header, Static, TabbedContent, TabPane

from koordination.domain.enums import MeetingKind, MinutesStatus
from koordination.domain.records.meetings import SittingRecord
from koordination.errors import KoordinationError
from koordination.tui.formatting import short_day, time_span
from koordination.tui.keys import bind
from koordination.tui.screens.sitting import agenda, attendance, minutes, tasks, workshop
from koordination.tui.screens.sitting.agenda import AgendaPane
from koordination.tui.screens.sitting.attendance import AttendancePane
from koordination.tui.screens.sitting.minutes import MinutesPane, NotesArea
from koordination.tui.screens.sitting.tasks import TasksPane
from koordination.tui.screens.sitting.workshop import WorkshopPane
from koordination.tui.widgets.column_fit import FittedTable
from koordination.tui.widgets.footer import KeyFooter

TABS = ("agenda", "attendance", "minutes", "tasks", "workshop")

#: The table that gets the focus in each tab.
TAB_TABLES = {
    "agenda": "#sitting-agenda",
    "attendance": "#sitting-attendance",
    "minutes": "#sitting-items",
    "tasks": "#sitting-tasks",
    "workshop": "#sitting-cards",
}

#: Which tab each editing action belongs to.
ACTION_TABS: dict[str, tuple[str, ...]] = {
    "item_new": ("agenda",),
    "item_sub": ("agenda",),
    "item_edit": ("agenda",),
    "item_delete": ("agenda",),
    "item_up": ("agenda",),
    "item_down": ("agenda",),
    "toggle_present": ("attendance",),
    "excused": ("attendance",),
    "guest": ("attendance",),
    "header": ("minutes",),
    "decision": ("minutes",),
    "task": ("minutes", "tasks"),
    "task_done": ("tasks",),
    "card_new": ("workshop",),
    "card_cluster": ("workshop",),
    "card_vote_up": ("workshop",),
    "card_vote_down": ("workshop",),
    "card_task": ("workshop",),
}


def minutes_label(status: MinutesStatus) -> str:
    return {
        MinutesStatus.ENTWURF: "Entwurf",
        MinutesStatus.ZUR_GENEHMIGUNG: "zur Genehmigung",
        MinutesStatus.GENEHMIGT: "genehmigt",
    }[status]


class SittingScreen(AgendaPane, AttendancePane, MinutesPane, TasksPane, WorkshopPane):
    """Everything about one sitting; the database work runs in threads, one use case at a time."""

    TITLE = "Sitzung"
    # How to leave, then the keys of the tab shown (only they are enabled there), then the
    # minutes' status and output: at 80 columns the footer shows the first few.
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Sitzung schließen, zurück zu den Terminen", label="Zurück"),
        *agenda.KEYS,
        *attendance.KEYS,
        *minutes.KEYS,
        *tasks.KEYS,
        *workshop.KEYS,
        bind("submit", "submit", "Protokoll zur Genehmigung geben"),
        bind("approve", "approve", "Protokoll genehmigen"),
        bind("correct", "correct", "Korrektur eines genehmigten Protokolls"),
        bind("export", "export", "Sitzung als Dokument ausgeben", priority=True),
        bind("history", "history", "Verlauf: Änderungen an Sitzung und Protokoll"),
        Binding("1", "tab('agenda')", "Tagesordnung", show=False, tooltip="Tagesordnung zeigen"),
        Binding("2", "tab('attendance')", "Anwesenheit", show=False, tooltip="Anwesenheit zeigen"),
        Binding("3", "tab('minutes')", "Protokoll", show=False, tooltip="Protokoll zeigen"),
        Binding("4", "tab('tasks')", "Aufgaben", show=False, tooltip="Offene Aufgaben zeigen"),
        Binding("5", "tab('workshop')", "Werkstatt", show=False, tooltip="Werkstatt-Karten zeigen"),
    ]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(escape(self.heading), id="sitting-title", classes="sitting-title")
        yield Static("", id="sitting-frozen", classes="sitting-frozen")
        with TabbedContent(id="sitting-tabs", initial="sitting-tab-agenda"):
            with TabPane("1 Tagesordnung", id="sitting-tab-agenda"):
                yield Static("", id="sitting-overrun", classes="sector-warning")
                table = FittedTable(id="sitting-agenda", cursor_type="row")
                yield table
            with TabPane("2 Anwesenheit", id="sitting-tab-attendance"):
                yield Static("", id="sitting-sectors", classes="sitting-sectors")
                yield FittedTable(id="sitting-attendance", cursor_type="row")
            with TabPane("3 Protokoll", id="sitting-tab-minutes"):
                yield Static("", id="sitting-head", classes="sitting-head")
                with Horizontal(classes="sitting-minutes"):
                    yield FittedTable(id="sitting-items", cursor_type="row")
                    with Vertical(classes="sitting-editor"):
                        yield Static("", id="sitting-item-title", classes="sitting-item-title")
                        yield NotesArea(id="sitting-notes", soft_wrap=True, tab_behavior="focus")
                        yield Static("", id="sitting-item-results", classes="sitting-results")
            with TabPane("4 Aufgaben", id="sitting-tab-tasks"):
                yield Static("", id="sitting-tasks-hint", classes="area-hint")
                yield FittedTable(id="sitting-tasks", cursor_type="row")
            with TabPane("5 Werkstatt", id="sitting-tab-workshop"):
                yield Static("", id="sitting-cards-hint", classes="area-hint")
                yield FittedTable(id="sitting-cards", cursor_type="row")
        yield Static("Sitzung wird geöffnet …", id="sitting-status", classes="status-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#sitting-frozen").display = False
        self.query_one("#sitting-overrun").display = False
        notes = self.query_one(NotesArea)
        notes.disabled = True
        self.load()

    def on_fitted_table_resized(self, event: FittedTable.Resized) -> None:
        # The tables fit their columns to the new width (a tab shown for the first time too).
        event.stop()
        if self.record is not None:
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self.record is not None:
            self.show(self.record)

    # ------------------------------------------------------------------ what applies now
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = ACTION_TABS.get(action)
        if tabs is not None:
            if self.active_tab not in tabs:
                return False
            return None if self.record is None or self.frozen else True
        status = self.record.minutes_status if self.record else None
        if action == "submit":
            return status == MinutesStatus.ENTWURF
        if action == "approve":
            return status is not None and status != MinutesStatus.GENEHMIGT
        if action == "correct":
            return status == MinutesStatus.GENEHMIGT
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if event.tabbed_content.id != "sitting-tabs":
            return
        self._flush_notes()
        self.refresh_bindings()
        self.call_after_refresh(self.query_one(TAB_TABLES[self.active_tab]).focus)

    def action_tab(self, tab: str) -> None:
        self.query_one("#sitting-tabs", TabbedContent).active = f"sitting-tab-{tab}"

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="sitting-open")
    def load(self) -> None:
        try:
            with self.db_lock:
                record = self.minutes.open(self.meeting_id, self.when)
                groups = [(g.name, g.id) for g in self.core.directory.list_groups()]
        except KoordinationError as exc:
            self.app.call_from_thread(self._open_failed, exc.message)
            return
        except Exception as exc:  # the UI must survive anything the database throws
            self.app.call_from_thread(self._open_failed, f"Unerwarteter Fehler: {exc}")
            return
        self.app.call_from_thread(self._opened, record, groups)

    def _open_failed(self, message: str) -> None:
        self.app.notify(message, title="Sitzung", severity="error", timeout=12)
        self.dismiss(None)

    def _opened(self, record: SittingRecord, groups: list[tuple[str, int]]) -> None:
        self.groups = groups
        self.show(record)
        self.query_one("#sitting-agenda").focus()

    # ------------------------------------------------------------------ showing
    def show(self, record: SittingRecord) -> None:
        was_frozen = self.frozen
        first = self.record is None
        self.record = record
        self._show_title(record)
        self._show_agenda(record)
        self._show_attendance(record)
        self._show_minutes(record, reload_editor=first or was_frozen != record.frozen)
        self._show_tasks(record)
        self._show_cards(record)
        self._show_status(record)
        self.refresh_bindings()

    def _show_title(self, record: SittingRecord) -> None:
        kind = "Werkstatt" if record.kind == MeetingKind.WERKSTATT else record.kind.label
        # Room and building; the full address is in the invitation letter.
        place = f" · {', '.join(record.place.split(', ')[:2])}" if record.place else ""
        groups = f" · {', '.join(record.groups)}" if record.groups else ""
        self.query_one("#sitting-title", Static).update(
            f"[b]{escape(record.title)}[/b] – {short_day(record.start)}, "
            f"{time_span(record.start, record.end)}{escape(place)}"
            f"[dim]{escape(groups)} · {escape(kind)}[/dim]"
        )
        frozen = self.query_one("#sitting-frozen", Static)
        frozen.display = record.frozen
        if record.frozen and record.versions:
            v = record.versions[-1]
            frozen.update(
                f"Genehmigt (Fassung {v.number}) am {v.approved_at:%d.%m.%Y} von "
                f"{escape(v.approved_by)} – eingefroren, nur lesbar. Fingerabdruck (SHA-256): "
                f"{v.fingerprint}\nÄndern: Strg+O „Korrektur beginnen“ (die genehmigte Fassung "
                "bleibt erhalten)."
            )

    def _show_status(self, record: SittingRecord) -> None:
        label = minutes_label(record.minutes_status)
        steps = {
            MinutesStatus.ENTWURF: "Strg+F: zur Genehmigung geben",
            MinutesStatus.ZUR_GENEHMIGUNG: "Strg+G: genehmigen",
            MinutesStatus.GENEHMIGT: "Strg+O: Korrektur beginnen",
        }[record.minutes_status]
        versions = f" · {len(record.versions)} genehmigte Fassung(en)" if record.versions else ""
        # The next step only: the footer shows the other keys.
        self._status(f"Protokoll: {label}{versions} · {record.minutes_kind.label}  ·  {steps}")

    # ------------------------------------------------------------------ approval
    def action_submit(self) -> None:
        record = self.record
        if record is None:
            return
        self._flush_notes()
        minutes = self.minutes
        self.run_service(
            lambda: minutes.submit(record.id),
            lambda _none: self.notify(
                "Das Protokoll liegt zur Genehmigung vor. Genehmigen: Strg+G.", title="Protokoll"
            ),
        )

    def action_approve(self) -> None:
        from koordination.tui.dialogs.sitting import approval_form

        record = self.record
        if record is None:
            return
        if record.minutes_status != MinutesStatus.ZUR_GENEHMIGUNG:
            self.notify(
                "Bitte das Protokoll zuerst zur Genehmigung geben (Strg+F).",
                title="Nicht genehmigt",
                severity="error",
            )
            return
        self._flush_notes()
        minutes = self.minutes

        def done(by: str | None) -> None:
            if by:
                self.run_service(
                    lambda: minutes.approve(record.id, by),
                    lambda v: self.notify(
                        f"Protokoll genehmigt (Fassung {v.number}). Fingerabdruck: "
                        f"{v.fingerprint[:16]}…",
                        title="Protokoll",
                        timeout=10,
                    ),
                )

        self.app.push_screen(approval_form(record), done)

    def action_correct(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        record = self.record
        if record is None:
            return
        minutes = self.minutes

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_service(
                    lambda: minutes.start_correction(record),
                    lambda _none: self.notify(
                        "Das Protokoll ist wieder ein Entwurf; die genehmigte Fassung bleibt "
                        "erhalten.",
                        title="Korrektur",
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                "Korrektur beginnen",
                [
                    "Das genehmigte Protokoll wird wieder zum Entwurf und kann geändert werden.",
                    "Die genehmigte Fassung bleibt mit ihrem Fingerabdruck erhalten; die "
                    "korrigierte muss erneut genehmigt werden.",
                ],
                "Korrektur beginnen",
                "Abbrechen",
            ),
            answer,
        )

    # ------------------------------------------------------------------ export
    def action_export(self) -> None:
        from koordination.outputs.registry import SITTING_DOCUMENTS
        from koordination.tui.dialogs.export import ExportDialog

        record = self.record
        if record is None:
            return
        self._flush_notes()
        documents = [
            key
            for key in SITTING_DOCUMENTS
            if key != "ergebnisbericht" or record.kind == MeetingKind.WERKSTATT
        ]
        default = "ergebnisbericht" if record.kind == MeetingKind.WERKSTATT else "protokoll"
        if record.minutes_status == MinutesStatus.ENTWURF and not record.versions:
            default = "einladung" if record.start.date() >= self.today() else default
        # The registry builds each document from what is stored when it is written; the lock
        # keeps the export behind a note still being saved.
        self.app.push_screen(
            ExportDialog(
                self.core,
                documents,
                record,
                # The day it takes place: a moved date is not where the series had it.
                title=f"Ausgabe – {record.title}, {record.start:%d.%m.%Y}",
                key=default,
                fmt="pdf",
                lock=self.db_lock,
            )
        )

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        if self.record is None:
            self.notify("Die Sitzung wird noch geladen.", severity="warning")
            return
        self.app.push_screen(AuditScreen(self.core, "sitting", self.record.id, self.heading))

    # ------------------------------------------------------------------ leaving
    def action_close(self) -> None:
        self._flush_notes()
        self.dismiss(None)

    def palette_entries(self) -> list[tuple[str, str, str]]:
        """(title, help, action) of this screen's actions that apply now, for the palette."""
        from koordination.tui.dialogs.common import key_label

        entries = []
        for b in self.BINDINGS:
            if isinstance(b, Binding) and b.tooltip:
                action = b.action.split("(")[0]
                if self.check_action(action, ()) is False:
                    continue
                entries.append((b.tooltip, f"Sitzung, Taste {key_label(b)}", f"screen.{b.action}"))
        return entries
