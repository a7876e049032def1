"""The garbage collector's full rounds wait for a pause in typing, and what lives as long as the
window is frozen once it is there (koordination.tui.collector): checked by driving the app,
without timing it."""

from __future__ import annotations

import asyncio
import gc

import pytest
from textual.widgets import Input
from tui_support import APP_CLOCKS, QuietApp, settle

from koordination.clock import SYSTEM_CLOCK
from koordination.tui import collector


async def test_full_rounds_wait_until_the_typing_pauses(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collector, "PAUSE_SECONDS", 0.3)
    full_rounds: list[float] = []
    collect = gc.collect

    def counted(generation: int = 2) -> int:
        full_rounds.append(asyncio.get_running_loop().time())
        return collect(generation)

    thresholds = gc.get_threshold()
    app = QuietApp(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        young, middle, full = gc.get_threshold()
        assert (young, middle) == thresholds[:2]
        assert full == collector.YOUNG_ROUNDS_PER_FULL  # the collector's own full rounds: rare
        await pilot.press("2")
        await settle(pilot, app)
        search = app.query_one("#people-search", Input)
        search.focus()
        monkeypatch.setattr(gc, "collect", counted)
        for key in "mül":
            typed = asyncio.get_running_loop().time()
            await pilot.press(key)
            await pilot.pause(0.1)
        assert full_rounds == []  # none while typing
        await pilot.pause(0.6)
        assert len(full_rounds) == 1 and full_rounds[0] - typed >= 0.25  # after the last key
        await pilot.pause(0.5)
        assert len(full_rounds) == 1  # one per pause, not one per key
        assert search.value == "mül"
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
