"""Why the Personen list is quick on a city of 100,000 (the times: benchmarks/bench_tui.py):
it loads a screen of rows at a time with one statement per page, a letter typed into its search
is drawn in the same frame as the rows it finds, and the table takes its styles once per frame.
At 80×24 on the demo city."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Input, Static
from tui_support import make_app, settle, table_names, text_of

from koordination.db.engine import Database
from koordination.services.directory import listing
from koordination.services.directory.listing import people_lines
from koordination.services.directory.search import PeopleFilter
from koordination.tui.areas.people import PeopleArea
from koordination.tui.widgets import lazy_table
from koordination.tui.widgets.lazy_table import LazyTable


async def test_personen_loads_sixty_rows_a_page_and_the_rest_on_scrolling(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages: list[tuple[int, int]] = []

    def page(db: Database, today: date, f: PeopleFilter, offset: int, limit: int) -> Any:
        pages.append((offset, limit))
        return people_lines(db, today, f, offset, limit)

    # Each page is one statement: tests/service/test_person_lines.py.
    monkeypatch.setattr(listing, "people_lines", page)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.core is not None
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        assert table.page_size == PeopleArea.PAGE_SIZE == 60
        everybody = people_lines(app.core.db, app.core.clock.today(), PeopleFilter(), 0, 500)
        assert len(everybody) > 60
        assert pages == [(0, 60)]
        assert table.row_count == len(everybody)
        assert table.row_at(60) is None  # not loaded before it is shown
        status = app.query_one("#people-status", Static)
        assert f"{len(everybody)} Personen" in text_of(status)

        table.focus()
        await pilot.press("end")
        await settle(pilot, app)
        # The last page, loaded when it came into view, in list order.
        assert pages[-1] == (60 * ((len(everybody) - 1) // 60), 60)
        last = table.row_at(table.row_count - 1)
        assert last is not None and last.id == everybody[-1].id
        shown = table_names(table)
        assert shown and shown[-1].startswith(everybody[-1].name)


async def test_a_letter_typed_is_drawn_with_the_rows_it_finds(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow the machine: the frame waits for the rows (35 ms is the real bound).
    monkeypatch.setattr(lazy_table, "HOLD_FRAME", 30.0)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        search = app.query_one("#people-search", Input)
        search.focus()
        await settle(pilot, app)
        frames: list[tuple[str, int]] = []
        refresh = Screen._compositor_refresh

        def drawn(screen: Screen[Any]) -> None:
            frames.append((search.value, table._generation))
            refresh(screen)

        monkeypatch.setattr(Screen, "_compositor_refresh", drawn)
        before = table._generation
        await pilot.press("b")
        await settle(pilot, app)
        assert table._generation == before + 1
        assert all(name for name in table_names(table))
        # No frame showed the letter with the rows of before.
        assert frames and ("b", before) not in frames, frames
        assert ("b", before + 1) in frames, frames


async def test_the_table_takes_its_styles_once_per_frame(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        rich_style = LazyTable.rich_style
        looked_up: list[int] = []

        def counted(self: LazyTable) -> Any:
            looked_up.append(1)
            return rich_style.fget(self)  # type: ignore[attr-defined]

        monkeypatch.setattr(LazyTable, "rich_style", property(counted))
        table._styles_cache.clear()
        lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
        assert len(lines) >= 15
        assert len(looked_up) <= 2, len(looked_up)
