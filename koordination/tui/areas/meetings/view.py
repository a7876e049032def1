"""The Termine area's view: the agenda of the coming weeks or a month grid, the highlighted
date's detail, the group filter and moving through time. The actions build on it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Select, Static
from textual.worker import get_current_worker

from koordination.domain.enums import MeetingStatus
from koordination.domain.records.meetings import InvitationRow, MeetingRecord, OccurrenceRow
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.areas.meetings.rows import (
    COLUMNS,
    NARROW_COLUMNS,
    Key,
    agenda_cells,
    day_start,
    key_of,
)
from koordination.tui.formatting import meeting_detail, number, short_day
from koordination.tui.widgets.column_fit import (
    FitColumn,
    FittedTable,
    fit_columns,
    table_width,
)
from koordination.tui.widgets.month_view import MonthView

if TYPE_CHECKING:
    from koordination.services.meetings.service import Meetings

#: Below this width the detail pane narrows so the agenda keeps date, time and title; from
#: WIDE on it has room for whole addresses.
NARROW, WIDE = 110, 140


class AgendaView(Area):
    TITLE = "Termine"
    #: How far the agenda reaches, and how much further "mehr laden" goes.
    WEEKS = 12

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[OccurrenceRow] = []
        self.window_start: date | None = None
        self.window_end: date | None = None
        self.month_mode = False
        self.groups: list[tuple[str, int]] = []
        #: What the detail pane shows (the highlighted date, its meeting and invitation list).
        self.current_row: OccurrenceRow | None = None
        self.current_meeting: MeetingRecord | None = None
        self.current_invitations: list[InvitationRow] = []
        self._loading_more = False
        self._select_after_load: Key | int | None = None
        self._widths: dict[str, int] = {}
        #: Replies on the review list not yet resolved (P Prüfen).
        self.open_reviews = 0

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Select(
                [], prompt="Alle Gruppen", id="meetings-group", classes="filter", compact=True
            )
            yield Static("", id="meetings-range", classes="meetings-range")
        with Horizontal(classes="list-body"):
            with Vertical(classes="meetings-left"):
                table = FittedTable(id="meetings-agenda", cursor_type="row", zebra_stripes=False)
                table.border_title = "Agenda"
                yield table
                month = MonthView(id="meetings-month")
                month.display = False
                yield month
            with VerticalScroll(classes="detail", id="meetings-detail-pane"):
                yield Static(
                    "[dim]Nichts ausgewählt.[/dim]", id="meetings-detail", classes="detail-text"
                )
        yield Static("Wird geladen …", id="meetings-status", classes="status-line")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#meetings-agenda", DataTable)

    @property
    def month(self) -> MonthView:
        return self.query_one("#meetings-month", MonthView)

    def group_filter(self) -> int | None:
        value = self.query_one("#meetings-group", Select).value
        return value if isinstance(value, int) else None

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            (self.month if self.month_mode else self.table).focus()

    def _status(self, text: str) -> None:
        self.query_one("#meetings-status", Static).update(text)

    # ------------------------------------------------------------------ loading
    @property
    def meetings(self) -> Meetings | None:
        return self.core.meetings if self.core is not None else None

    def load_all(self) -> None:
        self.load_groups()
        self.reload()

    def load_groups(self) -> None:
        if self.core is not None:
            directory = self.core.directory
            self.call_service(
                lambda: [(g.name, g.id) for g in directory.list_groups()], self._set_groups
            )

    def _set_groups(self, choices: list[tuple[str, int]]) -> None:
        self.groups = choices
        select = self.query_one("#meetings-group", Select)
        value = select.value
        with self.prevent(Select.Changed):
            select.set_options(choices)
            if value in {c[1] for c in choices}:
                select.value = value

    def data_changed(self, what: str) -> None:
        if what == "group":
            self.load_groups()
        self.reload(keep_position=True)

    def reload(self, keep_position: bool = False) -> None:
        if self.meetings is None:
            return
        if self.window_start is None:
            self.window_start = self.today()
        if self.window_end is None or self.window_end <= self.window_start:
            self.window_end = self.window_start + timedelta(weeks=self.WEEKS)
        if keep_position and self.current_row is not None and self._select_after_load is None:
            self._select_after_load = key_of(self.current_row)
        self._load_agenda(self.window_start, self.window_end, self.group_filter(), append=False)
        if self.month_mode:
            self._load_month(self.month.first_day, self.month.last_day, self.group_filter())
        if keep_position:
            self.refresh_detail()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    @work(thread=True, exclusive=True, group="agenda")
    def _load_agenda(self, start: date, end: date, group_id: int | None, append: bool) -> None:
        meetings = self.meetings
        assert meetings is not None
        try:
            rows = meetings.occurrences(day_start(start), day_start(end), group_id)
            open_reviews = meetings.review.open_count()
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        rows = [r for r in rows if start <= r.start.date() < end]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._agenda_loaded, rows, start, end, append, open_reviews)

    def _agenda_loaded(
        self,
        rows: list[OccurrenceRow],
        start: date,
        end: date,
        append: bool,
        open_reviews: int | None = None,
    ) -> None:
        self._loading_more = False
        if open_reviews is not None:
            self.open_reviews = open_reviews
        table = self.table
        if append:
            self.rows += rows
            self.window_end = end
            self._add_rows(rows, len(self.rows) - len(rows))
        else:
            previous = key_of(self.current_row) if self.current_row else None
            self.rows = rows
            self._render_rows()
            wanted = self._select_after_load or previous
            self._select_after_load = None
            index = self._index_for(wanted)
            if self.rows:
                table.move_cursor(row=index, animate=False)
                self._highlighted(index)
            else:
                self.current_row = None
                self._show_nothing()
        self._update_range()

    def _index_for(self, wanted: Key | int | None) -> int:
        if wanted is None:
            return 0
        for i, r in enumerate(self.rows):
            if isinstance(wanted, int) and r.meeting_id == wanted:
                return i
            if key_of(r) == wanted:
                return i
        if isinstance(wanted, tuple):
            # The date is gone (moved out, filtered): stay near where it was.
            for i, r in enumerate(self.rows):
                if r.recurrence_id >= wanted[1]:
                    return i
            return max(0, len(self.rows) - 1)
        return 0

    @work(thread=True, exclusive=True, group="review-count")
    def refresh_review_count(self, report: str = "") -> None:
        """Runs in a worker: how many replies wait on the review list, for the status line.
        ``report`` (what an action just did) stays in the status line, the count after it."""
        meetings = self.meetings
        if meetings is None:
            return
        try:
            count = meetings.review.open_count()
        except KoordinationError:
            return  # the status line keeps the last count; the review screen says what failed
        self.app.call_from_thread(self._review_count, count, report)

    def _review_count(self, count: int, report: str = "") -> None:
        self.open_reviews = count
        if report:
            noun = "Rückmeldung" if count == 1 else "Rückmeldungen"
            self._status(report + (f"  ·  P: {number(count)} {noun} zu prüfen" if count else ""))
        elif self.window_start is not None and self.window_end is not None:
            self._update_range()

    def _update_range(self) -> None:
        assert self.window_start is not None and self.window_end is not None
        last = self.window_end - timedelta(days=1)
        span = f"{self.window_start:%d.%m.%Y} – {last:%d.%m.%Y}"
        self.table.border_title = f"Agenda {span}"
        cancelled = sum(1 for r in self.rows if r.status == MeetingStatus.ABGESAGT)
        text = f"{number(len(self.rows))} Termine"
        if cancelled:
            text += f", davon {cancelled} abgesagt"
        if self.open_reviews:
            # What the coordinator must look at comes before the hint to load more.
            noun = "Rückmeldung" if self.open_reviews == 1 else "Rückmeldungen"
            text += f"  ·  P: {number(self.open_reviews)} {noun} zu prüfen"
        elif not self.month_mode:
            text += "  ·  l: weitere 12 Wochen"
        self._status(text)
        group = self.group_filter()
        name = next((n for n, gid in self.groups if gid == group), None)
        # Short enough to stay on one line beside the filter at 80 columns.
        self.query_one("#meetings-range", Static).update(
            f"Nur {name}" if name else "f Gruppe · g Datum · t heute"
        )

    # ------------------------------------------------------------------ agenda rows
    def _columns(self) -> list[FitColumn]:
        return NARROW_COLUMNS if self.size.width < NARROW else COLUMNS

    def _column_widths(self) -> dict[str, int]:
        # Without the texts' widths: in an agenda the place beats the rest of a long title
        # (Ort drops out only below ~100 columns, the title keeps its 18 cells and more).
        return fit_columns(self._columns(), table_width(self.table))

    def _render_rows(self) -> None:
        table = self.table
        self._widths = self._column_widths()
        table.clear(columns=True)
        for c in self._columns():
            if c.key in self._widths:
                table.add_column(c.label, width=self._widths[c.key], key=c.key)
        self._add_rows(self.rows, 0)

    def _add_rows(self, rows: list[OccurrenceRow], offset: int) -> None:
        table = self.table
        before = self.rows[offset - 1] if offset > 0 else None
        for i, r in enumerate(rows, start=offset):
            table.add_row(*agenda_cells(r, before, self._widths), key=str(i))
            before = r

    def on_resize(self) -> None:
        width = self.size.width
        self.set_class(width < NARROW, "-narrow")
        self.set_class(width >= WIDE, "-wide")

    def on_fitted_table_resized(self, event: FittedTable.Resized) -> None:
        event.stop()
        self._refit()

    def _refit(self) -> None:
        if self.rows and self._column_widths() != self._widths:
            index = self.table.cursor_row
            self._render_rows()
            self.table.move_cursor(row=index, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._highlighted(event.cursor_row)

    def _highlighted(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        if self.current_row is None or key_of(row) != key_of(self.current_row):
            self.current_row = row
            self.call_after_refresh(self._load_detail_if_wanted, row)
        if index == len(self.rows) - 1 and not self.month_mode:
            # Scrolling on past the last date loads the next weeks.
            self.action_more()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_sitting()

    def action_open_sitting(self) -> None:
        """The sitting of the highlighted date: agenda, attendance, minutes, tasks."""
        from koordination.tui.screens.sitting import SittingScreen

        row, core = self.current_row, self.needs_core()
        if core is None:
            return
        if row is None:
            self.notify("Bitte zuerst einen Termin auswählen.", severity="warning")
            return
        if row.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist abgesagt; es gibt keine Sitzung.", severity="warning")
            return
        heading = f"{row.title} – {short_day(row.start)}"

        def closed(_result: None) -> None:
            self.changed("minutes")

        self.app.push_screen(
            SittingScreen(core, row.meeting_id, row.recurrence_id, heading), closed
        )

    # ------------------------------------------------------------------ detail
    def _load_detail_if_wanted(self, row: OccurrenceRow) -> None:
        if self.current_row is not None and key_of(row) == key_of(self.current_row):
            self.load_detail(row)

    def refresh_detail(self) -> None:
        if self.current_row is not None:
            self.load_detail(self.current_row)

    @work(thread=True, exclusive=True, group="meeting-detail")
    def load_detail(self, row: OccurrenceRow) -> None:
        meetings = self.meetings
        if meetings is None:
            return
        try:
            record = meetings.get(row.meeting_id)
            invitations = meetings.invitation_list(row.meeting_id)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._detail_loaded, row, record, invitations)

    def _detail_loaded(
        self, row: OccurrenceRow, record: MeetingRecord, invitations: list[InvitationRow]
    ) -> None:
        if self.current_row is None or key_of(row) != key_of(self.current_row):
            return
        self.current_meeting = record
        self.current_invitations = invitations
        self.query_one("#meetings-detail", Static).update(meeting_detail(record, invitations, row))

    def _show_nothing(self, text: str = "Keine Termine in diesem Zeitraum.") -> None:
        self.current_meeting = None
        self.current_invitations = []
        self.query_one("#meetings-detail", Static).update(f"[dim]{text}[/dim]")

    # ------------------------------------------------------------------ navigation
    def action_more(self) -> None:
        if self.meetings is None or self.window_end is None or self._loading_more:
            return
        self._loading_more = True
        end = self.window_end + timedelta(weeks=self.WEEKS)
        self._load_more(self.window_end, end, self.group_filter())

    @work(thread=True, exclusive=True, group="agenda-more")
    def _load_more(self, start: date, end: date, group_id: int | None) -> None:
        meetings = self.meetings
        assert meetings is not None
        try:
            rows = meetings.occurrences(day_start(start), day_start(end), group_id)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        rows = [r for r in rows if start <= r.start.date() < end]
        self.app.call_from_thread(self._agenda_loaded, rows, start, end, True)

    def show_from(self, day: date) -> None:
        self.window_start = day
        self.window_end = day + timedelta(weeks=self.WEEKS)
        self.current_row = None
        self.reload()

    def action_today(self) -> None:
        self.show_from(self.today())

    def action_goto(self) -> None:
        from koordination.tui.dialogs.meeting import goto_form

        def done(day: date | None) -> None:
            if day is not None:
                self.show_from(day)
                if self.month_mode:
                    self.month.show_month(day, self.today())

        self.app.push_screen(goto_form(self.window_start or self.today()), done)

    def action_filter_group(self) -> None:
        self.query_one("#meetings-group", Select).focus()

    def action_toggle_month(self) -> None:
        self.month_mode = not self.month_mode
        self.table.display = not self.month_mode
        self.month.display = self.month_mode
        if self.month_mode:
            day = self.current_row.start.date() if self.current_row else self.today()
            month = self.month
            month.shown_month = None  # announce the month even if it is the same
            month.show_month(day, self.today())
            if month.cursor == day:
                month.watch_cursor(day, day)
            month.focus()
        else:
            self.table.focus()
            if self.current_row is not None:
                self._select_in_agenda(self.current_row.start.date(), key_of(self.current_row))
        self._update_range()

    def on_month_view_month_changed(self, event: MonthView.MonthChanged) -> None:
        event.stop()
        self._load_month(event.first, event.last, self.group_filter())

    def on_month_view_day_highlighted(self, event: MonthView.DayHighlighted) -> None:
        event.stop()
        self._month_day(event.day)

    def _month_day(self, day: date) -> None:
        rows = self.month.day_rows(day)
        count = "1 Termin" if len(rows) == 1 else f"{len(rows)} Termine"
        self.month.border_title = f"{short_day(day)}: {count}" if rows else short_day(day)
        if rows:
            if self.current_row is None or key_of(rows[0]) != key_of(self.current_row):
                self.current_row = rows[0]
                self.load_detail(rows[0])
        else:
            self.current_row = None
            self._show_nothing(f"Keine Termine am {short_day(day)}.")

    def on_month_view_day_selected(self, event: MonthView.DaySelected) -> None:
        event.stop()
        self.action_toggle_month()
        rows = self.month.day_rows(event.day)
        self._select_in_agenda(event.day, key_of(rows[0]) if rows else None)

    def _select_in_agenda(self, day: date, key: Key | None) -> None:
        assert self.window_start is not None and self.window_end is not None
        if not self.window_start <= day < self.window_end:
            self._select_after_load = key
            self.show_from(day)
            return
        index = self._index_for(key) if key else None
        if index is None:
            index = next((i for i, r in enumerate(self.rows) if r.start.date() >= day), 0)
        if self.rows:
            self.table.move_cursor(row=index, animate=False)

    @work(thread=True, exclusive=True, group="month")
    def _load_month(self, first: date, last: date, group_id: int | None) -> None:
        meetings = self.meetings
        if meetings is None:
            return
        end = day_start(last + timedelta(days=1))
        try:
            rows = meetings.occurrences(day_start(first), end, group_id)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._month_loaded, rows)

    def _month_loaded(self, rows: list[OccurrenceRow]) -> None:
        self.month.set_occurrences(rows)
        if not self.month_mode:
            # The hidden month view loads as it is mounted: the agenda's status line and
            # detail stay the agenda's.
            return
        self._month_day(self.month.cursor)
        month = self.month.cursor
        self._status(
            f"{len([r for r in rows if r.start.month == month.month])} Termine im "
            f"{month:%m/%Y}  ·  Pfeile: Tag · Bild↑/↓: Monat · Enter: Agenda"
        )

    # ------------------------------------------------------------------ selection
    def selected(self) -> tuple[OccurrenceRow, MeetingRecord] | None:
        row, meeting = self.current_row, self.current_meeting
        if row is None or meeting is None or meeting.id != row.meeting_id:
            self.notify("Bitte zuerst einen Termin auswählen.", severity="warning")
            return None
        return row, meeting

    def _saved(self, message: str, select: Key | int | None = None) -> None:
        self.notify(message, title="Termine", markup=False)
        if select is not None:
            self._select_after_load = select
        self.changed("meeting")

    def _service(self) -> Meetings | None:
        if self.meetings is None:
            self.notify("Die Datenbank ist noch nicht geöffnet.", severity="warning")
        return self.meetings
