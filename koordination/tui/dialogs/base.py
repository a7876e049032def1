"""What every modal dialog shares: its own footer with its keys, a layout for narrow terminals,
and the hooks the app asks before quitting (unsaved input, pending saves)."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from textual import events, on
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer

from koordination.tui.keys import bind
from koordination.tui.widgets.footer import KeyFooter

ResultType = TypeVar("ResultType")

#: Below this many columns two-column dialogs stack their columns.
NARROW_BELOW = 100


class Dialog(ModalScreen[ResultType]):
    """A modal dialog. Lay it out as ``#dialog`` with a ``.dialog-title`` and a
    ``.dialog-buttons`` bar: the title and the buttons stay in place while the rest scrolls, so
    the focused field is always in view. The footer under it shows the dialog's own keys, not
    the keys of the list behind it."""

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (NARROW_BELOW, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    # A dialog's keys end at the dialog: without this F1 would do nothing in it.
    BINDINGS = [bind("help", "app.help", "Hilfe: Tastenkürzel")]

    @on(events.Mount)
    async def _add_footer(self) -> None:
        # Mounted here, not in compose, so every dialog gets it without repeating it.
        if not self.query(Footer):
            await self.mount(KeyFooter())

    @property
    def focus_chain(self) -> list[Widget]:
        # Textual orders focus by position, and the docked button bar sits at the bottom of
        # the visible part: Tab would reach the buttons before the fields scrolled below them.
        # The buttons come last, after every field.
        chain = super().focus_chain
        bar = [w for w in chain if any(a.has_class("dialog-buttons") for a in w.ancestors)]
        return [w for w in chain if w not in bar] + bar

    @on(events.DescendantFocus)
    def _keep_focus_in_view(self, event: events.DescendantFocus) -> None:
        # Textual scrolls only when the field is off the screen; a field hidden behind the
        # docked button bar counts as seen. scroll_visible knows about the bar.
        widget = event.widget
        self.call_after_refresh(widget.scroll_visible, animate=False, immediate=True)

    def relabel_key(self, verb: str, label: str) -> None:
        """Name ``verb``'s key in the footer as this dialog's button does ("Einladen" for
        Strg+S in the guest picker), so the footer and the button say the same word."""
        keys = self._bindings.key_to_bindings
        for key, bindings in keys.items():
            keys[key] = [replace(b, description=label) if b.id == verb else b for b in bindings]

    def unsaved_changes(self) -> bool:
        """Whether the dialog holds input that closing it would throw away."""
        return False

    def flush_saves(self) -> None:
        """Write anything pending now; a dialog saves only when asked, so nothing to do."""
