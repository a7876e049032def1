"""Textual's own words in German where they reach the user's screen.

Textual labels one key of its own in the footer: Esc in an open Select list ("Dismiss menu").
The command palette's texts live in tui/commands.py. A test walks Textual's widgets for any
other key shown in the footer, so a new Textual version cannot bring English back unseen.
"""

from __future__ import annotations

from textual.binding import Binding


def apply() -> None:
    """Give Textual's footer keys German labels (once, before the first screen)."""
    from textual.widgets._select import SelectOverlay

    SelectOverlay.BINDINGS = [Binding("escape", "dismiss", "Liste schließen")]
