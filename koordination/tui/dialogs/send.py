"""The send dialog of the Termine area: what goes out to whom, then files or e-mail with a
progress bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, ProgressBar, Static

from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.keys import bind

if TYPE_CHECKING:
    from koordination.services.meetings.invitations import DeliveryPlan


@dataclass(frozen=True)
class SendOffer:
    """What the send dialog shows and may do: the plan, and the two ways out."""

    plan: DeliveryPlan
    added: int
    folder: Path
    #: ``None`` when e-mail can be sent; else why not (German).
    mail_problem: str | None
    #: Write the files; returns a German summary.
    write_files: Callable[[Callable[[int, int], None]], str]
    #: Send by e-mail; returns a German summary and the failures.
    send_mail: Callable[[Callable[[int, int], None]], tuple[str, list[str]]]


def plan_lines(offer: SendOffer) -> list[str]:
    plan = offer.plan
    requests = sum(1 for d in plan.deliveries if d.method == "REQUEST")
    cancels = len(plan.deliveries) - requests
    lines = [
        # Number and word in one bold span: a styled span that starts with a space lost it
        # in the pictures ("0Einladungen").
        f"[b]{requests} Einladung{'en' if requests != 1 else ''}[/b], "
        f"[b]{cancels} Absage{'n' if cancels != 1 else ''}[/b]"
        + (
            f"; {plan.up_to_date} Eingeladene haben schon den aktuellen Stand."
            if plan.up_to_date
            else ""
        )
    ]
    if offer.added:
        lines.append(f"{offer.added} Personen der Gruppen neu auf der Einladungsliste.")
    if plan.deliveries:
        lines.append("")
        from koordination.services.meetings.dispatch import label

        for d in plan.deliveries[:12]:
            lines.append(f"  • {escape(label(d))} an {escape(d.name)} <{escape(d.email)}>")
        if len(plan.deliveries) > 12:
            lines.append(f"  [dim]… und {len(plan.deliveries) - 12} weitere[/dim]")
    if plan.excluded:
        lines.append("")
        lines.append(f"[b]Keine Einladung ({len(plan.excluded)}):[/b]")
        for name, reason in plan.excluded:
            lines.append(f"  • {escape(name)} – [dim]{escape(reason)}[/dim]")
    return lines


class SendScreen(Dialog[bool]):
    """Confirm the plan, then write files or send e-mails with a progress bar."""

    BINDINGS = [bind("cancel", "close", "Dialog schließen", label="Schließen")]

    def __init__(self, offer: SendOffer) -> None:
        super().__init__()
        self.offer = offer
        self.running = False
        self.done = False

    def compose(self) -> ComposeResult:
        plan = self.offer.plan
        with Vertical(id="dialog", classes="transfer-dialog send-dialog"):
            yield Static(
                f"Einladungen senden – {escape(plan.meeting.title)}", classes="dialog-title"
            )
            with VerticalScroll(classes="send-plan"):
                yield Static("\n".join(plan_lines(self.offer)), id="send-plan")
            if not plan.deliveries:
                yield Static(
                    "Nichts zu tun: alle Eingeladenen haben den aktuellen Stand.",
                    classes="dialog-note",
                )
            else:
                note = f"Dateien: {self.offer.folder}"
                if self.offer.mail_problem:
                    note += f"\nE-Mail-Versand nicht möglich: {self.offer.mail_problem}"
                yield Static(escape(note), classes="dialog-note send-note")
            yield ProgressBar(id="send-progress", show_eta=False)
            yield Static("", id="send-result", classes="send-result")
            with Horizontal(classes="dialog-buttons"):
                if plan.deliveries:
                    yield Button(
                        "Als Dateien speichern", variant="primary", id="files", compact=True
                    )
                    yield Button(
                        "Per E-Mail senden",
                        variant="warning",
                        id="mail",
                        disabled=self.offer.mail_problem is not None,
                        compact=True,
                    )
                yield Button(
                    "Schließen (Esc)" if not plan.deliveries else "Abbrechen (Esc)",
                    id="close",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#send-result").display = False
        buttons = self.query("#files")
        (buttons.first() if buttons else self.query_one("#close")).focus()

    def _start(self) -> None:
        self.running = True
        for button in self.query(Button):
            button.disabled = True
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=max(len(self.offer.plan.deliveries), 1), progress=0)

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def _finished(self, text: str, failed: bool) -> None:
        self.running = False
        self.done = True
        result = self.query_one("#send-result", Static)
        result.update(escape(text))
        result.display = True
        result.set_class(failed, "-failed")
        close = self.query_one("#close", Button)
        close.label = "Schließen (Esc)"
        close.disabled = False
        close.focus()
        # The result sits at the end of the dialog, below the plan: at 80×24 it is under the
        # visible part and the user would see nothing happen. Scrolled in after the focus
        # moved, so the close button's own scrolling does not take it away again.
        self.call_after_refresh(result.scroll_visible, animate=False, immediate=True)

    @on(Button.Pressed, "#files")
    def write_files(self) -> None:
        self._start()
        self._run("files")

    @on(Button.Pressed, "#mail")
    def send_mail(self) -> None:
        self._start()
        self._run("mail")

    @work(thread=True, exclusive=True, group="send")
    def _run(self, how: str) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            if how == "files":
                text, failed = self.offer.write_files(progress), False
            else:
                text, failures = self.offer.send_mail(progress)
                failed = bool(failures)
                if failures:
                    text += "\n" + "\n".join(f"Nicht zugestellt: {f}" for f in failures)
        except KoordinationError as exc:
            text, failed = exc.message, True
        except OSError as exc:
            text, failed = f"Die Dateien können nicht geschrieben werden: {exc}", True
        except Exception as exc:  # say what happened instead of a traceback
            text, failed = f"Unerwarteter Fehler: {exc}", True
        self.app.call_from_thread(self._finished, text, failed)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.running:
            self.notify("Bitte warten, bis der Versand abgeschlossen ist.", severity="warning")
            return
        self.dismiss(self.done)
