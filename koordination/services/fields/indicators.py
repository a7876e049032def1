"""Indicators (Kennzahlen) of a measure: target and actual values."""

from __future__ import annotations

from sqlalchemy.orm import Session

from koordination.domain.inputs.fields import IndicatorInput
from koordination.domain.models import Indicator
from koordination.domain.records.fields import IndicatorRecord
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.fields.records import FieldsBase


class Indicators(FieldsBase):
    """Use cases on indicators. Every public method is one transaction."""

    def add_indicator(self, measure_id: int, data: IndicatorInput) -> IndicatorRecord:
        """A new indicator at the end of the measure's indicators."""
        self._check_indicator(data)
        with self.db.session() as session:
            measure = self._measure(session, measure_id)
            indicator = Indicator(position=len(measure.indicators) + 1)
            measure.indicators.append(indicator)
            return self._save_indicator(session, indicator, data)

    def update_indicator(self, original: IndicatorRecord, data: IndicatorInput) -> IndicatorRecord:
        self._check_indicator(data)
        with self.db.session() as session:
            indicator = session.get(Indicator, original.id)
            if indicator is None:
                raise NotFoundError(f"Die Kennzahl Nr. {original.id} gibt es nicht (mehr).")
            return self._save_indicator(session, indicator, data)

    def _check_indicator(self, data: IndicatorInput) -> None:
        self._title(data.name, "Kennzahl")
        for label, value in (("Zielwert", data.target_value), ("Istwert", data.actual_value)):
            if value is not None and value < 0:
                raise ValidationError([FieldError(label, "darf nicht negativ sein.")])

    def _save_indicator(
        self, session: Session, indicator: Indicator, data: IndicatorInput
    ) -> IndicatorRecord:
        indicator.name = data.name.strip()
        indicator.unit = data.unit.strip()
        indicator.target_value = data.target_value
        indicator.actual_value = data.actual_value
        indicator.measured_on = data.measured_on
        session.flush()
        return IndicatorRecord(
            indicator.id,
            indicator.name,
            indicator.unit,
            data.target_value,
            data.actual_value,
            data.measured_on,
        )

    def delete_indicator(self, indicator_id: int) -> None:
        with self.db.session() as session:
            indicator = session.get(Indicator, indicator_id)
            if indicator is None:
                raise NotFoundError(f"Die Kennzahl Nr. {indicator_id} gibt es nicht (mehr).")
            session.delete(indicator)
