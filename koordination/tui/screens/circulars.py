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

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.circulars import CircularRecord, SendResult

CIRCULARS_CSS = Path(__file__).with_name("circulars.tcss")


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
        self.select_after_load: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="circulars-dialog"):
            yield Static("Rundmails", classes="dialog-title")
            yield DataTable(id="circulars-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="circulars-details"):
                yield Static("Rundmails werden geladen …", id="circulars-detail")
            yield ProgressBar(id="circulars-progress", show_eta=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Neue Rundmail (n)", variant="primary", id="circulars-new", compact=True
                )
                yield Button("Senden/Anhalten (S)", id="circulars-send", compact=True)
                yield Button("Schließen (Esc)", id="circulars-close", compact=True)

    def on_mount(self) -> None:
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        table.add_column("Nr.", width=4)
        table.add_column("Erstellt", width=10)
        table.add_column("Betreff", width=30)
        table.add_column("Stand", width=24)
        self.query_one(ProgressBar).display = False
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

    def _detail(self, text: str) -> None:
        self.query_one("#circulars-detail", Static).update(text)

    def _loaded(self, records: list[CircularRecord]) -> None:
        self.records = records
        table: DataTable[Any] = self.query_one("#circulars-table", DataTable)
        keep = self.select_after_load or (self.current.id if self.current else None)
        table.clear()
        for r in records:
            table.add_row(
                str(r.id),
                f"{r.created_at.astimezone(CITY_ZONE):%d.%m.%Y}",
                r.subject,
                r.status(),
                key=str(r.id),
            )
        if not records:
            self._detail(
                "Noch keine Rundmail. Mit n eine schreiben: an Gruppen, Sektoren, "
                "Organisationen oder alle, die eingewilligt haben."
            )
            return
        row = next((i for i, r in enumerate(records) if r.id == keep), 0)
        table.move_cursor(row=row)
        self.show_details(records[row].id)

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

        def written(circular_id: int | None) -> None:
            if circular_id is None:
                return
            self.select_after_load = circular_id
            self.load()
            self.ask_to_send(circular_id)

        self.app.push_screen(ComposeCircularScreen(self.core), written)

    def ask_to_send(self, circular_id: int) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.start_sending(circular_id)

        self.app.push_screen(
            ConfirmScreen(
                f"Rundmail Nr. {circular_id} jetzt senden?",
                [
                    "Jede Person erhält eine eigene Nachricht; niemand sieht die anderen.",
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
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.send(circular_id, self.stop)

    @work(thread=True, exclusive=True, group="circular-send")
    def send(self, circular_id: int, stop: threading.Event) -> None:
        from koordination.delivery.settings import load_smtp_settings
        from koordination.tui.progress import Throttled

        progress = Throttled(
            lambda done, total: self.app.call_from_thread(self._progress, done, total)
        )
        try:
            settings = load_smtp_settings()
            result = self.core.circulars.send(circular_id, settings, progress=progress, stop=stop)
        except KoordinationError as exc:
            self.app.call_from_thread(self._sent, None, exc.message)
            return
        self.app.call_from_thread(self._sent, result, "")

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def _sent(self, result: SendResult | None, problem: str) -> None:
        self.stop = None
        self.query_one(ProgressBar).display = False
        if result is None:
            self.notify(problem, title="Nicht gesendet", severity="error", timeout=15)
        else:
            failed = bool(result.failed or result.unclear or result.remaining)
            self.notify(
                result.summary(),
                title="Rundmail",
                severity="warning" if failed else "information",
                timeout=15,
            )
        self.load()

    def action_reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#circulars-close")
    def action_close(self) -> None:
        if self.stop is not None:
            # The worker ends after the message on its way; what is left waits for S.
            self.stop.set()
        self.dismiss(None)
