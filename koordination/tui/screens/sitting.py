"""One sitting of a meeting: Tagesordnung, Anwesenheit, Protokoll, Aufgaben, Werkstatt, approval,
export."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from koordination.domain.enums import (
    AttendanceStatus,
    CardKind,
    MeetingKind,
    MinutesStatus,
)
from koordination.domain.records.meetings import (
    AgendaItemRecord,
    CardRecord,
    SittingRecord,
    TaskRecord,
)
from koordination.errors import KoordinationError
from koordination.tui.formatting import short_day, time_span
from koordination.tui.messages import DataChanged

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.inputs.sittings import (
        CardInput,
        DecisionInput,
        HeaderInput,
        ItemInput,
        TaskInput,
    )
    from koordination.services.sittings.service import Sittings

T = TypeVar("T")

#: Seconds after the last key before the notes of an item are saved.
NOTES_DELAY = 0.5

TABS = ("agenda", "attendance", "minutes", "tasks", "workshop")

#: Which tab each editing action belongs to.
ACTION_TABS: dict[str, tuple[str, ...]] = {
    "item_new": ("agenda",),
    "item_sub": ("agenda",),
    "item_edit": ("agenda",),
    "item_delete": ("agenda",),
    "item_up": ("agenda",),
    "item_down": ("agenda",),
    "toggle_present": ("attendance",),
    "excused": ("attendance",),
    "guest": ("attendance",),
    "header": ("minutes",),
    "decision": ("minutes",),
    "task": ("minutes", "tasks"),
    "task_done": ("tasks",),
    "card_new": ("workshop",),
    "card_cluster": ("workshop",),
    "card_vote_up": ("workshop",),
    "card_vote_down": ("workshop",),
    "card_task": ("workshop",),
}

#: Cards without a cluster are listed last, under this heading.
NO_CLUSTER = "Ohne Cluster"
#: More dots than this are shown as a number only (the row stays one line).
MAX_DOTS = 12

CARD_STYLE = {
    CardKind.IDEE: "green",
    CardKind.ERKENNTNIS: "cyan",
    CardKind.FRAGE: "yellow",
}

STATUS_STYLE = {
    AttendanceStatus.ANWESEND: "bold green",
    AttendanceStatus.ENTSCHULDIGT: "yellow",
    AttendanceStatus.ABWESEND: "dim",
    AttendanceStatus.GAST: "cyan",
}


def minutes_label(status: MinutesStatus) -> str:
    return {
        MinutesStatus.ENTWURF: "Entwurf",
        MinutesStatus.ZUR_GENEHMIGUNG: "zur Genehmigung",
        MinutesStatus.GENEHMIGT: "genehmigt",
    }[status]


def duration(minutes: int | None) -> str:
    return f"{minutes} Min." if minutes is not None else "–"


def attachments_marker(item: AgendaItemRecord) -> str:
    """ "[2 Anlagen]" for the agenda table; empty without attachments."""
    n = len(item.attachments)
    if not n:
        return ""
    return "[1 Anlage]" if n == 1 else f"[{n} Anlagen]"


def dots(votes: int) -> str:
    """The dot-votes of a card as dots and a number: "●●● 3"."""
    shown = "●" * min(votes, MAX_DOTS) + ("…" if votes > MAX_DOTS else "")
    return f"{shown} {votes}".strip()


def clustered(cards: tuple[CardRecord, ...]) -> list[tuple[str, list[CardRecord]]]:
    """Cards by cluster, the clusters with the most dots first and the unclustered last;
    within a cluster the cards with the most dots first."""
    by_cluster: dict[str, list[CardRecord]] = {}
    for card in cards:
        by_cluster.setdefault(card.cluster, []).append(card)
    for members in by_cluster.values():
        members.sort(key=lambda c: (-c.votes, c.id))
    order = sorted(
        by_cluster,
        key=lambda name: (name == "", -sum(c.votes for c in by_cluster[name]), name.lower()),
    )
    return [(name or NO_CLUSTER, by_cluster[name]) for name in order]


def item_results(item: AgendaItemRecord) -> str:
    """Decisions and tasks of one item, as the minutes will show them (Textual markup)."""
    lines: list[str] = []
    for d in item.decisions:
        if d.consensus:
            vote = "im Konsens"
        else:
            vote = (
                f"Ja {d.votes_yes or 0} · Nein {d.votes_no or 0} · "
                f"Enthaltung {d.votes_abstain or 0}"
            )
        lines.append(f"[b]Beschluss:[/b] {escape(d.wording)} [dim]({vote}; {d.result.label})[/dim]")
    for t in item.tasks:
        due = f" bis {t.due:%d.%m.%Y}" if t.due else ""
        lines.append(f"[b]Aufgabe:[/b] {escape(t.title)} [dim]– {escape(t.assignee)}{due}[/dim]")
    if not lines:
        return "[dim]Noch keine Beschlüsse oder Aufgaben. Strg+B: Beschluss, Strg+T: Aufgabe[/dim]"
    return "\n".join(lines)


class NotesArea(TextArea):
    """The editor for an item's notes; Esc goes back to the list of items."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Zur Liste", tooltip="Zurück zur Liste der TOPs"),
    ]

    def action_leave(self) -> None:
        self.screen.query_one("#sitting-items", DataTable).focus()


class SittingScreen(Screen[None]):
    """Everything about one sitting; the database work runs in threads, one use case at a time."""

    TITLE = "Sitzung"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Zurück", tooltip="Sitzung schließen, zurück zu den Terminen"),
        Binding("1", "tab('agenda')", "Tagesordnung", show=False, tooltip="Tagesordnung zeigen"),
        Binding("2", "tab('attendance')", "Anwesenheit", show=False, tooltip="Anwesenheit zeigen"),
        Binding("3", "tab('minutes')", "Protokoll", show=False, tooltip="Protokoll zeigen"),
        Binding("4", "tab('tasks')", "Aufgaben", show=False, tooltip="Offene Aufgaben zeigen"),
        Binding("5", "tab('workshop')", "Werkstatt", show=False, tooltip="Werkstatt-Karten zeigen"),
        # Tagesordnung
        Binding("n", "item_new", "Neuer TOP", tooltip="Tagesordnungspunkt anlegen"),
        Binding("u", "item_sub", "Unterpunkt", tooltip="Unterpunkt zum gewählten TOP anlegen"),
        Binding("e", "item_edit", "Bearbeiten", tooltip="Tagesordnungspunkt bearbeiten"),
        Binding("x", "item_delete", "Löschen", tooltip="Tagesordnungspunkt löschen"),
        Binding(
            "ctrl+up,K", "item_up", "Nach oben", key_display="Strg+↑/K", tooltip="TOP nach oben"
        ),
        Binding(
            "ctrl+down,J",
            "item_down",
            "Nach unten",
            key_display="Strg+↓/J",
            tooltip="TOP nach unten",
        ),
        # Anwesenheit
        Binding(
            "space",
            "toggle_present",
            "Anwesend",
            key_display="Leertaste",
            tooltip="Person anwesend / abwesend",
        ),
        Binding("e", "excused", "Entschuldigt", tooltip="Person ist entschuldigt"),
        Binding("g", "guest", "Gast", tooltip="Person ist Gast"),
        # Protokoll
        Binding("k", "header", "Kopf", tooltip="Protokollkopf: Leitung, Protokoll, Zeiten, Art"),
        Binding("ctrl+b", "decision", "Beschluss", tooltip="Beschluss zum TOP erfassen"),
        Binding("ctrl+t", "task", "Aufgabe", tooltip="Aufgabe erfassen (wer, was, bis wann)"),
        # Aufgaben
        Binding("d", "task_done", "Erledigt", tooltip="Aufgabe erledigt (in dieser Sitzung)"),
        # Werkstatt
        Binding("n", "card_new", "Neue Karte", tooltip="Werkstatt: Karte anlegen"),
        Binding("c", "card_cluster", "Cluster", tooltip="Werkstatt: Cluster der Karte ändern"),
        Binding("plus", "card_vote_up", "+Punkt", key_display="+", tooltip="Karte: Punkt dazu"),
        Binding("minus", "card_vote_down", "−Punkt", key_display="-", tooltip="Karte: Punkt weg"),
        Binding("t", "card_task", "Zur Aufgabe", tooltip="Werkstatt: Karte wird Aufgabe"),
        # Status and export
        Binding("ctrl+f", "submit", "Zur Genehmigung", tooltip="Protokoll zur Genehmigung geben"),
        Binding("ctrl+g", "approve", "Genehmigen", tooltip="Protokoll genehmigen"),
        Binding("ctrl+o", "correct", "Korrektur", tooltip="Korrektur eines genehmigten Protokolls"),
        Binding(
            "ctrl+e", "export", "Export", priority=True, tooltip="Sitzung als Dokument exportieren"
        ),
        Binding("h", "history", "Verlauf", tooltip="Verlauf: Änderungen an Sitzung und Protokoll"),
    ]

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
        #: The item whose notes the editor shows, and the text known to be stored per item.
        self.notes_item: int | None = None
        self.saved_notes: dict[int, str] = {}
        self._dirty: int | None = None
        self._debounce: Timer | None = None
        self._select_item: int | None = None
        #: The card under each row of the Werkstatt table (``None`` on cluster headings).
        self.card_rows: list[CardRecord | None] = []
        self._select_card: int | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(escape(self.heading), id="sitting-title", classes="sitting-title")
        yield Static("", id="sitting-frozen", classes="sitting-frozen")
        with TabbedContent(id="sitting-tabs", initial="sitting-tab-agenda"):
            with TabPane("1 Tagesordnung", id="sitting-tab-agenda"):
                yield Static("", id="sitting-overrun", classes="sector-warning")
                table: DataTable[Any] = DataTable(id="sitting-agenda", cursor_type="row")
                yield table
            with TabPane("2 Anwesenheit", id="sitting-tab-attendance"):
                yield Static("", id="sitting-sectors", classes="sitting-sectors")
                yield DataTable(id="sitting-attendance", cursor_type="row")
            with TabPane("3 Protokoll", id="sitting-tab-minutes"):
                yield Static("", id="sitting-head", classes="sitting-head")
                with Horizontal(classes="sitting-minutes"):
                    yield DataTable(id="sitting-items", cursor_type="row")
                    with Vertical(classes="sitting-editor"):
                        yield Static("", id="sitting-item-title", classes="sitting-item-title")
                        yield NotesArea(id="sitting-notes", soft_wrap=True, tab_behavior="focus")
                        yield Static("", id="sitting-item-results", classes="sitting-results")
            with TabPane("4 Aufgaben", id="sitting-tab-tasks"):
                yield Static("", id="sitting-tasks-hint", classes="area-hint")
                yield DataTable(id="sitting-tasks", cursor_type="row")
            with TabPane("5 Werkstatt", id="sitting-tab-workshop"):
                yield Static("", id="sitting-cards-hint", classes="area-hint")
                yield DataTable(id="sitting-cards", cursor_type="row")
        yield Static("Sitzung wird geöffnet …", id="sitting-status", classes="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sitting-frozen").display = False
        self.query_one("#sitting-overrun").display = False
        notes = self.query_one(NotesArea)
        notes.disabled = True
        self._columns()
        self.load()

    def _columns(self) -> None:
        agenda = self.query_one("#sitting-agenda", DataTable)
        agenda.add_column("TOP", width=5)
        agenda.add_column("Beginn", width=7)
        agenda.add_column("Dauer", width=8)
        agenda.add_column("Titel", width=52)
        agenda.add_column("Vortrag", width=22)
        agenda.add_column("Hinweis", width=22)
        people = self.query_one("#sitting-attendance", DataTable)
        people.add_column("Name", width=28)
        people.add_column("Organisation", width=40)
        people.add_column("Sektor", width=22)
        people.add_column("Status", width=14)
        items = self.query_one("#sitting-items", DataTable)
        items.add_column("TOP", width=5)
        items.add_column("Titel", width=34)
        tasks = self.query_one("#sitting-tasks", DataTable)
        tasks.add_column("Fällig", width=11)
        tasks.add_column("Wer", width=26)
        tasks.add_column("Aufgabe", width=48)
        tasks.add_column("Aus", width=30)
        tasks.add_column("Stand", width=14)
        cards = self.query_one("#sitting-cards", DataTable)
        cards.add_column("Karte", width=56)
        cards.add_column("Art", width=13)
        cards.add_column("Punkte", width=18)
        cards.add_column("Aufgabe", width=18)

    # ------------------------------------------------------------------ helpers
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = ACTION_TABS.get(action)
        if tabs is not None:
            if self.active_tab not in tabs:
                return False
            return None if self.record is None or self.frozen else True
        status = self.record.minutes_status if self.record else None
        if action == "submit":
            return status == MinutesStatus.ENTWURF
        if action == "approve":
            return status is not None and status != MinutesStatus.GENEHMIGT
        if action == "correct":
            return status == MinutesStatus.GENEHMIGT
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if event.tabbed_content.id != "sitting-tabs":
            return
        self._flush_notes()
        self.refresh_bindings()
        table_id = {
            "agenda": "#sitting-agenda",
            "attendance": "#sitting-attendance",
            "minutes": "#sitting-items",
            "tasks": "#sitting-tasks",
            "workshop": "#sitting-cards",
        }[self.active_tab]
        self.call_after_refresh(self.query_one(table_id).focus)

    def action_tab(self, tab: str) -> None:
        self.query_one("#sitting-tabs", TabbedContent).active = f"sitting-tab-{tab}"

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="sitting-open")
    def load(self) -> None:
        try:
            with self.db_lock:
                record = self.minutes.open(self.meeting_id, self.when)
                groups = [(g.name, g.id) for g in self.core.directory.list_groups()]
        except KoordinationError as exc:
            self.app.call_from_thread(self._open_failed, exc.message)
            return
        except Exception as exc:  # the UI must survive anything the database throws
            self.app.call_from_thread(self._open_failed, f"Unerwarteter Fehler: {exc}")
            return
        self.app.call_from_thread(self._opened, record, groups)

    def _open_failed(self, message: str) -> None:
        self.app.notify(message, title="Sitzung", severity="error", timeout=12)
        self.dismiss(None)

    def _opened(self, record: SittingRecord, groups: list[tuple[str, int]]) -> None:
        self.groups = groups
        self.show(record)
        self.query_one("#sitting-agenda").focus()

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

    # ------------------------------------------------------------------ showing
    def show(self, record: SittingRecord) -> None:
        was_frozen = self.frozen
        first = self.record is None
        self.record = record
        self._show_title(record)
        self._show_agenda(record)
        self._show_attendance(record)
        self._show_minutes(record, reload_editor=first or was_frozen != record.frozen)
        self._show_tasks(record)
        self._show_cards(record)
        self._show_status(record)
        self.refresh_bindings()

    def _show_title(self, record: SittingRecord) -> None:
        kind = "Werkstatt" if record.kind == MeetingKind.WERKSTATT else record.kind.label
        # Room and building; the full address is in the invitation letter.
        place = f" · {', '.join(record.place.split(', ')[:2])}" if record.place else ""
        groups = f" · {', '.join(record.groups)}" if record.groups else ""
        self.query_one("#sitting-title", Static).update(
            f"[b]{escape(record.title)}[/b] – {short_day(record.start)}, "
            f"{time_span(record.start, record.end)}{escape(place)}"
            f"[dim]{escape(groups)} · {escape(kind)}[/dim]"
        )
        frozen = self.query_one("#sitting-frozen", Static)
        frozen.display = record.frozen
        if record.frozen and record.versions:
            v = record.versions[-1]
            frozen.update(
                f"Genehmigt (Fassung {v.number}) am {v.approved_at:%d.%m.%Y} von "
                f"{escape(v.approved_by)} – eingefroren, nur lesbar. Fingerabdruck (SHA-256): "
                f"{v.fingerprint}\nÄndern: Strg+O „Korrektur beginnen“ (die genehmigte Fassung "
                "bleibt erhalten)."
            )

    def _restore(self, table: DataTable[Any], row: int) -> None:
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1), animate=False)

    def _show_agenda(self, record: SittingRecord) -> None:
        table = self.query_one("#sitting-agenda", DataTable)
        row = table.cursor_row
        table.clear()
        for item in record.items:
            sub = item.parent_id is not None
            notes = []
            if item.standing is not None:
                notes.append("◆ ständig")
            if not item.public:
                notes.append("nicht öffentlich")
            if item.attachments:
                notes.append(attachments_marker(item))
            title = Text(("   " if sub else "") + item.title, style="" if sub else "bold")
            table.add_row(
                Text(item.number, style="dim" if sub else "bold"),
                f"{item.planned_start:%H:%M}" if item.planned_start else "",
                duration(item.duration_minutes),
                title,
                item.presenter,
                Text(", ".join(notes), style="cyan"),
                key=str(item.id),
            )
        if self._select_item is not None:
            row = next((i for i, it in enumerate(record.items) if it.id == self._select_item), row)
            self._select_item = None
        self._restore(table, row)
        table.border_title = f"Tagesordnung – {len(record.items)} Punkte"
        overrun = self.query_one("#sitting-overrun", Static)
        overrun.display = bool(record.overrun)
        overrun.update(f"⚠ {escape(record.overrun)}" if record.overrun else "")

    def _show_attendance(self, record: SittingRecord) -> None:
        from koordination.services.sittings.service import Sittings

        table = self.query_one("#sitting-attendance", DataTable)
        row = table.cursor_row
        table.clear()
        for i, a in enumerate(record.attendance):
            table.add_row(
                a.name,
                a.organisation or "–",
                a.sector.label if a.sector else "–",
                Text(a.status.label, style=STATUS_STYLE.get(a.status, "")),
                key=str(a.person_id if a.person_id is not None else f"x{i}"),
            )
        self._restore(table, row)
        counts = Sittings.sector_counts(record)
        by_status = {s: 0 for s in AttendanceStatus}
        for a in record.attendance:
            by_status[a.status] += 1
        sectors = " · ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "noch niemand"
        self.query_one("#sitting-sectors", Static).update(
            f"[b]Anwesend nach Sektor:[/b] {escape(sectors)}\n"
            f"[dim]anwesend {by_status[AttendanceStatus.ANWESEND]} · entschuldigt "
            f"{by_status[AttendanceStatus.ENTSCHULDIGT]} · abwesend "
            f"{by_status[AttendanceStatus.ABWESEND]} · Gäste {by_status[AttendanceStatus.GAST]}"
            "  ·  Leertaste: anwesend/abwesend, e: entschuldigt, g: Gast[/dim]"
        )

    def _show_minutes(self, record: SittingRecord, reload_editor: bool) -> None:
        head = (
            f"[b]{escape(record.minutes_kind.label)}[/b] · Leitung: "
            f"{escape(record.chair or '–')} · Protokoll: {escape(record.minute_taker or '–')} · "
            f"{time_span(record.start, record.end)}"
        )
        if not record.frozen:
            head += "  [dim]k: Kopf bearbeiten[/dim]"
        self.query_one("#sitting-head", Static).update(head)
        table = self.query_one("#sitting-items", DataTable)
        row = table.cursor_row
        with self.prevent(DataTable.RowHighlighted):
            table.clear()
            for item in record.items:
                marker = "✎ " if (self.saved_notes.get(item.id, item.notes)).strip() else ""
                table.add_row(item.number, marker + item.title, key=str(item.id))
            self._restore(table, row)
        for item in record.items:
            # What the database holds now, unless typed text is waiting to be saved.
            if item.id != self._dirty:
                self.saved_notes[item.id] = item.notes
        notes = self.query_one(NotesArea)
        notes.read_only = record.frozen
        notes.disabled = not record.items
        current = self._item_at(table.cursor_row)
        if current is None:
            self.notes_item = None
            self.query_one("#sitting-item-title", Static).update("[dim]Keine TOPs.[/dim]")
            return
        if reload_editor or current.id != self.notes_item:
            self._load_notes(current)
        self._show_item_head(current)

    def _show_item_head(self, item: AgendaItemRecord) -> None:
        hint = "  [dim](nur lesbar)[/dim]" if self.frozen else "  [dim]Esc: zur Liste[/dim]"
        self.query_one("#sitting-item-title", Static).update(
            f"[b]TOP {item.number}: {escape(item.title)}[/b]{hint}"
        )
        self.query_one("#sitting-item-results", Static).update(item_results(item))

    def _item_at(self, row: int) -> AgendaItemRecord | None:
        if self.record is None or not 0 <= row < len(self.record.items):
            return None
        return self.record.items[row]

    def _show_tasks(self, record: SittingRecord) -> None:
        table = self.query_one("#sitting-tasks", DataTable)
        row = table.cursor_row
        table.clear()
        today = self.today()
        for t in record.open_tasks:
            table.add_row(*self._task_cells(t, today), key=str(t.id))
        self._restore(table, row)
        open_count = sum(1 for t in record.open_tasks if t.done_on is None)
        overdue = sum(1 for t in record.open_tasks if t.overdue(today))
        text = f"{open_count} offene Aufgaben der Gruppe"
        if overdue:
            text += f", davon [b red]{overdue} überfällig[/b red]"
        self.query_one("#sitting-tasks-hint", Static).update(
            text + "  [dim]·  d: erledigt (hier berichtet)  ·  Strg+T: neue Aufgabe[/dim]"
        )

    @staticmethod
    def _task_cells(t: TaskRecord, today: date) -> tuple[Any, ...]:
        if t.done_on is not None:
            state = Text(f"erledigt {t.done_on:%d.%m.}", style="green")
        elif t.overdue(today):
            state = Text("überfällig", style="bold red")
        else:
            state = Text("offen")
        due = Text(f"{t.due:%d.%m.%Y}" if t.due else "–")
        if t.overdue(today):
            due.stylize("bold red")
        return due, t.assignee, t.title, Text(t.origin, style="dim"), state

    def _show_cards(self, record: SittingRecord) -> None:
        table = self.query_one("#sitting-cards", DataTable)
        row = table.cursor_row
        table.clear()
        self.card_rows = []
        groups = clustered(record.cards)
        for name, members in groups:
            dots_total = sum(c.votes for c in members)
            table.add_row(
                Text(name, style="bold reverse"),
                Text(f"{len(members)} Karten", style="dim"),
                Text(f"{dots_total} Punkte", style="dim"),
                "",
                key=f"cluster-{len(self.card_rows)}",
            )
            self.card_rows.append(None)
            for card in members:
                table.add_row(
                    Text("  " + card.text),
                    Text(card.kind.label, style=CARD_STYLE.get(card.kind, "")),
                    Text(dots(card.votes), style="bold magenta" if card.votes else "dim"),
                    Text(f"→ Aufgabe Nr. {card.task_id}", style="green") if card.task_id else "",
                    key=f"card-{card.id}",
                )
                self.card_rows.append(card)
        if self._select_card is not None:
            row = next(
                (i for i, c in enumerate(self.card_rows) if c and c.id == self._select_card), row
            )
            self._select_card = None
        elif row == 0 and len(self.card_rows) > 1:
            row = 1  # the first card, not its heading
        self._restore(table, row)
        table.border_title = f"Karten – {len(record.cards)} in {len(groups)} Clustern"
        if record.frozen:
            hint = "[dim]Genehmigt: die Karten sind nur lesbar.[/dim]"
        else:
            hint = (
                "[dim]n: neue Karte · c: Cluster · +/-: Punkt dazu/weg · "
                "t: Karte wird Aufgabe[/dim]"
            )
        if not record.cards:
            hint = "Noch keine Karten. " + hint
        if record.kind != MeetingKind.WERKSTATT:
            hint += "  [dim](Karten sind vor allem für Werkstätten gedacht.)[/dim]"
        self.query_one("#sitting-cards-hint", Static).update(hint)

    def _show_status(self, record: SittingRecord) -> None:
        label = minutes_label(record.minutes_status)
        steps = {
            MinutesStatus.ENTWURF: "Strg+F: zur Genehmigung geben",
            MinutesStatus.ZUR_GENEHMIGUNG: "Strg+G: genehmigen",
            MinutesStatus.GENEHMIGT: "Strg+O: Korrektur beginnen",
        }[record.minutes_status]
        versions = f" · {len(record.versions)} genehmigte Fassung(en)" if record.versions else ""
        self._status(
            f"Protokoll: {label}{versions} · {record.minutes_kind.label}  ·  {steps}  ·  "
            "Strg+E: exportieren  ·  Esc: zurück"
        )

    # ------------------------------------------------------------------ notes (debounced)
    def _load_notes(self, item: AgendaItemRecord) -> None:
        self.notes_item = item.id
        notes = self.query_one(NotesArea)
        text = self.saved_notes.get(item.id, item.notes)
        with self.prevent(TextArea.Changed):
            notes.load_text(text)

    @on(DataTable.RowHighlighted, "#sitting-items")
    def _item_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        item = self._item_at(event.cursor_row)
        if item is None or item.id == self.notes_item:
            return
        self._flush_notes()  # leaving an item saves its notes at once
        self._load_notes(item)
        self._show_item_head(item)

    @on(DataTable.RowSelected, "#sitting-items")
    def _item_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        notes = self.query_one(NotesArea)
        # Minutes grow at the end: that is where typing goes on.
        notes.move_cursor(notes.document.end)
        notes.focus()

    @on(TextArea.Changed, "#sitting-notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        # Called per key: only remember that something changed and restart the clock.
        event.stop()
        if self.notes_item is None or self.frozen:
            return
        self._dirty = self.notes_item
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(NOTES_DELAY, self._flush_notes)

    def _flush_notes(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        item_id, self._dirty = self._dirty, None
        if item_id is None or item_id != self.notes_item or self.frozen:
            return
        text = self.query_one(NotesArea).text
        if self.saved_notes.get(item_id) == text:
            return
        self.saved_notes[item_id] = text
        minutes, lock = self.minutes, self.db_lock

        def save() -> None:
            try:
                with lock:
                    minutes.set_notes(item_id, text)
            except KoordinationError as exc:
                self.app.call_from_thread(self._notes_failed, item_id, exc.message)
            except Exception as exc:  # the typed text stays in the editor
                self.app.call_from_thread(
                    self._notes_failed, item_id, f"Unerwarteter Fehler: {exc}"
                )
            else:
                self.app.call_from_thread(self._notes_saved)

        # On the app, so a save started while closing the screen still finishes.
        self.app.run_worker(save, thread=True, group="sitting-notes")

    def _notes_saved(self) -> None:
        if self.is_mounted and self.record is not None:
            now = self.core.clock.local_now()
            self.query_one(
                "#sitting-head", Static
            ).border_subtitle = f"Notizen gespeichert {now:%H:%M:%S}"

    def _notes_failed(self, item_id: int, message: str) -> None:
        self.saved_notes.pop(item_id, None)
        self.app.notify(message, title="Notizen nicht gespeichert", severity="error", timeout=12)

    # ------------------------------------------------------------------ agenda actions
    def _agenda_item(self) -> AgendaItemRecord | None:
        table = self.query_one("#sitting-agenda", DataTable)
        item = self._item_at(table.cursor_row)
        if item is None:
            self.notify("Bitte zuerst einen Tagesordnungspunkt wählen.", severity="warning")
        return item

    def action_item_new(self, parent: AgendaItemRecord | None = None) -> None:
        from koordination.tui.dialogs.sitting import item_form

        record = self.record
        if record is None:
            return
        minutes = self.minutes
        parent_id = parent.id if parent else None

        def done(data: ItemInput | None) -> None:
            if data is None:
                return

            def call() -> SittingRecord:
                return minutes.add_item(record.id, data, parent_id=parent_id)

            def added(new: SittingRecord) -> None:
                known = {i.id for i in record.items}
                fresh = next((i for i in new.items if i.id not in known), None)
                if fresh is not None:
                    self._select_item = fresh.id
                    self.show(new)
                    self.notify(f"TOP {fresh.number} „{fresh.title}“ angelegt.", markup=False)

            self.run_service(call, added, reload=False)

        title = f"Unterpunkt zu TOP {parent.number}" if parent else "Neuer Tagesordnungspunkt"
        self.app.push_screen(item_form(title, None), done)

    def action_item_sub(self) -> None:
        item = self._agenda_item()
        if item is None or self.record is None:
            return
        parent = item
        if item.parent_id is not None:
            parent = next(i for i in self.record.items if i.id == item.parent_id)
        self.action_item_new(parent)

    def action_item_edit(self) -> None:
        from koordination.tui.dialogs.sitting import item_form

        item = self._agenda_item()
        if item is None:
            return
        minutes = self.minutes

        def done(data: ItemInput | None) -> None:
            if data is None:
                return
            self._select_item = item.id
            self.run_service(
                lambda: minutes.update_item(item, data),
                lambda _none: self.notify(f"TOP {item.number} gespeichert."),
            )

        self.app.push_screen(item_form(f"TOP {item.number} bearbeiten", item), done)

    def action_item_delete(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        item = self._agenda_item()
        if item is None or self.record is None:
            return
        minutes = self.minutes
        lines = [f"TOP {item.number} „{item.title}“ wird gelöscht, mit Notizen und Beschlüssen."]
        if any(i.parent_id == item.id for i in self.record.items):
            lines.append("Auch seine Unterpunkte werden gelöscht.")

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_service(
                    lambda: minutes.remove_item(item.id),
                    lambda _none: self.notify(f"TOP „{item.title}“ gelöscht.", markup=False),
                )

        self.app.push_screen(
            ConfirmScreen("Tagesordnungspunkt löschen", lines, "Löschen", "Behalten"), answer
        )

    def _move(self, delta: int) -> None:
        item = self._agenda_item()
        if item is None:
            return
        minutes = self.minutes
        self._select_item = item.id
        self.run_service(lambda: minutes.move_item(item.id, delta))

    def action_item_up(self) -> None:
        self._move(-1)

    def action_item_down(self) -> None:
        self._move(1)

    @on(DataTable.RowSelected, "#sitting-agenda")
    def _agenda_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.frozen:
            self.action_item_edit()

    # ------------------------------------------------------------------ attendance
    def _set_attendance(self, status: AttendanceStatus | None) -> None:
        record = self.record
        if record is None:
            return
        table = self.query_one("#sitting-attendance", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(record.attendance):
            return
        person = record.attendance[row]
        if person.person_id is None:
            return
        if status is None:
            present = person.status == AttendanceStatus.ANWESEND
            status = AttendanceStatus.ABWESEND if present else AttendanceStatus.ANWESEND
        minutes, person_id, new = self.minutes, person.person_id, status
        self.run_service(
            lambda: minutes.set_attendance(record.id, person_id, new),
            self.show,
            reload=False,
        )

    def action_toggle_present(self) -> None:
        self._set_attendance(None)

    def action_excused(self) -> None:
        self._set_attendance(AttendanceStatus.ENTSCHULDIGT)

    def action_guest(self) -> None:
        self._set_attendance(AttendanceStatus.GAST)

    # ------------------------------------------------------------------ minutes
    def _minutes_item(self) -> AgendaItemRecord | None:
        table = self.query_one("#sitting-items", DataTable)
        item = self._item_at(table.cursor_row)
        if item is None:
            self.notify("Bitte zuerst einen Tagesordnungspunkt wählen.", severity="warning")
        return item

    def action_header(self) -> None:
        from koordination.tui.dialogs.sitting import header_form

        record = self.record
        if record is None:
            return
        minutes = self.minutes

        def done(data: HeaderInput | None) -> None:
            if data is None:
                return

            self.run_service(
                lambda: minutes.set_header(record, data),
                lambda _none: self.notify("Protokollkopf gespeichert."),
            )

        self.app.push_screen(header_form(record), done)

    def action_decision(self) -> None:
        from koordination.tui.dialogs.sitting import decision_form

        item = self._minutes_item()
        if item is None:
            return
        self._flush_notes()
        minutes = self.minutes

        def done(data: DecisionInput | None) -> None:
            if data is None:
                return
            self.run_service(
                lambda: minutes.add_decision(item.id, data),
                lambda _none: self.notify(f"Beschluss zu TOP {item.number} erfasst."),
            )

        self.app.push_screen(decision_form(item), done)

    def action_task(self) -> None:
        from koordination.tui.dialogs.sitting import task_form

        record = self.record
        if record is None:
            return
        item = None
        if self.active_tab == "minutes":
            item = self._minutes_item()
            if item is None:
                return
        self._flush_notes()
        minutes = self.minutes
        people = [(a.name, a.person_id) for a in record.attendance if a.person_id is not None]
        where = f"TOP {item.number}" if item else record.title

        def done(data: TaskInput | None) -> None:
            if data is None:
                return
            self.run_service(
                lambda: minutes.add_task(record.id, data, item_id=item.id if item else None),
                lambda number: self.notify(f"Aufgabe Nr. {number} erfasst."),
            )

        self.app.push_screen(task_form(where, people, self.groups), done)

    # ------------------------------------------------------------------ tasks
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

    # ------------------------------------------------------------------ workshop cards
    def _clusters(self) -> list[str]:
        if self.record is None:
            return []
        return sorted({c.cluster for c in self.record.cards if c.cluster}, key=str.lower)

    def _card(self) -> CardRecord | None:
        table = self.query_one("#sitting-cards", DataTable)
        row = table.cursor_row
        card = self.card_rows[row] if 0 <= row < len(self.card_rows) else None
        if card is None:
            self.notify("Bitte zuerst eine Karte wählen.", severity="warning")
        return card

    def action_card_new(self) -> None:
        from koordination.tui.dialogs.sitting import card_form

        record = self.record
        if record is None:
            return
        # A new card goes to the cluster the cursor is in: that is where the talk is.
        table = self.query_one("#sitting-cards", DataTable)
        row = table.cursor_row
        here = next((c.cluster for c in reversed(self.card_rows[: row + 2]) if c is not None), "")
        minutes = self.minutes

        def done(data: CardInput | None) -> None:
            if data is None:
                return

            def call() -> tuple[int, SittingRecord]:
                card_id = minutes.add_card(record.id, data)
                return card_id, minutes.get(record.id)

            def added(result: tuple[int, SittingRecord]) -> None:
                # The cursor goes to the new card, wherever its cluster sorts.
                self._select_card, new = result
                self.show(new)
                self.notify(f"Karte „{data.text}“ angelegt.", markup=False)

            self.run_service(call, added, reload=False)

        self.app.push_screen(card_form(self._clusters(), here), done)

    def action_card_cluster(self) -> None:
        from koordination.tui.dialogs.sitting import cluster_form

        card = self._card()
        if card is None:
            return
        minutes = self.minutes

        def done(cluster: str | None) -> None:
            if cluster is None:
                return
            self._select_card = card.id
            self.run_service(
                lambda: minutes.group_card(card.id, cluster),
                lambda _none: self.notify(
                    f"Karte jetzt unter „{cluster or NO_CLUSTER}“.", markup=False
                ),
            )

        self.app.push_screen(cluster_form(card, self._clusters()), done)

    def _vote(self, delta: int) -> None:
        card = self._card()
        if card is None:
            return
        if delta < 0 and card.votes == 0:
            self.notify("Die Karte hat keine Punkte.", severity="warning")
            return
        minutes = self.minutes
        self._select_card = card.id
        self.run_service(lambda: minutes.vote(card.id, delta))

    def action_card_vote_up(self) -> None:
        self._vote(1)

    def action_card_vote_down(self) -> None:
        self._vote(-1)

    def action_card_task(self) -> None:
        from koordination.tui.dialogs.sitting import card_task_form

        record = self.record
        card = self._card()
        if record is None or card is None:
            return
        if card.task_id is not None:
            self.notify(f"Diese Karte ist schon Aufgabe Nr. {card.task_id}.", severity="warning")
            return
        minutes = self.minutes
        people = [(a.name, a.person_id) for a in record.attendance if a.person_id is not None]

        def done(data: TaskInput | None) -> None:
            if data is None:
                return

            def made(number: int) -> None:
                self.notify(f"Aus der Karte wurde Aufgabe Nr. {number}.", title="Werkstatt")
                self.post_message(DataChanged("task"))

            self._select_card = card.id
            self.run_service(
                lambda: minutes.card_to_task(
                    card.id, person_id=data.person_id, group_id=data.group_id, due=data.due
                ),
                made,
            )

        self.app.push_screen(card_task_form(card, people, self.groups), done)

    # ------------------------------------------------------------------ approval
    def action_submit(self) -> None:
        record = self.record
        if record is None:
            return
        self._flush_notes()
        minutes = self.minutes
        self.run_service(
            lambda: minutes.submit(record.id),
            lambda _none: self.notify(
                "Das Protokoll liegt zur Genehmigung vor. Genehmigen: Strg+G.", title="Protokoll"
            ),
        )

    def action_approve(self) -> None:
        from koordination.tui.dialogs.sitting import approval_form

        record = self.record
        if record is None:
            return
        if record.minutes_status != MinutesStatus.ZUR_GENEHMIGUNG:
            self.notify(
                "Bitte das Protokoll zuerst zur Genehmigung geben (Strg+F).",
                title="Nicht genehmigt",
                severity="error",
            )
            return
        self._flush_notes()
        minutes = self.minutes

        def done(by: str | None) -> None:
            if by:
                self.run_service(
                    lambda: minutes.approve(record.id, by),
                    lambda v: self.notify(
                        f"Protokoll genehmigt (Fassung {v.number}). Fingerabdruck: "
                        f"{v.fingerprint[:16]}…",
                        title="Protokoll",
                        timeout=10,
                    ),
                )

        self.app.push_screen(approval_form(record), done)

    def action_correct(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        record = self.record
        if record is None:
            return
        minutes = self.minutes

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_service(
                    lambda: minutes.start_correction(record),
                    lambda _none: self.notify(
                        "Das Protokoll ist wieder ein Entwurf; die genehmigte Fassung bleibt "
                        "erhalten.",
                        title="Korrektur",
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                "Korrektur beginnen",
                [
                    "Das genehmigte Protokoll wird wieder zum Entwurf und kann geändert werden.",
                    "Die genehmigte Fassung bleibt mit ihrem Fingerabdruck erhalten; die "
                    "korrigierte muss erneut genehmigt werden.",
                ],
                "Korrektur beginnen",
                "Abbrechen",
            ),
            answer,
        )

    # ------------------------------------------------------------------ export
    def action_export(self) -> None:
        from koordination.outputs.registry import SITTING_DOCUMENTS
        from koordination.tui.dialogs.export import ExportDialog

        record = self.record
        if record is None:
            return
        self._flush_notes()
        documents = [
            key
            for key in SITTING_DOCUMENTS
            if key != "ergebnisbericht" or record.kind == MeetingKind.WERKSTATT
        ]
        default = "ergebnisbericht" if record.kind == MeetingKind.WERKSTATT else "protokoll"
        if record.minutes_status == MinutesStatus.ENTWURF and not record.versions:
            default = "einladung" if record.start.date() >= self.today() else default
        # The registry builds each document from what is stored when it is written; the lock
        # keeps the export behind a note still being saved.
        self.app.push_screen(
            ExportDialog(
                self.core,
                documents,
                record,
                title=f"Exportieren – {record.title}, {record.occurrence:%d.%m.%Y}",
                key=default,
                fmt="pdf",
                lock=self.db_lock,
            )
        )

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        if self.record is None:
            self.notify("Die Sitzung wird noch geladen.", severity="warning")
            return
        self.app.push_screen(AuditScreen(self.core, "sitting", self.record.id, self.heading))

    # ------------------------------------------------------------------ leaving
    def action_close(self) -> None:
        self._flush_notes()
        self.dismiss(None)

    def palette_entries(self) -> list[tuple[str, str, str]]:
        """(title, help, action) of this screen's actions that apply now, for the palette."""
        from koordination.tui.dialogs.common import key_label

        entries = []
        for b in self.BINDINGS:
            if isinstance(b, Binding) and b.tooltip:
                action = b.action.split("(")[0]
                if self.check_action(action, ()) is False:
                    continue
                entries.append((b.tooltip, f"Sitzung, Taste {key_label(b)}", f"screen.{b.action}"))
        return entries
