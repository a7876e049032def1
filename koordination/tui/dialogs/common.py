"""The help screen (all keys in German) and the error screen for a database that cannot open."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Static


def key_label(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    names = {
        "ctrl": "Strg",
        "escape": "Esc",
        "enter": "Enter",
        "slash": "/",
        "question_mark": "?",
        "pageup": "Bild↑",
        "pagedown": "Bild↓",
        "home": "Pos1",
        "end": "Ende",
        "up": "↑",
        "down": "↓",
    }
    keys = []
    for key in binding.key.split(","):
        parts = [names.get(p, p.upper() if len(p) > 1 else p) for p in key.strip().split("+")]
        keys.append("+".join(parts))
    return " / ".join(keys)


class HelpScreen(ModalScreen[None]):
    """Every key of the app, grouped by area."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Schließen")]

    def __init__(self, sections: Sequence[tuple[str, Sequence[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        lines: list[str] = []
        for title, bindings in self.sections:
            lines.append(f"[b]{escape(title)}[/b]")
            for b in bindings:
                text = b.tooltip or b.description
                lines.append(f"  [b $accent]{escape(key_label(b)):<14}[/] {escape(text)}")
            lines.append("")
        with Vertical(id="dialog", classes="help-dialog"):
            yield Static("Hilfe – Tastenkürzel", classes="dialog-title")
            with VerticalScroll():
                yield Static("\n".join(lines), id="help-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Schließen", variant="primary", id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class ErrorScreen(ModalScreen[None]):
    """The database cannot be opened: say why in German, offer to quit."""

    BINDINGS = [Binding("escape,q,enter", "quit_app", "Beenden")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="error-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(escape(self.message), id="error-message")
            yield Static(
                "[dim]Andere Datei wählen: koordination --db PFAD[/dim]", classes="dialog-note"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Beenden", variant="error", id="quit")

    @on(Button.Pressed, "#quit")
    def action_quit_app(self) -> None:
        self.app.exit(return_code=1)
