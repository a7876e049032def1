"""What is due to go out by itself: the reminders of the next dates and of tasks due, and
approved minutes not sent yet; the highlighted one is sent after a confirmation, with its
progress. Opened from the Übersicht (Q, the palette); imported only then."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.markup import escape
from textual.widgets import Button, DataTable, Static

from koordination.errors import KoordinationError
from koordination.tui.keys import bind
from koordination.tui.screens.job_dialog import JobDialog

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from textual.widget import Widget

    from koordination.core import Core
    from koordination.db.roles import Needs
    from koordination.services.minutes_mail import MinutesPlan
    from koordination.services.reminders import Reminder, ReminderPlan

OUTGOING_CSS = Path(__file__).with_name("outgoing.tcss")
#: Approved minutes not sent that the screen lists (the newest); the CLI lists them all.
SHOWN_MINUTES = 6
#: Names the details list before "… und N weitere".
SHOWN_NAMES = 12


@dataclass(frozen=True)
class Row:
    """One line of the table: the reminders of one date or task, or one approved minutes."""

    key: str
    what: str
    when: str
    count: str
    #: Reminders: the occasion; minutes: (meeting, date).
    occasion: str = ""
    meeting_id: int = 0
    day: datetime | None = None


def rows_of(plan: ReminderPlan, minutes: list[tuple[int, int, str, datetime, int]]) -> list[Row]:
    rows: dict[str, Row] = {}
    counts: dict[str, int] = {}
    for r in plan.due:
        counts[r.occasion] = counts.get(r.occasion, 0) + 1
        kind = "Erinnerung" if r.kind == "termin" else "Aufgabe"
        when = f"{r.when:%d.%m. %H:%M}" if r.kind == "termin" else f"fällig {r.when:%d.%m.}"
        rows[r.occasion] = Row(r.occasion, f"{kind}: {r.about}", when, "", r.occasion)
    found = [
        Row(row.key, row.what, row.when, str(counts[row.key]), row.occasion)
        for row in rows.values()
    ]
    for meeting_id, sitting_id, title, day, version in minutes[:SHOWN_MINUTES]:
        found.append(
            Row(
                f"protokoll:{sitting_id}",
                f"Protokoll: {title} (Fassung {version})",
                f"{day:%d.%m.%Y}",
                "–",
                meeting_id=meeting_id,
                day=day,
            )
        )
    return found


class OutgoingScreen(JobDialog[Row, "tuple[ReminderPlan, list[Any]]"]):
    """The table of what is due, the highlighted row's recipients, and sending it."""

    CSS_PATH = OUTGOING_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("outgoing", "send", "Ausgewähltes jetzt versenden", label="Senden"),
        bind("reload", "reload", "Neu laden", show=False),
        bind("cancel", "close", "Versand schließen", label="Schließen"),
    ]
    PREFIX = "outgoing"
    HEADING = "Zu versenden"

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.plan: ReminderPlan | None = None

    def compose_details(self) -> Iterator[Widget]:
        yield Static("Wird geladen …", id="outgoing-detail")

    def compose_buttons(self) -> Iterator[Widget]:
        yield Button("Senden (Q)", variant="primary", id="outgoing-send", compact=True)

    def columns(self) -> list[tuple[str, int]]:
        # The title takes what the two short columns leave (80 columns: 50).
        return [("Was", max(30, min(self.app.size.width, 100) - 30)), ("Wann", 12), ("An", 4)]

    def needs(self) -> Needs:
        """A reading login may look, not send (sending records each message)."""
        from koordination.db.roles import EDIT

        return EDIT

    # ------------------------------------------------------------------ loading
    def fetch(self) -> tuple[ReminderPlan, list[Any]]:
        return self.core.reminders.plan(), self.core.minutes_mail.unsent()

    def show_problem(self, message: str) -> None:
        self._detail(escape(message))

    def _detail(self, text: str) -> None:
        self.query_one("#outgoing-detail", Static).update(text)

    def show(self, found: tuple[ReminderPlan, list[Any]]) -> None:
        plan, minutes = found
        self.plan = plan
        self.show_rows(rows_of(plan, minutes), lambda r: (r.what, r.when, r.count), lambda r: r.key)
        sent = f"; {plan.already} schon gesendet" if plan.already else ""
        self.query_one("#outgoing-title", Static).update(
            f"Zu versenden – {len(plan.due)} Erinnerung(en), {len(minutes)} Protokoll(e){sent}"
        )
        if not self.rows:
            self._detail(
                "Nichts steht an. Erinnerungen gehen jeden Tag mit "
                "„koordination reminders run --quiet“ (cron) hinaus."
            )
            return
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        row = self.current()
        if row is None or self.plan is None:
            return
        if not row.occasion:
            self._detail(
                f"[b]{escape(row.what)}[/b] vom {row.when}\nAn die Mitglieder der Gruppen des "
                "Termins und die Anwesenden, mit Einwilligung in Einladungen; als PDF mit "
                "Prüfsumme. Wer es erhält, zeigt die Rückfrage vor dem Senden."
            )
            return
        due = [r for r in self.plan.due if r.occasion == row.occasion]
        left = [r for r in self.plan.left_out if r.occasion == row.occasion]
        self._detail(_people_text(row.what, due, left))

    # ------------------------------------------------------------------ sending
    @on(Button.Pressed, "#outgoing-send")
    @on(DataTable.RowSelected)
    def action_send(self) -> None:
        row = self.current()
        if row is None or self.busy or self.refused():
            return
        if row.occasion:
            assert self.plan is not None
            due = [r for r in self.plan.due if r.occasion == row.occasion]
            self.confirm(
                f"{len(due)} Erinnerung(en) jetzt senden?",
                [row.what, *(f"an {r.name} <{r.email}>" for r in due[:SHOWN_NAMES])],
                "Senden",
                lambda: self.send_reminders(row.occasion),
            )
        else:
            self.plan_minutes(row)

    @work(thread=True, exclusive=True, group="outgoing-plan")
    def plan_minutes(self, row: Row) -> None:
        try:
            plan = self.core.minutes_mail.plan(row.meeting_id, row.day)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=12)
            return
        self.app.call_from_thread(self._ask_minutes, plan)

    def _ask_minutes(self, plan: MinutesPlan) -> None:
        if not plan.recipients:
            self.notify(
                "Niemand kann dieses Protokoll (noch) erhalten: "
                + (
                    "es wurde schon allen gesendet."
                    if plan.already
                    else "keine Einwilligung oder Adresse."
                ),
                severity="warning",
            )
            return
        lines = [f"an {a.name} <{a.email}>" for a in plan.recipients[:SHOWN_NAMES]]
        if len(plan.recipients) > SHOWN_NAMES:
            lines.append(f"… und {len(plan.recipients) - SHOWN_NAMES} weitere")
        lines += [f"nicht: {r.name} ({r.reason})" for r in plan.left_out[:4]]
        self.confirm(
            f"Protokoll an {len(plan.recipients)} Person(en) senden?",
            lines,
            "Senden",
            lambda: self.send_minutes(plan),
        )

    @work(thread=True, exclusive=True, group="outgoing-send")
    def send_reminders(self, occasion: str) -> None:
        self._send(
            lambda settings, progress: (
                self.core.reminders.run(settings, progress=progress, only={occasion}).delivered
            )
        )

    @work(thread=True, exclusive=True, group="outgoing-send")
    def send_minutes(self, plan: MinutesPlan) -> None:
        self._send(lambda settings, progress: self.core.minutes_mail.send(plan, settings, progress))

    def _send(self, send: Any) -> None:
        """In the worker: the settings, the sending with progress, the result as a note."""
        from koordination.delivery.settings import load_smtp_settings

        delivered = self.run_job(lambda progress: send(load_smtp_settings(), progress))
        if delivered is None:
            return
        problems = [*delivered.failed, *delivered.unclear]
        text = f"{delivered.sent} Nachricht(en) gesendet."
        if problems:
            text += "\nNicht zugestellt:\n" + "\n".join(problems[:5])
        self.app.call_from_thread(
            self.notify,
            text,
            title="Versand beendet",
            severity="warning" if problems else "information",
            timeout=12,
        )
        self.load()


def _people_text(what: str, due: list[Reminder], left: list[Reminder]) -> str:
    lines = [f"[b]{escape(what)}[/b]", f"Erhalten die Erinnerung ({len(due)}):"]
    lines += [f"  {escape(r.name)} <{escape(r.email)}>" for r in due[:SHOWN_NAMES]]
    if len(due) > SHOWN_NAMES:
        lines.append(f"  [dim]… und {len(due) - SHOWN_NAMES} weitere[/dim]")
    if left:
        lines.append(f"Nicht berücksichtigt ({len(left)}):")
        lines += [f"  {escape(r.name)}: {escape(r.reason)}" for r in left[:SHOWN_NAMES]]
    return "\n".join(lines)
