"""Rundmails: the history of circular e-mails with how far each got, the chosen one's
recipients, writing a new one (:mod:`circular_compose`) and sending with progress. Opened with
O or the palette from anywhere; imported only then."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, DataTable, ProgressBar, Static

from koordination.clock import CITY_ZONE
from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.keys import bind
from koordination.tui.widgets.column_fit import (
    FitColumn,
    FittedTable,
    clip_cell,
    needed_widths,
    set_columns,
)

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.circulars import CircularPlan, CircularRecord, SendResult

CIRCULARS_CSS = Path(__file__).with_name("circulars.tcss")

#: The subject takes what is left (cut with "…"; the detail below says it whole); the day it
#: was written drops out first when the table is narrow, then the state.
COLUMNS = [
    FitColumn("id", "Nr.", 4),
    FitColumn("created", "Erstellt", 10, priority=2),
    FitColumn("subject", "Betreff", 30, min_width=16, grow=True),
    FitColumn("status", "Stand", 24, min_width=16, priority=1),
]
#: A subject longer than this is cut rather than pushing the state out of the table.
SUBJECT_ROOM = 40


def details_text(record: CircularRecord) -> str:
    """The chosen circular: audience, form of address, attachments, every recipient's state."""
    created = f"{record.created_at.astimezone(CITY_ZONE):%d.%m.%Y %H:%M}"
    lines = [
        f"[b]{escape(record.subject)}[/b]  (Nr. {record.id}, {created})",
        "An: " + escape("; ".join(record.audience)),
        "Anrede: "
        + ("persönlich" if record.informal else "förmlich")
        + f"; höchstens {record.per_minute} pro Minute",
    ]
    if record.attachments:
        lines.append("Anhänge: " + escape(", ".join(name for name, _ in record.attachments)))
    lines.append(f"Stand: {record.status()}; {record.left_out} nicht berücksichtigt")
    for r in record.recipients:
        when = f" {r.sent_at.astimezone(CITY_ZONE):%d.%m. %H:%M}" if r.sent_at else ""
        problem = f" – {escape(r.problem)}" if r.problem else ""
        lines.append(f"  {escape(r.name)} <{escape(r.email)}>: {r.state.label}{when}{problem}")
    return "\n".join(lines)


class CircularsScreen(Dialog[None]):
    """The circulars in a table (newest first), the chosen one below, sending with progress."""

    CSS_PATH = CIRCULARS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("new", "new", "Neue Rundmail schreiben", label="Neue Rundmail"),
        bind("survey_status", "send", "Rundmail senden oder anhalten", label="Senden/Anhalten"),
        bind("reload", "reload", "Rundmails neu laden", show=False),
        bind("cancel", "close", "Rundmails schließen", label="Schließen"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.records: list[CircularRecord] = []
        self.stop: threading.Event | None = None
        #: The circular being sent (its details follow the progress).
        self.sending: int | None = None
        self.select_after_load: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="circulars-dialog"):
            yield Static("Rundmails", classes="dialog-title")
            yield FittedTable(id="circulars-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="circulars-details"):
                yield Static("Rundmails werden geladen …", id="circulars-detail")
            with Horizontal(id="circulars-sending"):
                yield Static("", id="circulars-progress-label")
                yield ProgressBar(id="circulars-progress", show_eta=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Neue Rundmail (n)", variant="primary", id="circulars-new", compact=True
                )
                yield Button("Senden/Anhalten (S)", id="circulars-send", compact=True)
                yield Button("Schließen (Esc)", id="circulars-close", compact=True)

    def on_mount(self) -> None:
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        set_columns(table, COLUMNS)
        self.query_one("#circulars-sending").display = False
        table.focus()
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="circulars")
    def load(self) -> None:
        try:
            records = self.core.circulars.list()
        except KoordinationError as exc:
            self.app.call_from_thread(self._detail, escape(exc.message))
            return
        self.app.call_from_thread(self._loaded, records)

    @property
    def shown(self) -> bool:
        """Whether the screen is still open: a worker may answer after it was closed."""
        return self.is_attached and self in self.app.screen_stack

    def _detail(self, text: str) -> None:
        if self.shown:
            self.query_one("#circulars-detail", Static).update(text)

    def _loaded(self, records: list[CircularRecord]) -> None:
        if not self.shown:
            return
        keep = self.select_after_load or (self.current.id if self.current else None)
        self.select_after_load = None
        self.records = records
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        self._render_rows()
        if not records:
            self._detail(
                "Noch keine Rundmail. Mit n eine schreiben: an Gruppen, Sektoren, "
                "Organisationen oder alle, die eingewilligt haben."
            )
            return
        row = next((i for i, r in enumerate(records) if r.id == keep), 0)
        table.move_cursor(row=row)
        self.show_details(records[row].id)

    def _render_rows(self) -> None:
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        rows = [
            {
                "id": str(r.id),
                "created": f"{r.created_at.astimezone(CITY_ZONE):%d.%m.%Y}",
                "subject": r.subject,
                "status": r.status(),
            }
            for r in self.records
        ]
        needs = needed_widths(rows)
        needs["subject"] = min(needs.get("subject", 0), SUBJECT_ROOM)
        widths = set_columns(table, COLUMNS, needs)
        for record, values in zip(self.records, rows, strict=True):
            cells = [clip_cell(values[key], width) for key, width in widths.items()]
            table.add_row(*cells, key=str(record.id))

    def on_fitted_table_resized(self, event: FittedTable.Resized) -> None:
        event.stop()
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        row = table.cursor_row
        self._render_rows()
        if self.records:
            table.move_cursor(row=max(0, min(row, len(self.records) - 1)), animate=False)

    @property
    def current(self) -> CircularRecord | None:
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        if not self.records or table.cursor_row < 0 or table.cursor_row >= len(self.records):
            return None
        return self.records[table.cursor_row]

    @on(DataTable.RowHighlighted, "#circulars-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_details(int(event.row_key.value))

    @work(thread=True, exclusive=True, group="circular-details")
    def show_details(self, circular_id: int) -> None:
        try:
            record = self.core.circulars.get(circular_id)
        except KoordinationError as exc:
            self.app.call_from_thread(self._detail, escape(exc.message))
            return
        self.app.call_from_thread(self._detail, details_text(record))

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#circulars-new")
    def action_new(self) -> None:
        if self.stop is not None:
            self.notify("Erst den laufenden Versand abwarten oder anhalten (S).")
            return
        from koordination.tui.screens.circular_compose import ComposeCircularScreen

        def written(plan: CircularPlan | None) -> None:
            if plan is None or plan.circular_id is None:
                return
            self.select_after_load = plan.circular_id
            self.load()
            self.ask_to_send(plan)

        self.app.push_screen(ComposeCircularScreen(self.core), written)

    def ask_to_send(self, plan: CircularPlan) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        circular_id = plan.circular_id
        assert circular_id is not None
        count = len(plan.recipients)
        minutes = -(-count // plan.draft.per_minute)
        people = "1 Person" if count == 1 else f"{count} Personen"

        def answer(yes: bool | None) -> None:
            if yes:
                self.start_sending(circular_id)

        self.app.push_screen(
            ConfirmScreen(
                f"Rundmail Nr. {circular_id} jetzt an {people} senden?",
                [
                    "Jede Person erhält eine eigene Nachricht; niemand sieht die anderen.",
                    f"Höchstens {plan.draft.per_minute} pro Minute: das dauert etwa "
                    + ("1 Minute." if minutes <= 1 else f"{minutes} Minuten."),
                    "Später senden: Rundmail wählen und S drücken.",
                ],
                "Jetzt senden",
                "Später",
                default="no",
            ),
            answer,
        )

    @on(Button.Pressed, "#circulars-send")
    def action_send(self) -> None:
        if self.stop is not None:
            self.stop.set()
            self._detail("Der Versand hält nach der laufenden Nachricht an …")
            return
        current = self.current
        if current is None:
            self.notify("Keine Rundmail gewählt.")
            return
        if not current.open:
            self.notify(f"Rundmail Nr. {current.id}: nichts mehr zu senden ({current.status()}).")
            return
        self.start_sending(current.id)

    def start_sending(self, circular_id: int) -> None:
        self.stop = threading.Event()
        self.sending = circular_id
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#circulars-progress-label", Static).update("Wird gesendet … (S hält an)")
        self.query_one("#circulars-sending").display = True
        self.send(circular_id, self.stop)

    @work(thread=True, exclusive=True, group="circular-send")
    def send(self, circular_id: int, stop: threading.Event) -> None:
        from koordination.delivery.settings import load_smtp_settings
        from koordination.tui.progress import Throttled

        # Taken now: once the history is closed, the screen no longer reaches its app, and the
        # stopped run's notice must still get there.
        app = self.app
        progress = Throttled(lambda done, total: app.call_from_thread(self._progress, done, total))
        try:
            settings = load_smtp_settings()
            result = self.core.circulars.send(circular_id, settings, progress=progress, stop=stop)
        except KoordinationError as exc:
            app.call_from_thread(self._sent, None, exc.message)
            return
        app.call_from_thread(self._sent, result, "")

    def _progress(self, done: int, total: int) -> None:
        if not self.shown:
            return
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one("#circulars-progress-label", Static).update(
            f"{done} von {total} gesendet (S hält an)"
        )
        current = self.current
        if current is not None and current.id == self.sending:
            self.show_details(current.id)

    def _sent(self, result: SendResult | None, problem: str) -> None:
        self.stop = None
        self.sending = None
        # The history may have been closed meanwhile: the notice goes to the app then.
        if result is None:
            self.app.notify(problem, title="Nicht gesendet", severity="error", timeout=15)
        else:
            failed = bool(result.failed or result.unclear or result.remaining)
            self.app.notify(
                result.summary(),
                title="Rundmail",
                severity="warning" if failed else "information",
                timeout=15,
            )
        if self.shown:
            self.query_one("#circulars-sending").display = False
            self.load()

    def action_reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#circulars-close")
    def action_close(self) -> None:
        self.flush_saves()
        self.dismiss(None)

    # ------------------------------------------------------------------ quitting
    def unsaved_changes(self) -> bool:
        return False

    def flush_saves(self) -> None:
        """Closing or quitting while sending: the worker stops after the message on its way
        (recorded as sent); what is left waits for S or `koordination rundmail resume`."""
        if self.stop is not None:
            self.stop.set()
