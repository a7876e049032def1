"""The Verlauf of one record: who changed what and when, newest first, exportable as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Button, DataTable, Static

from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.keys import bind

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.services.privacy.audit_trail import TrailEntry

AUDIT_CSS = Path(__file__).with_name("audit.tcss")
#: Entries shown at most; the export and `koordination audit --record` have them all.
LIMIT = 2000
#: Longest value shown in a cell; the export has the full text.
SHOWN = 70
#: The widest the "Wer" column grows ("Name (login)"); the export has longer ones whole.
WHO_MAX = 48


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN else flat[: SHOWN - 1] + "…"


def trail_rows(entries: list[TrailEntry]) -> list[tuple[str, str, str, str, str]]:
    """(Zeit, Wer, Was, Feld, vorher → nachher): one row per changed field; time, actor and
    what only on an entry's first row, so entries stand apart."""
    rows = []
    for e in entries:
        head = (e.when, e.who, e.what)
        changes = e.shown_changes
        if not changes:
            rows.append((*head, "", ""))
        for i, c in enumerate(changes):
            value = (
                f"{_short(c.old_text)} → {_short(c.new_text)}" if c.paired else _short(c.new_text)
            )
            rows.append((*(head if i == 0 else ("", "", "")), c.label, value))
    return rows


class AuditScreen(Dialog[None]):
    """The audit trail of one record (its parts included), loaded in a worker."""

    CSS_PATH = AUDIT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Verlauf schließen", label="Schließen"),
        bind("export", "export", "Verlauf als CSV ausgeben", priority=True),
    ]

    def __init__(self, core: Core, kind: str, record_id: int, title: str) -> None:
        super().__init__()
        self.core = core
        self.kind = kind
        self.record_id = record_id
        self.title_text = title
        self.entries: list[TrailEntry] = []

    def compose(self) -> ComposeResult:
        from koordination.services.privacy.audit_labels import kind_label

        heading = f"Verlauf – {kind_label(self.kind)}: {self.title_text}"
        with Vertical(id="dialog", classes="audit-dialog"):
            yield Static(escape(heading), classes="dialog-title", id="audit-title")
            yield Static("Wird geladen …", id="audit-status", classes="dialog-note")
            yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Als CSV ausgeben (Strg+E)", id="audit-export", compact=True)
                yield Button("Schließen (Esc)", variant="primary", id="audit-close", compact=True)

    def on_mount(self) -> None:
        self._columns()
        self.load()

    def _columns(self, who: int = 18) -> None:
        """The table's columns; "Wer" as wide as its longest "Name (login)", so none is cut."""
        table: DataTable[Any] = self.query_one("#audit-table", DataTable)
        table.clear(columns=True)
        table.add_column("Zeit", width=16)
        table.add_column("Wer", width=who)
        table.add_column("Was", width=30)
        table.add_column("Feld", width=24)
        table.add_column("vorher → nachher", width=2 * SHOWN + 3)

    @work(thread=True, exclusive=True, group="audit")
    def load(self) -> None:
        try:
            entries = self.core.audit.of_record(self.kind, self.record_id, limit=LIMIT + 1)
        except KoordinationError as exc:
            self.app.call_from_thread(self._status, exc.message)
            return
        except Exception as exc:  # the UI must survive anything the database throws
            name = type(exc).__name__
            self.app.call_from_thread(
                self._status, f"Der Verlauf kann nicht geladen werden ({name})."
            )
            return
        self.app.call_from_thread(self._loaded, entries)

    def _status(self, text: str) -> None:
        self.query_one("#audit-status", Static).update(escape(text))

    def _loaded(self, entries: list[TrailEntry]) -> None:
        more = len(entries) > LIMIT
        self.entries = entries[:LIMIT]
        self._columns(min(max([18, *(len(e.who) for e in self.entries)]), WHO_MAX))
        table: DataTable[Any] = self.query_one("#audit-table", DataTable)
        for row in trail_rows(self.entries):
            table.add_row(*(Text(cell) for cell in row))
        if not self.entries:
            self._status("Zu diesem Eintrag ist noch keine Änderung aufgezeichnet.")
        elif more:
            self._status(
                f"Die neuesten {LIMIT} Änderungen; alle: koordination audit --record "
                f"{self.kind}:{self.record_id}"
            )
        else:
            count = len(self.entries)
            self._status(f"{count} {'Änderung' if count == 1 else 'Änderungen'}, neueste zuerst")
        table.focus()

    @on(Button.Pressed, "#audit-close")
    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#audit-export")
    def action_export(self) -> None:
        from koordination.services.privacy.audit_trail import TrailQuery
        from koordination.tui.dialogs.export import ExportDialog

        query = TrailQuery(record=(self.kind, self.record_id))
        self.app.push_screen(
            ExportDialog(
                self.core,
                "verlauf",
                query,
                title=f"Verlauf exportieren – {self.title_text}",
                counted="Änderungen",
            )
        )
