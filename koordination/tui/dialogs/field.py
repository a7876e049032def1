"""Dialogs of the Handlungsfelder area: forms for action fields, goals, measures and their
indicators, and the pickers that link a measure to decisions, tasks and survey results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, SelectionList, Static

from koordination.domain.enums import MeasureStatus
from koordination.domain.inputs.fields import (
    MeasureInput,
    build_field,
    build_goal,
    build_indicator,
    build_measure,
)
from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    MeasureRecord,
)
from koordination.errors import FieldError
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.dialogs.pickers import SearchPickerScreen, organisation_list, person_list
from koordination.tui.field_text import (
    number_text,
)
from koordination.tui.widgets.form import FieldSpec, FormFields
from koordination.tui.widgets.lazy_table import Row
from koordination.tui.widgets.search_list import Count, Fetch

T = TypeVar("T")


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


# ---------------------------------------------------------------------- action field


def field_form(
    title: str, record: FieldRecord | None, groups: Sequence[tuple[str, int]]
) -> FormScreen:
    fields = [
        FieldSpec("title", "Titel", placeholder="z. B. Engagement in den Stadtteilen"),
        FieldSpec("description", "Beschreibung", kind="lines", placeholder="worum es geht"),
        FieldSpec("lead_group_id", "Federführende Gruppe", kind="select", choices=list(groups)),
    ]
    values: dict[str, Any] = {}
    if record is not None:
        values = {
            "title": record.title,
            "description": record.description,
            "lead_group_id": record.lead_group_id,
        }
    return FormScreen(
        title,
        fields,
        values,
        build_field,
        note="Ein Handlungsfeld bündelt Ziele; die Ziele bündeln Maßnahmen.",
    )


# ---------------------------------------------------------------------- goal


def goal_form(title: str, record: GoalRecord | None, field_title: str) -> FormScreen:
    fields = [
        FieldSpec("title", "Ziel", error_names=("Titel",), placeholder="was erreicht sein soll"),
        FieldSpec("description", "Beschreibung", kind="lines"),
    ]
    values = {"title": record.title, "description": record.description} if record else {}
    return FormScreen(title, fields, values, build_goal, note=f"Handlungsfeld: {field_title}")


# ---------------------------------------------------------------------- measure


def measure_fields(groups: Sequence[tuple[str, int]]) -> list[FieldSpec]:
    return [
        FieldSpec("title", "Titel", placeholder="was getan wird"),
        FieldSpec("description", "Beschreibung", kind="lines"),
        FieldSpec(
            "status",
            "Status",
            kind="select",
            choices=MeasureStatus.choices(),
            allow_blank=False,
        ),
        FieldSpec(
            "progress", "Fortschritt in %", placeholder="0 bis 100", error_names=("Fortschritt",)
        ),
        FieldSpec("starts_on", "Beginn", placeholder="TT.MM.JJJJ"),
        FieldSpec(
            "due_on", "Fällig am", placeholder="TT.MM.JJJJ", error_names=("Fällig am", "Zeitraum")
        ),
        FieldSpec(
            "responsible_group_id",
            "Zuständige Gruppe",
            kind="select",
            choices=list(groups),
            error_names=("Zuständige Gruppe", "Verantwortliche Gruppe"),
        ),
    ]


def measure_values(record: MeasureRecord | None) -> dict[str, Any]:
    if record is None:
        return {"status": MeasureStatus.GEPLANT, "progress": "0"}
    return {
        "title": record.title,
        "description": record.description,
        "status": record.status,
        "progress": str(record.progress),
        "starts_on": _day(record.starts_on),
        "due_on": _day(record.due_on),
        "responsible_group_id": record.responsible_group_id,
    }


class MeasureFields(FormFields):
    """The measure's fields, plus the responsible person and the partner organisations, which
    are picked by searching rather than typed."""

    def __init__(
        self,
        groups: Sequence[tuple[str, int]],
        values: dict[str, Any],
        build: Callable[[dict[str, Any]], tuple[Any, list[FieldError]]],
        person: str,
        partners: Sequence[tuple[str, int]],
    ) -> None:
        super().__init__(measure_fields(groups), values, build, id="form-fields")
        self.person = person
        self.partners = list(partners)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        with Horizontal(classes="field-row"):
            yield Label("Zuständige Person", classes="field-label")
            yield Static(self.person or "– niemand –", id="measure-person")
            yield Button("Wählen …", id="pick-person", compact=True)
            yield Button("Keine", id="clear-person", compact=True)
        with Horizontal(classes="field-row measure-partners-row"):
            yield Label("Partner", classes="field-label")
            partners: SelectionList[int] = SelectionList(
                *((name, oid, True) for name, oid in self.partners),
                id="measure-partners",
                compact=True,
            )
            yield partners
        with Horizontal(classes="field-row"):
            yield Label("", classes="field-label")
            yield Button("Partner hinzufügen …", id="add-partner", compact=True)
            yield Static("  [dim]Haken weg = entfernen[/dim]", classes="measure-partners-hint")


class MeasureFormScreen(FormScreen):
    """A measure: title, status, progress, dates, responsible group and person, partners."""

    def __init__(
        self,
        title: str,
        record: MeasureRecord | None,
        groups: Sequence[tuple[str, int]],
        people: tuple[Fetch, Count],
        organisations: tuple[Fetch, Count],
        *,
        note: str = "",
    ) -> None:
        super().__init__(title, [], {}, self._build, note=note)
        self.person_id = record.responsible_person_id if record else None
        self.partner_ids = [p.id for p in record.partners] if record else []
        self.people = people
        self.organisations = organisations
        self.form = MeasureFields(
            groups,
            measure_values(record),
            self._build,
            record.responsible_person if record else "",
            [(p.name, p.id) for p in record.partners] if record else [],
        )

    def snapshot(self) -> Any:
        return (self.form.values(), self.person_id, sorted(self.partner_ids))

    def _build(self, values: dict[str, Any]) -> tuple[MeasureInput | None, list[FieldError]]:
        return build_measure(values, self.person_id, self.partner_ids)

    @on(Button.Pressed, "#pick-person")
    def _pick_person(self, event: Button.Pressed) -> None:
        event.stop()
        people, count = self.people

        def picked(row: Row | None) -> None:
            if row is not None:
                self.person_id = row.id
                self.query_one("#measure-person", Static).update(row.cells[0])

        self.app.push_screen(
            SearchPickerScreen("Verantwortliche Person wählen", person_list(people, count)),
            picked,
        )

    @on(Button.Pressed, "#clear-person")
    def _clear_person(self, event: Button.Pressed) -> None:
        event.stop()
        self.person_id = None
        self.query_one("#measure-person", Static).update("– niemand –")

    @on(Button.Pressed, "#add-partner")
    def _add_partner(self, event: Button.Pressed) -> None:
        event.stop()
        organisations, count = self.organisations

        def picked(row: Row | None) -> None:
            if row is None:
                return
            partners: SelectionList[int] = self.query_one("#measure-partners", SelectionList)
            if row.id in self.partner_ids:
                self.notify(f"{row.cells[0]} ist schon Partner.", markup=False)
                return
            listed = {partners.get_option_at_index(i).value for i in range(partners.option_count)}
            if row.id in listed:
                partners.select(row.id)
            else:
                partners.add_option((row.cells[0], row.id, True))
            self._partners_changed()

        self.app.push_screen(
            SearchPickerScreen(
                "Partnerorganisation hinzufügen", organisation_list(organisations, count)
            ),
            picked,
        )

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[int]) -> None:
        event.stop()
        self._partners_changed()

    def _partners_changed(self) -> None:
        partners: SelectionList[int] = self.query_one("#measure-partners", SelectionList)
        self.partner_ids = list(partners.selected)
        self.form.validate_now()


# ---------------------------------------------------------------------- indicator


def indicator_form(
    title: str, record: IndicatorRecord | None, measure_title: str, today: date
) -> FormScreen:
    fields = [
        FieldSpec("name", "Kennzahl", placeholder="z. B. Beteiligte Vereine"),
        FieldSpec("unit", "Einheit", placeholder="z. B. Vereine, Personen, €"),
        FieldSpec("target_value", "Zielwert", placeholder="z. B. 15"),
        FieldSpec("actual_value", "Istwert", placeholder="so weit ist es heute, z. B. 6"),
        FieldSpec("measured_on", "Stand vom", placeholder="TT.MM.JJJJ – leer: heute"),
    ]
    values: dict[str, Any] = {}
    if record is not None:
        values = {
            "name": record.name,
            "unit": record.unit,
            "target_value": number_text(record.target_value, empty="", grouped=False),
            "actual_value": number_text(record.actual_value, empty="", grouped=False),
            "measured_on": _day(record.measured_on),
        }
    return FormScreen(
        title,
        fields,
        values,
        lambda values: build_indicator(values, today),
        note=f"Maßnahme: {measure_title}. Zahlen mit Komma: 7,5.",
    )
