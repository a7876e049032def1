"""Public holidays of the city's Bundesland, and warnings for meetings that fall on one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays as holidays_package

from koordination.calendar.events import Occurrence
from koordination.clock import CITY_ZONE
from koordination.errors import FieldError, ValidationError

__all__ = ["BUNDESLAENDER", "holiday_warnings", "public_holidays"]

#: The sixteen Bundesländer by their ISO 3166-2 code (without the "DE-").
BUNDESLAENDER: dict[str, str] = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}


def _code(bundesland_code: str) -> str:
    code = bundesland_code.strip().upper().removeprefix("DE-")
    if code not in BUNDESLAENDER:
        raise ValidationError(
            [FieldError("Bundesland", f"Unbekanntes Bundesland „{bundesland_code}“.")]
        )
    return code


@lru_cache(maxsize=256)
def _holidays_of_year(code: str, year: int) -> dict[date, str]:
    found = holidays_package.country_holidays("DE", subdiv=code, years=year, language="de")
    return dict(found.items())


def public_holidays(bundesland_code: str, years: int | Iterable[int]) -> dict[date, str]:
    """The public holidays (German names) of a Bundesland such as ``"HE"`` in the given years."""
    code = _code(bundesland_code)
    wanted = [years] if isinstance(years, int) else sorted(set(years))
    result: dict[date, str] = {}
    for year in wanted:
        result.update(_holidays_of_year(code, year))
    return dict(sorted(result.items()))


def holiday_warnings(occurrences: Iterable[Occurrence], bundesland: str) -> list[str]:
    """One German warning per (not cancelled) occurrence that falls on a public holiday."""
    days = sorted({o.start.astimezone(CITY_ZONE).date() for o in occurrences if not o.cancelled})
    if not days:
        return []
    known = public_holidays(bundesland, {d.year for d in days})
    return [
        f"Der Termin am {day:%d.%m.%Y} fällt auf einen Feiertag ({known[day]})."
        for day in days
        if day in known
    ]
