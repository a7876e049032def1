"""What every pane of the sitting screen shares: the sitting as last loaded, the one database
lock, running a use case off the UI thread and the small helpers of its tables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static, TabbedContent

from koordination.domain.records.meetings import AgendaItemRecord, CardRecord, SittingRecord
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.services.sittings.service import Sittings

T = TypeVar("T")


class SittingBase(Screen[None]):
    """The state of one sitting on screen; the panes (agenda, attendance, minutes, tasks,
    workshop) are mixins over it, the screen puts them together."""

    def __init__(
        self,
        core: Core,
        meeting_id: int,
        when: datetime | None,
        heading: str,
    ) -> None:
        super().__init__()
        self.core = core
        self.minutes: Sittings = core.sittings
        self.meeting_id = meeting_id
        self.when = when
        self.heading = heading
        self.record: SittingRecord | None = None
        self.groups: list[tuple[str, int]] = []
        #: One use case at a time: edits, note saves and exports never overtake each other.
        self.db_lock = threading.Lock()
        # Protokoll: the item whose notes the editor shows, the text known to be stored per
        # item, the item with typed text not yet saved and the saves still being written.
        self.notes_item: int | None = None
        self.saved_notes: dict[int, str] = {}
        self._dirty: int | None = None
        self._debounce: Timer | None = None
        self._writing: dict[int, str] = {}
        # Tagesordnung: the item to put the cursor on after the next show.
        self._select_item: int | None = None
        # Werkstatt: the card under each row (``None`` on cluster headings), the card to select.
        self.card_rows: list[CardRecord | None] = []
        self._select_card: int | None = None

    # ------------------------------------------------------------------ shared helpers
    @property
    def active_tab(self) -> str:
        active = self.query_one("#sitting-tabs", TabbedContent).active
        return active.removeprefix("sitting-tab-")

    @property
    def frozen(self) -> bool:
        return self.record is not None and self.record.frozen

    def today(self) -> date:
        return self.core.clock.today()

    def _status(self, text: str) -> None:
        self.query_one("#sitting-status", Static).update(text)

    def show(self, record: SittingRecord) -> None:
        """Show ``record`` in every pane (the screen puts the panes together)."""
        raise NotImplementedError

    def _restore(self, table: DataTable[Any], row: int) -> None:
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1), animate=False)

    def _item_at(self, row: int) -> AgendaItemRecord | None:
        if self.record is None or not 0 <= row < len(self.record.items):
            return None
        return self.record.items[row]

    # ------------------------------------------------------------------ use cases
    @work(thread=True, group="sitting-service")
    def run_service(
        self,
        call: Callable[[], T],
        done: Callable[[T], Any] | None = None,
        reload: bool = True,
    ) -> None:
        """One use case off the UI thread, then the sitting as stored now."""
        record: SittingRecord | None = None
        try:
            with self.db_lock:
                result = call()
                if reload and self.record is not None:
                    record = self.minutes.get(self.record.id)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # the UI must survive anything the database throws
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
            return
        if record is not None:
            self.app.call_from_thread(self.show, record)
        if done is not None:
            self.app.call_from_thread(done, result)

    def _failed(self, message: str) -> None:
        self.notify(message, title="Nicht gespeichert", severity="error", timeout=12)
