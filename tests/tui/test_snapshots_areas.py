"""Every area of the main window as the user sees it, at 80×24 and at 120×40."""

from __future__ import annotations

from snapshot_support import snap
from textual.widgets import TabbedContent
from tui_support import make_app, settle

from koordination.tui.app import AREA_KEYS


async def test_every_area_at_both_sizes(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        for key, area, _label in AREA_KEYS:
            # No Esc needed: no area puts the focus into a text field when it is shown.
            await pilot.press(key)
            await settle(pilot, app)
            assert app.query_one("#areas", TabbedContent).active == f"tab-{area}", area
            await snap(pilot, app, f"area-{area}")
