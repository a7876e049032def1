"""Handlungsfelder's forms and pickers (field, goal, measure, indicator, link, the measures a
decision drives), as the user opens them by key, at 80×24 and at 120×40."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_support import fixed_paths, opens, press, snap
from tui_support import make_app, settle

from koordination.domain.records.fields import GoalRecord, MeasureRecord
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.fields import FieldsArea
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.dialogs.pickers import ChoiceScreen, LinkPickerScreen, MeasuresScreen


async def down_to(pilot: Any, app: KoordinationApp, kind: type) -> None:
    """Arrow down the tree (opening branches) until a ``kind`` is highlighted."""
    area = app.query_one(FieldsArea)
    for _ in range(12):
        if isinstance(area.current(), kind):
            return
        await press(pilot, app, "right", "down")
    raise AssertionError(f"kein {kind.__name__} im Baum")


async def test_every_field_form_and_picker_at_both_sizes(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_paths(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await press(pilot, app, "9")
        await down_to(pilot, app, GoalRecord)
        await opens(pilot, app, ("n",), ChoiceScreen)
        await snap(pilot, app, "field-new-choice")
        # The choices, top down: a measure in this goal, a goal in this field, a new field.
        for steps, name in ((0, "field-measure"), (1, "field-goal"), (2, "field-field")):
            if steps:
                await opens(pilot, app, ("n",), ChoiceScreen)
            await opens(pilot, app, ("down",) * steps + ("enter",), FormScreen)
            await snap(pilot, app, name)
            await press(pilot, app, "escape")
            assert len(app.screen_stack) == 1, f"{name}: Esc schließt nicht"

        await down_to(pilot, app, MeasureRecord)
        await opens(pilot, app, ("number_sign",), FormScreen)
        await snap(pilot, app, "field-indicator")
        await press(pilot, app, "escape")

        await opens(pilot, app, ("V",), ChoiceScreen)
        await snap(pilot, app, "field-link-choice")
        await opens(pilot, app, ("enter",), LinkPickerScreen)
        await snap(pilot, app, "field-link-picker")
        await press(pilot, app, "escape")

        # Rückverfolgen: from a survey question to the measures it drives.
        await opens(pilot, app, ("T", "down", "down", "enter"), LinkPickerScreen)
        await press(pilot, app, *"braucht")
        await opens(pilot, app, ("ctrl+s",), MeasuresScreen)
        await snap(pilot, app, "field-measures")
        await press(pilot, app, "escape")
