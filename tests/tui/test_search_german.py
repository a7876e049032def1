"""Search as people type German names: "muller" finds Müller in Personen, at 80×24."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import make_app, settle, table_names

from koordination.tui.widgets.lazy_table import LazyTable


async def test_typing_the_plain_vowel_finds_the_umlaut_in_personen(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        for typed in ("muller", "mueller", "Müller"):
            search = app.query_one("#people-search", Input)
            search.value = ""
            search.focus()
            await pilot.press(*typed)
            await settle(pilot, app)
            names = table_names(table)
            assert names and all("Müller" in name for name in names), (typed, names)
