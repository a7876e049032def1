"""Erasing a person (Art. 17 DSGVO) in the Personen area: the question that wants the family
name typed out, and what the erasure did, with the backups that still hold the person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Button, Input, Static

from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import key_hint
from koordination.tui.keys import bind

if TYPE_CHECKING:
    from koordination.db.backup_contents import HeldCopy
    from koordination.domain.records.directory import PersonRecord


def held_copies_text(copies: Sequence[HeldCopy]) -> str:
    """Which backups still hold the erased person and when each goes (Textual markup), as
    ``koordination people erase`` says it: a file per item, its folder and removal beneath."""
    if not copies:
        return "Keine der Sicherungen im Datenordner enthält die Person noch."
    count = "einer Sicherung" if len(copies) == 1 else f"{len(copies)} Sicherungen"
    lines = [f"[b]Die Person steht noch in {count}:[/b]"]
    for copy in copies:
        lines.append(f"• [b]{escape(copy.path.name)}[/b] – {escape(copy.kind)}")
        lines.append(f"  {escape(copy.removal)}")
        lines.append(f"  [dim]Ordner: {escape(str(copy.path.parent))}[/dim]")
    lines.append("")
    lines.append(
        "Wird eine davon zurückgespielt (db restore), löscht koordination die Person danach "
        "gleich wieder. Sicherungen an anderen Orten (z. B. USB-Stick) bitte selbst prüfen."
    )
    return "\n".join(lines)


class ErasedScreen(Dialog[None]):
    """What an erasure did, and the backups that still hold the person (they cannot be
    changed); Enter or Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Schließen", label="Schließen"),
    ]

    def __init__(self, summary: str, copies: Sequence[HeldCopy]) -> None:
        super().__init__()
        self.summary = summary
        self.copies = list(copies)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm-dialog"):
            yield Static("Gelöscht (Art. 17 DSGVO)", classes="dialog-title")
            yield Static(escape(self.summary), id="erased-summary", classes="dialog-note")
            yield Static(held_copies_text(self.copies), id="erased-copies")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Schließen (Esc)", variant="primary", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class EraseScreen(Dialog[bool]):
    """Erasing a person (Art. 17 DSGVO) asks for their family name or LÖSCHEN typed out, so no
    slip of a key erases anybody."""

    WORD = "LÖSCHEN"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel", "Nicht löschen, Dialog schließen"),
    ]

    def __init__(self, record: PersonRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        r = self.record
        with Vertical(id="dialog", classes="confirm-dialog"):
            yield Static(
                escape(f"{r.display_name} (Nr. {r.id}) endgültig löschen?"),
                classes="dialog-title",
            )
            yield Static(
                "• Name, Anschrift, E-Mail, Telefon, Notizen, Schlagworte und Einwilligungen "
                "werden überall entfernt, auch aus Protokollen und dem Änderungsprotokoll.\n"
                "• Protokolle, Anwesenheit und Statistiken bleiben stimmig: dort steht dann "
                "„N. N.“ mit Sektor und Organisation.\n"
                "• Das lässt sich nur aus einer Sicherung rückgängig machen.",
                classes="dialog-warning",
            )
            yield Static(
                escape(f"Zur Bestätigung den Nachnamen „{r.family_name}“ oder {self.WORD} tippen:"),
                classes="field-label",
            )
            yield Input(id="erase-confirm")
            yield Static("", id="erase-problem", classes="form-summary")
            with Horizontal(classes="dialog-buttons"):
                # Enter in the field erases once the name is typed; Esc is the way out.
                yield Button(
                    "Endgültig löschen (Enter)",
                    variant="error",
                    id="erase",
                    disabled=True,
                    compact=True,
                )
                yield Button(
                    f"Abbrechen ({key_hint('cancel')})",
                    variant="primary",
                    id="cancel",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one("#erase-confirm", Input).focus()

    def _confirmed(self) -> bool:
        typed = self.query_one("#erase-confirm", Input).value.strip()
        family = self.record.family_name.strip()
        return typed.upper() == self.WORD or (bool(family) and typed == family)

    @on(Input.Changed, "#erase-confirm")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        ok = self._confirmed()
        self.query_one("#erase", Button).disabled = not ok
        problem = "" if ok or not event.value.strip() else "Das passt noch nicht."
        self.query_one("#erase-problem", Static).update(problem)

    @on(Input.Submitted, "#erase-confirm")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._confirmed():
            self.dismiss(True)
        else:
            self.query_one("#erase-problem", Static).update(
                escape(
                    f"Bitte genau den Nachnamen „{self.record.family_name}“ oder {self.WORD} "
                    "tippen – oder Esc zum Abbrechen."
                )
            )

    @on(Button.Pressed, "#erase")
    def _erase(self) -> None:
        if self._confirmed():
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
