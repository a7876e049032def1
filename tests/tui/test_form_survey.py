"""The survey forms at 80×24, every field filled by keyboard alone and saved with Strg+S."""

from __future__ import annotations

from datetime import date

from test_forms import SIZE, fill
from test_surveys_area import open_surveys, stored
from tui_support import make_app, settle

from koordination.domain.enums import QuestionType, SurveyAudience
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.dialogs.survey import QuestionFormScreen
from koordination.tui.screens.questionnaire import QuestionnaireScreen


async def test_survey_and_question_forms_are_filled_by_keyboard_at_80x24(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_surveys(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(
            pilot,
            app,
            {
                "title": "Tastaturumfrage",
                "audience": SurveyAudience.ORGANISATIONEN,
                "audience_note": "Sportvereine",
                "starts_on": "01.10.2025",
                "ends_on": "30.11.2025",
                "introduction": "Bitte ausfüllen.",
                "anonymous": False,
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)

        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, QuestionnaireScreen)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, QuestionFormScreen)
        # The question text has the focus; Shift+Tab goes back to the code and the section.
        await pilot.press("shift+tab", "shift+tab")
        await fill(
            pilot,
            app,
            {
                "code": "Z1",
                "section": "Zufriedenheit",
                "text": "Wie zufrieden sind Sie?",
                "hint": "1 bis 4",
                "type": QuestionType.SKALA,
                "scale_max": "4",
                "low_label": "gar nicht",
                "high_label": "sehr",
                "required": False,
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, QuestionFormScreen)

    (survey,) = stored(city_db).list_surveys()
    assert (survey.title, survey.audience, survey.anonymous) == (
        "Tastaturumfrage",
        SurveyAudience.ORGANISATIONEN,
        False,
    )
    assert (survey.starts_on, survey.ends_on) == (date(2025, 10, 1), date(2025, 11, 30))
    (question,) = stored(city_db).questions(survey.id)
    assert (question.code, question.section, question.text, question.hint) == (
        "Z1",
        "Zufriedenheit",
        "Wie zufrieden sind Sie?",
        "1 bis 4",
    )
    assert question.type is QuestionType.SKALA and not question.required
    assert (question.scale_max, question.low_label, question.high_label) == (4, "gar nicht", "sehr")
