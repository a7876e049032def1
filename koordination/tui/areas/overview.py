"""The Übersicht area: data-protection deadlines and warnings, the city at a glance, sectors,
the programme's requirements, next meetings, running surveys, groups, open tasks and measures
that are due."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual.worker import get_current_worker

from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingStatus, ResponseStatus, SurveyStatus
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import (
    city_summary,
    escape_markup,
    groups_table,
    next_meetings_table,
    sector_table,
)
from koordination.tui.keys import bind
from koordination.tui.messages import StartupDone

if TYPE_CHECKING:
    from koordination.db.glance import Glance
    from koordination.domain.records.directory import Overview
    from koordination.domain.records.fields import MeasureRecord
    from koordination.domain.records.meetings import OccurrenceRow, TaskRecord
    from koordination.domain.records.programme import EligibilityReport
    from koordination.domain.records.surveys import SurveyRecord
    from koordination.services.meetings.service import Meetings
    from koordination.services.privacy.requests import PrivacyStatus
    from koordination.services.reminders import ReminderPlan

#: How many open tasks the Übersicht lists (the most urgent first).
URGENT_TASKS = 5
#: One line per task in the card (it sits next to the next meetings).
TASK_LINE = 40
#: How many dates "Nächste Termine" lists, and how far "Offene Antworten" looks ahead.
NEXT_MEETINGS = 5
OPEN_ANSWERS_AHEAD = timedelta(weeks=12)
#: How many running surveys the Übersicht lists.
RUNNING_SURVEYS = 3
#: Below this width the cards stand in one column.
NARROW = 100
#: How far ahead "Fällige Maßnahmen" looks, and how many it lists (overdue ones first).
DUE_WITHIN_DAYS = 30
DUE_MEASURES = 5
#: How many open data-protection requests the card lists (the earliest deadline first).
OPEN_REQUESTS = 4


@dataclass(frozen=True)
class Outlook:
    next_rows: tuple[OccurrenceRow, ...]
    #: Invitees who received an invitation to an upcoming meeting and have not answered.
    open_answers: int


def meeting_outlook(meetings: Meetings, today: date) -> Outlook:
    """The next dates from ``today`` on and the open answers for the coming weeks."""
    start = datetime.combine(today, time(0, 0), tzinfo=CITY_ZONE)
    rows = meetings.occurrences(start, start + OPEN_ANSWERS_AHEAD)
    upcoming = list(rows)
    if len(upcoming) < NEXT_MEETINGS:
        upcoming = meetings.occurrences(start, start + timedelta(days=366))
    ids = dict.fromkeys(r.meeting_id for r in rows if r.status != MeetingStatus.ABGESAGT)
    open_answers = 0
    for meeting_id in ids:
        for inv in meetings.invitation_list(meeting_id):
            if (
                not inv.removed
                and not inv.excluded_because
                and inv.sent_sequence is not None
                and inv.status in (ResponseStatus.EINGELADEN, ResponseStatus.KEINE_ANTWORT)
            ):
                open_answers += 1
    return Outlook(tuple(upcoming[:NEXT_MEETINGS]), open_answers)


def open_tasks_card(tasks: list[TaskRecord], today: date) -> str:
    """Open tasks: how many, how many overdue, and the most urgent few (overdue in red)."""
    from textual.markup import escape

    overdue = [t for t in tasks if t.overdue(today)]
    lines = [f"[b]Aufgaben[/b]  {len(tasks)} offen"]
    if overdue:
        lines[0] += f", [b red]{len(overdue)} überfällig[/b red]"
    if not tasks:
        lines.append("[dim]Keine offenen Aufgaben.[/dim]")
    # The list comes sorted by due date; overdue ones are the earliest.
    for t in tasks[:URGENT_TASKS]:
        due = f"{t.due:%d.%m.%y}" if t.due else "offen"
        line = f"{due:<8} {t.assignee}: {t.title}"
        if len(line) > TASK_LINE:
            line = line[: TASK_LINE - 1] + "…"
        line = escape(line)
        lines.append(f"[b red]{line}[/b red]" if t.overdue(today) else line)
    if len(tasks) > URGENT_TASKS:
        lines.append(f"[dim]… und {len(tasks) - URGENT_TASKS} weitere[/dim]")
    return "\n".join(lines)


def due_measures_card(measures: list[MeasureRecord], today: date) -> str:
    """Measures due within the next weeks and those overdue (in red), earliest first."""
    overdue = [m for m in measures if m.overdue(today)]
    coming = len(measures) - len(overdue)
    lines = [f"[b]Fällige Maßnahmen[/b]  {coming} in {DUE_WITHIN_DAYS} Tagen"]
    if overdue:
        lines[0] += f", [b red]{len(overdue)} überfällig[/b red]"
    if not measures:
        lines.append(f"[dim]Keine Maßnahme fällig in den nächsten {DUE_WITHIN_DAYS} Tagen.[/dim]")
    for m in measures[:DUE_MEASURES]:
        due = f"{m.due_on:%d.%m.%y}" if m.due_on else ""
        title = f"{due:<8} {m.title}"
        room = TASK_LINE - 6
        if len(title) > room:
            title = title[: room - 1] + "…"
        line = escape_markup(f"{title:<{room}} {m.progress:>3} %")
        lines.append(f"[b red]{line}[/b red]" if m.overdue(today) else line)
    if len(measures) > DUE_MEASURES:
        lines.append(f"[dim]… und {len(measures) - DUE_MEASURES} weitere (Taste 9)[/dim]")
    return "\n".join(lines)


def privacy_card(status: PrivacyStatus, today: date) -> str:
    """Open requests of data subjects with their one-month deadline, overdue ones in words
    (and red), and the warning while no retention period is decided; "" when all is well."""
    requests = status.open_requests
    lines = []
    if requests:
        late = sum(r.overdue(today) for r in requests)
        count = f"{len(requests)} {'Anfrage' if len(requests) == 1 else 'Anfragen'}"
        head = f"[b]Datenschutz[/b]  {count} offen"
        if late:
            head += f", [b red]{late} überfällig[/b red]"
        lines.append(head)
        for r in requests[:OPEN_REQUESTS]:
            kind = r.kind.label.split(" (")[0]
            line = escape_markup(
                f"{kind}: {r.about}, Frist {r.due_on:%d.%m.%y}, {r.deadline(today)}"
            )
            lines.append(f"[b red]{line}[/b red]" if r.overdue(today) else line)
        if len(requests) > OPEN_REQUESTS:
            lines.append(
                f"[dim]… und {len(requests) - OPEN_REQUESTS} weitere "
                "(koordination datenschutz anfrage list)[/dim]"
            )
    if status.retention_warning:
        # One line at 80 columns, so the figures below stay on the first screen; the
        # command line's longer wording says what to do in words.
        short = status.retention_warning.split(" – ")[0]
        lines.append(f"[b]Achtung:[/b] {escape_markup(short)} (Taste M)")
    return "\n".join(lines)


def programme_card(report: EligibilityReport) -> str:
    """Whether the city meets the requirements of the programme, else what is missing."""
    lines = ["[b]Programm Engagierte Stadt[/b]"]
    if report.eligible:
        lines.append("[b green]✓ Voraussetzungen erfüllt[/b green]")
        return "\n".join(lines)
    lines.append(f"[b red]✗ {escape_markup(report.summary)}[/b red]")
    lines += [f"[red]  ✗ {escape_markup(c.label)}[/red]" for c in report.missing]
    lines.append("[dim]Einzelheiten: koordination check eligibility[/dim]")
    return "\n".join(lines)


def running_surveys_card(surveys: list[SurveyRecord]) -> RenderableType:
    """The running surveys with their period and how many answers came in so far: the title
    wraps at word boundaries, the count and the period stay whole on their row."""
    from koordination.tui.survey_text import answers_text  # after the first screen

    head = f"[b]Umfragen[/b]  {len(surveys)} {'läuft' if len(surveys) == 1 else 'laufen'}"
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, show_header=False)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(justify="right", no_wrap=True)
    for s in surveys[:RUNNING_SURVEYS]:
        # The period under the title: beside it, it would squeeze the title into pieces.
        title = Text(s.title)
        title.append(f"\n{s.period_label or s.audience_label}", style="dim")
        table.add_row(title, answers_text(s.response_count))
    parts: list[RenderableType] = [Text.from_markup(head), table]
    if len(surveys) > RUNNING_SURVEYS:
        parts.append(
            Text.from_markup(f"[dim]… und {len(surveys) - RUNNING_SURVEYS} weitere (Taste 8)[/dim]")
        )
    return Group(*parts)


class OverviewArea(Area, can_focus=True):
    TITLE = "Übersicht"
    # The cards may be taller than a small terminal: the keys scroll them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Hoch", show=False),
        Binding("down", "scroll_down", "Runter", show=False),
        Binding("pageup", "page_up", "Seite hoch", show=False),
        Binding("pagedown", "page_down", "Seite runter", show=False),
        # The warning card says "Taste M"; in the footer it would push out Strg+Q at 80 columns.
        bind(
            "retention",
            "open_retention",
            "Aufbewahrungsfristen festlegen und ausführen",
            show=False,
        ),
        # The card "Zu versenden" says "Taste Q", like the warning card's M.
        bind("outgoing", "open_outgoing", "Erinnerungen und Protokolle versenden", show=False),
    ]

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or (focused is not self and self not in focused.ancestors):
            self.focus()

    def on_resize(self) -> None:
        # Below 100 columns the cards stand in one column: side by side, a long focus text
        # or a figure would wrap away from its label.
        self.set_class(self.shown_width() < NARROW, "-narrow")

    def activate(self) -> None:
        self.on_resize()
        super().activate()

    def compose(self) -> ComposeResult:
        self.on_resize()
        # Deadlines first: an overdue request is the one thing that must not wait.
        privacy = Static("", id="overview-privacy", classes="card")
        privacy.display = False
        yield privacy
        with Horizontal(classes="overview-top"):
            yield Static("Wird geladen …", id="overview-city", classes="card")
            with Vertical(classes="overview-right"):
                yield Static("", id="overview-sectors", classes="card")
                yield Static("", id="overview-programme", classes="card")
        yield Static("", id="overview-meetings", classes="card")
        outgoing = Static("", id="overview-outgoing", classes="card")
        outgoing.display = False
        yield outgoing
        surveys = Static("", id="overview-surveys", classes="card")
        surveys.display = False
        yield surveys
        with Horizontal(classes="overview-bottom"):
            with Vertical(classes="card overview-groups"):
                yield Static("", id="overview-groups")
            with Vertical(classes="overview-side"):
                yield Static("", id="overview-tasks", classes="card")
                yield Static("", id="overview-measures", classes="card")

    def reload(self, keep_position: bool = False) -> None:
        if self.core is not None:
            self._load()

    @work(thread=True, exclusive=True, group="overview")
    def _load(self) -> None:
        core = self.core
        assert core is not None
        today = core.clock.today()
        worker = get_current_worker()
        cards: list[tuple[Callable[[], Any], Callable[[Any], object]]] = [
            (core.directory.overview, self.show),
            (core.privacy_requests.status, lambda status: self.show_privacy(status, today)),
            (lambda: meeting_outlook(core.meetings, today), self.show_outlook),
            (lambda: core.sittings.list_tasks(open_only=True), lambda t: self.show_tasks(t, today)),
            (lambda: core.surveys.list_surveys(SurveyStatus.LAEUFT), self.show_surveys),
            (
                lambda: (
                    core.fields.due_measures(today, DUE_WITHIN_DAYS),
                    core.programme.eligibility(),
                ),
                lambda loaded: self.show_programme(loaded[0], loaded[1], today),
            ),
            (lambda: (core.reminders.plan(), core.minutes_mail.unsent()), self.show_outgoing),
        ]
        try:
            for index, (load, show) in enumerate(cards):
                try:
                    loaded = load()
                except KoordinationError as exc:
                    self.app.call_from_thread(self.notify, exc.message, severity="error")
                    return
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(show, loaded)
                if index == 0:
                    # The figures are what the user waits for: the other cards load once they
                    # are painted, instead of competing with that frame.
                    painted = threading.Event()
                    self.app.call_from_thread(self.call_after_refresh, painted.set)
                    painted.wait(timeout=0.25)
        finally:
            self.post_message(StartupDone())

    def show_programme(
        self, due: list[MeasureRecord], report: EligibilityReport, today: date
    ) -> None:
        self.query_one("#overview-measures", Static).update(due_measures_card(due, today))
        self.query_one("#overview-programme", Static).update(programme_card(report))

    def action_open_retention(self) -> None:
        """The retention rules (imported only now: the screen is no part of the start)."""
        from koordination.tui.screens.retention import RetentionScreen

        if self.core is not None:
            self.app.push_screen(RetentionScreen(self.core), lambda _none: self.reload())

    def on_click(self, event: events.Click) -> None:
        # The retention warning leads to the rules, by mouse too.
        if event.widget is not None and event.widget.id == "overview-privacy":
            self.action_open_retention()
        if event.widget is not None and event.widget.id == "overview-outgoing":
            self.action_open_outgoing()

    def action_open_outgoing(self) -> None:
        """What goes out by itself (imported only now, like the retention rules)."""
        from koordination.tui.screens.outgoing import OutgoingScreen

        if self.core is not None:
            self.app.push_screen(OutgoingScreen(self.core), lambda _none: self.reload())

    def show_outgoing(self, loaded: tuple[ReminderPlan, list[Any]]) -> None:
        plan, minutes = loaded
        parts = []
        if plan.due:
            parts.append(f"{len(plan.due)} Erinnerung(en) fällig")
        if minutes:
            parts.append(f"{len(minutes)} genehmigte(s) Protokoll(e) nicht versandt")
        card = self.query_one("#overview-outgoing", Static)
        card.display = bool(parts)
        card.update(
            "[b]Zu versenden[/b]\n" + "; ".join(parts) + ".\n[dim]Taste Q: ansehen und senden[/dim]"
        )

    def show_privacy(self, status: PrivacyStatus, today: date) -> None:
        card = self.query_one("#overview-privacy", Static)
        text = privacy_card(status, today)
        card.display = bool(text)
        card.update(text)

    def show_surveys(self, running: list[SurveyRecord]) -> None:
        card = self.query_one("#overview-surveys", Static)
        card.display = bool(running)
        card.update(running_surveys_card(running))

    def show_tasks(self, tasks: list[TaskRecord], today: date) -> None:
        self.query_one("#overview-tasks", Static).update(open_tasks_card(tasks, today))

    def show_outlook(self, outlook: Outlook) -> None:
        self.outlook = outlook
        self.query_one("#overview-meetings", Static).update(
            next_meetings_table(outlook.next_rows, outlook.open_answers)
        )

    def show_glance(self, glance: Glance) -> None:
        """The city and the sector table read from the file before the core is open; the
        core's overview paints the same figures again with the other cards."""
        self.query_one("#overview-city", Static).update(city_summary(glance.city))
        self.query_one("#overview-sectors", Static).update(sector_table(glance))

    def show(self, overview: Overview) -> None:
        self.overview = overview
        self.query_one("#overview-city", Static).update(city_summary(overview.city))
        self.query_one("#overview-sectors", Static).update(sector_table(overview))
        self.query_one("#overview-groups", Static).update(groups_table(overview))
