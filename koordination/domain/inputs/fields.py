"""What the forms of the Handlungsfelder hand to the action fields service (a field, a goal, a
measure, an indicator), with their validation."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from koordination.domain.enums import MeasureStatus
from koordination.domain.inputs.validation import date_order, date_value, text_value
from koordination.domain.records.fields import FieldRecord, MeasureRecord
from koordination.errors import FieldError


def parse_number(text: str) -> float:
    """``7,5``, ``1.200``, ``1.200,5``, ``12`` or ``7.5`` as a number; ValueError in German
    otherwise."""
    value = text.strip().replace(" ", "")
    if "," in value or re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        # German: the dot groups thousands, the comma starts the decimals.
        value = value.replace(".", "").replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise ValueError("bitte eine Zahl eingeben, z. B. 12 oder 7,5.") from None
    if not math.isfinite(number):
        raise ValueError("bitte eine Zahl eingeben, z. B. 12 oder 7,5.")
    return number


def _number_value(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> float | None:
    text = text_value(values, key)
    if not text:
        return None
    try:
        number = parse_number(text)
    except ValueError as exc:
        problems.append(FieldError(label, str(exc)))
        return None
    if number < 0:
        problems.append(FieldError(label, "darf nicht negativ sein."))
        return None
    return number


def _progress_value(values: Mapping[str, Any], problems: list[FieldError]) -> int:
    text = text_value(values, "progress").removesuffix("%").strip()
    if not text:
        return 0
    if not text.isdigit() or not 0 <= int(text) <= 100:
        problems.append(FieldError("Fortschritt", "ist eine ganze Zahl von 0 bis 100 (Prozent)."))
        return 0
    return int(text)


# ---------------------------------------------------------------------- action field


@dataclass(frozen=True)
class FieldInput:
    title: str
    description: str = ""
    lead_group_id: int | None = None

    def changes(self, record: FieldRecord) -> dict[str, Any]:
        """What differs from the stored field (nothing: no need to save)."""
        return {name: value for name, value in vars(self).items() if getattr(record, name) != value}


def build_field(values: Mapping[str, Any]) -> tuple[FieldInput | None, list[FieldError]]:
    title = text_value(values, "title")
    if not title:
        return None, [FieldError("Titel", "darf nicht leer sein.")]
    return FieldInput(title, text_value(values, "description"), values.get("lead_group_id")), []


# ---------------------------------------------------------------------- goal


@dataclass(frozen=True)
class GoalInput:
    title: str
    description: str = ""


def build_goal(values: Mapping[str, Any]) -> tuple[GoalInput | None, list[FieldError]]:
    title = text_value(values, "title")
    if not title:
        return None, [FieldError("Titel", "darf nicht leer sein.")]
    return GoalInput(title, text_value(values, "description")), []


# ---------------------------------------------------------------------- measure


@dataclass(frozen=True)
class MeasureInput:
    title: str
    description: str = ""
    status: MeasureStatus = MeasureStatus.GEPLANT
    #: Percent, 0 to 100; a finished measure is at 100.
    progress: int = 0
    starts_on: date | None = None
    due_on: date | None = None
    responsible_group_id: int | None = None
    responsible_person_id: int | None = None
    partner_ids: tuple[int, ...] = ()

    @classmethod
    def from_record(cls, record: MeasureRecord) -> MeasureInput:
        """The stored measure as the form would hand it back unchanged."""
        return cls(
            title=record.title,
            description=record.description,
            status=record.status,
            progress=record.progress,
            starts_on=record.starts_on,
            due_on=record.due_on,
            responsible_group_id=record.responsible_group_id,
            responsible_person_id=record.responsible_person_id,
            partner_ids=tuple(p.id for p in record.partners),
        )

    def changes(self, record: MeasureRecord) -> dict[str, Any]:
        """What differs from the stored measure (nothing: no need to save); the partners
        count as changed when the set of organisations differs."""
        out = {
            name: value
            for name, value in vars(self).items()
            if name != "partner_ids" and getattr(record, name) != value
        }
        if set(self.partner_ids) != {p.id for p in record.partners}:
            out["partner_ids"] = list(self.partner_ids)
        return out


def build_measure(
    values: Mapping[str, Any], person_id: int | None, partner_ids: Iterable[int]
) -> tuple[MeasureInput | None, list[FieldError]]:
    """The typed fields of a measure; the responsible person and the partners are picked."""
    problems: list[FieldError] = []
    title = text_value(values, "title")
    if not title:
        problems.append(FieldError("Titel", "darf nicht leer sein."))
    progress = _progress_value(values, problems)
    starts = date_value(values, "starts_on", "Beginn", problems)
    due = date_value(values, "due_on", "Fällig am", problems)
    if order := date_order("Zeitraum", starts, due):
        problems.append(order)
    status = values.get("status") or MeasureStatus.GEPLANT
    if problems:
        return None, problems
    return (
        MeasureInput(
            title=title,
            description=text_value(values, "description"),
            status=status,
            progress=100 if status is MeasureStatus.ABGESCHLOSSEN else progress,
            starts_on=starts,
            due_on=due,
            responsible_group_id=values.get("responsible_group_id"),
            responsible_person_id=person_id,
            partner_ids=tuple(partner_ids),
        ),
        [],
    )


# ---------------------------------------------------------------------- indicator


@dataclass(frozen=True)
class IndicatorInput:
    name: str
    unit: str = ""
    target_value: float | None = None
    actual_value: float | None = None
    measured_on: date | None = None


def build_indicator(
    values: Mapping[str, Any], today: date
) -> tuple[IndicatorInput | None, list[FieldError]]:
    """An actual value without a date is as of ``today`` (the caller's clock)."""
    problems: list[FieldError] = []
    name = text_value(values, "name")
    if not name:
        problems.append(FieldError("Kennzahl", "darf nicht leer sein."))
    target = _number_value(values, "target_value", "Zielwert", problems)
    actual = _number_value(values, "actual_value", "Istwert", problems)
    measured = date_value(values, "measured_on", "Stand vom", problems)
    if measured is not None and measured > today:
        problems.append(FieldError("Stand vom", "liegt in der Zukunft."))
    if problems:
        return None, problems
    if actual is not None and measured is None:
        measured = today
    return IndicatorInput(name, text_value(values, "unit"), target, actual, measured), []
