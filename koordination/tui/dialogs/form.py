"""The one form dialog (fields that validate as you type, Strg+S saves, Esc asks before it
throws input away) and the yes/no question every area asks before it changes something."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Button, Static

from koordination.tui.dialogs.base import Dialog, ResultType
from koordination.tui.keys import VERBS, bind
from koordination.tui.widgets.form import Builder, FieldSpec, FormFields


def key_hint(verb: str) -> str:
    """How a button names its key: "Strg+S", "Esc", "j"."""
    v = VERBS[verb]
    return v.display or v.key


def dialog_buttons(
    save: str = "Speichern",
    cancel: str = "Abbrechen",
    *,
    save_id: str = "save",
    cancel_id: str = "cancel",
    save_verb: str = "save",
    cancel_verb: str = "cancel",
) -> Horizontal:
    """The button bar under a dialog: the action and the way out, each with its key."""
    return Horizontal(
        Button(f"{save} ({key_hint(save_verb)})", variant="primary", id=save_id, compact=True),
        Button(f"{cancel} ({key_hint(cancel_verb)})", id=cancel_id, compact=True),
        classes="dialog-buttons",
    )


def discard_question() -> ConfirmScreen:
    """What Esc asks when a form holds changes."""
    return ConfirmScreen(
        "Änderungen verwerfen?",
        ["Das Formular enthält Eingaben, die noch nicht gespeichert sind."],
        "Verwerfen",
        "Zurück zum Formular",
        default="no",
    )


class InputDialog(Dialog[ResultType]):
    """A dialog the user types into: Esc closes it at once when nothing changed, and asks
    "Änderungen verwerfen?" before it throws input away."""

    #: What the dialog held when it opened; anything else is a change Esc asks about.
    _initial: Any = None

    def snapshot(self) -> Any:
        """Everything the user can change, to compare with what the dialog opened with."""
        return None

    def remember_initial(self) -> None:
        self._initial = self.snapshot()

    def unsaved_changes(self) -> bool:
        return self._initial is not None and self.snapshot() != self._initial

    def action_cancel(self) -> None:
        if not self.unsaved_changes():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(discard_question(), answer)


class FormScreen(InputDialog[Any]):
    """A titled form; dismisses with the built input object, or ``None`` when cancelled."""

    BINDINGS = [
        bind("save", "save", "Formular speichern"),
        bind("cancel", "cancel", "Formular schließen (fragt, wenn etwas geändert ist)"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FieldSpec],
        values: dict[str, Any],
        build: Builder,
        *,
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.form = FormFields(fields, values, build, id="form-fields")
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            yield self.form
            yield Static("", id="form-summary", classes="form-summary")
            yield dialog_buttons()

    def on_mount(self) -> None:
        self.remember_initial()
        target = self.first_field()
        if target is not None:
            # After the subclasses' own mount handlers have shown or hidden their rows.
            self.call_after_refresh(target.focus)

    def first_field(self) -> Widget | None:
        """The field that has the focus when the form opens: the first one, whatever kind (in
        "end which one?" forms that is the choice)."""
        fields = self.form.query("Input, Select, TextArea")
        return fields.first() if fields else None

    def snapshot(self) -> Any:
        return self.form.values()

    def on_form_fields_validated(self, event: FormFields.Validated) -> None:
        summary = self.query_one("#form-summary", Static)
        if self.form.show_all and event.problems:
            summary.update(
                escape("Bitte korrigieren: " + "; ".join(str(p) for p in event.problems))
            )
        else:
            summary.update("")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        problems = self.form.reveal_all()
        if problems:
            self.notify(
                "Bitte korrigieren: " + "; ".join(str(p) for p in problems),
                title="Nicht gespeichert",
                severity="error",
                markup=False,
            )
            return
        data, _ = self.form.result()
        self.dismiss(data)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class ConfirmScreen(Dialog[bool]):
    """A yes/no question with a list of warnings. The focus starts on the answer the user asked
    for (``default="yes"``: "Absagen" after asking to cancel); ``j`` and ``n`` answer at once."""

    BINDINGS = [
        bind("yes", "yes", "Ja"),
        bind("no", "no", "Nein"),
        bind("cancel", "no", "Nein", show=False),
    ]

    def __init__(
        self,
        title: str,
        lines: Sequence[str],
        yes: str,
        no: str,
        *,
        default: Literal["yes", "no"] = "yes",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.yes_label = yes
        self.no_label = no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static("\n".join(f"• {line}" for line in self.lines), classes="dialog-warning")
            with Horizontal(classes="dialog-buttons"):
                # The highlighted button is the one Enter presses: the default answer.
                yes_default = self.default == "yes"
                yield Button(
                    f"{self.yes_label} ({key_hint('yes')})",
                    variant="warning" if yes_default else "default",
                    id="yes",
                    compact=True,
                )
                yield Button(
                    f"{self.no_label} ({key_hint('no')})",
                    variant="default" if yes_default else "primary",
                    id="no",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one(f"#{self.default}", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
