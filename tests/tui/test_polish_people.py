"""Personen and Organisationen at 80×24: a save the database refuses (an e-mail address or an
organisation name another record has) brings the form back with what was typed and the
reason; nothing is stored, and Esc still asks. Erasing a person says which backups still hold
them and when each goes."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_forms import fill
from test_lists import screen_lines
from textual.widgets import Input, Static
from tui_support import make_app, settle, text_of

from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.services.directory.search import OrganisationFilter, PeopleFilter
from koordination.tui.areas.erasure import ErasedScreen, EraseScreen
from koordination.tui.areas.refused import RefusedForm
from koordination.tui.dialogs.form import ConfirmScreen

SMALL = (80, 24)


def note_of(screen: RefusedForm) -> str:
    return str(screen.query_one(".dialog-note", Static).render())


async def test_a_duplicate_address_or_name_reopens_the_form_with_the_input(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("2", "n")
        await settle(pilot, app)
        typed = {
            "given_name": "Anneliese",
            "family_name": "Zweitkonto",
            "emails": "Anna.Mueller@Buergerverein.de",
        }
        await fill(pilot, app, typed)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        # An address is one person's: no "save anyway", the form comes back naming the owner.
        form = app.screen
        assert isinstance(form, RefusedForm), form
        assert "anna.mueller@buergerverein.de gehört schon zu Anna Müller" in note_of(form)
        for key, value in typed.items():
            assert form.query_one(f"#field-{key}", Input).value == value
        # Esc does not throw the typed input away without asking.
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)

        await pilot.press("3", "n")
        await settle(pilot, app)
        await fill(
            pilot,
            app,
            {"name": "bürgerverein altstadt e.V.", "sector": Sector.ZIVILGESELLSCHAFT},
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, RefusedForm), form
        assert "Eine Organisation mit diesem Namen gibt es schon" in note_of(form)
        assert form.query_one("#field-name", Input).value == "bürgerverein altstadt e.V."

    core = Core(Database(city_db))
    try:
        assert core.directory.count_people(PeopleFilter("Zweitkonto")) == 0
        assert core.directory.count_organisations(OrganisationFilter("altstadt")) == 1
    finally:
        core.close()


async def test_erasure_lists_the_backups_that_still_hold_the_person(city_db: str) -> None:
    live = Path(city_db.removeprefix("sqlite:///"))
    copy = live.with_name("stadt-kopie-vom-montag.sqlite3")
    shutil.copyfile(live, copy)
    app = make_app(city_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("slash", *"anna", "enter")
        await settle(pilot, app)
        await pilot.press("delete")
        await settle(pilot, app)
        assert isinstance(app.screen, EraseScreen)
        app.screen.query_one("#erase-confirm").focus()  # past "Anfrage von" (optional)
        await pilot.pause()
        await pilot.press(*"Müller", "enter")
        await settle(pilot, app)
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ErasedScreen), dialog
        assert "wurde gelöscht" in text_of(dialog.query_one("#erased-summary", Static))
        copies = text_of(dialog.query_one("#erased-copies", Static))
        assert "Die Person steht noch in" in copies
        assert f"{copy.name} – Sicherung" in copies
        assert "wird nicht automatisch gelöscht" in copies
        # Readable at 80×24: the file's name and how to close are on the screen.
        shown = "\n".join(screen_lines(app))
        assert copy.name in shown and "Schließen (Esc)" in shown, shown
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, ErasedScreen)
