"""A month as a calendar grid (Mo–So) with the meetings of each day; a cursor day to move."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from koordination.domain.enums import MeetingStatus
from koordination.domain.records.meetings import OccurrenceRow
from koordination.tui.formatting import MONTHS, WEEKDAYS_SHORT
from koordination.tui.keys import bind


def month_grid(month: date) -> list[list[date]]:
    """The weeks (Monday first) that show ``month``, with the neighbours' days around it."""
    first = month.replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    weeks = []
    day = start
    while day <= last:
        weeks.append([day + timedelta(days=i) for i in range(7)])
        day += timedelta(days=7)
    return weeks


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class MonthView(Widget, can_focus=True):
    """The grid of one month. The parent sets ``occurrences``; the widget says which day and
    which month the user moved to."""

    BINDINGS = [
        Binding("left", "move(-1)", "Tag zurück", show=False),
        Binding("right", "move(1)", "Tag vor", show=False),
        Binding("up", "move(-7)", "Woche zurück", show=False),
        Binding("down", "move(7)", "Woche vor", show=False),
        Binding("pageup", "month(-1)", "Voriger Monat", key_display="Bild↑"),
        Binding("pagedown", "month(1)", "Nächster Monat", key_display="Bild↓"),
        bind("previous_view", "month(-1)", "Voriger Monat", label="Voriger Monat", show=False),
        bind("next_view", "month(1)", "Nächster Monat", label="Nächster Monat", show=False),
        bind("open", "open_day", "Den Tag in der Agenda zeigen", label="Agenda", show=False),
    ]

    cursor: reactive[date] = reactive(date(2000, 1, 1))

    class DayHighlighted(Message):
        def __init__(self, view: MonthView, day: date) -> None:
            super().__init__()
            self.view = view
            self.day = day

    class MonthChanged(Message):
        """The grid shows another month: the parent loads its meetings."""

        def __init__(self, view: MonthView, first: date, last: date) -> None:
            super().__init__()
            self.view = view
            self.first = first
            self.last = last

    class DaySelected(Message):
        def __init__(self, view: MonthView, day: date) -> None:
            super().__init__()
            self.view = view
            self.day = day

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: Set by the parent with every ``show_month`` (the widget has no clock of its own).
        self.today: date | None = None
        self.shown_month: date | None = None
        self._by_day: dict[date, list[OccurrenceRow]] = {}

    # ------------------------------------------------------------------ attributes down
    def show_month(self, day: date, today: date) -> None:
        """Put the cursor on ``day``; announces the month if it is another one."""
        self.today = today
        self.cursor = day

    def set_occurrences(self, rows: Sequence[OccurrenceRow]) -> None:
        by_day: dict[date, list[OccurrenceRow]] = {}
        for r in rows:
            by_day.setdefault(r.start.date(), []).append(r)
        self._by_day = by_day
        self.refresh()

    def day_rows(self, day: date) -> list[OccurrenceRow]:
        return list(self._by_day.get(day, ()))

    @property
    def first_day(self) -> date:
        return month_grid(self.cursor)[0][0]

    @property
    def last_day(self) -> date:
        return month_grid(self.cursor)[-1][-1]

    def watch_cursor(self, old: date, new: date) -> None:
        month = new.replace(day=1)
        if month != self.shown_month:
            self.shown_month = month
            self._by_day = {}
            self.post_message(self.MonthChanged(self, self.first_day, self.last_day))
        self.post_message(self.DayHighlighted(self, new))
        self.refresh()

    # ------------------------------------------------------------------ keys
    def action_move(self, days: int) -> None:
        self.cursor = self.cursor + timedelta(days=days)

    def action_month(self, months: int) -> None:
        self.cursor = add_months(self.cursor, months)

    def action_open_day(self) -> None:
        self.post_message(self.DaySelected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        weeks = month_grid(self.cursor)
        # Header line and top border: 2 lines; then each week is its height plus a rule.
        row_height = self._cell_lines(len(weeks)) + 1
        width = max(self.size.width, 7)
        column = min(6, max(0, event.x * 7 // width))
        row = (event.y - 3) // row_height
        if 0 <= row < len(weeks):
            self.cursor = weeks[row][column]

    # ------------------------------------------------------------------ drawing
    def _cell_lines(self, weeks: int) -> int:
        """Lines per day cell that fit: title line, header, rules between the weeks."""
        free = self.size.height - 4 - weeks
        return max(2, free // max(weeks, 1))

    def render(self) -> RenderableType:
        weeks = month_grid(self.cursor)
        lines = self._cell_lines(len(weeks))
        width = max(6, (self.size.width - 6) // 7)
        table = Table(
            box=box.SQUARE,
            show_edge=False,
            show_lines=True,
            expand=True,
            padding=(0, 0),
            title=Text(f"{MONTHS[self.cursor.month - 1]} {self.cursor.year}", style="bold"),
            border_style="dim",
        )
        for name in WEEKDAYS_SHORT:
            table.add_column(name, ratio=1, no_wrap=True, overflow="ellipsis", justify="left")
        for week in weeks:
            table.add_row(*(self._cell(day, lines, width) for day in week))
        return table

    def _cell(self, day: date, lines: int, width: int) -> Text:
        outside = day.month != self.cursor.month
        # The cursor day is one reversed block, so it stands out in light and dark themes.
        text = Text(style="reverse" if day == self.cursor else "")
        text.append(f"{day.day:>2}", style="dim" if outside else "bold")
        if day == self.today:
            text.append(" heute", style="bold underline")
        rows = self._by_day.get(day, [])
        shown = rows if len(rows) <= lines - 1 else rows[: max(0, lines - 2)]
        for r in shown:
            # Narrow cells: the title says more than the time.
            entry = f"{r.start:%H:%M} {r.title}" if width >= 18 else r.title
            entry = entry if len(entry) <= width else entry[: max(1, width - 1)] + "…"
            style = "dim" if outside else ""
            if r.status == MeetingStatus.ABGESAGT:
                style = "strike red"
            elif r.moved:
                style = "yellow"
            text.append("\n")
            text.append(entry, style=style)
        if len(shown) < len(rows):
            text.append(f"\n+{len(rows) - len(shown)} weitere", style="dim italic")
        # Every cell the same height, so the grid does not jump between months.
        missing = lines - 1 - min(len(rows), lines - 1)
        text.append("\n" * max(0, missing))
        return text
