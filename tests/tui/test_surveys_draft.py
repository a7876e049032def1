"""A survey still in draft takes no answers: in Umfragen, typing paper forms in (r) and
importing online answers (i) both say in German to start it first, and nothing opens."""

from __future__ import annotations

from tui_support import make_app, settle

from koordination.db.engine import Database
from koordination.domain.enums import SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import SurveyInput
from koordination.services.surveys.service import Surveys


def _draft(url: str) -> None:
    db = Database(url)
    try:
        created = Surveys(db).create(SurveyInput("Entwurf für später", SurveyAudience.BUERGER))
        assert created.status is SurveyStatus.ENTWURF
    finally:
        db.dispose()


async def test_a_draft_takes_neither_paper_forms_nor_an_import(city_db: str) -> None:
    _draft(city_db)
    app = make_app(city_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("8")
        await settle(pilot, app)
        for key in ("r", "i"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot, app)
            assert len(app.screen_stack) == 1, f"{key}: nothing opens"
            shown = [n.message for n in app._notifications]
            assert shown == ["Die Umfrage ist noch ein Entwurf. Erst starten: Taste S."], key
