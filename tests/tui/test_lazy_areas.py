"""Start-up builds only what the first screen shows: the Übersicht is mounted at start, every
other area on its first visit (digit, tab, palette command), and still gets the core, reloads
after changes and answers its keys as if it had been there from the start."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from textual.widgets import Switch
from tui_support import make_app, settle

from koordination.tui.app import AREA_KEYS
from koordination.tui.areas.shell import AREA_SPECS, area_classes
from koordination.tui.messages import DataChanged
from koordination.tui.widgets.lazy_table import LazyTable

SMALL = (80, 24)


def test_the_tabs_know_each_area_by_the_title_and_key_of_its_class() -> None:
    assert [(s.key, s.id, s.title) for s in AREA_SPECS] == AREA_KEYS
    assert [(s.id, s.key, s.title) for s in AREA_SPECS] == [
        (area_id, key, cls.TITLE) for area_id, key, cls in area_classes()
    ]


async def test_only_the_overview_is_mounted_at_start(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        assert [area.id for area in app.areas()] == ["overview"]
        assert app.area("overview") is not None and app.area("overview").core is app.core
        tabs = app.query_one("#areas")
        assert len(tabs.query("TabPane")) == 10


async def test_the_first_visit_mounts_the_area_with_the_core_and_shows_its_rows(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        people = app.area("people")
        assert people is not None and people.core is app.core and people.active
        assert app.query_one("#people-table", LazyTable).row_count > 100
        assert [area.id for area in app.areas()] == ["overview", "people"]
        # Back and again: the same widget, not a second one.
        await pilot.press("1")
        await pilot.press("2")
        await settle(pilot, app)
        assert len(app.query("#people")) == 1


async def test_a_palette_command_mounts_an_area_never_visited_and_runs_there(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        assert app.area("organisations") is None
        await app.run_action("app.area_action('organisations', 'toggle_archive_view')")
        await settle(pilot, app)
        assert app.query_one("#areas").active == "tab-organisations"  # type: ignore[attr-defined]
        assert app.query_one("#organisations-archived", Switch).value
        assert app.area("organisations").core is app.core  # type: ignore[union-attr]


async def test_an_area_mounted_after_a_change_shows_the_changed_data(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        app.post_message(DataChanged("people"))  # areas not mounted: nothing to tell
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        groups = app.query_one("#groups-table", LazyTable)
        assert groups.row_count == 5
        app.post_message(DataChanged("groups"))  # mounted now: it reloads like any area
        await settle(pilot, app)
        assert groups.row_count == 5


def test_the_first_useful_screen_imports_neither_alembic_nor_the_other_areas(
    demo_db: str,
) -> None:
    """Started in a process of its own until the Übersicht shows all its cards; afterwards the
    other areas and their services are imported in the background, and only then."""
    script = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from koordination.tui.app import KoordinationApp

        class Probe(KoordinationApp):
            at_startup_done = None

            def on_startup_done(self, message):
                if Probe.at_startup_done is None:
                    Probe.at_startup_done = {{
                        "mounted": [a.id for a in self.areas()],
                        "modules": sorted(sys.modules),
                    }}
                super().on_startup_done(message)

        async def main():
            app = Probe({demo_db!r})
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(400):
                    await pilot.pause(0.02)
                    if Probe.at_startup_done is not None:
                        break
                await app.workers.wait_for_complete()
                await pilot.pause(0.1)
                print(json.dumps({{
                    "first": Probe.at_startup_done,
                    "later": sorted(sys.modules),
                    "mounted": [a.id for a in app.areas()],
                }}))

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["first"]["mounted"] == ["overview"]
    first = set(seen["first"]["modules"])
    later = set(seen["later"])
    areas = (
        "koordination.tui.areas.people",
        "koordination.tui.areas.meetings",
        "koordination.tui.areas.network",
        "koordination.tui.areas.surveys",
    )
    for absent in ("alembic", "koordination.db.migrations", "koordination.db.dumps", *areas):
        assert absent not in first, absent
    # Prepared, not built: a first visit only mounts the area and loads its rows.
    assert set(areas) <= later
    assert "koordination.services.meetings.service" in later
    assert "alembic" not in later
    assert seen["mounted"] == ["overview"]
