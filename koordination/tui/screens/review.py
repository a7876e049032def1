"""Rückmeldungen prüfen: the review list of replies (counter-proposals, comments, delegations,
replies that could not be booked) and resolving each, as `koordination replies` does."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from koordination.domain.enums import ReviewKind
from koordination.domain.records.review import ACCEPT, DISMISS, INVITE_DELEGATE, ReviewItem
from koordination.errors import KoordinationError, NotFoundError
from koordination.tui.formatting import short_day, time_span
from koordination.tui.keys import VERBS, bind
from koordination.tui.widgets.column_fit import (
    FitColumn,
    FittedTable,
    needed_widths,
    row_cells,
    set_columns,
)
from koordination.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.services.meetings.review import Resolution

REVIEW_CSS = Path(__file__).with_name("review.tcss")

#: Kind and meeting always (the meeting never below 16 cells); the day it came in, who and the
#: date give way first, the state (shown with the resolved ones) last: the text under the
#: table says all of it.
COLUMNS = [
    FitColumn("id", "Nr.", 4),
    FitColumn("kind", "Art", 14, min_width=10),
    FitColumn("title", "Termin", 28, min_width=16, grow=True),
    FitColumn("state", "Stand", 19, min_width=10, priority=1),
    FitColumn("date", "Datum", 11, min_width=10, priority=2),
    FitColumn("who", "Von", 22, min_width=12, priority=3),
    FitColumn("received", "Eingang", 10, priority=4),
]

KIND_STYLES = {
    ReviewKind.GEGENVORSCHLAG: "bold yellow",
    ReviewKind.VERTRETUNG: "cyan",
    ReviewKind.NICHT_VERBUCHT: "red",
}


def proposed_time(item: ReviewItem) -> str:
    """Di 15.12.2026, 19:00–21:00 Uhr (the time a counter-proposal asks for)."""
    start, end = item.proposed_start, item.proposed_end
    assert start is not None
    span = time_span(start, end) if end is not None else f"ab {start:%H:%M}"
    return f"{short_day(start)}, {span} Uhr"


def item_values(item: ReviewItem) -> dict[str, Text]:
    """The cells of one item by column key, whole (``item_cells`` clips them)."""
    when = item.proposed_start if item.kind == ReviewKind.GEGENVORSCHLAG else None
    date = item.recurrence_id or when
    return {
        "id": Text(str(item.id), style="dim"),
        "kind": Text(item.kind.label, KIND_STYLES.get(item.kind, "")),
        "title": Text(item.meeting_title or "–"),
        "date": Text(f"{date:%d.%m.%Y}" if date else "ganze Serie", style="" if date else "dim"),
        "who": Text(item.who),
        "state": Text(
            "offen" if item.open else item.resolution, style="bold" if item.open else "dim"
        ),
        "received": Text(f"{item.received_at:%d.%m.%Y}", style="dim"),
    }


def item_cells(item: ReviewItem, widths: dict[str, int]) -> list[Text]:
    values = item_values(item)
    for key, width in widths.items():
        if values[key].cell_len > width:
            values[key].truncate(width, overflow="ellipsis")
    return row_cells(widths, values)


def item_detail(item: ReviewItem) -> Text:
    """What the highlighted item says in full, and what can be done with it."""
    text = Text()
    text.append(f"Nr. {item.id} · {item.kind.label}", style="bold")
    text.append(f" · eingegangen {item.received_at:%d.%m.%Y %H:%M}", style="dim")
    if not item.open and item.resolved_at is not None:
        text.append(f" · {item.resolution} am {item.resolved_at:%d.%m.%Y}", style="dim")
    text.append("\n")
    text.append(item.text())
    if item.kind == ReviewKind.NICHT_VERBUCHT and item.comment:
        text.append(f" – „{item.comment}“")
    if item.source:
        text.append(f"\nQuelle: {item.source}", style="dim")
    hints = {
        ACCEPT: f"{VERBS['accept'].key} annehmen (verlegt den Termin)",
        INVITE_DELEGATE: f"{VERBS['guest'].key} Vertretung als Gast einladen",
        DISMISS: f"{VERBS['done'].key} erledigt (ablegen)",
    }
    if item.actions:
        text.append("\n" + " · ".join(hints[a] for a in item.actions), style="dim")
    return text


class ReviewScreen(Screen[bool]):
    """The review list; dismisses with True when something was resolved (the agenda reloads)."""

    CSS_PATH = REVIEW_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Zurück zu den Terminen", label="Zurück"),
        bind("accept", "accept", "Gegenvorschlag annehmen: der Termin wird verlegt"),
        bind("done", "dismiss_item", "Rückmeldung als erledigt ablegen"),
        bind("guest", "invite_delegate", "Vertretung als Gast einladen", label="Vertretung"),
        bind("open_only", "toggle_all", "Nur offene / alle Rückmeldungen zeigen"),
        bind("reload", "reload", "Liste neu laden"),
    ]

    def __init__(self, core: Core, *, meeting_id: int | None = None) -> None:
        super().__init__()
        self.core = core
        self.meeting_id = meeting_id
        self.show_all = False
        self.items: list[ReviewItem] = []
        self.changed_something = False
        self._widths: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Rückmeldungen prüfen", classes="review-title")
        table = FittedTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="review-detail", classes="review-detail")
        yield Static("Wird geladen …", id="review-status", classes="status-line")
        yield KeyFooter()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#review-table", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="review-load")
    def load(self) -> None:
        try:
            items = self.core.meetings.review.items(
                open_only=not self.show_all, meeting_id=self.meeting_id
            )
        except KoordinationError as exc:
            self.app.call_from_thread(self._status, exc.message)
            return
        self.app.call_from_thread(self._loaded, items)

    def _status(self, text: str) -> None:
        self.query_one("#review-status", Static).update(escape(text))

    def _loaded(self, items: list[ReviewItem]) -> None:
        current = self.current()
        # The same item again, or (resolved, so gone from the open ones) the one after it.
        near = self.table.cursor_row if current else 0
        wanted = current.id if current else None
        self.items = items
        self._render_rows()
        index = next((i for i, item in enumerate(items) if item.id == wanted), near)
        if items:
            self.table.move_cursor(row=max(0, min(index, len(items) - 1)), animate=False)
        self._show_detail()
        open_count = sum(1 for i in items if i.open)
        if self.show_all:
            text = f"{len(items)} Rückmeldungen, davon {open_count} offen  ·  o: nur offene"
        elif items:
            text = f"{open_count} Rückmeldungen zu prüfen  ·  o: auch erledigte"
        else:
            text = "Keine offenen Rückmeldungen  ·  o: auch erledigte"
        self._status(text)

    def _render_rows(self) -> None:
        columns = [c for c in COLUMNS if c.key != "state" or self.show_all]
        needs = needed_widths(item_values(item) for item in self.items)
        self._widths = set_columns(self.table, columns, needs)
        for item in self.items:
            self.table.add_row(*item_cells(item, self._widths), key=str(item.id))

    def on_fitted_table_resized(self, event: FittedTable.Resized) -> None:
        event.stop()
        if self.items:
            index = self.table.cursor_row
            self._render_rows()
            self.table.move_cursor(row=index, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def current(self) -> ReviewItem | None:
        index = self.table.cursor_row if self.items else -1
        return self.items[index] if 0 <= index < len(self.items) else None

    def _show_detail(self) -> None:
        item = self.current()
        detail = self.query_one("#review-detail", Static)
        if item is None:
            detail.update(Text("Nichts zu prüfen.", style="dim"))
        else:
            detail.update(item_detail(item))

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        self.dismiss(self.changed_something)

    def action_reload(self) -> None:
        self.load()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.load()

    def _wanted(self, action: str) -> ReviewItem | None:
        item = self.current()
        if item is None:
            self.notify("Keine Rückmeldung ausgewählt.", severity="warning")
            return None
        if not item.open:
            self.notify(f"Nr. {item.id} ist schon erledigt ({item.resolution}).", markup=False)
            return None
        if action not in item.actions:
            what = {
                ACCEPT: "Annehmen lässt sich nur ein Gegenvorschlag mit Zeit.",
                INVITE_DELEGATE: "Als Gast einladen lässt sich nur eine Vertretung mit Adresse.",
            }[action]
            self.notify(what, severity="warning")
            return None
        return item

    def action_accept(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        item = self._wanted(ACCEPT)
        if item is None:
            return
        which = (
            f"Den Termin vom {short_day(item.recurrence_id)}"
            if item.recurrence_id is not None
            else "Den Termin (bei einer Serie: alle künftigen Termine)"
        )
        lines = [
            f"{which} „{item.meeting_title}“ auf {proposed_time(item)} verlegen?",
            "Alle Antworten für diesen Termin werden zurückgesetzt; die Eingeladenen werden "
            "mit dem nächsten Versand (Taste s) neu gefragt.",
        ]

        def answer(yes: bool | None) -> None:
            if yes:
                self._resolve(item.id, ACCEPT)

        self.app.push_screen(
            ConfirmScreen("Gegenvorschlag annehmen", lines, "Verlegen", "Nicht verlegen"), answer
        )

    def action_dismiss_item(self) -> None:
        item = self._wanted(DISMISS)
        if item is not None:
            self._resolve(item.id, DISMISS)

    def action_invite_delegate(self) -> None:
        item = self._wanted(INVITE_DELEGATE)
        if item is not None:
            self._resolve(item.id, INVITE_DELEGATE)

    def _pick_delegate(self, item: ReviewItem, problem: str) -> None:
        """The delegate's address is not in the directory: pick who is meant (or add them in
        Personen first)."""
        from koordination.tui.areas.people import person_search
        from koordination.tui.dialogs.pickers import PersonPickerScreen

        people, count = person_search(self.core.directory)

        def done(person_id: int | None) -> None:
            if person_id is not None:
                self._resolve(item.id, INVITE_DELEGATE, person_id)

        delegate = item.delegate_name or item.delegate_email
        self.app.push_screen(
            PersonPickerScreen(
                f"Vertretung einladen – {item.meeting_title}",
                people,
                count,
                action="Als Gast einladen",
                note=f"{problem.split('. ')[0]}. Wer ist {delegate}? Die gewählte Person "
                "kommt als Gast auf die Einladungsliste.",
            ),
            done,
        )

    @work(thread=True, group="review-resolve")
    def _resolve(self, item_id: int, action: str, person_id: int | None = None) -> None:
        """Runs in a worker: the same as `koordination replies accept|dismiss|invite-delegate`."""
        review = self.core.meetings.review
        try:
            result = review.resolve(item_id, action, person_id=person_id)
            clashes = self._clashes(result) if action == ACCEPT else []
        except NotFoundError as exc:
            if action == INVITE_DELEGATE and person_id is None:
                item = review.get(item_id)
                self.app.call_from_thread(self._pick_delegate, item, exc.message)
                return
            self.app.call_from_thread(self._failed, exc.message)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        except Exception as exc:  # the UI must survive anything the database throws
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
        else:
            self.app.call_from_thread(self._resolved, action, result, clashes)

    def _clashes(self, result: Resolution) -> list[str]:
        """Runs in a worker: other meetings the moved date now overlaps (a warning only)."""
        from koordination.tui.areas.meetings.dates import clash_lines
        from koordination.tui.areas.meetings.rows import meeting_input

        item = result.item
        if item.meeting_id is None or item.proposed_start is None:
            return []
        meetings = self.core.meetings
        meeting = meetings.get(item.meeting_id)
        if not meeting.rrule or item.recurrence_id is None:
            return clash_lines(meetings, meeting_input(meeting), meeting.id)
        override = next(
            (o for o in meeting.overrides if o.recurrence_id == item.recurrence_id), None
        )
        start = override.start if override and override.start else item.proposed_start
        end = override.end if override and override.end else start + (meeting.end - meeting.start)
        place: dict[str, Any] = {}
        if override is not None:
            place = {
                k: v
                for k, v in (
                    ("room", override.room),
                    ("address", override.address),
                    ("online_url", override.online_url),
                )
                if v
            }
        data = meeting_input(meeting, start=start, end=end, rrule=None, **place)
        return clash_lines(meetings, data, meeting.id)

    def _failed(self, message: str) -> None:
        self.notify(message, title="Rückmeldungen", severity="error", timeout=12, markup=False)
        self.load()

    def _resolved(self, action: str, result: Resolution, clashes: list[str]) -> None:
        self.changed_something = True
        # The core's sentence names the CLI command for sending; here it is the key s.
        said, _, cli = result.message.partition("; ")
        message = said if said.endswith(".") else f"{said}."
        if action == ACCEPT:
            message += " Die Antworten sind zurückgesetzt; neu einladen: Taste s in Termine."
        elif action == INVITE_DELEGATE:
            message += " Die Einladung geht mit dem nächsten Versand (Taste s) hinaus."
        elif cli:
            message = result.message
        self.notify(message, title="Rückmeldungen", timeout=12, markup=False)
        for warning in result.warnings:
            self.notify(warning, title="Achtung", severity="warning", timeout=15, markup=False)
        if clashes:
            self.notify(
                "\n".join(clashes),
                title="Überschneidung – trotzdem verlegt",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self.load()
