"""The Aufgaben area: every task of every group, filtered, by due date, overdue ones in red."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.markup import escape
from textual.widgets import DataTable, Input, Select, Static
from textual.worker import get_current_worker

from koordination.domain.records.meetings import TaskRecord
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import flow
from koordination.tui.keys import bind
from koordination.tui.widgets.column_fit import (
    FitColumn,
    needed_widths,
    row_cells,
    set_columns,
)

#: The state filter: open tasks only, or all.
STATES = [("offen", "open"), ("alle", "all")]


def by_due_date(tasks: list[TaskRecord]) -> list[TaskRecord]:
    """Earliest due date first; tasks without a date after those with one."""
    return sorted(tasks, key=lambda t: (t.due is None, t.due or date.max, t.id))


def matches(task: TaskRecord, text: str) -> bool:
    """Whether the person search ``text`` fits the task's assignee (case-insensitive)."""
    return not text or text.casefold() in task.assignee.casefold()


#: The table's columns: the title gets what its longest text needs (at least ~18 cells) before
#: origin, group, state and who drop out, in that order; the line under the table shows them.
COLUMNS = [
    FitColumn("due", "Fällig", 10),
    FitColumn("title", "Aufgabe", 44, min_width=18, grow=True),
    FitColumn("assignee", "Wer", 24, min_width=12, priority=1),
    FitColumn("group", "Gruppe", 24, min_width=12, priority=3),
    FitColumn("origin", "Aus", 30, min_width=12, priority=4),
    FitColumn("state", "Stand", 19, min_width=10, priority=2),
]


def task_cells(t: TaskRecord, today: date) -> dict[str, Any]:
    overdue = t.overdue(today)
    if t.done_on is not None:
        state = Text(f"erledigt {t.done_on:%d.%m.%Y}", style="green")
    elif overdue:
        state = Text("überfällig", style="bold red")
    else:
        state = Text("offen")
    style = "bold red" if overdue else ("dim" if t.done_on is not None else "")
    return {
        "due": Text(f"{t.due:%d.%m.%Y}" if t.due else "–", style=style),
        "title": Text(t.title, style=style),
        "assignee": Text(t.assignee, style="red" if overdue else ""),
        "group": Text(t.group_name or "–"),
        "origin": Text(t.origin or "–", style="dim"),
        "state": state,
    }


class TasksArea(Area):
    TITLE = "Aufgaben"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("done", "done", "Aufgabe heute erledigt"),
        bind("open_only", "toggle_open", "Aufgaben: nur offene / alle zeigen"),
        bind("search", "search", "Aufgaben: Person suchen", label="Person"),
        bind("filter", "filter_group", "Aufgaben nach Gruppe filtern", label="Gruppe"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Everything the service returned for the state and group filters.
        self.loaded: list[TaskRecord] = []
        #: What the table shows, row by row (after the person search).
        self.shown: list[TaskRecord] = []
        self.groups: list[tuple[str, int]] = []
        #: The columns shown at the table's current width, and that width.
        self.widths: dict[str, int] = {}
        self._laid_out_for = 0

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        # Compact fields on one line, as in the other lists: the rows go to the tasks.
        with Horizontal(classes="filter-bar"):
            yield Select(
                STATES,
                value="open",
                allow_blank=False,
                id="tasks-state",
                classes="filter",
                compact=True,
            )
            yield Select(
                [], prompt="Alle Gruppen", id="tasks-group", classes="filter", compact=True
            )
            yield Input(
                placeholder="Person suchen …", id="tasks-search", classes="search", compact=True
            )
        yield DataTable(id="tasks-table", cursor_type="row")
        hidden = Static("", id="tasks-hidden", classes="status-line")
        hidden.display = False
        yield hidden
        yield Static("Wird geladen …", id="tasks-status", classes="status-line")

    def on_resize(self) -> None:
        if self.table.size.width != self._laid_out_for:
            self._show_rows()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#tasks-table", DataTable)

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.table.focus()

    # ------------------------------------------------------------------ loading
    def load_all(self) -> None:
        self.load_groups()
        self.reload()

    @work(thread=True, exclusive=True, group="tasks-groups")
    def load_groups(self) -> None:
        core = self.core
        if core is None:
            return
        directory = core.directory
        try:
            groups = [(g.name, g.id) for g in directory.list_groups()]
        except KoordinationError:
            return
        self.app.call_from_thread(self._set_groups, groups)

    def _set_groups(self, groups: list[tuple[str, int]]) -> None:
        self.groups = groups
        select = self.query_one("#tasks-group", Select)
        current = select.value
        with self.prevent(Select.Changed):
            select.set_options(groups)
            if current in {g for _n, g in groups}:
                select.value = current

    def data_changed(self, what: str) -> None:
        if what == "group":
            self.load_groups()
        self.reload(keep_position=True)

    def reload(self, keep_position: bool = False) -> None:
        if self.core is None:
            return
        state = self.query_one("#tasks-state", Select).value
        group = self.query_one("#tasks-group", Select).value
        self._load(state == "open", None if group is Select.NULL else int(str(group)))

    @work(thread=True, exclusive=True, group="tasks")
    def _load(self, open_only: bool, group_id: int | None) -> None:
        core = self.core
        if core is None:
            return
        try:
            tasks = core.sittings.list_tasks(open_only=open_only, group_id=group_id)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, by_due_date(tasks))

    def _loaded(self, tasks: list[TaskRecord]) -> None:
        self.loaded = tasks
        self._show_rows()

    def _show_rows(self) -> None:
        """Show the loaded tasks that fit the person search; no query per key."""
        table = self.table
        current = (
            self.shown[table.cursor_row].id if 0 <= table.cursor_row < len(self.shown) else None
        )
        text = self.query_one("#tasks-search", Input).value.strip()
        self.shown = [t for t in self.loaded if matches(t, text)]
        today = self.today()
        self._laid_out_for = table.size.width
        rows = [task_cells(t, today) for t in self.shown]
        self.widths = set_columns(table, COLUMNS, needed_widths(rows))
        for t, cells in zip(self.shown, rows, strict=True):
            table.add_row(*row_cells(self.widths, cells), key=str(t.id))
        row = next((i for i, t in enumerate(self.shown) if t.id == current), 0)
        if self.shown:
            table.move_cursor(row=min(row, len(self.shown) - 1), animate=False)
        open_count = sum(1 for t in self.shown if t.done_on is None)
        overdue = sum(1 for t in self.shown if t.overdue(today))
        status = f"{len(self.shown)} Aufgaben, {open_count} offen"
        if overdue:
            status += f", [b red]{overdue} überfällig[/b red]"
        self.query_one("#tasks-status", Static).update(status)
        self._show_hidden()

    def _show_hidden(self) -> None:
        """The values of the columns dropped for room, of the highlighted task."""
        line = self.query_one("#tasks-hidden", Static)
        row = self.table.cursor_row
        dropped = sorted((c for c in COLUMNS if c.key not in self.widths), key=lambda c: c.priority)
        if not dropped or not 0 <= row < len(self.shown):
            line.display = False
            return
        cells = task_cells(self.shown[row], self.today())
        items = [Text(f"{c.label}: ", style="dim").append_text(cells[c.key]) for c in dropped]
        line.update(flow(items, "  ·  "))
        line.display = True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_hidden()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    # ------------------------------------------------------------------ actions
    def action_toggle_open(self) -> None:
        select = self.query_one("#tasks-state", Select)
        select.value = "all" if select.value == "open" else "open"

    def action_search(self) -> None:
        self.query_one("#tasks-search", Input).focus()

    def action_filter_group(self) -> None:
        self.query_one("#tasks-group", Select).focus()

    def action_done(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        core = self.needs_core()
        row = self.table.cursor_row
        if core is None:
            return
        if not 0 <= row < len(self.shown):
            self.notify("Bitte zuerst eine Aufgabe wählen.", severity="warning")
            return
        task = self.shown[row]
        if task.done_on is not None:
            self.notify(f"Schon erledigt am {task.done_on:%d.%m.%Y}.", severity="warning")
            return
        today = self.today()

        def finished(_none: None) -> None:
            self.notify(
                f"„{task.title}“ ist erledigt (am {today:%d.%m.%Y}).",
                title="Aufgabe erledigt",
                markup=False,
            )
            self.changed("task")

        def answer(yes: bool | None) -> None:
            if yes:
                minutes = core.sittings
                self.call_service(lambda: minutes.complete_task(task.id, on=today), finished)

        self.app.push_screen(
            ConfirmScreen(
                "Aufgabe erledigt",
                [
                    escape(f"„{task.title}“ ({task.assignee})")
                    + f" wird als erledigt am {today:%d.%m.%Y} vermerkt."
                ],
                "Erledigt",
                "Abbrechen",
            ),
            answer,
        )
