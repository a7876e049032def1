"""The Handlungsfelder forms at 80×24, every field filled by keyboard alone and saved with
Strg+S: action field, goal, measure (person and partner picked by typing) and indicator."""

from __future__ import annotations

from datetime import date

from test_fields_area import choose as choose_entry
from test_fields_area import open_fields, stored
from test_forms import SIZE, fill, in_view, type_text
from textual.widgets import Button
from tui_support import make_app, settle

from koordination.domain.enums import MeasureStatus
from koordination.tui.dialogs.field import MeasureFormScreen
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.dialogs.pickers import SearchPickerScreen


async def pick(
    pilot: object, app: object, form: MeasureFormScreen, button: str, typed: str
) -> None:
    """Tab to a form's "Wählen …" button, Enter, type the name, Enter, Enter takes it."""
    target = form.query_one(f"#{button}", Button)
    for _ in range(6):
        if app.focused is target:  # type: ignore[attr-defined]
            break
        await pilot.press("tab")  # type: ignore[attr-defined]
    assert app.focused is target and in_view(target)  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot, app)  # type: ignore[arg-type]
    assert isinstance(app.screen, SearchPickerScreen)  # type: ignore[attr-defined]
    await type_text(pilot, typed)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot, app)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot, app)  # type: ignore[arg-type]
    assert app.screen is form  # type: ignore[attr-defined]


async def test_field_forms_are_filled_and_saved_by_keyboard_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        groups = dict(area.groups)
        lead = groups["Projektgruppe Digitales Engagement"]
        await pilot.press("n")
        await settle(pilot, app)
        await choose_entry(pilot, app, "Neues Handlungsfeld")
        assert isinstance(app.screen, FormScreen)
        await fill(
            pilot,
            app,
            {"title": "Tastaturfeld", "description": "per Tastatur", "lead_group_id": lead},
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        await pilot.press("n")
        await settle(pilot, app)
        await choose_entry(pilot, app, "Ziel im Handlungsfeld „Tastaturfeld“")
        await fill(pilot, app, {"title": "Tastaturziel", "description": "erreicht"})
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        await pilot.press("n")
        await settle(pilot, app)
        await choose_entry(pilot, app, "Maßnahme im Ziel „Tastaturziel“")
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        await fill(
            pilot,
            app,
            {
                "title": "Tastaturmaßnahme",
                "description": "Schritt für Schritt",
                "status": MeasureStatus.LAUFEND,
                "progress": "30",
                "starts_on": "01.10.2026",
                "due_on": "30.06.2027",
                "responsible_group_id": lead,
            },
        )
        await pick(pilot, app, form, "pick-person", "Fatma Winter")
        await pick(pilot, app, form, "add-partner", "Jugendring")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)

        # The new measure has the cursor: # adds its indicator.
        await pilot.press("number_sign")
        await settle(pilot, app)
        await fill(
            pilot,
            app,
            {
                "name": "Beratene Vereine",
                "unit": "Vereine",
                "target_value": "12",
                "actual_value": "4,5",
                "measured_on": "15.08.2026",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)

    field = next(f for f in stored(demo_db) if f.title == "Tastaturfeld")
    assert (field.description, field.lead_group_id) == ("per Tastatur", lead)
    (goal,) = field.goals
    assert (goal.title, goal.description) == ("Tastaturziel", "erreicht")
    (measure,) = goal.measures
    assert (measure.title, measure.description, measure.status, measure.progress) == (
        "Tastaturmaßnahme",
        "Schritt für Schritt",
        MeasureStatus.LAUFEND,
        30,
    )
    assert (measure.starts_on, measure.due_on) == (date(2026, 10, 1), date(2027, 6, 30))
    assert measure.responsible == "Projektgruppe Digitales Engagement / Fatma Winter"
    assert [p.name for p in measure.partners] == ["Jugendring Wiesenbrück"]
    (indicator,) = measure.indicators
    assert (indicator.name, indicator.unit) == ("Beratene Vereine", "Vereine")
    assert (indicator.target_value, indicator.actual_value) == (12, 4.5)
    assert indicator.measured_on == date(2026, 8, 15)
