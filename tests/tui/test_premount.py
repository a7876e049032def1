"""In a terminal the other areas are built and loaded behind the Übersicht once start-up is
done, so a first visit only shows them: each then looks exactly as when it is built on its
visit, and a change saved before the visit is shown, not the state loaded behind it."""

from __future__ import annotations

import asyncio

from snapshot_support import check, steady_picture
from tui_support import APP_CLOCKS, QuietApp, settle

from koordination.clock import SYSTEM_CLOCK
from koordination.domain.inputs.directory import PersonInput
from koordination.tui.app import AREA_KEYS, KoordinationApp
from koordination.tui.messages import DataChanged
from koordination.tui.widgets.lazy_table import LazyTable

SMALL = (80, 24)


def premounting_app(url: str) -> KoordinationApp:
    app = QuietApp(url, APP_CLOCKS.get(url, SYSTEM_CLOCK), premount=True)
    app.animation_level = "none"
    return app


async def premounted(pilot: object, app: KoordinationApp) -> None:
    await asyncio.wait_for(app.areas_premounted.wait(), timeout=60)
    await settle(pilot, app)


async def test_every_area_built_behind_the_overview_looks_as_when_built_on_its_visit(
    demo_db: str,
) -> None:
    app = premounting_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await premounted(pilot, app)
        assert [area.id for area in app.areas()] == [area for _k, area, _l in AREA_KEYS]
        assert not [area.id for area in app.areas() if area.stale]
        for key, area, _label in AREA_KEYS:
            await pilot.press(key)
            await settle(pilot, app)
            # The pictures test_snapshots_areas draws of each area on its first visit.
            name = f"area-{area}-80x24"
            check(await steady_picture(pilot, app, name), name)


async def test_a_change_saved_before_the_first_visit_is_shown_on_it(demo_db: str) -> None:
    app = premounting_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await premounted(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        before = table.row_count
        assert app.core is not None
        app.core.directory.create_person(PersonInput(family_name="Zwiebelmann", given_name="Zora"))
        app.post_message(DataChanged("person"))
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        assert table.row_count == before + 1
