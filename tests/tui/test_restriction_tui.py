"""Restriction (Art. 18 DSGVO), archiving with a reason and the erase dialog's question about
mentions by family name, driven by keys in the Personen area at 80×24."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from snapshot_support import snap
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static, Switch
from tui_support import APP_CLOCKS, make_app, settle, table_names, text_of

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import Person
from koordination.services.directory.service import Directory
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.erasure import EraseScreen
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.widgets.lazy_table import LazyTable

SIZE = (80, 24)
NOTE = "Frau Müller bittet um Vertraulichkeit."


async def _select_anna(pilot: Pilot[int], app: KoordinationApp) -> LazyTable:
    await settle(pilot, app)
    await pilot.press("2")
    await settle(pilot, app)
    app.query_one("#people-search", Input).value = "anna"
    await settle(pilot, app)
    table = app.query_one("#people-table", LazyTable)
    table.focus()
    await settle(pilot, app)
    return table


async def _type(pilot: Pilot[int], app: KoordinationApp, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)
    await settle(pilot, app)


def _detail(app: KoordinationApp) -> str:
    return text_of(app.query_one("#people-detail", Static))


async def test_restrict_a_person_by_keys_then_edits_wait_until_it_is_lifted(
    city_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The picture shows the day of the restriction: always the same one.
    monkeypatch.setitem(APP_CLOCKS, city_db, Clock.fixed(datetime(2026, 11, 22, 10, tzinfo=UTC)))
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await _select_anna(pilot, app)
        await pilot.press("X")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("ctrl+s")  # no reason yet: refused, the form stays
        await settle(pilot, app)
        assert app.screen is form
        await _type(pilot, app, "Richtigkeit bestritten")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert len(app.screen_stack) == 1

        detail = _detail(app)
        assert "Verarbeitung eingeschränkt seit" in detail
        assert "Richtigkeit bestritten" in detail and "Aufheben: X" in detail
        assert table_names(table) == ["Anna Müller (eingeschr.)"]
        await snap(pilot, app, "person-restricted")

        # Editing and archiving wait: no form opens, the notice says why.
        for key in ("e", "x"):
            await pilot.press(key)
            await settle(pilot, app)
            assert len(app.screen_stack) == 1, key

        await pilot.press("X")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)
        assert "eingeschränkt" not in _detail(app)
        assert table_names(table) == ["Anna Müller"]
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)


async def test_archiving_a_person_asks_for_the_reason(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        table = await _select_anna(pilot, app)
        await pilot.press("x")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form  # a reason is required
        await _type(pilot, app, "verzogen")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert len(app.screen_stack) == 1
        assert table_names(table) == []
        app.query_one("#people-archived", Switch).value = True
        await settle(pilot, app)
        table.focus()
        await settle(pilot, app)
        assert "Archiviert: verzogen" in _detail(app)


@pytest.mark.parametrize("tick", [False, True])
async def test_the_erase_dialog_lists_mentions_by_family_name_and_replaces_them_when_ticked(
    city_db: str, tick: bool
) -> None:
    db = Database(city_db)
    try:
        # Another Müller: "Frau Müller" may be either of them.
        Directory(db).create_person(
            PersonInput(given_name="Greta", family_name="Müller", notes=NOTE)
        )
    finally:
        db.dispose()
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await _select_anna(pilot, app)
        await pilot.press("delete")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, EraseScreen)
        listed = text_of(dialog.query_one("#erase-mentions", Static))
        assert "1 Erwähnung(en) nur mit Nachnamen" in listed and NOTE in listed
        if not tick:
            await snap(pilot, app, "person-erase-mentions")
        if tick:
            await pilot.press("shift+tab")  # from the requester field back to the box
            await pilot.press("space")
            await settle(pilot, app)
            assert dialog.query_one("#erase-mask", Checkbox).value
            await pilot.press("tab", "tab")  # past who asked to the confirmation
        confirm = dialog.query_one("#erase-confirm", Input)
        confirm.focus()
        confirm.value = "Müller"
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await settle(pilot, app)
    db = Database(city_db)
    try:
        with db.session() as session:
            note = session.scalar(
                select(Person.notes).where(
                    Person.given_name == "Greta", Person.family_name == "Müller"
                )
            )
            erased = session.scalar(select(Person.erased_at).where(Person.id == 1))
    finally:
        db.dispose()
    assert erased is not None
    assert note == ("N. N. (Zivilgesellschaft) bittet um Vertraulichkeit." if tick else NOTE)
