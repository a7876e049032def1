"""Measures (Maßnahmen): reading them by group or due date, creating, changing and deleting
them with their partners."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.domain.enums import MeasureStatus
from koordination.domain.inputs.fields import MeasureInput
from koordination.domain.inputs.validation import date_order
from koordination.domain.models import (
    ActionField,
    Goal,
    Group,
    Measure,
    MeasurePartner,
    Organisation,
    Person,
)
from koordination.domain.records.fields import MeasureRecord
from koordination.errors import FieldError, ValidationError
from koordination.services.fields.records import FieldsBase, measure_options, stale

_MEASURE_FIELDS = (
    "title",
    "description",
    "responsible_group_id",
    "responsible_person_id",
    "starts_on",
    "due_on",
    "status",
    "progress",
)


class Measures(FieldsBase):
    """Use cases on measures. Every public method is one transaction."""

    def measure(self, measure_id: int) -> MeasureRecord:
        with self.db.session() as session:
            measure = self._measure(session, measure_id)
            return self._measure_records(session, [measure])[measure.id]

    def _select_measures(self, session: Session, *conditions: Any) -> list[MeasureRecord]:
        measures = list(
            session.scalars(
                select(Measure)
                .join(Goal)
                .join(ActionField)
                .where(ActionField.archived.is_(False), *conditions)
                .order_by(Measure.due_on, Measure.id)
                .options(*measure_options())
            )
        )
        records = self._measure_records(session, measures)
        return [records[m.id] for m in measures]

    def measures_of_group(self, group_id: int) -> list[MeasureRecord]:
        """Measures the group is responsible for, and those of fields it leads."""
        with self.db.session() as session:
            return self._select_measures(
                session,
                (Measure.responsible_group_id == group_id)
                | (ActionField.lead_group_id == group_id),
            )

    def due_measures(self, today: date, within_days: int = 30) -> list[MeasureRecord]:
        """Measures not finished or paused whose due date is past or within ``within_days``."""
        with self.db.session() as session:
            return self._select_measures(
                session,
                Measure.due_on.is_not(None),
                Measure.due_on <= today + timedelta(days=within_days),
                Measure.status.in_([MeasureStatus.GEPLANT, MeasureStatus.LAUFEND]),
            )

    def _check_measure(self, session: Session, values: dict[str, Any]) -> None:
        problems: list[FieldError] = []
        if not str(values.get("title", "")).strip():
            problems.append(FieldError("Titel", "darf nicht leer sein."))
        progress = values.get("progress", 0)
        if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
            problems.append(
                FieldError("Fortschritt", "ist eine ganze Zahl von 0 bis 100 (Prozent).")
            )
        order = date_order("Zeitraum", values.get("starts_on"), values.get("due_on"))
        if order:
            problems.append(order)
        group_id = values.get("responsible_group_id")
        if group_id is not None and session.get(Group, group_id) is None:
            problems.append(FieldError("Verantwortliche Gruppe", f"Nr. {group_id} gibt es nicht."))
        person_id = values.get("responsible_person_id")
        if person_id is not None and session.get(Person, person_id) is None:
            problems.append(FieldError("Verantwortliche Person", f"Nr. {person_id} gibt es nicht."))
        if problems:
            raise ValidationError(problems)

    def add_measure(self, goal_id: int, data: MeasureInput) -> MeasureRecord:
        """A new measure at the end of the goal's measures. A finished one is at 100 %."""
        values = {
            "title": data.title,
            "description": data.description,
            "responsible_group_id": data.responsible_group_id,
            "responsible_person_id": data.responsible_person_id,
            "starts_on": data.starts_on,
            "due_on": data.due_on,
            "status": data.status,
            "progress": 100 if data.status is MeasureStatus.ABGESCHLOSSEN else data.progress,
        }
        with self.db.session() as session:
            goal = self._goal(session, goal_id)
            self._check_measure(session, values)
            measure = Measure(
                **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()},
                position=max((m.position for m in goal.measures), default=0) + 1,
            )
            goal.measures.append(measure)
            session.flush()
            self._set_partners(session, measure, data.partner_ids)
            session.flush()
            measure = self._measure(session, measure.id)
            return self._measure_records(session, [measure])[measure.id]

    def update_measure(self, original: MeasureRecord, data: MeasureInput) -> MeasureRecord:
        """Save what ``data`` changes against ``original``, unless the measure changed since.
        Finishing it sets progress to 100 %."""
        changes = data.changes(original)
        with self.db.session() as session:
            measure = self._measure(session, original.id)
            if measure.version != original.version:
                raise stale(f"Die Maßnahme „{measure.title}“")
            partner_ids = changes.pop("partner_ids", None)
            if changes.get("status") is MeasureStatus.ABGESCHLOSSEN:
                changes["progress"] = 100
            values = {name: getattr(measure, name) for name in _MEASURE_FIELDS} | changes
            self._check_measure(session, values)
            for name, value in changes.items():
                setattr(measure, name, value.strip() if isinstance(value, str) else value)
            if partner_ids is not None:
                self._set_partners(session, measure, partner_ids)
            session.flush()
            measure = self._measure(session, original.id)
            return self._measure_records(session, [measure])[measure.id]

    @staticmethod
    def _set_partners(session: Session, measure: Measure, partner_ids: Sequence[int]) -> None:
        wanted = list(dict.fromkeys(partner_ids))
        known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(wanted))))
        missing = [str(i) for i in wanted if i not in known]
        if missing:
            raise ValidationError(
                [FieldError("Partner", f"Organisation Nr. {', '.join(missing)} gibt es nicht.")]
            )
        measure.partners[:] = [
            next((p for p in measure.partners if p.organisation_id == oid), None)
            or MeasurePartner(organisation_id=oid)
            for oid in wanted
        ]

    def delete_measure(self, measure_id: int) -> None:
        with self.db.session() as session:
            session.delete(self._measure(session, measure_id))
