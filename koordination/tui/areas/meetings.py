"""The Termine area: agenda of the coming weeks or a month grid, meeting detail, invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Select, Static
from textual.worker import get_current_worker

from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingStatus
from koordination.domain.records.directory import Saved
from koordination.domain.records.meetings import InvitationRow, MeetingRecord, OccurrenceRow
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import (
    WEEKDAYS_SHORT,
    meeting_detail,
    number,
    occurrence_place,
    occurrence_status,
    short_day,
    time_span,
)
from koordination.tui.widgets.month_view import MonthView

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.delivery.settings import SmtpSettings
    from koordination.domain.inputs.meetings import AnswerInput, MeetingInput, MoveInput
    from koordination.services.meetings.mailbox import FetchReport
    from koordination.services.meetings.service import Meetings
    from koordination.tui.dialogs.meeting import (
        MeetingFormResult,
        Preview,
        SendOffer,
    )

#: (meeting id, original start): one date of a meeting or series.
Key = tuple[int, datetime]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE)


def key_of(row: OccurrenceRow) -> Key:
    return row.meeting_id, row.recurrence_id


def short_place(row: OccurrenceRow) -> str:
    """The room (or street) only: the agenda has no room for whole addresses."""
    place = occurrence_place(row)
    return place if place.startswith("http") else place.split(",")[0]


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def meeting_input(m: MeetingRecord, **changes: Any) -> MeetingInput:
    """A stored meeting as form input, e.g. to move a single meeting."""
    from koordination.domain.inputs.meetings import MeetingInput

    values: dict[str, Any] = {
        "title": m.title,
        "kind": m.kind,
        "start": m.start,
        "end": m.end,
        "description": m.description,
        "address": m.address,
        "room": m.room,
        "online_url": m.online_url,
        "group_ids": list(m.group_ids),
        "public": m.public,
        "rrule": m.rrule,
    }
    values.update(changes)
    return MeetingInput(**values)


class MeetingsArea(Area):
    TITLE = "Termine"
    #: How far the agenda reaches, and how much further "mehr laden" goes.
    WEEKS = 12
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "open_sitting",
            "Sitzung",
            tooltip="Sitzung öffnen: Tagesordnung, Anwesenheit, Protokoll",
        ),
        Binding("n", "new", "Neu", tooltip="Termin oder Serie anlegen"),
        Binding("e", "edit", "Bearbeiten", tooltip="Termin oder Serie bearbeiten"),
        Binding("s", "send", "Einladen", tooltip="Einladungen senden oder als Dateien speichern"),
        Binding("v", "move", "Verschieben", tooltip="Diesen Termin verschieben"),
        Binding("a", "cancel_occurrence", "Absagen", tooltip="Diesen Termin absagen"),
        Binding("A", "cancel_meeting", "Serie absagen", tooltip="Ganze Serie/Termin absagen"),
        Binding("r", "answer", "Antwort", tooltip="Antwort einer Person erfassen"),
        Binding(
            "R",
            "fetch_replies",
            "Antworten abholen",
            tooltip="Antworten abholen: aus dem Postfach der Stelle ([imap]) verbuchen",
        ),
        Binding("i", "invite_guest", "Gast einladen", tooltip="Einzelne Person als Gast einladen"),
        Binding(
            "u",
            "uninvite",
            "Von der Liste nehmen",
            tooltip="Person von der Einladungsliste nehmen",
        ),
        Binding("m", "toggle_month", "Monat", tooltip="Monatsansicht / Agenda umschalten"),
        Binding("l", "more", "Mehr laden", tooltip="Agenda: weitere 12 Wochen laden"),
        Binding("g", "goto", "Gehe zu", show=False, tooltip="Termine ab einem Datum zeigen"),
        Binding("t", "today", "Heute", show=False, tooltip="Termine ab heute zeigen"),
        Binding("f", "filter_group", "Gruppe", show=False, tooltip="Termine nach Gruppe filtern"),
        Binding("h", "history", "Verlauf", tooltip="Verlauf: Änderungen am Termin"),
    ]

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
        self._widths: tuple[int, int] = (0, 0)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            yield Select([], prompt="Alle Gruppen", id="meetings-group", classes="filter")
            yield Static("", id="meetings-range", classes="meetings-range")
        with Horizontal(classes="list-body"):
            with Vertical(classes="meetings-left"):
                table: DataTable[Any] = DataTable(
                    id="meetings-agenda", cursor_type="row", zebra_stripes=False
                )
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
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        rows = [r for r in rows if start <= r.start.date() < end]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._agenda_loaded, rows, start, end, append)

    def _agenda_loaded(
        self, rows: list[OccurrenceRow], start: date, end: date, append: bool
    ) -> None:
        self._loading_more = False
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

    def _update_range(self) -> None:
        assert self.window_start is not None and self.window_end is not None
        last = self.window_end - timedelta(days=1)
        span = f"{self.window_start:%d.%m.%Y} – {last:%d.%m.%Y}"
        self.table.border_title = f"Agenda {span}"
        cancelled = sum(1 for r in self.rows if r.status == MeetingStatus.ABGESAGT)
        text = f"{number(len(self.rows))} Termine vom {span}"
        if cancelled:
            text += f", davon {cancelled} abgesagt"
        if not self.month_mode:
            text += "  ·  l: weitere 12 Wochen  ·  m: Monatsansicht"
        self._status(text)
        group = self.group_filter()
        name = next((n for n, gid in self.groups if gid == group), None)
        self.query_one("#meetings-range", Static).update(
            f"Nur Termine von {name}"
            if name
            else "f: nach Gruppe filtern  ·  g: gehe zu Datum  ·  t: heute"
        )

    # ------------------------------------------------------------------ agenda rows
    def _column_widths(self) -> tuple[int, int]:
        width = self.table.size.width or 80
        # Tag 11, Zeit 11, Status 12, two cells of padding per column, border and scrollbar.
        free = max(24, width - 11 - 11 - 12 - 10 - 3)
        title = max(14, free * 2 // 3)
        return title, max(10, free - title)

    def _render_rows(self) -> None:
        table = self.table
        self._widths = self._column_widths()
        title, place = self._widths
        table.clear(columns=True)
        table.add_column("Tag", width=11, key="day")
        table.add_column("Zeit", width=11, key="time")
        table.add_column("Termin", width=title, key="title")
        table.add_column("Ort", width=place, key="place")
        table.add_column("Status", width=12, key="status")
        self._add_rows(self.rows, 0)

    def _add_rows(self, rows: list[OccurrenceRow], offset: int) -> None:
        title_width, place_width = self._widths
        table = self.table
        before = self.rows[offset - 1] if offset > 0 else None
        for i, r in enumerate(rows, start=offset):
            cancelled = r.status == MeetingStatus.ABGESAGT
            same_day = before is not None and before.start.date() == r.start.date()
            day = Text(
                f"{WEEKDAYS_SHORT[r.start.weekday()]} {r.start:%d.%m.%y}",
                style="dim" if same_day else "bold",
            )
            if r.moved:
                day.stylize("yellow")
            title = Text(clip(r.title, title_width))
            if cancelled:
                title.stylize("strike dim")
            table.add_row(
                day,
                Text(time_span(r.start, r.end), style="dim" if cancelled else ""),
                title,
                Text(clip(short_place(r), place_width), style="dim"),
                occurrence_status(r),
                key=str(i),
            )
            before = r

    def on_resize(self) -> None:
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
        self._month_day(self.month.cursor)
        month = self.month.cursor
        self._status(
            f"{len([r for r in rows if r.start.month == month.month])} Termine im "
            f"{month:%m/%Y}  ·  Pfeiltasten: Tag, Bild↑/Bild↓: Monat, Enter: in der Agenda, "
            "m: Agenda"
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

    # ------------------------------------------------------------------ create and edit
    def preview_function(self) -> Callable[[MeetingInput], Preview]:
        meetings = self.meetings
        assert meetings is not None
        today = self.today()

        def preview(data: MeetingInput) -> Preview:
            from koordination.calendar.events import Event
            from koordination.calendar.recurrence import expand
            from koordination.services.meetings.times import LOOKAHEAD
            from koordination.tui.dialogs.meeting import Preview

            assert data.start is not None and data.end is not None
            event = Event(
                uid="vorschau",
                sequence=0,
                title=data.title,
                start=data.start,
                end=data.end,
                rrule=data.rrule,
            )
            start = max(data.start, day_start(today)) if data.rrule else data.start
            found = expand(event, start, start + LOOKAHEAD)
            starts = tuple((o.start, o.end) for o in found[:6])
            warnings = tuple(meetings.holiday_warnings(data))
            return Preview(starts, warnings, more=len(found) > 6)

        return preview

    def action_new(self) -> None:
        from koordination.tui.dialogs.meeting import MeetingFormScreen, meeting_values

        if self._service() is None:
            return

        def done(result: MeetingFormResult | None) -> None:
            if result is not None:
                self._save(None, result)

        self.app.push_screen(
            MeetingFormScreen(
                "Termin oder Serie anlegen",
                meeting_values(None, self.today()),
                self.groups,
                self.preview_function(),
            ),
            done,
        )

    def action_edit(self) -> None:
        from koordination.tui.dialogs.meeting import MeetingFormScreen, meeting_values

        picked = self.selected()
        if picked is None:
            return
        _row, meeting = picked

        def done(result: MeetingFormResult | None) -> None:
            if result is not None:
                self._save(meeting, result)

        kind = "Serie" if meeting.rrule else "Termin"
        self.app.push_screen(
            MeetingFormScreen(
                f"{kind} bearbeiten – {meeting.title}",
                meeting_values(meeting, self.today()),
                self.groups,
                self.preview_function(),
                series_edit=bool(meeting.rrule),
            ),
            done,
        )

    def _save(self, original: MeetingRecord | None, result: MeetingFormResult) -> None:
        meetings = self.meetings
        assert meetings is not None
        data = result.data

        def call() -> Saved[MeetingRecord]:
            if original is None:
                return meetings.create(data)
            if result.from_day is not None and original.rrule:
                return meetings.split_series(original, result.from_day, data)
            return meetings.update(original, data)

        def done(saved: Saved[MeetingRecord]) -> None:
            record = saved.record
            verb = "angelegt" if original is None else "gespeichert"
            first = record.start.date()
            start, end = self.window_start, self.window_end
            if original is None and start and end and not start <= first < end:
                # Show the new meeting: the agenda reaches out to its first date.
                self.window_start = min(start, first)
                self.window_end = max(end, first + timedelta(weeks=self.WEEKS))
            for warning in saved.warnings:
                self.notify(warning, title="Feiertag", severity="warning", timeout=10)
            hint = " Einladungen verschicken: Taste s." if original is None else ""
            self._saved(f"„{record.title}“ wurde {verb}.{hint}", record.id)

        self.call_service(call, done)

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        picked, core = self.selected(), self.core
        if picked is not None and core is not None:
            meeting = picked[1]
            self.app.push_screen(AuditScreen(core, "meeting", meeting.id, meeting.title))

    # ------------------------------------------------------------------ exceptions
    def action_move(self) -> None:
        from koordination.tui.dialogs.meeting import move_form

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        if row.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None

        def done(move: MoveInput | None) -> None:
            if move is None:
                return

            def call() -> MeetingRecord:
                if meeting.rrule:
                    return meetings.move_occurrence(
                        meeting.id,
                        row.recurrence_id,
                        start=move.start,
                        end=move.end,
                        address=move.address,
                        room=move.room,
                        online_url=move.online_url,
                    )
                data = meeting_input(
                    meeting,
                    start=move.start,
                    end=move.end,
                    address=move.address,
                    room=move.room,
                    online_url=move.online_url,
                )
                return meetings.update(meeting, data).record

            key: Key = (meeting.id, row.recurrence_id if meeting.rrule else move.start)
            self.call_service(
                call,
                lambda _m: self._saved(
                    f"Termin verschoben auf {short_day(move.start)}, {move.start:%H:%M} Uhr. "
                    "Die Aktualisierung verschicken: Taste s.",
                    key,
                ),
            )

        self.app.push_screen(move_form(row, meeting), done)

    def action_cancel_occurrence(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        if not meeting.rrule:
            self.action_cancel_meeting()
            return
        if row.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist schon abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        when = f"{short_day(row.start)}, {row.start:%H:%M} Uhr"

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    lambda: meetings.cancel_occurrence(meeting.id, row.recurrence_id),
                    lambda _m: self._saved(
                        f"Der Termin am {short_day(row.start)} ist abgesagt. "
                        "Die Absagen verschicken: Taste s.",
                        key_of(row),
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                f"Termin absagen – {meeting.title}",
                [
                    f"Nur der Termin am {when} entfällt; die Serie läuft weiter.",
                    "Die Eingeladenen erhalten die Absage mit dem nächsten Versand (Taste s).",
                ],
                "Termin absagen",
                "Nicht absagen",
            ),
            answer,
        )

    def action_cancel_meeting(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        if meeting.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist schon abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        what = "die ganze Serie" if meeting.rrule else "den Termin"

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    lambda: meetings.cancel(meeting),
                    lambda _m: self._saved(
                        f"„{meeting.title}“ ist abgesagt. Die Absagen verschicken: Taste s.",
                        key_of(row),
                    ),
                )

        lines = [
            f"Wirklich {what} „{meeting.title}“ absagen?",
            "Alle Eingeladenen erhalten mit dem nächsten Versand (Taste s) eine Absage, "
            "ihre Kalender entfernen den Eintrag.",
        ]
        if meeting.rrule:
            lines.insert(1, "Nur einen Termin absagen: Taste a.")
        self.app.push_screen(
            ConfirmScreen(
                f"{'Serie' if meeting.rrule else 'Termin'} absagen",
                lines,
                "Absagen",
                "Nicht absagen",
            ),
            answer,
        )

    # ------------------------------------------------------------------ answers
    def action_answer(self) -> None:
        from koordination.tui.dialogs.meeting import answer_form

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        invitations = [r for r in self.current_invitations if not r.removed]
        if not invitations:
            self.notify(
                "Noch niemand steht auf der Einladungsliste. Erst einladen: Taste s.",
                severity="warning",
            )
            return
        meetings = self.meetings
        assert meetings is not None
        names = {r.invitation_id: r.name for r in invitations}

        def done(answer: AnswerInput | None) -> None:
            if answer is None:
                return
            self.call_service(
                lambda: meetings.set_response(
                    answer.invitation_id, answer.status, answer.recurrence_id
                ),
                lambda _none: self._saved(
                    f"Antwort von {names.get(answer.invitation_id, '')}: {answer.status.label}."
                ),
            )

        self.app.push_screen(answer_form(meeting, row, invitations), done)

    # ------------------------------------------------------------------ invitation list
    def action_invite_guest(self) -> None:
        """One person as a guest, whatever their groups: found by typing part of the name."""
        from koordination.tui.areas.people import person_search
        from koordination.tui.dialogs.form import PersonPickerScreen

        picked = self.selected()
        core = self.needs_core()
        if picked is None or core is None:
            return
        directory = core.directory
        _row, meeting = picked
        if meeting.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        people, count = person_search(directory)

        def call(pid: int) -> tuple[int, str]:
            added = meetings.invite(meeting.id, person_ids=[pid])
            rows = meetings.invitation_list(meeting.id)
            name = next((r.name for r in rows if r.person_id == pid), f"Person Nr. {pid}")
            return added, name

        def invited(result: tuple[int, str]) -> None:
            added, name = result
            if not added:
                self.notify(f"{name} steht schon auf der Einladungsliste.", markup=False)
                return
            self._saved(
                f"{name} steht jetzt auf der Einladungsliste; die Einladung geht mit dem "
                "nächsten Versand (Taste s) raus."
            )

        def done(pid: int | None) -> None:
            if pid is not None:
                self.call_service(lambda: call(pid), invited)

        self.app.push_screen(
            PersonPickerScreen(
                f"Gast einladen – {meeting.title}",
                people,
                count,
                action="Einladen",
                note="Die Person kommt als Gast auf die Einladungsliste, "
                "auch ohne Mitglied einer der Gruppen zu sein.",
            ),
            done,
        )

    def action_uninvite(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen
        from koordination.tui.dialogs.meeting import uninvite_form

        picked = self.selected()
        if picked is None:
            return
        _row, meeting = picked
        listed = [r for r in self.current_invitations if not r.removed]
        if not listed:
            self.notify("Niemand steht auf der Einladungsliste.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        by_person = {r.person_id: r for r in listed}

        def taken_off(person: InvitationRow) -> None:
            if person.sent_sequence is not None:
                after = (
                    f"{person.name} hatte die Einladung schon erhalten und bekommt mit dem "
                    "nächsten Versand (Taste s) eine Absage."
                )
            else:
                after = "Die Einladung war noch nicht verschickt; es geht keine Absage raus."
            self._saved(f"{person.name} steht nicht mehr auf der Einladungsliste. {after}")

        def chosen(pid: int | None) -> None:
            person = by_person.get(pid) if pid is not None else None
            if person is None:
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    self.call_service(
                        lambda: meetings.uninvite(meeting.id, person.person_id),
                        lambda _none: taken_off(person),
                    )

            lines = [f"{person.name} von der Einladungsliste für „{meeting.title}“ nehmen?"]
            if person.sent_sequence is not None:
                lines.append(
                    "Die Einladung ist schon verschickt: mit dem nächsten Versand (Taste s) "
                    "geht eine Absage raus, der Kalender entfernt den Eintrag."
                )
            if person.via != "Gast":
                lines.append(
                    f"Beim nächsten Einladen der Gruppe {person.via} kommt die Person nicht "
                    "wieder auf die Liste; wieder einladen: Taste i."
                )
            self.app.push_screen(
                ConfirmScreen("Von der Liste nehmen", lines, "Von der Liste nehmen", "Behalten"),
                answer,
            )

        self.app.push_screen(uninvite_form(meeting, listed), chosen)

    # ------------------------------------------------------------------ answers by mail
    def action_fetch_replies(self) -> None:
        core = self.needs_core()
        if core is None:
            return
        self._status("Antworten abholen: Postfach wird geöffnet …")
        self._fetch_replies(core)

    @work(thread=True, exclusive=True, group="fetch-replies")
    def _fetch_replies(self, core: Core) -> None:
        """Runs in a worker: the same fetch as `koordination replies fetch`, with progress."""
        from koordination.delivery.settings import load_imap_settings
        from koordination.tui.progress import Throttled

        def show(done: int, total: int) -> None:
            text = f"Antworten abholen: {done} von {total} Nachrichten geprüft …"
            self.app.call_from_thread(self._status, text)

        try:
            report = core.reply_fetch.run(load_imap_settings(), progress=Throttled(show))
        except KoordinationError as exc:
            # The first sentences and where to set it up; the example belongs to the CLI.
            message = exc.message.splitlines()[0].split(", zum Beispiel")[0]
            self.app.call_from_thread(self._fetched, None, message)
        except Exception as exc:  # the UI must survive anything the server or database throws
            message = f"Antworten abholen fehlgeschlagen ({type(exc).__name__})."
            self.app.call_from_thread(self._fetched, None, message)
        else:
            self.app.call_from_thread(self._fetched, report, None)

    def _fetched(self, report: FetchReport | None, error: str | None) -> None:
        if report is None:
            self._status("Antworten abholen: fehlgeschlagen.")
            self.notify(error or "", title="Antworten abholen", severity="error", timeout=12)
            return
        self._status(f"Antworten abholen: {report.summary()}")
        self.notify(
            report.summary(),
            title="Antworten abholen",
            severity="warning" if report.unassigned else "information",
            timeout=12,
        )
        if report.booked:
            self.refresh_detail()  # the answers of the highlighted date; the agenda stays

    # ------------------------------------------------------------------ invitations
    def action_send(self) -> None:
        picked = self.selected()
        if picked is None:
            return
        _row, meeting = picked
        core = self.core
        assert core is not None
        self.call_service(lambda: self._offer(core, meeting), self._show_offer)

    @staticmethod
    def _offer(core: Core, meeting: MeetingRecord) -> SendOffer:
        """Runs in a worker: put the groups' current members on the list, plan what goes out."""
        from koordination.delivery.settings import load_smtp_settings
        from koordination.outputs.files import invitation_folder
        from koordination.outputs.registry import invitation_attachment
        from koordination.services.meetings import dispatch
        from koordination.tui.dialogs.meeting import SendOffer

        meetings = core.meetings
        added = meetings.invite(meeting.id, group_ids=meeting.group_ids)
        plan = meetings.plan_delivery(meeting.id)
        folder = invitation_folder(plan.meeting)
        mail_problem: str | None = None
        settings: SmtpSettings | None = None
        try:
            settings = load_smtp_settings()
        except KoordinationError as exc:
            # The first sentence and where to set it up; the example belongs to the CLI.
            mail_problem = exc.message.splitlines()[0].split(", zum Beispiel")[0]

        def write_files(progress: Callable[[int, int], None]) -> str:
            count, target = dispatch.write_files(meetings, plan, folder, progress)
            return f"{count} Dateien in {target} gespeichert."

        def send_mail(progress: Callable[[int, int], None]) -> tuple[str, list[str]]:
            letter = invitation_attachment(core, plan.meeting)
            result = dispatch.send_mails(meetings, plan, settings, progress, letter)
            return result.summary(), list(result.failures)

        return SendOffer(plan, added, folder, mail_problem, write_files, send_mail)

    def _show_offer(self, offer: SendOffer) -> None:
        from koordination.tui.dialogs.meeting import SendScreen

        if offer.added:
            # The list changed even if nothing is sent in the end.
            self.refresh_detail()

        def done(delivered: bool | None) -> None:
            if delivered:
                self.changed("meeting")

        self.app.push_screen(SendScreen(offer), done)
