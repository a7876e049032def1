"""Saving in Personen, Organisationen and Gruppen at 80×24: the form's title names the record,
the message after saving says what was done, the list puts its cursor on the record, and a
save refused because the record changed elsewhere brings back the form where it can show
what was typed (Personen, Organisationen), in Gruppen the message alone says why."""

from __future__ import annotations

from textual.widgets import Input, Select, Static
from tui_support import make_app, settle

from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.inputs.directory import GroupInput, OrganisationInput
from koordination.services.directory.search import OrganisationFilter
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.groups import GroupsArea
from koordination.tui.areas.list_area import ListArea
from koordination.tui.areas.organisations import OrganisationsArea
from koordination.tui.areas.people import PeopleArea
from koordination.tui.areas.refused import RefusedForm
from koordination.tui.dialogs.form import FormScreen

SIZE = (80, 24)


def toasts(app: KoordinationApp) -> list[str]:
    """The messages on screen now, as the user reads them."""
    return [str(toast.render()) for toast in app.screen.query("Toast").results(Static)]


def form_on_top(app: KoordinationApp) -> FormScreen:
    assert isinstance(app.screen, FormScreen), app.screen
    return app.screen


async def save_form(pilot: object, app: KoordinationApp, values: dict[str, object]) -> None:
    form = form_on_top(app)
    for key, value in values.items():
        field = form.query_one(f"#field-{key}")
        assert isinstance(field, Input | Select)
        field.value = value
    app.clear_notifications()
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await settle(pilot, app)


def area_of(app: KoordinationApp, kind: type[ListArea]) -> ListArea:
    """The area, also while a form covers it."""
    return next(screen for screen in app.screen_stack if screen.query(kind)).query_one(kind)


async def test_saving_says_what_was_done_and_the_list_shows_the_record(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("2", "n")
        await settle(pilot, app)
        assert form_on_top(app).title_text == "Person anlegen"
        await save_form(pilot, app, {"given_name": "Tina", "family_name": "Tester"})
        assert not isinstance(app.screen, FormScreen)
        assert any("Tina Tester wurde angelegt." in toast for toast in toasts(app))
        people = area_of(app, PeopleArea)
        assert people.current is not None and people.current.display_name == "Tina Tester"
        assert people.table.cursor_id == people.current.id

        await pilot.press("e")
        await settle(pilot, app)
        assert form_on_top(app).title_text == "Person bearbeiten – Tina Tester"
        await save_form(pilot, app, {"notes": "zweimal gespeichert"})
        assert any("Tina Tester wurde gespeichert." in toast for toast in toasts(app))

        await pilot.press("3", "n")
        await settle(pilot, app)
        assert form_on_top(app).title_text == "Organisation anlegen"
        await save_form(pilot, app, {"name": "Tauschring Nord", "sector": Sector.WIRTSCHAFT})
        assert any("Tauschring Nord wurde gespeichert." in toast for toast in toasts(app))
        organisations = area_of(app, OrganisationsArea)
        assert organisations.table.cursor_id == organisations.current.id
        assert organisations.current.name == "Tauschring Nord"

        await pilot.press("4", "n")
        await settle(pilot, app)
        assert form_on_top(app).title_text == "Gruppe anlegen"
        await save_form(pilot, app, {"name": "AK Tausch"})
        assert any("AK Tausch wurde gespeichert." in toast for toast in toasts(app))
        groups = area_of(app, GroupsArea)
        assert groups.current.name == "AK Tausch"
        await pilot.press("e")
        await settle(pilot, app)
        assert form_on_top(app).title_text == "Gruppe bearbeiten – AK Tausch"


async def test_a_save_refused_as_changed_elsewhere_keeps_what_was_typed(city_db: str) -> None:
    app = make_app(city_db)
    other = Core(Database(city_db))
    d = other.directory
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot, app)
            await pilot.press("3", "e")
            await settle(pilot, app)
            org = area_of(app, OrganisationsArea).current
            assert form_on_top(app).title_text == f"Organisation bearbeiten – {org.name}"
            d.update_organisation(
                org, OrganisationInput(name=org.name, sector=org.sector, kind=org.kind, notes="x")
            )
            await save_form(pilot, app, {"name": "Umbenannt anderswo"})
            form = form_on_top(app)
            assert isinstance(form, RefusedForm)
            assert form.title_text == f"Organisation bearbeiten – {org.name}"
            assert form.query_one("#field-name", Input).value == "Umbenannt anderswo"
            await pilot.press("escape")
            await settle(pilot, app)
            await pilot.press("j")  # throw the typed input away
            await settle(pilot, app)

            await pilot.press("4", "e")
            await settle(pilot, app)
            group = area_of(app, GroupsArea).current
            d.update_group(group, GroupInput(group.name, group.kind, "anderswo", group.parent_id))
            await save_form(pilot, app, {"name": "Umbenannt anderswo"})
            # The group form cannot show what was typed again: the message says why.
            assert not isinstance(app.screen, FormScreen)
            assert any("Fehler" in toast for toast in toasts(app))
        assert d.get_group(group.id).name == group.name
        assert d.count_organisations(OrganisationFilter("Umbenannt")) == 0
    finally:
        other.close()
