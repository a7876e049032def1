"""The command palette: every action of the app, in German."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from koordination.tui.app import KoordinationApp


class KoordinationCommands(Provider):
    """Lists ``KoordinationApp.command_entries()``: title, help text and the action to run."""

    def _entries(self) -> list[tuple[str, str, str]]:
        return cast("KoordinationApp", self.app).command_entries()

    async def discover(self) -> Hits:
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action),
                    help=help_text,
                )
