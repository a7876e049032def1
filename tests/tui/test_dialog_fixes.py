"""Dialogs at 80×24: what a dialog reports after it acted is in view, every dialog has its own
footer and compact buttons naming their keys, and search lists leave room for the fields below."""

from __future__ import annotations

from datetime import datetime

from test_forms import SIZE, in_view
from test_meetings_area import group_id, open_meetings, stored
from textual.widgets import Button, DataTable, Static
from tui_support import make_app, settle, text_of

from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingKind
from koordination.domain.inputs.meetings import MeetingInput
from koordination.tui.dialogs.send import SendScreen


async def test_the_send_result_is_in_view_with_the_focus_on_close(demo_db: str) -> None:
    meetings = stored(demo_db)
    meetings.create(
        MeetingInput(
            title="Jugendforum",
            kind=MeetingKind.NETZWERKTREFFEN,
            start=datetime(2026, 9, 24, 17, 0, tzinfo=CITY_ZONE),
            end=datetime(2026, 9, 24, 19, 0, tzinfo=CITY_ZONE),
            room="Jugendzentrum",
            group_ids=[group_id(demo_db, "AK Junges Engagement")],
        )
    )
    meetings.db.dispose()
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        table = area.query_one("#meetings-agenda", DataTable)
        rows = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        area.table.move_cursor(row=next(i for i, r in enumerate(rows) if "Jugendforum" in r))
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, SendScreen)
        assert dialog.offer.plan.deliveries
        await pilot.press("enter")  # Als Dateien speichern
        await settle(pilot, app)
        result = dialog.query_one("#send-result", Static)
        assert "Dateien in" in text_of(result)
        assert in_view(result)
        assert app.focused is dialog.query_one("#close", Button)
