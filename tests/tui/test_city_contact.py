"""The Stadtprofil area: the fixed contact person and the date the principles were accepted,
which the programme's eligibility check asks for."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Select, Static
from tui_support import make_app, settle, text_of

from koordination.db.engine import Database
from koordination.services.directory.service import Directory


async def test_contact_person_and_principles_are_shown_and_saved(demo_db: str) -> None:
    before = Directory(Database(demo_db)).get_city()
    assert before is not None and before.contact_person
    app = make_app(demo_db)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        contact = app.query_one("#field-contact_person_id", Select)
        assert contact.value == before.contact_person_id
        shown = app.query_one("#field-contact_person_id SelectCurrent #label", Static)
        assert text_of(shown) == before.contact_person
        accepted = app.query_one("#field-principles_accepted_on", Input)
        assert accepted.value == "12.03.2020"
        accepted.value = "01.02.2021"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    after = Directory(Database(demo_db)).get_city()
    assert after is not None and after.principles_accepted_on == date(2021, 2, 1)
    assert after.contact_person_id == before.contact_person_id
