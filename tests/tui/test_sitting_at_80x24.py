"""The sitting screen at 80×24, as a minute-taker meets it: the agenda in its stored order, the
moved date in the approval dialog and the file name, minutes typed just before Strg+Q kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Static
from tui_support import make_app, settle, text_of

from koordination.core import open_core
from koordination.domain.records.meetings import SittingRecord
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.screens.sitting import NotesArea, SittingScreen

SIZE = (80, 24)
AK = "AK Stadtteilarbeit"
#: The demo moved this AK date from Tue 08.12.2026 to Tue 15.12.2026.
MOVED = date(2026, 12, 15)


def stored(url: str, sitting_id: int) -> SittingRecord:
    core = open_core(url, migrate=False)
    try:
        return core.sittings.get(sitting_id)
    finally:
        core.close()


def shown_agenda(screen: SittingScreen) -> list[tuple[str, str]]:
    """(number, title) as the agenda table shows them."""
    table = screen.query_one("#sitting-agenda", DataTable)
    title = [c.label.plain for c in table.ordered_columns].index("Titel")
    return [
        (table.get_row_at(i)[0].plain, table.get_row_at(i)[title].plain.strip())
        for i in range(table.row_count)
    ]


async def open_moved_sitting(pilot: Any, app: KoordinationApp) -> SittingScreen:
    await settle(pilot, app)
    await pilot.press("6")
    await settle(pilot, app)
    area = app.query_one(MeetingsArea)
    area.show_from(date(2026, 12, 7))
    await settle(pilot, app)
    index = next(i for i, r in enumerate(area.rows) if r.title == AK and r.start.date() == MOVED)
    area.table.move_cursor(row=index, animate=False)
    area.table.focus()
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, SittingScreen)
    assert screen.record is not None
    return screen


async def test_agenda_order_and_the_moved_date_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_moved_sitting(pilot, app)
        record = screen.record
        assert record is not None
        assert "15.12.2026" in text_of(screen.query_one("#sitting-title", Static))
        # At 80 columns the agenda keeps number and title (40 cells at least); the presenter
        # and the hints give way.
        table = screen.query_one("#sitting-agenda", DataTable)
        columns = {c.label.plain: c.width for c in table.ordered_columns}
        assert columns["TOP"] and columns["Titel"] >= 40 and "Hinweis" not in columns

        # A new TOP shows where it is stored: before "Verschiedenes", with the stored number.
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Haushalt")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        shown = shown_agenda(screen)
        last = len(shown)
        assert shown[-2:] == [(str(last - 1), "Haushalt"), (str(last), "Verschiedenes")]
        assert shown == [(i.number, i.title) for i in stored(demo_db, record.id).items]
        # Strg+↑ moves it one place, no more; the numbers stay those stored.
        await pilot.press("ctrl+up")
        await settle(pilot, app)
        moved = shown_agenda(screen)
        assert [t for _n, t in moved][-3:] == ["Haushalt", shown[-3][1], "Verschiedenes"]
        assert table.cursor_row == last - 3
        assert moved == [(i.number, i.title) for i in stored(demo_db, record.id).items]

        # The approval dialog names the day the sitting takes place, not the series' slot.
        await pilot.press("ctrl+f")
        await settle(pilot, app)
        await pilot.press("ctrl+g")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        heading = text_of(form.query_one(".dialog-title", Static))
        assert "15.12.2026" in heading and "08.12." not in heading
        await pilot.press("escape")
        await settle(pilot, app)
        # … and so do the export dialog and the file it writes.
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert "15.12.2026" in text_of(dialog.query_one("#export-title", Static))
        target = Path(dialog.query_one("#export-path", Input).value)
        assert target.name.startswith("2026-12-15-ak-stadtteilarbeit-")
        await pilot.press("escape")
        await settle(pilot, app)

        # Reopened, the agenda has the same numbers.
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        again = app.screen
        assert isinstance(again, SittingScreen)
        assert shown_agenda(again) == moved


async def test_minutes_typed_just_before_ctrl_q_are_saved(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_moved_sitting(pilot, app)
        assert screen.record is not None
        sitting_id = screen.record.id
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("enter")
        notes = screen.query_one(NotesArea)
        assert screen.focused is notes
        typed = "Fest am 3. Juli"
        await pilot.press(*["space" if c == " " else c for c in typed])
        # Within the pause before the save: the screen knows it holds unsaved text.
        assert screen.unsaved_changes()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code is not None or not app.is_running
    assert stored(demo_db, sitting_id).items[0].notes.endswith(typed)
