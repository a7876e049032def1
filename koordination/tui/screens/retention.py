"""The retention rules: every kind of data with its decided period (Monate, unbefristet with
its reason, or nicht festgelegt), editing one, a preview of what a run would delete, and the
run itself after a confirmation, with its progress. Opened from the Übersicht (M, its warning,
the palette); imported only then, so it costs the start nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import dialog_buttons
from koordination.tui.keys import bind
from koordination.tui.screens.job_dialog import ROWS_GROUP, JobDialog

if TYPE_CHECKING:
    from collections.abc import Iterator

    from textual.widget import Widget

    from koordination.core import Core
    from koordination.db.roles import Needs
    from koordination.services.privacy.retention_rules import RetentionPlan, RuleState

RETENTION_CSS = Path(__file__).with_name("retention.tcss")
#: Targets the preview lists per rule; the command line lists them all.
SHOWN_TARGETS = 8


def preview_text(plan: RetentionPlan) -> str:
    """What a run today would delete, rule by rule (markup escaped)."""
    from koordination.domain.inputs.validation import format_date

    if not plan.rules:
        return "Keine Regel ist eingeschaltet: ein Löschlauf löscht nichts."
    lines = []
    for rule in plan.rules:
        head = f"[b]{escape(rule.title)}[/b] – vor dem {format_date(rule.cutoff)}: "
        lines.append(head + (f"{len(rule.targets)}" if rule.targets else "nichts"))
        for target in rule.targets[:SHOWN_TARGETS]:
            lines.append(f"  • {escape(target.description)}")
        if len(rule.targets) > SHOWN_TARGETS:
            lines.append(
                f"  [dim]… und {len(rule.targets) - SHOWN_TARGETS} weitere "
                "(koordination retention preview)[/dim]"
            )
    total = plan.total
    lines.append(
        "Nichts zu löschen."
        if plan.empty
        else f"Zusammen: {total} {'Eintrag' if total == 1 else 'Einträge'}."
    )
    return "\n".join(lines)


class RetentionScreen(JobDialog["RuleState", "tuple[list[RuleState], RetentionPlan]"]):
    """The rules in a table, the chosen rule explained, and the preview under it."""

    CSS_PATH = RETENTION_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("edit", "edit", "Aufbewahrungsfrist festlegen", label="Festlegen"),
        bind("run_rules", "run_rules", "Aufbewahrungsregeln ausführen (Löschlauf)"),
        bind("reload", "reload", "Vorschau neu laden", show=False),
        bind("cancel", "close", "Aufbewahrungsregeln schließen", label="Schließen"),
    ]
    PREFIX = "retention"
    HEADING = "Aufbewahrungsfristen"

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.plan: RetentionPlan | None = None

    def compose_details(self) -> Iterator[Widget]:
        yield Static("", id="retention-rule")
        yield Static("Vorschau wird geladen …", id="retention-preview")

    def compose_buttons(self) -> Iterator[Widget]:
        yield Button("Festlegen (e)", variant="primary", id="retention-edit", compact=True)
        yield Button("Löschlauf (Z)", id="retention-run", compact=True)

    def columns(self) -> list[tuple[str, int]]:
        return [("Daten", 32), ("Frist", 17), ("Festgelegt", 10)]

    def needs(self) -> Needs:
        """A login without the role Datenschutz may look, not decide or delete."""
        from koordination.db.roles import PRIVACY

        return PRIVACY

    # ------------------------------------------------------------------ loading
    def fetch(self) -> tuple[list[RuleState], RetentionPlan]:
        return self.core.retention.rules(), self.core.retention.preview()

    def show_problem(self, message: str) -> None:
        self.query_one("#retention-preview", Static).update(escape(message))

    def show(self, found: tuple[list[RuleState], RetentionPlan]) -> None:
        states, plan = found
        self.plan = plan
        self.show_rows(states, _cells, lambda s: s.kind)
        missing = sum(not s.decided for s in states)
        title = "Aufbewahrungsfristen – " + (
            f"{missing} von {len(states)} nicht festgelegt" if missing else "alle festgelegt"
        )
        self.query_one("#retention-title", Static).update(title)
        self.query_one("#retention-preview", Static).update(
            "[b]Vorschau: ein Löschlauf heute[/b]\n" + preview_text(plan)
        )
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        state = self.current()
        if state is None:
            return
        lines = [f"[b]{escape(state.title if state.enabled else state.label)}[/b]"]
        if state.decided and state.reason:
            lines.append(f"Begründung: {escape(state.reason)}")
        if state.decided and state.decided_on:
            by = f" von {state.decided_by}" if state.decided_by else ""
            lines.append(escape(f"Festgelegt am {state.decided_on:%d.%m.%Y}{by}."))
        lines.append(f"[dim]{escape(state.deletes)}[/dim]")
        self.query_one("#retention-rule", Static).update("\n".join(lines))

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#retention-edit")
    @on(DataTable.RowSelected)
    def action_edit(self) -> None:
        state = self.current()
        if state is None or self.busy or self.refused():
            return

        def decided(choice: tuple[str, int | None, str] | None) -> None:
            if choice is not None:
                self.save(state.kind, *choice)

        self.app.push_screen(RuleDialog(state), decided)

    @work(thread=True, exclusive=True, group=ROWS_GROUP)
    def save(self, kind: str, mode: str, months: int | None, reason: str) -> None:
        retention = self.core.retention
        try:
            if mode == "months":
                retention.set_rule(kind, months, True, reason)
            elif mode == "keep":
                retention.keep(kind, reason)
            else:
                retention.set_rule(kind, None, False)
            found = self.fetch()
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self.show, found)
        self.app.call_from_thread(self.notify, "Aufbewahrungsfrist gespeichert.")

    @on(Button.Pressed, "#retention-run")
    def action_run_rules(self) -> None:
        plan = self.plan
        if plan is None or self.busy or self.refused():
            return
        if plan.empty:
            self.notify("Nach den eingeschalteten Regeln ist nichts zu löschen.")
            return
        lines = [f"{rule.title}: {len(rule.targets)}" for rule in plan.rules if rule.targets] + [
            "Gelöscht wird genau, was die Vorschau zeigt; rückgängig nur mit einer Sicherung."
        ]
        self.confirm(
            f"{plan.total} {'Eintrag' if plan.total == 1 else 'Einträge'} löschen?",
            lines,
            "Löschen",
            lambda: self.run_plan(plan),
            default="no",
        )

    @work(thread=True, exclusive=True, group="retention-run")
    def run_plan(self, plan: RetentionPlan) -> None:
        found = self.run_job(
            lambda progress: (
                self.core.retention.run(plan=plan, progress=progress),
                self.fetch(),
            )
        )
        if found is None:
            return
        report, after = found
        self.app.call_from_thread(self.show, after)
        done = [f"{r.title}: {r.summary}" for r in report.results]
        self.app.call_from_thread(
            self.notify, "\n".join(done + list(report.notes)), title="Löschlauf beendet", timeout=12
        )


def _cells(state: RuleState) -> tuple[str, Text, str]:
    status = Text(state.status, style="" if state.decided else "bold red")
    when = f"{state.decided_on:%d.%m.%y}" if state.decided and state.decided_on else ""
    return state.label, status, when


class RuleDialog(Dialog[tuple[str, int | None, str] | None]):
    """Decide one rule: a period in months, deliberately none (with a reason), or undecided.
    Says what is missing as you type; Strg+S saves."""

    CSS_PATH = RETENTION_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", "Frist speichern"),
        bind("cancel", "cancel", "Abbrechen"),
    ]

    def __init__(self, state: RuleState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        s = self.state
        mode = "months" if s.enabled else "keep" if s.decided else "months"
        with Vertical(id="dialog", classes="rule-dialog"):
            yield Static(escape(f"Frist: {s.label}"), classes="dialog-title")
            yield Static(escape(s.deletes), classes="dialog-note", id="rule-deletes")
            with RadioSet(id="rule-mode"):
                yield RadioButton("Löschen nach Monaten", value=mode == "months", id="mode-months")
                yield RadioButton(
                    "Keine Löschung (unbefristet, mit Begründung)",
                    value=mode == "keep",
                    id="mode-keep",
                )
                yield RadioButton("Nicht festgelegt (ausschalten)", id="mode-off")
            with Horizontal(classes="field-row"):
                yield Label("Monate", classes="field-label")
                yield Input(str(s.months), id="rule-months", type="integer", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("Begründung", classes="field-label")
                yield Input(s.reason, id="rule-reason", compact=True)
            yield Static("", id="rule-problem", classes="transfer-problem")
            yield dialog_buttons("Speichern", save_id="rule-save", cancel_id="rule-cancel")

    def on_mount(self) -> None:
        self._check()
        self.query_one("#rule-months", Input).focus()

    def _mode(self) -> str:
        pressed = self.query_one("#rule-mode", RadioSet).pressed_button
        return (pressed.id or "mode-months").removeprefix("mode-") if pressed else "months"

    def _check(self) -> tuple[str, int | None, str] | None:
        """The choice, or None with the German reason shown under the fields."""
        from koordination.services.privacy.retention_rules import (
            MAX_MONTHS,
            MIN_MONTHS,
            MIN_REASON,
        )

        mode = self._mode()
        months_text = self.query_one("#rule-months", Input).value.strip()
        reason = " ".join(self.query_one("#rule-reason", Input).value.split())
        self.query_one("#rule-months", Input).disabled = mode != "months"
        problem = ""
        months = None
        if mode == "months":
            if not months_text.isdigit() or not MIN_MONTHS <= int(months_text) <= MAX_MONTHS:
                problem = f"Monate: bitte eine Zahl von {MIN_MONTHS} bis {MAX_MONTHS}."
            else:
                months = int(months_text)
        elif mode == "keep" and len(reason) < MIN_REASON:
            problem = (
                f"Begründung: bitte sagen, warum unbefristet (mindestens {MIN_REASON} Zeichen)."
            )
        self.query_one("#rule-problem", Static).update(problem)
        return None if problem else (mode, months, reason)

    @on(Input.Changed)
    @on(RadioSet.Changed)
    def _changed(self) -> None:
        self._check()

    @on(Button.Pressed, "#rule-save")
    def action_save(self) -> None:
        choice = self._check()
        if choice is not None:
            self.dismiss(choice)

    @on(Button.Pressed, "#rule-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
