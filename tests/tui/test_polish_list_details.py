"""The list areas' texts at 80×24 break between whole words and pairs: the Gruppen detail's kind,
the Aufgaben line of dropped columns ("Aus: …"), the Netzwerk legend ("Wiss = Wissenschaft")."""

from __future__ import annotations

from test_polish_detail import rendered
from textual.widgets import Static
from tui_support import make_app, settle


async def test_details_and_legends_keep_words_and_pairs_whole_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        detail = app.query_one("#groups-detail", Static)
        group = rendered(detail.content, detail.content_size.width)
        # "Konsortium/Steuerungsgruppe" breaks after its "/" if at all, never inside a word.
        assert any(line.strip().endswith("Steuerungsgruppe") for line in group), group
        assert not any("Steuerungsgr" in line and "gruppe" not in line for line in group)

        await pilot.press("7")
        await settle(pilot, app)
        hidden = app.query_one("#tasks-hidden", Static)
        assert hidden.display
        tasks = rendered(hidden.content, hidden.content_size.width)
        assert any("Aus: AK Stadtteilarbeit" in line for line in tasks), tasks
        assert not any(line.rstrip(" ·").endswith(":") for line in tasks), tasks

        await pilot.press("0")
        await settle(pilot, app)
        legend = app.query_one(".network-legend", Static)
        lines = rendered(legend.content, legend.content_size.width)
        for pair in ("Zivil = Zivilgesellschaft", "Wiss = Wissenschaft", "Pol = Politik"):
            assert any(pair in line for line in lines), lines
