"""The garbage collector's full rounds wait for a pause in typing, and what lives as long as the
window is frozen once it is there (koordination.tui.collector): checked by driving the app,
without timing it."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input
from tui_support import APP_CLOCKS, QuietApp, settle

from koordination.clock import SYSTEM_CLOCK
from koordination.tui import collector


async def test_full_rounds_wait_until_the_typing_pauses(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the collector's own clock and timers: keys at any speed (a loaded machine) start
    no full round; the pause after the last key does, once."""
    now = [1000.0]
    monkeypatch.setattr(collector, "monotonic", lambda: now[0])
    full_rounds: list[int] = []
    collect = gc.collect

    def counted(generation: int = 2) -> int:
        full_rounds.append(generation)
        return collect(generation)

    thresholds = gc.get_threshold()
    app = QuietApp(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    timers: list[tuple[float, Callable[[], object]]] = []
    set_timer = app.set_timer

    def collector_timers(delay: float, callback: Any = None, **kw: Any) -> Any:
        if "Collector" not in getattr(callback, "__qualname__", ""):
            return set_timer(delay, callback, **kw)  # Textual's own timers run as ever
        timers.append((delay, callback))
        return None

    monkeypatch.setattr(app, "set_timer", collector_timers)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        young, middle, full = gc.get_threshold()
        assert (young, middle) == thresholds[:2]
        assert full == collector.YOUNG_ROUNDS_PER_FULL  # the collector's own full rounds: rare
        await pilot.press("2")
        await settle(pilot, app)
        search = app.query_one("#people-search", Input)
        search.focus()
        now[0] += collector.PAUSE_SECONDS  # a pause after "2": its full round
        while timers:
            timers.pop()[1]()
        monkeypatch.setattr(gc, "collect", counted)
        for key in "mül":
            await pilot.press(key)
            now[0] += 0.5  # the next key half a second later
        await settle(pilot, app)
        assert search.value == "mül"
        assert [delay for delay, _ in timers] == [collector.PAUSE_SECONDS]  # one, not per key
        assert full_rounds == []  # none while typing
        # The timer of the first key runs out while the user still types: it waits on.
        now[0] -= 0.5
        timers.pop()[1]()
        assert full_rounds == [] and len(timers) == 1
        assert timers[0][0] == pytest.approx(collector.PAUSE_SECONDS)  # from the last key on
        now[0] += collector.PAUSE_SECONDS  # the pause
        timers.pop()[1]()
        assert full_rounds == [2] and timers == []
        await pilot.press("e")  # the next key starts the next wait
        assert len(timers) == 1
    assert gc.get_threshold() == thresholds  # handed back as it was


async def test_an_area_built_on_its_visit_is_frozen_with_the_window(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    freezes: list[str] = []
    freeze = gc.freeze

    def counted() -> None:
        freezes.append("freeze")
        freeze()

    app = QuietApp(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert gc.get_freeze_count() > 10_000  # start-up's objects
        monkeypatch.setattr(gc, "freeze", counted)
        await pilot.press("6")
        await settle(pilot, app)
        assert app.area("meetings") is not None
        assert len(freezes) == 1  # the area, once built
        await pilot.press("1")
        await pilot.press("6")
        await settle(pilot, app)
        assert len(freezes) == 1  # shown again: nothing new to freeze
    assert gc.get_freeze_count() == 0
