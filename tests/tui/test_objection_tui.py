"""Objections (Art. 21 DSGVO) in the Personen area at 80×24: Strg+W records one with its area
and reason, a second Strg+W decides it; both steps are in the person's Verlauf, and a missing
area or outcome is said in German and saves nothing."""

from __future__ import annotations

from test_forms import choose, fill
from textual.widgets import Input, Select, Static
from tui_support import make_app, settle, text_of

from koordination.core import Core
from koordination.db.engine import Database
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.widgets.lazy_table import LazyTable

SIZE = (80, 24)


async def test_an_objection_is_recorded_then_decided_and_both_are_in_the_trail(
    city_db: str,
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        app.query_one("#people-search", Input).value = "anna"
        await settle(pilot, app)
        app.query_one("#people-table", LazyTable).focus()
        await settle(pilot, app)

        await pilot.press("ctrl+w")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")  # no area: nothing is saved
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        problems = " ".join(text_of(s) for s in app.screen.query(Static))
        assert "bitte angeben, wogegen" in problems
        await fill(pilot, app, {"scope": "Fotos", "reason": "nicht im Jahresbericht"})
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        detail = text_of(app.query_one("#people-detail", Static))
        assert "Fotos" in detail

        await pilot.press("ctrl+w")  # now the open one can be decided
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        which = form.query_one("#field-which", Select)
        await pilot.pause()
        assert app.focused is which
        (open_id,) = [v for _label, v in which._options if v]
        await choose(pilot, which, open_id)
        await pilot.press("ctrl+s")  # deciding needs the outcome
        await settle(pilot, app)
        assert app.screen is form
        assert "bitte die Entscheidung angeben" in " ".join(text_of(s) for s in form.query(Static))
        form.query_one("#field-outcome", Input).value = "stattgegeben"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert "stattgegeben" in text_of(app.query_one("#people-detail", Static))

    core = Core(Database(city_db))
    (objection,) = core.objections.of_person(1)
    assert (objection.scope, objection.reason, objection.outcome) == (
        "Fotos",
        "nicht im Jahresbericht",
        "stattgegeben",
    )
    trail = [e for e in core.audit.entries() if e.kind == "objection"]
    assert [e.action for e in trail] == ["create", "update"]
    assert {(e.owner_kind, e.owner_id) for e in trail} == {("person", 1)}
    created = {c.label: c.new_text for c in trail[0].changes}
    assert created["Bereich"] == "Fotos" and created["Grund"] == "nicht im Jahresbericht"
    assert {c.label: c.new_text for c in trail[1].changes}["Ergebnis"] == "stattgegeben"
