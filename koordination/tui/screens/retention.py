"""The retention rules: every kind of data with its decided period (Monate, unbefristet with
its reason, or nicht festgelegt), editing one, a preview of what a run would delete, and the
run itself after a confirmation, with its progress. Opened from the Übersicht (M, its warning,
the palette); imported only then, so it costs the start nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Static,
)

from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import dialog_buttons
from koordination.tui.keys import bind

if TYPE_CHECKING:
    from koordination.core import Core
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


class RetentionScreen(Dialog[None]):
    """The rules in a table, the chosen rule explained, and the preview under it."""

    CSS_PATH = RETENTION_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("edit", "edit", "Aufbewahrungsfrist festlegen", label="Festlegen"),
        bind("run_rules", "run_rules", "Aufbewahrungsregeln ausführen (Löschlauf)"),
        bind("reload", "reload", "Vorschau neu laden", show=False),
        bind("cancel", "close", "Aufbewahrungsregeln schließen", label="Schließen"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.states: list[RuleState] = []
        self.plan: RetentionPlan | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="retention-dialog"):
            yield Static("Aufbewahrungsfristen", classes="dialog-title", id="retention-title")
            yield DataTable(id="retention-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="retention-details"):
                yield Static("", id="retention-rule")
                yield Static("Vorschau wird geladen …", id="retention-preview")
            yield ProgressBar(id="retention-progress", show_eta=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Festlegen (e)", variant="primary", id="retention-edit", compact=True)
                yield Button("Löschlauf (Z)", id="retention-run", compact=True)
                yield Button("Schließen (Esc)", id="retention-close", compact=True)

    def on_mount(self) -> None:
        table: DataTable[Any] = self.query_one("#retention-table", DataTable)
        table.add_column("Daten", width=32)
        table.add_column("Frist", width=17)
        table.add_column("Festgelegt", width=10)
        self.query_one(ProgressBar).display = False
        table.focus()
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="retention")
    def load(self) -> None:
        try:
            retention = self.core.retention
            states = retention.rules()
            plan = retention.preview()
        except KoordinationError as exc:
            self.app.call_from_thread(self._note, exc.message)
            return
        self.app.call_from_thread(self._loaded, states, plan)

    def _note(self, text: str) -> None:
        self.query_one("#retention-preview", Static).update(escape(text))

    def _loaded(self, states: list[RuleState], plan: RetentionPlan) -> None:
        self.states = states
        self.plan = plan
        table: DataTable[Any] = self.query_one("#retention-table", DataTable)
        row = table.cursor_row
        table.clear()
        for s in states:
            status = Text(s.status, style="" if s.decided else "bold red")
            when = f"{s.decided_on:%d.%m.%y}" if s.decided and s.decided_on else ""
            table.add_row(s.label, status, when, key=s.kind)
        table.move_cursor(row=min(max(row, 0), len(states) - 1))
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

    def current(self) -> RuleState | None:
        table: DataTable[Any] = self.query_one("#retention-table", DataTable)
        if not self.states or table.cursor_row < 0:
            return None
        return self.states[min(table.cursor_row, len(self.states) - 1)]

    # ------------------------------------------------------------------ actions
    def _refused(self) -> bool:
        """A login without the role Datenschutz may look, not decide or delete."""
        access = getattr(self.app, "access", None)
        if access is None:
            return False
        from koordination.db.roles import PRIVACY

        if access.allows(PRIVACY):
            return False
        self.notify(access.refusal(PRIVACY), title="Nicht erlaubt", severity="warning")
        return True

    @on(Button.Pressed, "#retention-edit")
    @on(DataTable.RowSelected)
    def action_edit(self) -> None:
        state = self.current()
        if state is None or self.busy or self._refused():
            return

        def decided(choice: tuple[str, int | None, str] | None) -> None:
            if choice is not None:
                self.save(state.kind, *choice)

        self.app.push_screen(RuleDialog(state), decided)

    @work(thread=True, exclusive=True, group="retention")
    def save(self, kind: str, mode: str, months: int | None, reason: str) -> None:
        retention = self.core.retention
        try:
            if mode == "months":
                retention.set_rule(kind, months, True, reason)
            elif mode == "keep":
                retention.keep(kind, reason)
            else:
                retention.set_rule(kind, None, False)
            states = retention.rules()
            plan = retention.preview()
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._loaded, states, plan)
        self.app.call_from_thread(self.notify, "Aufbewahrungsfrist gespeichert.")

    def action_reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#retention-run")
    def action_run_rules(self) -> None:
        plan = self.plan
        if plan is None or self.busy or self._refused():
            return
        if plan.empty:
            self.notify("Nach den eingeschalteten Regeln ist nichts zu löschen.")
            return
        from koordination.tui.dialogs.form import ConfirmScreen

        lines = [f"{rule.title}: {len(rule.targets)}" for rule in plan.rules if rule.targets] + [
            "Gelöscht wird genau, was die Vorschau zeigt; rückgängig nur mit einer Sicherung."
        ]

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_plan(plan)

        self.app.push_screen(
            ConfirmScreen(
                f"{plan.total} {'Eintrag' if plan.total == 1 else 'Einträge'} löschen?",
                lines,
                "Löschen",
                "Abbrechen",
                default="no",
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, group="retention-run")
    def run_plan(self, plan: RetentionPlan) -> None:
        from koordination.tui.progress import Throttled

        self.app.call_from_thread(self._set_busy, True)
        progress = Throttled(
            lambda done, total: self.app.call_from_thread(self._progress, done, total)
        )
        try:
            report = self.core.retention.run(plan=plan, progress=progress)
            states = self.core.retention.rules()
            after = self.core.retention.preview()
        except KoordinationError as exc:
            self.app.call_from_thread(self._set_busy, False)
            self.app.call_from_thread(self.notify, exc.message, severity="error", timeout=12)
            return
        self.app.call_from_thread(self._set_busy, False)
        self.app.call_from_thread(self._loaded, states, after)
        done = [f"{r.title}: {r.summary}" for r in report.results]
        self.app.call_from_thread(
            self.notify, "\n".join(done + list(report.notes)), title="Löschlauf beendet", timeout=12
        )

    def _set_busy(self, running: bool) -> None:
        self.busy = running
        bar = self.query_one(ProgressBar)
        bar.display = running
        if running:
            bar.update(total=None, progress=0)

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    @on(Button.Pressed, "#retention-close")
    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)


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
