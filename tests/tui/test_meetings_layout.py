"""Termine at the user's seat: what the agenda shows at 80×24 and at 120×40, and the warning when
a date is put where another meeting already is."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import DataTable, Input, Static
from tui_support import make_app, settle, text_of

from koordination.clock import CITY_ZONE
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.form import FormScreen


async def open_meetings(pilot: object, app: KoordinationApp) -> MeetingsArea:
    await settle(pilot, app)
    await pilot.press("6")  # type: ignore[attr-defined]
    await settle(pilot, app)
    return app.query_one(MeetingsArea)


def columns(area: MeetingsArea) -> dict[str, int]:
    return {c.label.plain: c.width for c in area.table.ordered_columns}


def cells(area: MeetingsArea, row: int) -> list[str]:
    return [cell.plain for cell in area.table.get_row_at(row)]


def toasts(app: KoordinationApp) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in app._notifications]


async def test_agenda_shows_date_time_and_title_at_80_and_whole_statuses_at_120(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        area = await open_meetings(pilot, app)
        shown = columns(area)
        assert list(shown) == ["Tag", "Zeit", "Termin"]
        assert shown["Termin"] >= 18
        first = cells(area, 0)
        assert first[0].startswith("Di 08.09.")
        assert first[1] == "18:00–20:00"
        assert first[2] == "AK Stadtteilarbeit"
        # The hint beside the group filter stays on one line.
        hint = area.query_one("#meetings-range", Static)
        assert hint.size.height <= 3 and len(text_of(hint)) <= hint.size.width
        # Status and place dropped out of the table; the detail pane names them.
        assert "eingeladen" in text_of(area.query_one("#meetings-detail", Static))

        await pilot.resize_terminal(120, 40)
        await settle(pilot, app)
        shown = columns(area)
        assert "Status" in shown and shown["Status"] >= len("verschoben")
        assert shown["Termin"] >= 18
        statuses = {cells(area, i)[list(shown).index("Status")] for i in range(len(area.rows))}
        assert "eingeladen" in statuses


async def test_moving_a_date_into_an_occupied_room_warns_but_saves(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        area = await open_meetings(pilot, app)
        index = next(
            i
            for i, r in enumerate(area.rows)
            if r.title == "AK Stadtteilarbeit" and r.start.day == 13 and r.start.month == 10
        )
        area.table.move_cursor(row=index, animate=False)
        await settle(pilot, app)
        await pilot.press("v")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        # The Konsortiumssitzung meets in the Großer Saal on 21.10.2026 from 17:00 to 19:00.
        for key, value in {
            "day": "21.10.2026",
            "start": "17:30",
            "end": "19:00",
            "room": "Großer Saal",
        }.items():
            form.query_one(f"#field-{key}", Input).value = value
            await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        warnings = [(t, m) for t, m, s in toasts(app) if s == "warning"]
        assert len(warnings) == 1
        title, message = warnings[0]
        assert "Überschneidung" in title
        assert "Konsortiumssitzung" in message and "21.10.2026" in message
        # A warning, not a refusal: the date moved.
        row = area.rows[area.table.cursor_row]
        assert row.title == "AK Stadtteilarbeit"
        assert row.start == datetime(2026, 10, 21, 17, 30, tzinfo=CITY_ZONE)
        assert isinstance(area.table, DataTable)
