"""Termine's forms and dialogs and the sitting's five tabs with their forms, as the user opens
them by key, at 80×24 and at 120×40."""

from __future__ import annotations

from datetime import date

import pytest
from snapshot_support import fixed_paths, opens, press, snap
from tui_support import make_app, settle

from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.meeting import MeetingFormScreen
from koordination.tui.dialogs.pickers import PersonPickerScreen
from koordination.tui.dialogs.send import SendScreen
from koordination.tui.screens.review import ReviewScreen
from koordination.tui.screens.sitting import SittingScreen

#: A sitting of the demo city with an agenda, attendance and minutes to show.
AK = "AK Stadtteilarbeit"
DAY = date(2026, 11, 10)


async def test_every_meeting_dialog_and_sitting_tab_at_both_sizes(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_paths(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await opens(pilot, app, ("6", "n"), MeetingFormScreen)
        await snap(pilot, app, "meeting-new")
        await press(pilot, app, "escape")

        # The AK's date, highlighted as the user would with the arrow keys.
        area = app.query_one(MeetingsArea)
        index = next(i for i, r in enumerate(area.rows) if r.title == AK and r.start.date() == DAY)
        area.table.move_cursor(row=index, animate=False)
        area.table.focus()
        await settle(pilot, app)
        for keys, kind, name in (
            (("v",), FormScreen, "meeting-move"),
            (("a",), ConfirmScreen, "meeting-cancel"),
            (("s",), SendScreen, "meeting-send"),
            (("r",), FormScreen, "meeting-answer"),
            (("G",), PersonPickerScreen, "meeting-guest"),
            (("x",), FormScreen, "meeting-uninvite"),
            (("P",), ReviewScreen, "meeting-review"),
        ):
            await opens(pilot, app, keys, kind)
            await snap(pilot, app, name)
            await press(pilot, app, "escape")
            assert len(app.screen_stack) == 1, f"{name}: Esc schließt nicht"

        sitting = await opens(pilot, app, ("enter",), SittingScreen)
        for key, tab in (
            ("2", "attendance"),
            ("3", "minutes"),
            ("4", "tasks"),
            ("5", "workshop"),
            ("1", "agenda"),
        ):
            await press(pilot, app, key)
            await snap(pilot, app, f"sitting-{tab}")
        forms: tuple[tuple[tuple[str, ...], str], ...] = (
            (("n",), "sitting-item"),
            (("3", "ctrl+b"), "sitting-decision"),
            (("ctrl+t",), "sitting-task"),
        )
        for form_keys, name in forms:
            await opens(pilot, app, form_keys, FormScreen)
            await snap(pilot, app, name)
            await press(pilot, app, "escape")
            assert app.screen is sitting, f"{name}: Esc schließt nicht"
        await press(pilot, app, "ctrl+f")
        await opens(pilot, app, ("ctrl+g",), FormScreen)
        await snap(pilot, app, "sitting-approval")
        await press(pilot, app, "escape")
