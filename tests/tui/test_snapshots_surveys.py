"""Umfragen's forms and screens (questionnaire, paper answers, results, comparison, kiosk PIN), as
the user opens them by key, at 80×24 and at 120×40."""

from __future__ import annotations

import pytest
from snapshot_support import fixed_paths, opens, press, snap
from tui_support import make_app, settle

from koordination.tui.areas.surveys import SurveysArea
from koordination.tui.dialogs.survey import BankPickerScreen, QuestionFormScreen, SurveyFormScreen
from koordination.tui.screens.answer_entry import AnswerEntryScreen
from koordination.tui.screens.kiosk_pin import KioskPinDialog
from koordination.tui.screens.questionnaire import QuestionnaireScreen
from koordination.tui.screens.survey_results import ComparePickerDialog, SurveyResultsScreen

#: The demo's survey that is running (the other one is closed).
RUNNING = "Bürgerbefragung Engagement 2026"


async def test_every_survey_screen_and_dialog_at_both_sizes(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_paths(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await opens(pilot, app, ("8", "n"), SurveyFormScreen)
        await snap(pilot, app, "survey-new")
        await press(pilot, app, "escape")

        area = app.query_one(SurveysArea)
        for _ in range(3):  # the running survey, highlighted with the arrow keys
            current = area.current()
            if current is not None and current.title == RUNNING:
                break
            await press(pilot, app, "down")

        questionnaire = await opens(pilot, app, ("enter",), QuestionnaireScreen)
        await snap(pilot, app, "survey-questionnaire")
        for key, kind, name in (
            ("n", QuestionFormScreen, "survey-question"),
            ("b", BankPickerScreen, "survey-bank"),
        ):
            await opens(pilot, app, (key,), kind)
            await snap(pilot, app, name)
            await press(pilot, app, "escape")
            assert app.screen is questionnaire, f"{name}: Esc schließt nicht"
        await press(pilot, app, "escape")

        await opens(pilot, app, ("r",), AnswerEntryScreen)
        await snap(pilot, app, "survey-paper-answers")
        await press(pilot, app, "escape")

        await opens(pilot, app, ("E",), SurveyResultsScreen)
        await snap(pilot, app, "survey-results")
        await opens(pilot, app, ("C",), ComparePickerDialog)
        await snap(pilot, app, "survey-compare-picker")
        await press(pilot, app, "escape", "escape")

        await opens(pilot, app, ("k",), KioskPinDialog)
        await snap(pilot, app, "survey-kiosk-pin")
        await press(pilot, app, "escape")
