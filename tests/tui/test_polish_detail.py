"""The meeting detail in the 30-column pane at 80×24: counts keep their labels, dates their
weekdays, answers stay whole, the UID breaks before its "@"; wide, everything is on one line.
The Protokoll tab's list of TOPs wraps long titles instead of cutting them."""

from __future__ import annotations

import io
import re

from rich.console import Console
from test_lists import screen_lines
from test_sitting_at_80x24 import open_moved_sitting
from textual.widgets import DataTable, Static
from tui_support import make_app, settle

#: The text width of the detail pane at 80 columns (30 cells less border and padding).
PANE = 26
WEEKDAY_DATE = re.compile(r"(Mo|Di|Mi|Do|Fr|Sa|So) \d\d\.\d\d\.\d{4}")


def rendered(content: object, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(content)
    return [line.rstrip() for line in console.export_text().splitlines()]


async def test_the_meeting_detail_wraps_between_whole_items_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        detail = app.query_one("#meetings-detail", Static)
        assert detail.size.width <= PANE + 1
        lines = rendered(detail.content, PANE)
        wide = "\n".join(rendered(detail.content, 200))
    text = "\n".join(lines)
    assert all(len(line) <= PANE for line in lines)
    for line in lines:
        body = line.strip(" •")
        # No number alone, no weekday waiting for its date on the next line.
        assert not re.fullmatch(r"[\d.·]+", body), text
        assert not re.search(r"\b(Mo|Di|Mi|Do|Fr|Sa|So)$", body), text
    for count in re.findall(r"\d+ (?:zugesagt|abgesagt|vielleicht|keine Antwort)", wide):
        assert any(count in line for line in lines), (count, text)
    for when in set(WEEKDAY_DATE.findall(wide)):
        assert any(re.search(rf"{when} \d\d\.\d\d\.\d{{4}}", line) for line in lines), text
    assert sum("nicht einladbar:" in line for line in lines) == wide.count("nicht einladbar:")
    assert "UID demo-1" in lines and "@wiesenbrueck.example.org" in lines
    # Wide, the same items stand on one line.
    assert "Di 08.12.2026 → Di 15.12.2026 18:00 (Sitzungssaal 1)" in wide
    assert "UID demo-1@wiesenbrueck.example.org · SEQUENCE 2" in wide
    assert re.search(r"\d+ zugesagt · \d+ abgesagt · \d+ vielleicht", wide)


async def test_the_minutes_list_of_items_wraps_long_titles_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_moved_sitting(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        assert screen.record is not None
        table = screen.query_one("#sitting-items", DataTable)
        left, right = table.region.x + 1, table.region.right - 1
        top, bottom = table.region.y + 1, table.region.bottom - 1
        pane = " ".join(line[left:right].strip() for line in screen_lines(app)[top:bottom])
        words = " ".join(pane.split())
        for item in screen.record.items:
            assert item.title in words, (item.title, words)
        assert any(len(item.title) > 24 for item in screen.record.items)
