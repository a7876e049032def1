"""No English from Textual in the footer: every key a Textual widget shows there is German."""

from __future__ import annotations

import inspect

import textual.widgets
from textual.binding import Binding
from textual.widgets._select import SelectOverlay

from koordination.tui.german import apply


def test_every_key_textual_shows_in_the_footer_is_labelled_in_german() -> None:
    apply()
    classes = [c for _, c in inspect.getmembers(textual.widgets, inspect.isclass)]
    shown: list[tuple[str, str]] = []
    for cls in [*classes, SelectOverlay]:
        for b in cls.__dict__.get("BINDINGS", []) or []:
            binding = Binding(*b) if isinstance(b, tuple) else b
            if isinstance(binding, Binding) and binding.show:
                shown.append((cls.__name__, binding.description))
    assert shown == [("SelectOverlay", "Liste schließen")]
