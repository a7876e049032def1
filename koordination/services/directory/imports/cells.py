"""Reading single cells: formula guards, names, dates, enums, consents and addresses.

Everything with few distinct values in a city (sectors, roles, dates, consent cells, names) is
parsed through a cache: 100,000 rows share a few thousand distinct values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from koordination.clock import CITY_ZONE
from koordination.domain.enums import (
    Channel,
    ConsentPurpose,
    GroupRole,
    LabeledEnum,
    OrganisationKind,
    Sector,
    fold,
)
from koordination.domain.inputs.validation import parse_date, split_multi

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_cell(value: str) -> str:
    """A cell as typed: trimmed, line breaks as LF, our exports' formula guard (') taken off."""
    value = value.strip()
    if "\r" in value:  # a line break inside a cell, written as CRLF by some programs
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value[:1] == "'" and value[1:2] in _FORMULA_START and len(value) > 1:
        return value[1:].strip()
    return value


cached_fold = lru_cache(maxsize=1 << 16)(fold)


def sort_key(family: str, given: str) -> str:
    # Same as directory.person_sort_key, with fold() cached: names repeat a lot in a city,
    # and the uncached fold() costs 0.2 s per 100,000 people.
    return f"{cached_fold(family)} {cached_fold(given)}"


cached_date = lru_cache(maxsize=4096)(parse_date)


def _enum_cache(cls: type[LabeledEnum]) -> Callable[[str], Any]:
    return lru_cache(maxsize=1024)(cls.parse)


parse_sector = _enum_cache(Sector)
parse_role = _enum_cache(GroupRole)
parse_channel = _enum_cache(Channel)
parse_kind = _enum_cache(OrganisationKind)
_parse_purpose = _enum_cache(ConsentPurpose)


def labels(cls: type[LabeledEnum]) -> str:
    """The German labels of an enum, for "(möglich: …)" in a message."""
    return ", ".join(m.label for m in cls)


def compose_address(street: str, postcode: str, city: str) -> str:
    """One postal address from separate columns: street, then postcode and city."""
    town = " ".join(p for p in (postcode, city) if p)
    return "\n".join(p for p in (street, town) if p)


# ---------------------------------------------------------------------------- consents

YES = {"ja", "j", "x", "yes", "1", "wahr", "true"}
_NO = {"nein", "n", "no", "0", "falsch", "false", "keine", ""}

#: (purpose, given at; None = the moment of the import)
ConsentPairs = tuple[tuple[ConsentPurpose, "datetime | None"], ...]


@lru_cache(maxsize=1024)
def consents(value: str) -> tuple[ConsentPurpose, ...] | str:
    """The purposes of an "Einwilligung" cell, or the German reason it cannot be read."""
    key = fold(value)
    if key in YES:
        return (ConsentPurpose.EINLADUNGEN,)
    if key in _NO:
        return ()
    purposes: list[ConsentPurpose] = []
    for part in split_multi(value):
        purpose = _parse_purpose(part)
        if purpose is None:
            return (
                f"„{part}“ ist keine bekannte Einwilligung "
                f"(möglich: {labels(ConsentPurpose)} oder „ja“)."
            )
        if purpose not in purposes:
            purposes.append(purpose)
    return tuple(purposes)


def consent_days(date_raw: str, count: int) -> list[date] | str:
    """One date for all purposes, or one per purpose in the same order; else the reason."""
    try:
        days = [cached_date(part) for part in split_multi(date_raw)]
    except ValueError as exc:
        return str(exc)
    if len(days) == 1:
        return days * count
    if len(days) == count:
        return days
    return (
        f"{len(days)} Daten für {count} Einwilligungen; bitte ein Datum für alle "
        "oder eines je Einwilligung (in derselben Reihenfolge)."
    )


@lru_cache(maxsize=1 << 14)
def consent_cells(raw: str, date_raw: str) -> tuple[ConsentPairs, date | None] | None:
    """The consents with their instants and the latest day, or None if something is wrong.

    Cached: a city has a few thousand distinct cell pairs, and rows share the result.
    """
    if not raw:
        return None
    purposes = consents(raw)
    if isinstance(purposes, str):
        return None
    if not date_raw or not purposes:
        return tuple((p, None) for p in purposes), None
    days = consent_days(date_raw, len(purposes))
    if isinstance(days, str):
        return None
    return with_instants(purposes, days), max(days)


def with_instants(purposes: tuple[ConsentPurpose, ...], days: list[date]) -> ConsentPairs:
    return tuple((p, given_at(d)) for p, d in zip(purposes, days, strict=True))


@lru_cache(maxsize=4096)
def city_day(at: datetime) -> date:
    """The city's calendar day of an instant (a file repeats a few thousand of them)."""
    return at.astimezone(CITY_ZONE).date()


@lru_cache(maxsize=4096)
def given_at(day: date) -> datetime:
    # Noon in the city: the calendar day survives any conversion between UTC and Berlin.
    return datetime.combine(day, time(12, 0), tzinfo=CITY_ZONE).astimezone(UTC)
