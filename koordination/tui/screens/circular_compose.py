"""Writing a circular e-mail: subject, audience, form of address, attachments and the text in
Markdown, with a preview kept current as you type (who receives it, who does not and why, and
the first message as its recipient reads it). Strg+S stores it; sending is the history's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import dialog_buttons
from koordination.tui.keys import bind

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.circulars import CircularDraft, CircularPlan

#: Seconds of quiet typing before the preview is planned again.
PREVIEW_DELAY = 0.4
#: Names listed in the preview; the rest is counted.
SHOWN = 12


def draft_of(subject: str, audience: str, informal: bool, files: str, body: str) -> CircularDraft:
    from koordination.domain.records.circulars import CircularDraft

    return CircularDraft(
        subject=subject,
        body=body,
        audience=tuple(a.strip() for a in audience.split(";") if a.strip()),
        informal=informal,
        attachments=tuple(Path(f.strip()).expanduser() for f in files.split(";") if f.strip()),
    )


def preview_text(plan: CircularPlan) -> str:
    """Recipients, who is left out and why, and the first message (markup escaped)."""
    lines = [f"[b]Empfänger: {len(plan.recipients)}[/b]"]
    lines += [f"  {escape(r.name)} <{escape(r.email)}>" for r in plan.recipients[:SHOWN]]
    if len(plan.recipients) > SHOWN:
        lines.append(f"  … und {len(plan.recipients) - SHOWN} weitere")
    if plan.left_out:
        lines.append(f"[b]Nicht berücksichtigt: {len(plan.left_out)}[/b]")
        lines += [f"  {escape(o.name)}: {escape(o.reason)}" for o in plan.left_out[:SHOWN]]
        if len(plan.left_out) > SHOWN:
            lines.append(f"  … und {len(plan.left_out) - SHOWN} weitere")
    if plan.first is not None:
        lines.append(f"[b]Erste Nachricht (an {escape(plan.recipients[0].name)})[/b]")
        lines.append(f"Betreff: {escape(plan.first.subject)}")
        lines.append(escape(plan.first.text.rstrip("\n")))
    return "\n".join(lines)


class ComposeCircularScreen(Dialog[int | None]):
    """Dismisses with the stored circular's number, or ``None`` when left."""

    CSS_PATH = Path(__file__).with_name("circulars.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", "Rundmail speichern (danach senden)"),
        bind("cancel", "cancel", "Rundmail verwerfen"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.timer: Timer | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="compose-dialog"):
            yield Static("Neue Rundmail", classes="dialog-title")
            with VerticalScroll(id="compose-form"):
                yield Label("Betreff")
                yield Input(id="compose-subject", placeholder="Helfende für das Stadtteilfest")
                yield Label("An (mit ; getrennt)")
                yield Input(
                    id="compose-audience",
                    placeholder="gruppe:AK Stadtteilarbeit; sektor:Wirtschaft; alle",
                )
                yield Checkbox("Persönliche Anrede („Liebe Monika,“)", id="compose-informal")
                yield Label("Anhänge (Dateipfade, mit ; getrennt)")
                yield Input(id="compose-files", placeholder="~/Dokumente/Flyer.pdf")
                yield Label("Text (Markdown: **fett**, - Liste, [Link](https://…))", markup=False)
                yield TextArea(id="compose-body", soft_wrap=True, show_line_numbers=False)
                yield Static("Vorschau", classes="compose-heading")
                yield Static(
                    "Betreff, Empfänger und Text eingeben: hier steht dann, wer die Rundmail "
                    "erhält und wie die erste Nachricht aussieht.",
                    id="compose-preview",
                )
            yield dialog_buttons("Speichern")

    def on_mount(self) -> None:
        self.query_one("#compose-subject", Input).focus()

    def values(self) -> tuple[str, str, bool, str, str]:
        return (
            self.query_one("#compose-subject", Input).value,
            self.query_one("#compose-audience", Input).value,
            self.query_one("#compose-informal", Checkbox).value,
            self.query_one("#compose-files", Input).value,
            self.query_one("#compose-body", TextArea).text,
        )

    def unsaved_changes(self) -> bool:
        subject, audience, _informal, files, body = self.values()
        return bool(subject.strip() or audience.strip() or files.strip() or body.strip())

    # ------------------------------------------------------------------ preview
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.timer = self.set_timer(PREVIEW_DELAY, self._plan)

    def _plan(self) -> None:
        subject, audience, informal, files, body = self.values()
        if not audience.strip():
            self._preview("Bitte angeben, an wen: gruppe:NAME, sektor:NAME, organisation:NAME, "
                          "person:NR oder alle.")  # fmt: skip
            return
        self.plan_preview(subject or "(ohne Betreff)", audience, informal, files, body or " ")

    @work(thread=True, exclusive=True, group="compose-preview")
    def plan_preview(
        self, subject: str, audience: str, informal: bool, files: str, body: str
    ) -> None:
        try:
            plan = self.core.circulars.plan(draft_of(subject, audience, informal, files, body))
        except KoordinationError as exc:
            self.app.call_from_thread(self._preview, f"[red]{escape(exc.message)}[/red]")
            return
        self.app.call_from_thread(self._preview, preview_text(plan))

    def _preview(self, text: str) -> None:
        self.query_one("#compose-preview", Static).update(text)

    # ------------------------------------------------------------------ saving
    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.store(*self.values())

    @work(thread=True, exclusive=True, group="compose-save")
    def store(self, subject: str, audience: str, informal: bool, files: str, body: str) -> None:
        try:
            plan = self.core.circulars.create(draft_of(subject, audience, informal, files, body))
        except KoordinationError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.app.call_from_thread(self.dismiss, plan.circular_id)

    def _refused(self, message: str) -> None:
        self.saving = False
        self.notify(message, title="Nicht gespeichert", severity="error", timeout=12)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.unsaved_changes():
            self.dismiss(None)
            return
        from koordination.tui.dialogs.form import discard_question

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(discard_question(), answer)
