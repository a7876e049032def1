"""Handlungsfelder: create, edit and delete fields, goals, measures and indicators; progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from koordination.domain.enums import MeasureStatus
from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkRecord,
    MeasureRecord,
)
from koordination.tui.areas.fields.base import FieldsBase
from koordination.tui.field_text import (
    indicator_value,
)

if TYPE_CHECKING:
    from koordination.domain.inputs.fields import (
        FieldInput,
        GoalInput,
        IndicatorInput,
        MeasureInput,
    )
    from koordination.tui.widgets.search_list import Count, Fetch


class FieldEditing(FieldsBase):
    """New, edit, delete, indicators and progress: the actions on the entry under the cursor."""

    def _people_and_organisations(self) -> tuple[tuple[Fetch, Count], tuple[Fetch, Count]]:
        from koordination.services.directory.search import OrganisationFilter
        from koordination.tui.areas.people import person_search
        from koordination.tui.widgets.lazy_table import Row

        assert self.core is not None
        directory = self.core.directory

        def organisations(text: str, offset: int, limit: int) -> list[Row]:
            found = directory.list_organisations(OrganisationFilter(text), offset, limit)
            return [Row(o.id, (o.name, o.sector.label)) for o in found]

        def count(text: str) -> int:
            return directory.count_organisations(OrganisationFilter(text))

        return person_search(directory), (organisations, count)

    # ------------------------------------------------------------------ new
    def action_new(self) -> None:
        from koordination.tui.dialogs.pickers import ChoiceScreen

        if self.needs_service() is None:
            return
        data = self.current()
        if data is None:
            self._new_field()
            return
        options: list[tuple[str, Callable[[], None]]] = []
        goal: GoalRecord | None = None
        field: FieldRecord
        if isinstance(data, FieldRecord):
            field = data
        else:
            if isinstance(data, GoalRecord):
                goal = data
            else:
                measure = self._measure_of(self.field_tree.cursor_node)
                assert measure is not None
                goal = self._goal(measure.goal_id)
            field = self._field(goal.field_id)
        if goal is not None:
            target = goal
            options.append((f"Maßnahme im Ziel „{goal.title}“", lambda: self._new_measure(target)))
        options.append((f"Ziel im Handlungsfeld „{field.title}“", lambda: self._new_goal(field)))
        options.append(("Neues Handlungsfeld", self._new_field))

        def chosen(run: Callable[[], None] | None) -> None:
            if run is not None:
                run()

        self.app.push_screen(ChoiceScreen("Was soll neu angelegt werden?", options), chosen)

    def _new_field(self) -> None:
        from koordination.tui.dialogs.field import field_form

        service = self.needs_service()
        if service is None:
            return

        def done(data: FieldInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: service.create_field(data),
                    lambda fid: self._saved(
                        f"Handlungsfeld „{data.title}“ ist angelegt. Jetzt ein Ziel: Taste n.",
                        ("field", fid),
                    ),
                )

        self.app.push_screen(field_form("Neues Handlungsfeld", None, self.groups), done)

    def _new_goal(self, field: FieldRecord) -> None:
        from koordination.tui.dialogs.field import goal_form

        service = self.needs_service()
        if service is None:
            return

        def done(data: GoalInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: service.add_goal(field.id, data),
                    lambda gid: self._saved(
                        f"Ziel „{data.title}“ ist angelegt. Jetzt eine Maßnahme: Taste n.",
                        ("goal", gid),
                    ),
                )

        self.app.push_screen(goal_form("Neues Ziel", None, field.title), done)

    def _new_measure(self, goal: GoalRecord) -> None:
        from koordination.tui.dialogs.field import MeasureFormScreen

        service = self.needs_service()
        if service is None:
            return

        def done(data: MeasureInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: service.add_measure(goal.id, data),
                    lambda m: self._saved(f"Maßnahme „{m.title}“ ist angelegt.", ("measure", m.id)),
                )

        people, organisations = self._people_and_organisations()
        self.app.push_screen(
            MeasureFormScreen(
                "Neue Maßnahme",
                None,
                self.groups,
                people,
                organisations,
                note=f"Ziel: {goal.title}",
            ),
            done,
        )

    # ------------------------------------------------------------------ edit
    def action_edit(self) -> None:
        from koordination.tui.dialogs.field import field_form, goal_form

        service = self.needs_service()
        data = self.current()
        if service is None:
            return
        if data is None:
            self.notify("Noch nichts da. Anlegen: Taste n.", severity="warning")
            return
        if isinstance(data, FieldRecord):
            field = data

            def field_done(values: FieldInput | None) -> None:
                if values is None:
                    return
                if not values.changes(field):
                    self.notify("Nichts geändert.")
                    return
                self.call_service(
                    lambda: service.update_field(field, values),
                    lambda _none: self._saved(
                        f"Handlungsfeld „{values.title}“ ist gespeichert.", ("field", field.id)
                    ),
                )

            self.app.push_screen(
                field_form(f"Handlungsfeld bearbeiten – {field.title}", field, self.groups),
                field_done,
            )
        elif isinstance(data, GoalRecord):
            goal = data

            def goal_done(values: GoalInput | None) -> None:
                if values is not None:
                    self.call_service(
                        lambda: service.update_goal(goal, values),
                        lambda _none: self._saved(
                            f"Ziel „{values.title}“ ist gespeichert.", ("goal", goal.id)
                        ),
                    )

            self.app.push_screen(
                goal_form("Ziel bearbeiten", goal, self._field(goal.field_id).title), goal_done
            )
        elif isinstance(data, MeasureRecord):
            self._edit_measure(data)
        elif isinstance(data, IndicatorRecord):
            self.action_indicator()
        else:
            self.notify(
                "Eine Verknüpfung hat nichts zu bearbeiten: lösen mit L, neu verknüpfen mit V.",
                severity="warning",
            )

    def _edit_measure(self, measure: MeasureRecord) -> None:
        from koordination.tui.dialogs.field import MeasureFormScreen

        service = self.needs_service()
        if service is None:
            return

        def done(data: MeasureInput | None) -> None:
            if data is None:
                return
            if not data.changes(measure):
                self.notify("Nichts geändert.")
                return
            self.call_service(
                lambda: service.update_measure(measure, data),
                lambda m: self._saved(f"Maßnahme „{m.title}“ ist gespeichert.", ("measure", m.id)),
            )

        people, organisations = self._people_and_organisations()
        self.app.push_screen(
            MeasureFormScreen(
                f"Maßnahme bearbeiten – {measure.title}",
                measure,
                self.groups,
                people,
                organisations,
                note=f"{measure.field_title} › {measure.goal_title}",
            ),
            done,
        )

    # ------------------------------------------------------------------ delete
    def action_delete(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        service = self.needs_service()
        data = self.current()
        if service is None:
            return
        if data is None:
            self.notify("Nichts markiert.", severity="warning")
            return
        if isinstance(data, LinkRecord):
            self._unlink(data)
            return
        keep = "Beschlüsse, Aufgaben und Umfragen bleiben, wie sie sind."
        call: Callable[[], None]
        if isinstance(data, FieldRecord):
            field = data
            title, what = "Handlungsfeld löschen", f"Das Handlungsfeld „{field.title}“"
            lines = [
                f"{what} wird mit {len(field.goals)} Zielen und {len(field.measures)} "
                "Maßnahmen gelöscht, samt Kennzahlen und Verknüpfungen.",
                keep,
            ]

            def call() -> None:
                service.delete_field(field.id)

        elif isinstance(data, GoalRecord):
            goal = data
            title, what = "Ziel löschen", f"Das Ziel „{goal.title}“"
            lines = [
                f"{what} wird mit {len(goal.measures)} Maßnahmen gelöscht, samt Kennzahlen "
                "und Verknüpfungen.",
                keep,
            ]

            def call() -> None:
                service.delete_goal(goal.id)

        elif isinstance(data, MeasureRecord):
            measure = data
            title, what = "Maßnahme löschen", f"Die Maßnahme „{measure.title}“"
            lines = [
                f"{what} wird mit {len(measure.indicators)} Kennzahlen und "
                f"{len(measure.links)} Verknüpfungen gelöscht.",
                keep,
            ]

            def call() -> None:
                service.delete_measure(measure.id)

        else:
            indicator = data
            title, what = "Kennzahl löschen", f"Die Kennzahl „{indicator.name}“"
            lines = [f"{what} wird gelöscht."]

            def call() -> None:
                service.delete_indicator(indicator.id)

        from koordination.tui.formatting import escape_markup

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(call, lambda _none: self._saved(f"{what} ist gelöscht."))

        self.app.push_screen(
            ConfirmScreen(title, [escape_markup(line) for line in lines], "Löschen", "Behalten"),
            answer,
        )

    # ------------------------------------------------------------------ indicators, progress
    def action_indicator(self) -> None:
        from koordination.tui.dialogs.field import indicator_form

        service = self.needs_service()
        measure = self.selected_measure()
        if service is None or measure is None:
            return
        data = self.current()
        record = data if isinstance(data, IndicatorRecord) else None

        def done(values: IndicatorInput | None) -> None:
            if values is None:
                return
            self.call_service(
                lambda: (
                    service.update_indicator(record, values)
                    if record is not None
                    else service.add_indicator(measure.id, values)
                ),
                lambda i: self._saved(
                    f"Kennzahl „{i.name}“ ist gespeichert: {indicator_value(i)}.",
                    ("indicator", i.id),
                ),
            )

        title = f"Kennzahl bearbeiten – {record.name}" if record else "Neue Kennzahl"
        self.app.push_screen(indicator_form(title, record, measure.title, self.today()), done)

    def action_progress_up(self) -> None:
        self._progress(10)

    def action_progress_down(self) -> None:
        self._progress(-10)

    def _progress(self, delta: int) -> None:
        from dataclasses import replace

        from koordination.domain.inputs.fields import MeasureInput

        service = self.needs_service()
        measure = self.selected_measure()
        if service is None or measure is None:
            return
        if measure.status is MeasureStatus.ABGESCHLOSSEN:
            self.notify(
                "Die Maßnahme ist abgeschlossen (100 %). Status ändern: Taste e.",
                severity="warning",
            )
            return
        progress = max(0, min(100, measure.progress + delta))
        if progress == measure.progress:
            return
        self.call_service(
            lambda: service.update_measure(
                measure, replace(MeasureInput.from_record(measure), progress=progress)
            ),
            lambda m: self._saved(f"„{m.title}“: {m.progress} %.", ("measure", m.id)),
        )
