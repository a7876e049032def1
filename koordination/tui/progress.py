"""Progress from a worker thread to the screen, at most one update per interval."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

#: Seconds between progress updates; a file of 100,000 rows must not flood the UI thread.
PROGRESS_INTERVAL = 0.1


class Throttled:
    """A progress callback for a worker thread that passes on at most one update per interval."""

    def __init__(self, send: Callable[[int, int], Any], interval: float = PROGRESS_INTERVAL):
        self.send = send
        self.interval = interval
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self.last >= self.interval:
            self.last = now
            self.send(done, total)
