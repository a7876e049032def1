"""Keys typed before the window stands (the core open and handed to the areas): held in the
order typed and typed again once it stands, so "2n" typed in the first moments shows Personen
and then a new person's form, instead of losing the "n"."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App

#: Seconds a key typed again waits at most for the one before it to be handled.
CATCH_UP_LIMIT = 2.0


class EarlyKeys:
    """What the app was typed before its window stood. Keys in ``at_once`` (the area digits,
    quitting) act at once while nothing is held; any other key, and every key after it, waits
    for :meth:`type_again`."""

    def __init__(
        self, app: App[Any], at_once: Collection[str], in_front: Callable[[], Any]
    ) -> None:
        self.app = app
        self.at_once = at_once
        #: The widget of the area in front (its list takes the focus once the window stands).
        self.in_front = in_front
        #: The keys held, in order; None once the window stands (or never will).
        self.held: list[events.Key] | None = []
        #: The held keys being typed again, let through when they come round.
        self._again: list[events.Key] = []

    def hold(self, event: events.Key) -> bool:
        """Whether ``event``, as it reaches the app from the terminal, is held for later."""
        if event.is_forwarded:
            return False
        if any(event is again for again in self._again):
            self._again.remove(event)
            return False
        if self.held is None or not (self.held or event.key not in self.at_once):
            return False
        self.held.append(event)
        return True

    def drop(self) -> None:
        """The window will not stand (the database cannot be opened): nothing to type into."""
        self.held = None

    async def type_again(self) -> None:
        """The window stands: the held keys typed again in their order, each once the one
        before has been handled (a digit's area shown, a form opened, the focus set); keys
        typed meanwhile wait behind them."""
        held = self.held
        if held is None:
            return
        while True:
            await self._caught_up()
            if not held:
                break
            first = held.pop(0)
            again = events.Key(first.key, first.character)
            self._again.append(again)
            self.app.post_message(again)
        self.held = None  # nothing held: from now on keys go their way at once

    async def _caught_up(self) -> None:
        """Until the app, the screen, the area in front and the focused widget have handled
        what is queued now, and the screen has been drawn (an area focuses its list after
        that); twice, for what the first round queued. At most CATCH_UP_LIMIT seconds."""
        app = self.app

        async def one_round() -> None:
            screen = app.screen
            pumps: list[Any] = [app, screen, self.in_front()]
            if app.focused is not None:
                pumps += app.focused.ancestors_with_self
            handled = []
            for pump in dict.fromkeys(p for p in pumps if p is not None):
                done = asyncio.Event()
                if pump.call_later(done.set):
                    handled.append(done.wait())
            await asyncio.gather(*handled)
            await screen.wait_for_refresh()

        with contextlib.suppress(TimeoutError):
            for _ in range(2):
                await asyncio.wait_for(one_round(), CATCH_UP_LIMIT)
