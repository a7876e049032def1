"""The help screen (all keys in German) and the error screen for a database that cannot open."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, Static

from koordination.tui.dialogs.base import Dialog
from koordination.tui.keys import bind


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


class HelpScreen(Dialog[None]):
    """Every key of the app, grouped by area."""

    BINDINGS = [
        bind("cancel", "close", "Hilfe schließen", label="Schließen"),
        bind("help", "close", "Hilfe schließen", show=False),
        Binding("q", "close", "Schließen", show=False),
    ]

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
                yield Button("Schließen (Esc)", variant="primary", id="close", compact=True)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class ErrorScreen(Dialog[None]):
    """The database cannot be opened: say why in German, offer to quit."""

    BINDINGS = [
        bind("cancel", "quit_app", "koordination beenden", label="Beenden"),
        Binding("q", "quit_app", "Beenden", show=False),
    ]

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
                yield Button("Beenden (Esc)", variant="error", id="quit", compact=True)

    def on_mount(self) -> None:
        self.query_one("#quit", Button).focus()  # Enter quits too

    @on(Button.Pressed, "#quit")
    def action_quit_app(self) -> None:
        self.app.exit(return_code=1)
