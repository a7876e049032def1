"""Plain frozen records of action fields, goals, measures and what drives them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from koordination.domain.enums import MeasureStatus, Sector

LinkKind = Literal["decision", "task", "survey"]

LINK_LABELS: dict[str, str] = {
    "decision": "Beschluss",
    "task": "Aufgabe",
    "survey": "Umfrageergebnis",
}


@dataclass(frozen=True)
class PartnerRecord:
    id: int
    name: str
    sector: Sector


@dataclass(frozen=True)
class IndicatorRecord:
    id: int
    name: str
    unit: str
    target_value: float | None
    actual_value: float | None
    measured_on: date | None

    @property
    def share(self) -> float | None:
        """How far the actual value has come towards the target, in percent."""
        if not self.target_value or self.actual_value is None:
            return None
        return round(100.0 * self.actual_value / self.target_value, 1)


@dataclass(frozen=True)
class LinkRecord:
    """Evidence or a driver of a measure: a decision, a task, or a survey question's results.
    ``label`` says what it is ("Beschluss vom 12.11.2026 (AK Engagementförderung): …"),
    ``target_id`` is the decision's, task's or survey question's number."""

    id: int
    measure_id: int
    kind: LinkKind
    target_id: int
    label: str
    day: date | None
    note: str

    @property
    def kind_label(self) -> str:
        return LINK_LABELS[self.kind]


@dataclass(frozen=True)
class MeasureRecord:
    id: int
    version: int
    goal_id: int
    field_id: int
    field_title: str
    goal_title: str
    title: str
    description: str
    responsible_group_id: int | None
    responsible_group: str
    responsible_person_id: int | None
    responsible_person: str
    starts_on: date | None
    due_on: date | None
    status: MeasureStatus
    progress: int
    partners: tuple[PartnerRecord, ...] = ()
    indicators: tuple[IndicatorRecord, ...] = ()
    links: tuple[LinkRecord, ...] = ()

    def overdue(self, today: date) -> bool:
        return (
            self.due_on is not None
            and self.due_on < today
            and self.status not in (MeasureStatus.ABGESCHLOSSEN, MeasureStatus.PAUSIERT)
        )

    @property
    def responsible(self) -> str:
        return " / ".join(p for p in (self.responsible_group, self.responsible_person) if p)


@dataclass(frozen=True)
class GoalRecord:
    id: int
    field_id: int
    position: int
    title: str
    description: str
    measures: tuple[MeasureRecord, ...] = ()

    @property
    def progress(self) -> int:
        """The mean progress of the goal's measures (0 without measures)."""
        if not self.measures:
            return 0
        return round(sum(m.progress for m in self.measures) / len(self.measures))


@dataclass(frozen=True)
class FieldRecord:
    id: int
    version: int
    position: int
    title: str
    description: str
    lead_group_id: int | None
    lead_group: str
    archived: bool
    goals: tuple[GoalRecord, ...] = ()

    @property
    def measures(self) -> tuple[MeasureRecord, ...]:
        return tuple(m for g in self.goals for m in g.measures)

    @property
    def progress(self) -> int:
        measures = self.measures
        if not measures:
            return 0
        return round(sum(m.progress for m in measures) / len(measures))


@dataclass(frozen=True)
class MeasureRef:
    """A measure as seen from what drives it: the way back from evidence to action."""

    measure_id: int
    title: str
    field_title: str
    goal_title: str
    status: MeasureStatus
    link_id: int
    note: str
