"""Plain frozen records of the programme Engagierte Stadt: the eligibility check of its call
for cities, and what the Steckbrief and the annual report are built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from koordination.domain.enums import Sector
from koordination.domain.records.directory import CityProfileRecord
from koordination.domain.records.fields import FieldRecord
from koordination.domain.records.network import HeldSitting, OrganisationRef
from koordination.domain.records.surveys import SurveyRecord, SurveyResults

MET, NOT_MET, OPTIONAL = "✓", "✗", "○"


def thousands(value: int) -> str:
    """``52.300``: German digit grouping."""
    return f"{value:,}".replace(",", ".")


# ------------------------------------------------------------------ eligibility


@dataclass(frozen=True)
class Criterion:
    """One requirement of the call. ``met`` is None for an optional one (shown, not needed)."""

    key: str
    label: str
    met: bool | None
    detail: str

    @property
    def optional(self) -> bool:
        return self.met is None

    @property
    def symbol(self) -> str:
        return OPTIONAL if self.met is None else MET if self.met else NOT_MET


@dataclass(frozen=True)
class EligibilityReport:
    city: str
    criteria: tuple[Criterion, ...]

    @property
    def eligible(self) -> bool:
        """Every required criterion is met."""
        return all(c.met for c in self.criteria if not c.optional)

    @property
    def met(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.met)

    @property
    def missing(self) -> tuple[Criterion, ...]:
        """Required criteria not met: what the city still has to do."""
        return tuple(c for c in self.criteria if c.met is False)

    @property
    def optional(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.optional)

    @property
    def summary(self) -> str:
        if self.eligible:
            return "Alle Voraussetzungen des Programms sind erfüllt."
        count = len(self.missing)
        return (
            f"{'Eine Voraussetzung ist' if count == 1 else f'{count} Voraussetzungen sind'} "
            "noch nicht erfüllt."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "eligible": self.eligible,
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "met": c.met,
                    "optional": c.optional,
                    "detail": c.detail,
                }
                for c in self.criteria
            ],
        }


# ------------------------------------------------------------------ Steckbrief


@dataclass(frozen=True)
class SteckbriefData:
    """What the city's Steckbrief shows, as of ``day``."""

    day: date
    #: ``None`` while no city profile exists.
    city: CityProfileRecord | None
    #: Titles of the finished measures, in the order of the action fields.
    finished_measures: tuple[str, ...]
    #: The consortium's organisations (without a consortium, those of every group), ordered
    #: by sector and name.
    partners: tuple[OrganisationRef, ...]


# ------------------------------------------------------------------ annual report


@dataclass(frozen=True)
class YearDecision:
    day: date
    meeting: str
    groups: str
    wording: str
    #: The result with its vote, as the minutes say it: ``angenommen (im Konsens)``.
    result: str


@dataclass(frozen=True)
class Attended:
    """One person's presence at one held sitting, with the sector they were there for."""

    sitting_id: int
    person_id: int | None
    sector: Sector | None


@dataclass(frozen=True)
class YearSurvey:
    """A survey that ran in the year: its results as published up to the year's end
    (``published``), else the live results with small cells hidden."""

    survey: SurveyRecord
    results: SurveyResults
    published: bool


@dataclass(frozen=True)
class AnnualReportData:
    """The year in figures, as of ``day``."""

    year: int
    day: date
    city: CityProfileRecord | None
    held: tuple[HeldSitting, ...]
    #: Group names by id.
    groups: Mapping[int, str]
    attended: tuple[Attended, ...]
    decisions: tuple[YearDecision, ...]
    fields: tuple[FieldRecord, ...]
    #: The year's surveys (not drafts), in the order they started.
    surveys: tuple[YearSurvey, ...]
