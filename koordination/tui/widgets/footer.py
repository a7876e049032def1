"""The footer of every screen and dialog: whole keys only, the most important first, and F1 Hilfe
and the command palette always at the right."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: The actions that open the help screen; their key stays at the right with the palette's.
HELP_ACTIONS = frozenset({"help", "app.help"})


class ShownKey(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str


def key_width(key_display: str, description: str) -> int:
    """Cells one key takes in this footer: a space, the key, a space, the description."""
    if not description:
        return 1 + cell_len(key_display)
    return 1 + cell_len(key_display) + 1 + cell_len(description)


class KeyFooter(Footer):
    """Textual's footer cuts the last key mid-word and squeezes the palette's key onto its
    description at 80 columns. This one shows the keys in binding order (the areas list the
    daily ones first) and leaves out those that do not fit whole in the room the keys before
    them left; F1 (which lists every key) and the palette's key stay at the right."""

    DEFAULT_CSS = """
    KeyFooter {
        FooterKey, FooterKey.-compact {
            margin: 0;
            .footer-key--key { padding: 0 0 0 1; }
            .footer-key--description { padding: 0 0 0 1; }
        }
        #footer-pinned {
            dock: right;
            width: auto;
            height: 1;
            padding: 0 1 0 0;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette)
        self._composed_width = 0
        #: What the keys shown now say, so a focus change that shows the same keys (every
        #: switch of areas has two) does not build them anew.
        self._composed: tuple[object, ...] | None = None

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _shown_keys(self) -> tuple[list[ShownKey], list[ShownKey]]:
        """The keys to offer in order, and the pinned ones (help, palette)."""
        keys: list[ShownKey] = []
        pinned: list[ShownKey] = []
        seen: set[str] = set()
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = ShownKey(binding, enabled, tooltip)
            (pinned if binding.action in HELP_ACTIONS else keys).append(shown)
        palette = self._palette_key()
        if palette is not None:
            keys = [k for k in keys if k.binding.action != palette.binding.action]
            pinned.append(palette)
        return keys, pinned

    def _palette_key(self) -> ShownKey | None:
        app = self.app
        if not (self.show_command_palette and app.ENABLE_COMMAND_PALETTE):
            return None
        key = app.COMMAND_PALETTE_BINDING
        active = self.screen.active_bindings.get(key)
        if active is not None:
            return ShownKey(active.binding, active.enabled, active.tooltip)
        # A dialog's keys end at the dialog, but the palette is a priority key of the app and
        # opens over a dialog too; a screen sealed against the app's keys leaves the app out.
        for _node, bindings in self.screen._binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                if binding.priority:
                    return ShownKey(binding, True, binding.tooltip)
        return None

    def _key(self, shown: ShownKey) -> FooterKey:
        binding = shown.binding
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not shown.enabled,
            tooltip=shown.tooltip or binding.tooltip,
        )

    def _fitting(self, keys: list[ShownKey], pinned: list[ShownKey]) -> Iterator[ShownKey]:
        app = self.app
        room = self._width() - 2  # the pinned group's padding and at least one cell of gap
        for shown in pinned:
            room -= key_width(app.get_key_display(shown.binding), shown.binding.description)
        for shown in keys:
            # A key too wide for the room left is left out, not every key after it: a short
            # one later on ("H Angebote" after "z Archiv zeigen") may still fit.
            width = key_width(app.get_key_display(shown.binding), shown.binding.description)
            if width <= room:
                room -= width
                yield shown

    def _plan(self) -> tuple[list[ShownKey], list[ShownKey]]:
        """The keys that fit, and the pinned ones."""
        keys, pinned = self._shown_keys()
        return list(self._fitting(keys, pinned)), pinned

    def _signature(self, plan: tuple[list[ShownKey], list[ShownKey]]) -> tuple[object, ...]:
        app = self.app

        def said(shown: ShownKey) -> tuple[object, ...]:
            b = shown.binding
            tip = shown.tooltip or b.tooltip
            return (b.key, app.get_key_display(b), b.description, b.action, shown.enabled, tip)

        fitting, pinned = plan
        return tuple(map(said, fitting)), tuple(map(said, pinned))

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._composed_width = self._width()
        fitting, pinned = plan = self._plan()
        self._composed = self._signature(plan)
        for shown in fitting:
            yield self._key(shown)
        if pinned:
            with HorizontalGroup(id="footer-pinned"):
                for shown in pinned:
                    yield self._key(shown)

    async def recompose(self) -> None:
        # Textual's footer builds its keys anew whenever the bindings may have changed.
        if (
            self.is_attached
            and self._composed is not None
            and self._bindings_ready
            and self._width() == self._composed_width
            and self._signature(self._plan()) == self._composed
        ):
            return
        await super().recompose()

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
