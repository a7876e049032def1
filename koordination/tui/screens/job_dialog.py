"""A dialog over a table of what is due that runs one long job at a time: a login without the
job's role may look, not run it; the job is confirmed, runs in a worker behind a progress bar,
and the dialog stays open until it ends. The Versand and the Aufbewahrungsregeln are built
on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, DataTable, ProgressBar, Static

from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog

if TYPE_CHECKING:
    from koordination.db.roles import Needs
    from koordination.tui.progress import Throttled

RowT = TypeVar("RowT")
#: What one load fetches for the table and the details.
FoundT = TypeVar("FoundT")
T = TypeVar("T")

#: The worker group of loading: a save that reloads the rows (:meth:`JobDialog.fetch`) joins
#: it, so the newer rows win.
ROWS_GROUP = "job-dialog-rows"


class JobDialog(Dialog[None], Generic[RowT, FoundT]):
    """The table of ``rows`` with details below it, a progress bar and the buttons.

    Ids derive from ``PREFIX``: ``{PREFIX}-title``, ``-table``, ``-details`` (holding
    :meth:`compose_details`), ``-progress`` and ``-close`` (the last button, after
    :meth:`compose_buttons`); the frame has the class ``{PREFIX}-dialog``.
    """

    PREFIX: ClassVar[str]
    #: The title until the rows are loaded.
    HEADING: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        #: The table's rows, in its order.
        self.rows: list[RowT] = []
        #: A job runs: no second one, and the dialog stays open until it ends.
        self.busy = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        prefix = self.PREFIX
        with Vertical(id="dialog", classes=f"{prefix}-dialog"):
            yield Static(self.HEADING, classes="dialog-title", id=f"{prefix}-title")
            yield DataTable(id=f"{prefix}-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id=f"{prefix}-details"):
                yield from self.compose_details()
            yield ProgressBar(id=f"{prefix}-progress", show_eta=False)
            with Horizontal(classes="dialog-buttons"):
                yield from self.compose_buttons()
                yield Button("Schließen (Esc)", id=f"{prefix}-close", compact=True)

    def compose_details(self) -> Iterator[Widget]:
        """What stands under the table."""
        raise NotImplementedError

    def compose_buttons(self) -> Iterator[Widget]:
        """The buttons before Schließen."""
        raise NotImplementedError

    def columns(self) -> Sequence[tuple[str, int]]:
        """The table's columns: label and width."""
        raise NotImplementedError

    def on_mount(self) -> None:
        table = self.table
        for label, width in self.columns():
            table.add_column(label, width=width)
        self.query_one(ProgressBar).display = False
        table.focus()
        self.load()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.PREFIX}-table", DataTable)

    # ------------------------------------------------------------------ rows
    @work(thread=True, exclusive=True, group=ROWS_GROUP)
    def load(self) -> None:
        """In a worker: :meth:`fetch`, then :meth:`show`; the core's refusal in the details."""
        try:
            found = self.fetch()
        except KoordinationError as exc:
            self.app.call_from_thread(self.show_problem, exc.message)
            return
        self.app.call_from_thread(self.show, found)

    def fetch(self) -> FoundT:
        """In the worker: what the table and the details show."""
        raise NotImplementedError

    def show(self, found: FoundT) -> None:
        """The rows (:meth:`show_rows`) and the details of what :meth:`fetch` found."""
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        """Why nothing could be loaded (plain text)."""
        raise NotImplementedError

    def action_reload(self) -> None:
        self.load()

    def show_rows(
        self, rows: list[RowT], cells: Callable[[RowT], Sequence[Any]], key: Callable[[RowT], str]
    ) -> None:
        """The table anew; the cursor stays on its line (the last one if that is gone)."""
        self.rows = rows
        table = self.table
        row = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(*cells(r), key=key(r))
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def current(self) -> RowT | None:
        table = self.table
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    # ------------------------------------------------------------------ the job
    def needs(self) -> Needs:
        """The role the job needs (koordination.db.roles)."""
        raise NotImplementedError

    def refused(self) -> bool:
        """Whether the login lacks the role the job needs; says so if it does."""
        access = getattr(self.app, "access", None)
        if access is None:
            return False
        needs = self.needs()
        if access.allows(needs):
            return False
        self.notify(access.refusal(needs), title="Nicht erlaubt", severity="warning")
        return True

    def confirm(
        self,
        title: str,
        lines: list[str],
        yes: str,
        then: Callable[[], Any],
        *,
        default: Literal["yes", "no"] = "yes",
    ) -> None:
        """Ask ``title`` with ``lines``; ``then`` once the answer is ``yes``."""
        from koordination.tui.dialogs.form import ConfirmScreen

        def confirmed(answer: bool | None) -> None:
            if answer:
                then()

        self.app.push_screen(
            ConfirmScreen(title, lines, yes, "Abbrechen", default=default), confirmed
        )

    def run_job(self, job: Callable[[Throttled], T]) -> T | None:
        """In the worker: ``job`` with the progress bar showing; its result, or ``None`` once
        the core's refusal is shown as an error."""
        from koordination.tui.progress import Throttled

        self.app.call_from_thread(self._set_busy, True)
        progress = Throttled(
            lambda done, total: self.app.call_from_thread(self._progress, done, total)
        )
        try:
            result = job(progress)
        except KoordinationError as exc:
            self.app.call_from_thread(self._set_busy, False)
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=12)
            return None
        self.app.call_from_thread(self._set_busy, False)
        return result

    def _set_busy(self, running: bool) -> None:
        self.busy = running
        bar = self.query_one(ProgressBar)
        bar.display = running
        if running:
            bar.update(total=None, progress=0)

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == f"{self.PREFIX}-close":
            self.action_close()

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)
