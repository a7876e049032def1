"""When Python's cyclic garbage collector runs in the interface: not while the user waits.

- **Start-up:** paused until the first screen is complete. Start-up creates a few hundred
  thousand objects that live as long as the program (the modules, SQLAlchemy's mappings, the
  widgets), and the collector would walk all of them again and again while the user waits.
  Afterwards they are frozen out of its sight (``gc.freeze``), so its later rounds stay short.
- **What lives as long as the window** and is made later (the areas' modules, an area built on
  its visit or behind the Übersicht) is frozen as well once it is there.
- **Full rounds wait for a pause:** each keystroke paints lines, and every line Textual paints
  carries a few caches, so tens of thousands of objects come and go while someone types. A
  full round over them took 15-30 ms on 100,000 people, and the collector started one every
  few keystrokes, in the middle of one. Its own full rounds now come only after a thousand
  young ones; instead a full round runs once the user has paused for a moment. The young
  generations are collected as before.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic
from typing import Any

#: Seconds without a key or a mouse event before a full round runs.
PAUSE_SECONDS = 1.5
#: Young rounds before the collector starts a full round by itself (its default is ten).
YOUNG_ROUNDS_PER_FULL = 1000

#: Starts ``callback`` after ``delay`` seconds (the app's ``set_timer``).
Timer = Callable[[float, Callable[[], None]], Any]


class Collector:
    """The collector's rounds for one app run (see the module's description)."""

    def __init__(self) -> None:
        #: True while start-up keeps the collector paused.
        self.paused = False
        #: Whether start-up's objects were frozen (and what lives as long is frozen too).
        self.frozen = False
        self._thresholds: tuple[int, int, int] | None = None
        self._last_input = 0.0
        self._waiting = False

    @contextmanager
    def paused_for_start_up(self) -> Iterator[None]:
        """Paused from here until :meth:`start_up_done` (or this block's end)."""
        if gc.isenabled():
            gc.disable()
            self.paused = True
        try:
            yield
        finally:
            self.start_up_done()

    def start_up_done(self) -> None:
        """Freeze start-up's objects and let the collector run again, full rounds rarely."""
        if not self.paused:
            return
        self.paused = False
        self.frozen = True
        gc.freeze()
        young, middle, full = gc.get_threshold()
        self._thresholds = (young, middle, full)
        gc.set_threshold(young, middle, YOUNG_ROUNDS_PER_FULL)
        gc.enable()

    def freeze_long_lived(self) -> None:
        """Freeze what was made since start-up and lives as long as the window."""
        if self.frozen:
            gc.freeze()

    def input_seen(self, timer: Timer) -> None:
        """A key or a mouse event: a full round follows once the user pauses."""
        self._last_input = monotonic()
        if self.frozen and not self._waiting:
            self._waiting = True
            timer(PAUSE_SECONDS, lambda: self._after_pause(timer))

    def _after_pause(self, timer: Timer) -> None:
        left = self._last_input + PAUSE_SECONDS - monotonic()
        if left > 0.01:  # typed on meanwhile: wait for the pause
            timer(left, lambda: self._after_pause(timer))
            return
        self._waiting = False
        gc.collect()

    def hand_back(self) -> None:
        """The app has ended and the process goes on (a test): the collector as it was."""
        gc.unfreeze()
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
