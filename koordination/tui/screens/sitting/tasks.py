"""The Aufgaben pane of the sitting screen: the group's open tasks carried forward, overdue ones
in red, and marking a task done as reported in this sitting."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from koordination.domain.records.meetings import SittingRecord, TaskRecord
from koordination.tui.keys import bind
from koordination.tui.screens.sitting.base import SittingBase
from koordination.tui.widgets.column_fit import (
    FitColumn,
    needed_widths,
    row_cells,
    set_columns,
)

KEYS: list[Binding] = [
    bind("done", "task_done", "Aufgabe erledigt (in dieser Sitzung berichtet)"),
]

COLUMNS = [
    FitColumn("due", "Fällig", 10),
    FitColumn("assignee", "Wer", 26, min_width=14, priority=1),
    FitColumn("title", "Aufgabe", 48, min_width=18, grow=True),
    FitColumn("origin", "Aus", 30, min_width=12, priority=2),
    FitColumn("state", "Stand", 14, min_width=10),
]


class TasksPane(SittingBase):
    """Tab 4: what the group still has to do."""

    def _show_tasks(self, record: SittingRecord) -> None:
        table = self.query_one("#sitting-tasks", DataTable)
        row = table.cursor_row
        today = self.today()
        rows = [self._task_cells(t, today) for t in record.open_tasks]
        widths = set_columns(table, COLUMNS, needed_widths(rows))
        for t, cells in zip(record.open_tasks, rows, strict=True):
            table.add_row(*row_cells(widths, cells, clip=True), key=str(t.id))
        self._restore(table, row)
        open_count = sum(1 for t in record.open_tasks if t.done_on is None)
        overdue = sum(1 for t in record.open_tasks if t.overdue(today))
        text = f"{open_count} offene Aufgaben der Gruppe"
        if overdue:
            text += f", davon [b red]{overdue} überfällig[/b red]"
        self.query_one("#sitting-tasks-hint", Static).update(text)

    @staticmethod
    def _task_cells(t: TaskRecord, today: date) -> dict[str, Any]:
        if t.done_on is not None:
            state = Text(f"erledigt {t.done_on:%d.%m.}", style="green")
        elif t.overdue(today):
            state = Text("überfällig", style="bold red")
        else:
            state = Text("offen")
        due = Text(f"{t.due:%d.%m.%Y}" if t.due else "–")
        if t.overdue(today):
            due.stylize("bold red")
        return {
            "due": due,
            "assignee": t.assignee,
            "title": t.title,
            "origin": Text(t.origin, style="dim"),
            "state": state,
        }

    def action_task_done(self) -> None:
        record = self.record
        if record is None:
            return
        table = self.query_one("#sitting-tasks", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(record.open_tasks):
            self.notify("Keine offene Aufgabe gewählt.", severity="warning")
            return
        task = record.open_tasks[row]
        if task.done_on is not None:
            self.notify(f"Schon erledigt am {task.done_on:%d.%m.%Y}.", severity="warning")
            return
        minutes, today = self.minutes, self.today()
        self.run_service(
            lambda: minutes.complete_task(task.id, on=today, reported_in=record.id),
            lambda _none: self.notify(
                f"„{task.title}“ ist erledigt (berichtet in dieser Sitzung).", markup=False
            ),
        )
