"""Writing a circular e-mail: subject, audience (completed as you type), form of address,
attachments and the text in Markdown on one tab, and on the other (F2) the preview kept current
as you type: who receives it, who does not and why, and the first message as its recipient
reads it. A line under both tabs always says whom it reaches. Strg+S stores it; sending is the
history's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.suggester import Suggester
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static, TabbedContent, TabPane, TextArea

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
#: What the preview is planned with while the text is still empty: who receives it shows
#: before the first word is written.
NO_TEXT_YET = "(noch kein Text)"
WRITE, PREVIEW = "compose-write", "compose-preview-tab"


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
    """Recipients, the first message as its recipient reads it, and who is left out, by
    reason (one line per reason: the preview stays short enough to read at 80×24)."""
    lines = [f"[b]Empfänger: {len(plan.recipients)}[/b]"]
    lines += [f"  {escape(r.name)} <{escape(r.email)}>" for r in plan.recipients[:SHOWN]]
    if len(plan.recipients) > SHOWN:
        lines.append(f"  … und {len(plan.recipients) - SHOWN} weitere")
    if plan.attachments:
        files = (f"{name} ({max(1, round(size / 1024))} KB)" for name, size in plan.attachments)
        lines.append("Anhänge: " + escape(", ".join(files)))
    if plan.first is not None:
        lines.append("")
        lines.append(f"[b]Erste Nachricht (an {escape(plan.recipients[0].name)})[/b]")
        lines.append(f"Betreff: {escape(plan.first.subject)}")
        lines.append(escape(plan.first.text.rstrip("\n")))
    if plan.left_out:
        by_reason: dict[str, list[str]] = {}
        for o in plan.left_out:
            by_reason.setdefault(o.reason, []).append(o.name)
        lines.append("")
        lines.append(f"[b]Nicht berücksichtigt: {len(plan.left_out)}[/b]")
        for reason, names in by_reason.items():
            shown = ", ".join(names[:SHOWN])
            more = f" und {len(names) - SHOWN} weitere" if len(names) > SHOWN else ""
            lines.append(f"  {escape(reason)} ({len(names)}): {escape(shown)}{more}")
    return "\n".join(lines)


def summary_text(plan: CircularPlan) -> str:
    """The one line under the tabs: whom it reaches, at a glance."""
    count = len(plan.recipients)
    parts = ["An 1 Person" if count == 1 else f"An {count} Personen"]
    if plan.left_out:
        parts.append(f"{len(plan.left_out)} nicht berücksichtigt")
    if plan.attachments:
        files = len(plan.attachments)
        parts.append("1 Anhang" if files == 1 else f"{files} Anhänge")
    return ", ".join(parts)


class AudienceSuggester(Suggester):
    """Completes the audience being typed after the last ";" with the directory's groups,
    sectors and organisations ("gruppe:ak" → "gruppe:AK Stadtteilarbeit"); → takes it."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.choices: list[str] = []

    async def get_suggestion(self, value: str) -> str | None:
        typed = value.rpartition(";")[2].lstrip()
        if not typed:
            return None
        lead = value[: len(value) - len(typed)]
        key = typed.casefold()
        for choice in self.choices:
            if len(choice) > len(typed) and choice.casefold().startswith(key):
                return lead + choice
        return None


class ComposeCircularScreen(Dialog["CircularPlan | None"]):
    """Dismisses with the stored circular's plan (its number and recipients), or ``None``
    when left."""

    CSS_PATH = Path(__file__).with_name("circulars.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", "Rundmail speichern (danach senden)"),
        bind("preview", "toggle_preview", "Vorschau: Empfänger und erste Nachricht / Schreiben"),
        bind("cancel", "cancel", "Rundmail verwerfen"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.timer: Timer | None = None
        self.saving = False
        self.suggester = AudienceSuggester()
        #: The field to return to from the preview.
        self.writing: Widget | None = None

    def compose(self) -> ComposeResult:
        from koordination.tui.areas.erasure import TickBox

        with Vertical(id="dialog", classes="compose-dialog"):
            yield Static("Neue Rundmail", classes="dialog-title")
            with TabbedContent(id="compose-tabs", initial=WRITE):
                with TabPane("Schreiben", id=WRITE):
                    with Horizontal(classes="field-row"):
                        yield Label("Betreff", classes="field-label")
                        yield Input(
                            id="compose-subject",
                            placeholder="z. B. Helfende für das Stadtteilfest",
                            compact=True,
                        )
                    with Horizontal(classes="field-row"):
                        yield Label("An", classes="field-label")
                        yield Input(
                            id="compose-audience",
                            placeholder="gruppe:…; sektor:…; organisation:…; alle (→ ergänzt)",
                            suggester=self.suggester,
                            compact=True,
                        )
                    with Horizontal(classes="field-row"):
                        yield Label("Anrede", classes="field-label")
                        yield TickBox(
                            "persönlich („Liebe Monika,“)", id="compose-informal", compact=True
                        )
                    with Horizontal(classes="field-row"):
                        yield Label("Anhänge", classes="field-label")
                        yield Input(
                            id="compose-files",
                            placeholder="Dateipfade mit ; getrennt, z. B. ~/Flyer.pdf",
                            compact=True,
                        )
                    yield Label(
                        "Text in Markdown: **fett**, - Liste, [Link](https://…)",
                        markup=False,
                        classes="compose-hint",
                    )
                    yield TextArea(
                        id="compose-body", soft_wrap=True, show_line_numbers=False, compact=True
                    )
                with TabPane("Vorschau", id=PREVIEW), VerticalScroll(id="compose-preview-scroll"):
                    yield Static(
                        "Betreff, Empfänger und Text eingeben: hier steht dann, wer die "
                        "Rundmail erhält und wie die erste Nachricht aussieht.",
                        id="compose-preview",
                    )
            yield Static(
                "An: bitte angeben (gruppe:…, sektor:…, organisation:…, alle)",
                id="compose-summary",
                markup=False,
            )
            yield dialog_buttons("Speichern")

    def on_mount(self) -> None:
        self.query_one("#compose-subject", Input).focus()
        self.load_choices()

    @work(thread=True, exclusive=True, group="compose-choices")
    def load_choices(self) -> None:
        try:
            found = self.core.circulars.audience_choices()
        except KoordinationError:
            return  # no completion; typing still works
        self.suggester.choices = found

    def values(self) -> tuple[str, str, bool, str, str]:
        return (
            self.query_one("#compose-subject", Input).value,
            self.query_one("#compose-audience", Input).value,
            self.query_one("#compose-informal", Checkbox).value,
            self.query_one("#compose-files", Input).value,
            self.query_one("#compose-body", TextArea).text,
        )

    def unsaved_changes(self) -> bool:
        subject, audience, informal, files, body = self.values()
        return bool(subject.strip() or audience.strip() or files.strip() or body.strip()) or (
            informal
        )

    # ------------------------------------------------------------------ the two tabs
    def action_toggle_preview(self) -> None:
        tabs = self.query_one("#compose-tabs", TabbedContent)
        tabs.active = WRITE if tabs.active == PREVIEW else PREVIEW

    @on(TabbedContent.TabActivated, "#compose-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == PREVIEW:
            focused = self.focused
            inside = focused is not None and WRITE in {a.id for a in focused.ancestors}
            self.writing = focused if inside else self.query_one("#compose-body", TextArea)
            self._plan()  # at once: the preview shows what was typed a moment ago
            self.query_one("#compose-preview-scroll").focus()
        elif self.writing is not None:  # back from the preview (not the first showing)
            self.writing.focus()

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
            self._preview(
                "Bitte angeben, an wen: gruppe:NAME, sektor:NAME, organisation:NAME, "
                "person:NR oder alle. Beim Tippen erscheinen Vorschläge, → übernimmt.",
                "An: bitte angeben (gruppe:…, sektor:…, organisation:…, alle)",
            )
            return
        self.plan_preview(
            subject or "(ohne Betreff)", audience, informal, files, body or NO_TEXT_YET
        )

    @work(thread=True, exclusive=True, group="compose-preview")
    def plan_preview(
        self, subject: str, audience: str, informal: bool, files: str, body: str
    ) -> None:
        try:
            plan = self.core.circulars.plan(draft_of(subject, audience, informal, files, body))
        except KoordinationError as exc:
            self.app.call_from_thread(
                self._preview, f"[red]{escape(exc.message)}[/red]", exc.message, True
            )
            return
        self.app.call_from_thread(self._preview, preview_text(plan), summary_text(plan))

    def _preview(self, text: str, summary: str, problem: bool = False) -> None:
        if not (self.is_attached and self in self.app.screen_stack):
            return  # saved or left while the plan was read
        self.query_one("#compose-preview", Static).update(text)
        line = self.query_one("#compose-summary", Static)
        line.update(summary)
        line.set_class(problem, "-problem")

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
        self.app.call_from_thread(self.dismiss, plan)

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
