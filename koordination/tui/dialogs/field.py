"""Dialogs of the Handlungsfelder area: forms for action fields, goals, measures and their
indicators, and the pickers that link a measure to decisions, tasks and survey results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from koordination.domain.enums import MeasureStatus
from koordination.domain.inputs.fields import (
    MeasureInput,
    build_field,
    build_goal,
    build_indicator,
    build_measure,
)
from koordination.domain.records.fields import (
    LINK_LABELS,
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkKind,
    MeasureRecord,
    MeasureRef,
)
from koordination.errors import FieldError, KoordinationError
from koordination.tui.dialogs.form import FormScreen, person_list
from koordination.tui.field_text import (
    measure_detail,
    measure_label,
    number_text,
    status_text,
)
from koordination.tui.widgets.form import FieldSpec, FormFields
from koordination.tui.widgets.lazy_table import Column, LazyTable, Row
from koordination.tui.widgets.search_list import Count, Fetch, SearchList

T = TypeVar("T")

#: What a measure can be linked to, in the words of the dialogs.
LINK_KINDS: list[tuple[str, LinkKind]] = [
    ("Beschluss aus einem Protokoll", "decision"),
    ("Aufgabe aus einem Protokoll", "task"),
    ("Umfrageergebnis (eine Frage einer Umfrage)", "survey"),
]
#: "den Beschluss", ... for sentences.
LINK_ACCUSATIVE: dict[str, str] = {
    "decision": "einen Beschluss",
    "task": "eine Aufgabe",
    "survey": "eine Umfragefrage",
}


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


# ---------------------------------------------------------------------- pickers


class ChoiceScreen(ModalScreen[T | None], Generic[T]):
    """One choice from a short list: Enter takes the highlighted entry."""

    BINDINGS = [Binding("escape", "cancel", "Abbrechen")]

    def __init__(self, title: str, options: Sequence[tuple[str, T]], *, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choice-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            yield OptionList(
                *(Option(Text(label), id=str(i)) for i, (label, _v) in enumerate(self.options)),
                id="choice-list",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Auswählen", variant="primary", id="choose")
                yield Button("Abbrechen", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][1])

    @on(Button.Pressed, "#choose")
    def _choose(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.options[index][1])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def organisation_list(organisations: Fetch, count: Count) -> SearchList:
    return SearchList(
        label="Organisation suchen",
        placeholder="Name, Kurzname oder E-Mail",
        columns=[Column("Name", 40, 3), Column("Sektor", 18, 1)],
        empty_text="Keine Organisation gefunden.",
        fetch=organisations,
        count=count,
        search_id="organisation-search",
        table_id="organisation-picker",
    )


class SearchPickerScreen(ModalScreen[Row | None]):
    """Pick one row of a search list (a person, an organisation); dismisses with the row."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Auswählen", tooltip="Markierten Eintrag übernehmen"),
        Binding("escape", "cancel", "Abbrechen"),
    ]

    def __init__(self, title: str, search: SearchList) -> None:
        super().__init__()
        self.title_text = title
        self.search = search

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield self.search
            yield Static("", id="picked", classes="field-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Auswählen", variant="primary", id="save")
                yield Button("Abbrechen", id="cancel")

    def on_lazy_table_row_selected(self, event: LazyTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.table.row_at(event.index))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        table = self.search.query_one(LazyTable)
        row = table.row_at(table.cursor_row) if table.row_count else None
        if row is None:
            self.query_one("#picked", Static).update("Bitte einen Eintrag auswählen.")
            return
        self.dismiss(row)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class LinkChoice:
    target_id: int
    note: str


def candidate_search(candidates: Sequence[tuple[int, str]]) -> tuple[Fetch, Count]:
    """Search-as-you-type over a list already loaded: every word must occur in the label."""

    def matching(text: str) -> list[tuple[int, str]]:
        words = text.casefold().split()
        return [(i, label) for i, label in candidates if all(w in label.casefold() for w in words)]

    def fetch(text: str, offset: int, limit: int) -> list[Row]:
        return [Row(i, (label,)) for i, label in matching(text)[offset : offset + limit]]

    def count(text: str) -> int:
        return len(matching(text))

    return fetch, count


def refs_text(refs: Sequence[MeasureRef], *, none: str) -> Text:
    """The measures something drives, one a line, with their status."""
    if not refs:
        return Text(none, style="dim")
    out = Text()
    for i, r in enumerate(refs):
        if i:
            out.append("\n")
        out.append("→ ")
        out.append(r.title, style="bold")
        out.append("  ")
        out.append_text(status_text(r.status))
        out.append(f"  ({r.field_title} › {r.goal_title})", style="dim")
        if r.note:
            out.append(f" – {r.note}", style="italic")
    return out


class LinkPickerScreen(ModalScreen[LinkChoice | None]):
    """Find a decision, task or survey question by typing. Under the list: which measures the
    highlighted one drives already – the way back from the minutes and surveys to the action.

    With ``trace`` the dialog only looks: it dismisses with the chosen entry, no note."""

    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Übernehmen",
            tooltip="Markierten Eintrag verknüpfen (beim Rückverfolgen: seine Maßnahmen zeigen)",
        ),
        Binding("escape", "cancel", "Abbrechen", tooltip="Schließen, nichts verknüpfen"),
    ]

    def __init__(
        self,
        title: str,
        kind: LinkKind,
        candidates: Sequence[tuple[int, str]],
        refs: Callable[[int], list[MeasureRef]],
        *,
        trace: bool = False,
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.kind = kind
        self.candidates = dict(candidates)
        self.fetch, self.count = candidate_search(candidates)
        self.refs = refs
        self.trace = trace
        self.note = note

    def compose(self) -> ComposeResult:
        noun = LINK_LABELS[self.kind]
        with Vertical(id="dialog", classes="form-dialog link-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            yield SearchList(
                label=f"{noun} suchen",
                placeholder="Wörter aus Text, Datum, Gruppe …",
                columns=[Column(noun, 60, 1)],
                empty_text="Nichts gefunden.",
                fetch=self.fetch,
                count=self.count,
                search_id="link-search",
                table_id="link-picker",
            )
            with VerticalScroll(id="link-detail-box"):
                yield Static("", id="link-detail")
            if not self.trace:
                yield Input(
                    placeholder="Anmerkung (optional), z. B. warum das die Maßnahme stützt",
                    id="link-note",
                    compact=True,
                )
            yield Static("", id="link-problem", classes="dialog-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Maßnahmen zeigen" if self.trace else "Verknüpfen",
                    variant="primary",
                    id="save",
                )
                yield Button("Abbrechen", id="cancel")

    def _current(self) -> int | None:
        return self.query_one(SearchList).cursor_id

    def on_lazy_table_row_highlighted(self, event: LazyTable.RowHighlighted) -> None:
        event.stop()
        if event.row_id is None:
            return
        label = self.candidates.get(event.row_id, "")
        self.query_one("#link-detail", Static).update(Text(label))
        self._load_refs(event.row_id, label)

    @work(thread=True, exclusive=True, group="link-refs")
    def _load_refs(self, target_id: int, label: str) -> None:
        try:
            refs = self.refs(target_id)
        except KoordinationError:
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_refs, target_id, label, refs)

    def _show_refs(self, target_id: int, label: str, refs: list[MeasureRef]) -> None:
        if self._current() != target_id:
            return
        text = Text(label)
        text.append("\n")
        text.append("Treibt: " if refs else "", style="bold")
        text.append_text(refs_text(refs, none="Noch mit keiner Maßnahme verknüpft."))
        self.query_one("#link-detail", Static).update(text)

    def on_lazy_table_row_selected(self, event: LazyTable.RowSelected) -> None:
        event.stop()
        if self.trace:
            self.dismiss(LinkChoice(event.row_id, ""))
        else:
            self.query_one("#link-note", Input).focus()

    @on(Input.Submitted, "#link-note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        target = self._current()
        if target is None:
            problem = self.query_one("#link-problem", Static)
            problem.update(f"Bitte {LINK_ACCUSATIVE[self.kind]} in der Liste auswählen.")
            problem.add_class("-shown")
            return
        note = "" if self.trace else self.query_one("#link-note", Input).value.strip()
        self.dismiss(LinkChoice(target, note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MeasuresScreen(ModalScreen[int | None]):
    """The measures a decision, task or survey question drives, each in full when highlighted;
    Enter goes to the measure in the Handlungsfelder area (when ``can_jump``)."""

    BINDINGS = [Binding("escape", "cancel", "Schließen")]

    def __init__(
        self,
        title: str,
        subject: str,
        measures: Sequence[MeasureRecord],
        today: date,
        *,
        can_jump: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.measures = list(measures)
        self.today = today
        self.can_jump = can_jump

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="measures-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(Text(self.subject), classes="dialog-note")
            if self.measures:
                yield OptionList(
                    *(Option(measure_label(m, self.today), id=str(m.id)) for m in self.measures),
                    id="measures-list",
                )
                with VerticalScroll(id="measures-detail-box"):
                    yield Static("", id="measures-detail")
            else:
                yield Static(
                    "Damit ist noch keine Maßnahme verknüpft. Verknüpfen: in den "
                    "Handlungsfeldern (Taste 9) die Maßnahme markieren, dann Taste l.",
                    classes="dialog-warning",
                )
            with Horizontal(classes="dialog-buttons"):
                if self.measures and self.can_jump:
                    yield Button("Zur Maßnahme", variant="primary", id="jump")
                yield Button("Schließen", id="cancel")

    def on_mount(self) -> None:
        if self.measures:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()
            self._show(0)

    def _show(self, index: int) -> None:
        detail: RenderableType = measure_detail(self.measures[index], self.today)
        self.query_one("#measures-detail", Static).update(detail)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(event.option_index)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.can_jump:
            self.dismiss(self.measures[event.option_index].id)

    @on(Button.Pressed, "#jump")
    def _jump(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.measures[index].id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
