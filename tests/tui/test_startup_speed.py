"""Why the interface is quick to start and to switch areas, checked without timing: the garbage
collector waits until the first screen is complete, the Übersicht's figures take a handful of
queries, a first visit builds the area before its tab is shown, and a focus change that keeps
the footer's keys does not rebuild the footer."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey
from tui_support import APP_CLOCKS, QuietApp, make_app, settle

from koordination.clock import SYSTEM_CLOCK
from koordination.tui.areas.overview import OverviewArea
from koordination.tui.widgets.footer import KeyFooter

SMALL = (80, 24)
#: SELECTs until the Übersicht shows its figures: the schema check, the daily-backup setting,
#: the city's name for the header, then the city, the sectors' people and organisations, and the
#: groups. A query per person or per group would break this on any city.
FIGURES_QUERIES = 10


def test_start_up_pauses_the_garbage_collector_until_the_first_screen_is_complete(
    demo_db: str,
) -> None:
    """In a process of its own: `run` turns the collector off, the end of start-up turns it on
    again with what start-up built frozen, and quitting leaves it on."""
    script = textwrap.dedent(
        f"""
        import gc, json
        from koordination.tui.app import KoordinationApp

        seen = {{}}

        class Probe(KoordinationApp):
            def on_database_ready(self, message):
                seen["while opening"] = gc.isenabled()
                super().on_database_ready(message)

            def on_startup_done(self, message):
                seen["before done"] = gc.isenabled()
                super().on_startup_done(message)
                seen["after done"] = gc.isenabled()
                seen["frozen"] = gc.get_freeze_count()
                self.exit()

        seen["before run"] = gc.isenabled()
        Probe({demo_db!r}).run(headless=True)
        seen["after run"] = gc.isenabled()
        print(json.dumps(seen))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["before run"] is True
    assert seen["while opening"] is False
    assert seen["before done"] is False
    assert seen["after done"] is True
    assert seen["frozen"] > 10_000  # the modules, SQLAlchemy's mappings, the widgets
    assert seen["after run"] is True


async def test_the_overviews_figures_take_a_handful_of_queries(demo_db: str) -> None:
    selects: list[str] = []
    before_figures: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    original_show = OverviewArea.show

    def show(self: OverviewArea, overview: Any) -> None:
        before_figures.append(len(selects))
        original_show(self, overview)

    event.listen(Engine, "before_cursor_execute", count)
    OverviewArea.show = show  # type: ignore[method-assign]
    try:
        app = make_app(demo_db)
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot, app)
    finally:
        OverviewArea.show = original_show  # type: ignore[method-assign]
        event.remove(Engine, "before_cursor_execute", count)
    assert before_figures, "the Übersicht never showed its figures"
    assert 0 < before_figures[0] <= FIGURES_QUERIES, selects[: before_figures[0]]


async def test_a_first_visit_builds_the_area_before_its_tab_is_shown(demo_db: str) -> None:
    """The frame after the key shows the area (loading), never an empty tab."""
    mounted_when_shown: dict[str, bool] = {}

    class Probe(QuietApp):
        async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
            if event.tabbed_content.id == "areas" and event.pane.id:
                area_id = event.pane.id.removeprefix("tab-")
                mounted_when_shown.setdefault(area_id, self.area(area_id) is not None)
            await super().on_tabbed_content_tab_activated(event)

    app = Probe(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    app.animation_level = "none"
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        for key in "2346":
            await pilot.press(key)
            await settle(pilot, app)
    mounted_when_shown.pop("overview", None)  # shown at start, with the shell
    assert mounted_when_shown == {
        "people": True,
        "organisations": True,
        "groups": True,
        "meetings": True,
    }


async def test_a_focus_change_that_keeps_the_keys_keeps_the_footer(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        footer = app.screen.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        assert keys
        table = app.focused
        app.set_focus(None)
        app.set_focus(table)
        await settle(pilot, app)
        assert list(footer.query(FooterKey)) == keys  # the same widgets, not new ones
        await pilot.press("3")  # other keys: built anew
        await settle(pilot, app)
        assert all(key not in keys for key in footer.query(FooterKey))


async def test_the_first_frame_is_the_uebersicht_with_only_the_rules_it_paints(
    demo_db: str,
) -> None:
    """With the figures read from the file the shell is composed with the app (no splash frame
    first), and the rules of forms, meetings and surveys are read after the first frame, behind
    the others in the order they had."""
    seen: dict[str, Any] = {}

    def sheets(app: QuietApp) -> list[str]:
        return [Path(path).name for path, _ in app.stylesheet.source if path.endswith(".tcss")]

    class Probe(QuietApp):
        def on_mount(self) -> None:
            seen["sheets"] = sheets(self)
            seen["shell"] = bool(self.query("#shell"))
            seen["splash shown"] = self.query_one("#splash").display
            super().on_mount()

    app = Probe(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        assert sheets(app) == [
            "app.tcss",
            "lists.tcss",
            "forms.tcss",
            "meetings.tcss",
            "surveys.tcss",
        ]
    assert seen == {"sheets": ["app.tcss", "lists.tcss"], "shell": True, "splash shown": False}


async def test_a_switch_finds_the_areas_without_walking_the_window(demo_db: str) -> None:
    """Once a few areas are built the window holds thousands of widgets: the app keeps its
    areas and tabs at hand instead of querying for them on every switch."""
    from koordination.tui.areas.base import Area
    from koordination.tui.areas.shell import SPECS

    asked: list[object] = []

    class Probe(QuietApp):
        def query(self, selector: Any = None) -> Any:  # type: ignore[override]
            asked.append(selector)
            return super().query(selector)

    app = Probe(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        for key in "2361":
            await pilot.press(key)
            await settle(pilot, app)
        asked.clear()
        for key in "263":
            await pilot.press(key)
            await settle(pilot, app)
        assert app.area("people") is not None and app.area("tasks") is None
    wanted = {Area, "#areas", "#shell", *(f"#{area_id}" for area_id in SPECS)}
    assert not [selector for selector in asked if selector in wanted]


async def test_a_test_drives_the_app_with_the_collector_handled_as_run_handles_it(
    demo_db: str,
) -> None:
    """`run_test` pauses and freezes like `run` (the benchmarks drive the app through it), and
    hands what it froze back to the collector when the app has ended."""
    import gc

    seen: dict[str, Any] = {}

    class Probe(QuietApp):
        def on_database_ready(self, message: Any) -> None:
            seen["while opening"] = gc.isenabled()
            super().on_database_ready(message)

        def on_startup_done(self, message: Any) -> None:
            super().on_startup_done(message)
            seen.setdefault("after done", gc.isenabled())
            seen.setdefault("frozen", gc.get_freeze_count())

    assert gc.isenabled()
    app = Probe(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
    assert seen["while opening"] is False
    assert seen["after done"] is True
    assert seen["frozen"] > 10_000
    assert gc.isenabled() and gc.get_freeze_count() == 0
