"""The row of area tabs: at 80 columns every one of the ten areas is named (not only its digit),
whichever is in front; at 120 columns the first eight are spelled out."""

from __future__ import annotations

from textual.widgets import TabbedContent
from textual.widgets._tabbed_content import ContentTab
from tui_support import make_app, settle

from koordination.tui.app import AREA_KEYS, KoordinationApp
from koordination.tui.areas.shell import SHORT


def tab_row(app: KoordinationApp) -> list[str]:
    """The tabs' labels as drawn, in order; checks that each lies whole inside the window."""
    tabs = app.query_one("#areas", TabbedContent)
    labels = []
    for key, area_id, _title in AREA_KEYS:
        tab = tabs.get_tab(f"tab-{area_id}")
        assert isinstance(tab, ContentTab)
        label = str(tab.label)
        assert label.startswith(key)
        assert tab.region.x >= 0 and tab.region.right <= app.size.width, (label, tab.region)
        assert tab.region.width >= len(label) + 1, (label, tab.region)  # not cut
        labels.append(label)
    return labels


async def test_at_80_columns_every_area_is_named_whichever_is_in_front(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        rows = {}
        for key, area_id, title in AREA_KEYS:
            await pilot.press(key)
            await settle(pilot, app)
            row = rows[area_id] = tab_row(app)
            assert all(len(label) > 3 for label in row), row  # "8 Umfr", never a bare "8"
            front = row[AREA_KEYS.index((key, area_id, title))]
            # Spelled out where the others still get their names, else short like them.
            short = SHORT[area_id]
            assert front in (f"{key} {title}", f"{key} {short}", f"{key} {short.rstrip('.')}")
        assert " ".join(rows["overview"]) == (
            "1 Übersicht 2 Pers 3 Org 4 Grup 5 Stadt 6 Term 7 Aufg 8 Umfr 9 Felder 0 Netz"
        )
        assert rows["network"][-1] == "0 Netzwerk"
        assert rows["fields"][-2] == "9 Felder"  # "9 Handlungsfelder" would leave 0 unnamed


async def test_at_120_columns_the_names_are_spelled_out(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        row = tab_row(app)
        assert row[:8] == [f"{key} {title}" for key, _id, title in AREA_KEYS[:8]]
        await pilot.press("9")
        await settle(pilot, app)
        assert tab_row(app)[:7] == row[:7]
        assert tab_row(app)[8] == "9 Handlungsfelder"
