"""Lists, tabs and the directory areas at the user's seat: 80×24 first, then 120×40."""

from __future__ import annotations

import re

from tui_support import make_app, settle

from koordination.tui.app import KoordinationApp
from koordination.tui.areas.city import CityArea
from koordination.tui.areas.shell import AREAS
from koordination.tui.dialogs.form import ConfirmScreen
from koordination.tui.widgets.lazy_table import Column, LazyTable, fit_columns

SMALL = (80, 24)
LARGE = (120, 40)


def screen_lines(app: KoordinationApp) -> list[str]:
    update = app.screen._compositor.render_full_update()
    return ["".join(s.text for s in line) for line in update.strips]  # type: ignore[union-attr]


def test_a_column_drops_out_before_the_name_is_cut() -> None:
    columns = [
        Column("Name", 26, 2, min_width=18),
        Column("Organisation", 30, 2, priority=1, min_width=14),
        Column("Sektor", 17, 0, priority=3, min_width=12),
        Column("E-Mail", 30, 1, priority=2, min_width=16),
    ]
    natural = [22, 36, 17, 32]
    # Narrow: sector goes first, then the e-mail; the name keeps what it needs.
    assert fit_columns(columns, 40, natural) == [22, 15, 0, 0]
    narrow = fit_columns(columns, 62, natural)
    assert narrow[0] == 22 and narrow[2] == 0 and narrow[3] >= 16
    # Wide: everything shown, nothing cut below what its text needs.
    wide = fit_columns(columns, 120, natural)
    assert all(w >= n for w, n in zip(wide[:3], natural[:3], strict=True))
    # Too narrow even for the name alone: it never goes under its minimum while others show.
    assert fit_columns(columns, 20, natural) == [18, 0, 0, 0]


async def test_at_80_columns_tabs_names_and_the_overview_are_readable(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        tabs = screen_lines(app)[1]
        # All ten areas by their digit, the active one spelled out.
        for _area_id, key, _cls in AREAS:
            assert re.search(rf"(^|\s){key}(\s|$)", tabs), (key, tabs)
        assert "1 Übersicht" in tabs
        # Übersicht: no figure on a line of its own, no word broken at the card's edge.
        overview = app.query_one("#overview")
        for _ in range(6):
            for line in screen_lines(app)[3:-1]:
                inner = line.strip(" │╭╮╰╯─▌▐▆▇▂▄")
                assert not re.fullmatch(r"[\d.]+", inner.strip()), line
            overview.scroll_page_down(animate=False)
            await pilot.pause()
        assert "Stadtteilakt\n" not in "\n".join(screen_lines(app))

        await pilot.press("2")
        await settle(pilot, app)
        lines = screen_lines(app)
        assert "2 Personen" in lines[1] and "0" in lines[1].split()
        table = app.query_one("#people-table", LazyTable)
        names = [row.cells[0] for row in table.visible_rows() if row is not None]
        shown = "\n".join(lines)
        assert names and all(name in shown for name in names), shown
        header = next(line for line in lines if "│ Name" in line)
        assert "Organisation" in header and "Na…" not in header
        # The search field's hint and the three filters are readable on one line, so the
        # list keeps the rows.
        bar = next(line for line in lines if "Suchen: Name, E-Mail …" in line)
        for prompt in ("Sektor", "Gruppe", "Schlagwort", "Archiv"):
            assert prompt in bar, bar
        assert len(names) >= 13, shown

        await pilot.press("4")
        await settle(pilot, app)
        groups = app.query_one("#groups-table", LazyTable)
        names = [row.cells[0] for row in groups.visible_rows() if row is not None]
        shown = "\n".join(screen_lines(app))
        assert "AK Anerkennungskultur" in names
        assert all(name in shown for name in names), shown


async def test_at_120_columns_nothing_that_fits_is_cut(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot, app)
        await pilot.press("0")
        await settle(pilot, app)
        tabs = screen_lines(app)[1]
        assert "0 Netzwerk" in tabs and "1 Übersicht" in tabs and "9 " in tabs
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        assert table.hidden_columns == ()
        shown = "\n".join(screen_lines(app))
        header = next(line for line in screen_lines(app) if "│ Name" in line)
        for label in ("Organisation", "Sektor", "E-Mail"):
            assert label in header
        for row in table.visible_rows()[:5]:
            assert row is not None and row.cells[0] in shown


async def test_stadtprofil_edit_is_reported_unsaved_and_quitting_asks(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        area = app.query_one(CityArea)
        assert not area.unsaved_changes()
        await pilot.press("e", "end", "6")  # e edits; a digit in a text field is text
        await settle(pilot, app)
        assert area.unsaved_changes()
        assert "Esc" in "\n".join(screen_lines(app))
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not area.unsaved_changes()
