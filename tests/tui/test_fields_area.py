"""The Handlungsfelder area on the demo city: the tree of fields, goals and measures, the forms
that add to it, linking a decision, indicators, and the way back from a decision to its
measures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from textual.widgets import Button, Input, Select, Static, TextArea, Tree
from tui_support import APP_CLOCKS, make_app, settle, text_of

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import MeasureStatus
from koordination.domain.records.fields import FieldRecord, MeasureRecord
from koordination.services.fields.service import ActionFields
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.fields import FieldsArea
from koordination.tui.dialogs.field import MeasureFormScreen
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.pickers import (
    ChoiceScreen,
    LinkPickerScreen,
    MeasuresScreen,
    SearchPickerScreen,
)

SIZE = (130, 40)
#: A day in December 2026: the Engagementtag (due 01.12.2026) is overdue then.
LATE = date(2026, 12, 5)


@pytest.fixture
def late_demo_db(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo city, with the app believing it is ``LATE``."""
    monkeypatch.setitem(APP_CLOCKS, demo_db, Clock.on(LATE))
    yield demo_db


def stored(url: str) -> list[FieldRecord]:
    db = Database(url)
    try:
        return ActionFields(db).tree()
    finally:
        db.dispose()


def stored_measure(url: str, title: str) -> MeasureRecord:
    return next(m for f in stored(url) for m in f.measures if m.title == title)


async def open_fields(pilot: Any, app: KoordinationApp) -> FieldsArea:
    await settle(pilot, app)
    await pilot.press("9")
    await settle(pilot, app)
    return app.query_one(FieldsArea)


def labels(area: FieldsArea) -> list[str]:
    """Every line of the tree as shown (collapsed measures' children included)."""
    out: list[str] = []

    def walk(node: Any, depth: int) -> None:
        for child in node.children:
            out.append("  " * depth + str(getattr(child.label, "plain", child.label)))
            walk(child, depth + 1)

    walk(area.field_tree.root, 0)
    return out


async def go_to(pilot: Any, area: FieldsArea, text: str) -> None:
    """Put the cursor on the first node whose label contains ``text``."""
    tree: Tree[Any] = area.field_tree
    for node in area._by_key.values():
        if text in str(getattr(node.label, "plain", node.label)):
            if node.parent is not None:
                node.parent.expand()
            await pilot.pause()
            tree.move_cursor(node)
            await pilot.pause()
            return
    raise AssertionError(f"{text!r} is not in the tree: {labels(area)}")


def detail(area: FieldsArea) -> str:
    return text_of(area.query_one("#fields-detail-text", Static))


async def fill(pilot: Any, app: KoordinationApp, **values: object) -> None:
    for key, value in values.items():
        widget = app.screen.query_one(f"#field-{key}")
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(str(value))
        await pilot.pause()
    await settle(pilot, app)


async def choose(pilot: Any, app: KoordinationApp, label_start: str) -> None:
    """Pick the entry of the open ChoiceScreen that starts with ``label_start``."""
    screen = app.screen
    assert isinstance(screen, ChoiceScreen), screen
    index = next(i for i, (label, _v) in enumerate(screen.options) if label.startswith(label_start))
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot, app)


def summary(app: KoordinationApp) -> str:
    return text_of(app.screen.query_one("#form-summary", Static))


async def test_the_tree_shows_fields_goals_and_measures_with_status_and_progress(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        shown = labels(area)
        assert shown[:4] == [
            "Engagement in den Stadtteilen  ███░░  52 %",
            "  Ziel: Jeder Stadtteil hat einen Treffpunkt für Engagement  ███░░  52 %",
            "    ████░  70 %  bis 15.12.26  Treffpunkt Engagement im Südviertel  laufend",
            "      ← Umfrage „Umfrage für Organisationen und Vereine 2026“, F3: Was braucht das "
            "Engagement in Wiesenbrück am dringendsten? – Räume fehlen vielen Vereinen "
            "(Umfrage Organisationen)",
        ]
        assert (
            "    █░░░░  10 %  bis 31.03.27  Engagement-Schnuppertage mit den Schulen  geplant"
            in shown
        )
        assert "    █████ 100 %  Ehrenamtskarte: Partnerbetriebe ausweiten  abgeschlossen" in shown
        assert "      Kennzahl Partnerbetriebe: 34 von 30 Betriebe (113,3 %)" in shown
        # Status colours: running yellow, planned blue, finished green.
        node = area._by_key[
            ("measure", stored_measure(demo_db, "Treffpunkt Engagement im Südviertel").id)
        ]
        styles = {str(s.style) for s in node.label.spans}  # type: ignore[union-attr]
        assert "yellow" in styles
        assert "3 Handlungsfelder, 3 Ziele, 5 Maßnahmen" in text_of(
            area.query_one("#fields-status", Static)
        )

        await go_to(pilot, area, "Gemeinsames Stadtteilfest")
        text = detail(area)
        assert "Gemeinsames Stadtteilfest im Juni 2027" in text
        assert "Verantwortlich  AK Stadtteilarbeit" in text
        assert "Zeitraum        08.09.2026 – 19.06.2027" in text
        assert "Bürgerverein Nordstadt e.V. (Zivilgesellschaft)" in text
        assert "Beteiligte Vereine: 6 von 15 Vereine (40 %)" in text
        assert (
            "← Beschluss (08.09.2026, AK Stadtteilarbeit): Der AK richtet im Juni 2027 ein "
            "gemeinsames Stadtteilfest aus." in text
        )
        assert "← Aufgabe (offen, fällig 15.11.2026): Förderantrag Stadtteilfest" in text


async def test_an_overdue_measure_is_red(late_demo_db: str) -> None:
    app = make_app(late_demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        line = next(
            node.label
            for key, node in area._by_key.items()
            if key[0] == "measure" and "Engagementtag" in str(node.label)
        )
        assert "überfällig 01.12.26" in line.plain  # type: ignore[union-attr]
        assert "bold red" in {str(s.style) for s in line.spans}  # type: ignore[union-attr]
        assert "1 überfällig" in text_of(area.query_one("#fields-status", Static))


async def test_a_field_a_goal_and_a_measure_are_created_through_the_forms(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        await choose(pilot, app, "Neues Handlungsfeld")
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Titel: darf nicht leer sein." in summary(app)
        await fill(pilot, app, title="Digitales Engagement", description="Online mitmachen.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is not None and not isinstance(app.screen, FormScreen)
        assert area.current() is not None and area.current().title == "Digitales Engagement"  # type: ignore[union-attr]

        # On the new field, "n" offers a goal in it first.
        await pilot.press("n")
        await settle(pilot, app)
        await choose(pilot, app, "Ziel im Handlungsfeld „Digitales Engagement“")
        await fill(pilot, app, title="Vereine sind online erreichbar")
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        await pilot.press("n")
        await settle(pilot, app)
        await choose(pilot, app, "Maßnahme im Ziel „Vereine sind online erreichbar“")
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        await fill(pilot, app, progress="120", starts_on="01.03.2027", due_on="31.01.2027")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        problems = summary(app)
        assert "Titel: darf nicht leer sein." in problems
        assert "Fortschritt: ist eine ganze Zahl von 0 bis 100 (Prozent)." in problems
        assert "Das Ende (31.01.2027) liegt vor dem Beginn (01.03.2027)." in problems

        groups = dict(area.groups)
        await fill(
            pilot,
            app,
            title="Sprechstunde Vereinswebseiten",
            progress="20",
            due_on="30.06.2027",
            status=MeasureStatus.LAUFEND,
            responsible_group_id=groups["Projektgruppe Digitales Engagement"],
        )
        # Partner and responsible person are found by typing.
        form.query_one("#add-partner", Button).press()
        await settle(pilot, app)
        assert isinstance(app.screen, SearchPickerScreen)
        await pilot.press(*"Jugendring", "enter")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is form
        form.query_one("#pick-person", Button).press()
        await settle(pilot, app)
        await pilot.press(*"Fatma Winter", "enter")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert text_of(form.query_one("#measure-person", Static)) == "Fatma Winter"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Sprechstunde Vereinswebseiten" in detail(area)

    field = next(f for f in stored(demo_db) if f.title == "Digitales Engagement")
    assert field.description == "Online mitmachen."
    (goal,) = field.goals
    assert goal.title == "Vereine sind online erreichbar"
    (measure,) = goal.measures
    assert (measure.title, measure.status, measure.progress, measure.due_on) == (
        "Sprechstunde Vereinswebseiten",
        MeasureStatus.LAUFEND,
        20,
        date(2027, 6, 30),
    )
    assert measure.responsible == "Projektgruppe Digitales Engagement / Fatma Winter"
    assert [p.name for p in measure.partners] == ["Jugendring Wiesenbrück"]


async def test_a_decision_is_linked_through_the_picker_and_shows_in_the_detail(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        await go_to(pilot, area, "Engagement-Schnuppertage")
        assert "keine – verknüpfen mit Taste V" in detail(area)
        await pilot.press("V")
        await settle(pilot, app)
        await choose(pilot, app, "Beschluss")
        picker = app.screen
        assert isinstance(picker, LinkPickerScreen)
        await pilot.press(*"Stadtteilfest")
        await settle(pilot, app)
        # Under the list: what the decision drives already.
        shown = text_of(picker.query_one("#link-detail", Static))
        assert "Der AK richtet im Juni 2027 ein gemeinsames Stadtteilfest aus." in shown
        assert "Treibt: → Gemeinsames Stadtteilfest im Juni 2027" in shown
        picker.query_one("#link-search", Input).value = "Entwicklungswerkstatt"
        await settle(pilot, app)
        shown = text_of(picker.query_one("#link-detail", Static))
        assert "Noch mit keiner Maßnahme verknüpft." in shown
        picker.query_one("#link-note", Input).value = "Schulen kommen zur Werkstatt"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        # The cursor is on the new link; the measure lists it with the others.
        assert "Anmerkung: Schulen kommen zur Werkstatt" in detail(area)
        await go_to(pilot, area, "Engagement-Schnuppertage")
        assert (
            "← Beschluss (21.10.2026, Konsortiumssitzung): Das Konsortium beschließt die "
            "Entwicklungswerkstatt am 27.02.2027. – Schulen kommen zur Werkstatt" in detail(area)
        )

    measure = stored_measure(demo_db, "Engagement-Schnuppertage mit den Schulen")
    (link,) = measure.links
    assert (link.kind, link.note) == ("decision", "Schulen kommen zur Werkstatt")


async def test_the_way_back_leads_from_a_decision_to_the_measure_it_drives(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        await pilot.press("T")
        await settle(pilot, app)
        await choose(pilot, app, "Beschluss")
        assert isinstance(app.screen, LinkPickerScreen)
        await pilot.press(*"Engagementtag", "enter")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        shown = app.screen
        assert isinstance(shown, MeasuresScreen)
        assert [m.title for m in shown.measures] == ["Engagementtag 2027 auf dem Marktplatz"]
        assert "Konsortium Engagierte Stadt Wiesenbrück" in text_of(
            shown.query_one("#measures-detail", Static)
        )
        await pilot.press("enter")
        await settle(pilot, app)
        current = area.current()
        assert isinstance(current, MeasureRecord)
        assert current.title == "Engagementtag 2027 auf dem Marktplatz"

        # Enter on a link of a measure asks the same: what else does it drive?
        await go_to(pilot, area, "← Beschluss (08.09.2026")
        await pilot.press("enter")
        await settle(pilot, app)
        shown = app.screen
        assert isinstance(shown, MeasuresScreen)
        assert [m.title for m in shown.measures] == ["Gemeinsames Stadtteilfest im Juni 2027"]


async def test_an_indicator_is_added_with_german_problems_and_the_progress_moves(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        await go_to(pilot, area, "Treffpunkt Engagement im Südviertel")
        await pilot.press("number_sign")
        await settle(pilot, app)
        await fill(pilot, app, target_value="vier")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        problems = summary(app)
        assert "Kennzahl: darf nicht leer sein." in problems
        assert "Zielwert: bitte eine Zahl eingeben, z. B. 12 oder 7,5." in problems
        await fill(
            pilot,
            app,
            name="Offene Treffpunkte",
            unit="Treffpunkte",
            target_value="4",
            actual_value="2,5",
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        shown = [line.strip() for line in labels(area)]
        assert "Kennzahl Offene Treffpunkte: 2,5 von 4 Treffpunkte (62,5 %)" in shown

        await go_to(pilot, area, "Treffpunkt Engagement im Südviertel")
        await pilot.press("plus")
        await settle(pilot, app)
        assert "80 %  bis 15.12.26  Treffpunkt Engagement im Südviertel" in "\n".join(labels(area))

        # An indicator goes with a confirmation.
        await go_to(pilot, area, "Kennzahl Offene Treffpunkte")
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)

    measure = stored_measure(demo_db, "Treffpunkt Engagement im Südviertel")
    assert measure.progress == 80
    assert measure.indicators == ()


async def test_a_link_is_released_with_u(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_fields(pilot, app)
        await go_to(pilot, area, "← Aufgabe (erledigt am 09.10.2026)")
        await pilot.press("L")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)
        assert not any("Raum für das Stadtteilfest" in line for line in labels(area))

    measure = stored_measure(demo_db, "Gemeinsames Stadtteilfest im Juni 2027")
    assert [link.kind for link in measure.links] == ["decision", "task"]
