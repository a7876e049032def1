"""The kiosk's PIN dialogs: the coordinator sets a PIN before the kiosk opens, and only that
PIN closes it; the screens the app's own keys cannot reach."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

if TYPE_CHECKING:
    from textual.binding import BindingsMap
    from textual.dom import DOMNode


from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import key_hint
from koordination.tui.keys import bind

ResultT = TypeVar("ResultT")

#: A PIN has at least this many digits.
MIN_PIN = 4
KIOSK_CSS = Path(__file__).parents[1] / "kiosk.tcss"


def pin_problem(pin: str, repeat: str | None = None) -> str | None:
    """What is wrong with a new PIN (German), or None."""
    if not pin:
        return f"Bitte eine PIN aus mindestens {MIN_PIN} Ziffern eingeben."
    if not pin.isdigit():
        return "Die PIN besteht nur aus Ziffern."
    if len(pin) < MIN_PIN:
        return f"Die PIN braucht mindestens {MIN_PIN} Ziffern."
    if repeat is not None and not repeat:
        return "Bitte die PIN zur Sicherheit wiederholen."
    if repeat is not None and repeat != pin:
        return "Die beiden Eingaben stimmen nicht überein."
    return None


class SealedScreen(ModalScreen[ResultT]):
    """A screen the application's own keys cannot reach.

    Textual checks the app's priority bindings (quit, command palette) before any screen's, so
    a screen cannot outbid them with bindings of its own; leaving the app out of the chain is
    the one way a screen keeps them from firing. Being modal keeps the app's other keys (areas,
    help) away as well. ``SEALED`` lets an app tell such a screen is open."""

    SEALED: ClassVar[bool] = True

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        return [(node, keys) for node, keys in super()._binding_chain if node is not self.app]


class KioskPinDialog(Dialog[str | None]):
    """The coordinator sets the PIN that will close the kiosk; dismisses with it or None.
    An ordinary dialog of the main window (not sealed): the kiosk is not open yet."""

    CSS_PATH = KIOSK_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "start", "Kiosk mit dieser PIN starten", label="Kiosk starten"),
        bind("cancel", "cancel", "Kiosk nicht starten"),
    ]

    def __init__(self, survey_title: str = "") -> None:
        super().__init__()
        self.survey_title = survey_title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="kiosk-pin-dialog"):
            yield Static("Kiosk-Modus starten", classes="dialog-title")
            about = f"Umfrage: {escape(self.survey_title)}\n" if self.survey_title else ""
            yield Static(
                f"{about}Danach zeigt der Bildschirm nur noch den Fragebogen. Beenden: "
                f"Strg+Q und diese PIN (mindestens {MIN_PIN} Ziffern).",
                classes="dialog-note",
            )
            with Horizontal(classes="field-row"):
                yield Label("PIN", classes="field-label")
                yield Input(
                    password=True, restrict=r"\d*", max_length=12, id="kiosk-pin", compact=True
                )
            with Horizontal(classes="field-row"):
                yield Label("PIN wiederholen", classes="field-label")
                yield Input(
                    password=True,
                    restrict=r"\d*",
                    max_length=12,
                    id="kiosk-pin-repeat",
                    compact=True,
                )
            yield Static("", id="kiosk-pin-problem", classes="dialog-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"Kiosk starten ({key_hint('save')})",
                    variant="primary",
                    id="kiosk-start",
                    compact=True,
                )
                yield Button(f"Abbrechen ({key_hint('cancel')})", id="kiosk-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#kiosk-pin", Input).focus()
        self._check(show=False)

    def _check(self, *, show: bool) -> str | None:
        """The PIN's problem; shown at once while typing, the repetition's once it is typed."""
        pin = self.query_one("#kiosk-pin", Input).value
        repeat = self.query_one("#kiosk-pin-repeat", Input).value
        problem = pin_problem(pin, repeat)
        if show:
            shown = problem
        elif not pin:
            shown = None
        elif len(repeat) < len(pin) and pin.startswith(repeat):
            shown = pin_problem(pin)  # the repetition is still being typed
        else:
            shown = problem
        self.query_one("#kiosk-pin-problem", Static).update(shown or "")
        return problem

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check(show=False)

    @on(Input.Submitted, "#kiosk-pin")
    def _to_repeat(self) -> None:
        self.query_one("#kiosk-pin-repeat", Input).focus()

    @on(Input.Submitted, "#kiosk-pin-repeat")
    @on(Button.Pressed, "#kiosk-start")
    def action_start(self) -> None:
        if self._check(show=True) is None:
            self.dismiss(self.query_one("#kiosk-pin", Input).value)

    @on(Button.Pressed, "#kiosk-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class KioskUnlockDialog(SealedScreen[str | None]):
    """Asks for the PIN to close the kiosk; dismisses with what was typed, None to go back."""

    CSS_PATH = KIOSK_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "back", "Zurück zum Fragebogen", label="Zurück"),
        Binding("ctrl+p,ctrl+q,f1", "nothing", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="kiosk-unlock-dialog"):
            yield Static("Kiosk beenden", classes="dialog-title")
            yield Static(
                "Nur für die Koordinierungsstelle: Bitte die PIN eingeben.", classes="dialog-note"
            )
            with Horizontal(classes="field-row"):
                yield Label("PIN", classes="field-label")
                yield Input(
                    password=True, restrict=r"\d*", max_length=12, id="kiosk-unlock", compact=True
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Beenden", variant="warning", id="kiosk-unlock-ok")
                yield Button("Zurück zum Fragebogen", variant="primary", id="kiosk-unlock-back")

    def on_mount(self) -> None:
        self.query_one("#kiosk-unlock", Input).focus()
        # A prompt left open would block the kiosk for the next visitor.
        self.set_timer(60, self.action_back)

    @on(Input.Submitted)
    @on(Button.Pressed, "#kiosk-unlock-ok")
    def action_unlock(self) -> None:
        self.dismiss(self.query_one("#kiosk-unlock", Input).value)

    @on(Button.Pressed, "#kiosk-unlock-back")
    def action_back(self) -> None:
        if self.is_current:
            self.dismiss(None)

    def action_nothing(self) -> None:
        """The app's keys do nothing here."""
