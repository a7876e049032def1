"""Finding people, organisations and groups: the list filters, search terms and the
search and sort keys stored beside each row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from koordination.domain.enums import (
    Sector,
    fold,
)


@dataclass(frozen=True)
class PeopleFilter:
    search: str = ""
    sector: Sector | None = None
    group_id: int | None = None
    tag: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class OrganisationFilter:
    search: str = ""
    sector: Sector | None = None
    group_id: int | None = None
    archived: bool = False


@dataclass(frozen=True)
class GroupFilter:
    """What :meth:`Directory.list_groups` is asked for, as one value (the export takes it)."""

    search: str = ""
    sector: Sector | None = None
    archived: bool = False


#: The unfiltered lists (defaults of the list methods; the filters are frozen, so one each).
ALL_PEOPLE = PeopleFilter()
ALL_ORGANISATIONS = OrganisationFilter()
ALL_GROUPS = GroupFilter()


def search_terms(text: str) -> list[str]:
    return [t for t in text.lower().split() if t]


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def person_sort_key(family_name: str, given_name: str) -> str:
    return f"{fold(family_name)} {fold(given_name)}"


def person_search_text(
    title: str, given: str, family: str, emails: Iterable[str], organisations: Iterable[str]
) -> str:
    text = " ".join([title, given, family, *emails, *organisations]).lower()
    # Bounded so that it fits a B-tree index entry on PostgreSQL (about 2,700 bytes).
    return text[:SEARCH_TEXT_MAX]


SEARCH_TEXT_MAX = 600


def email_key(address: str) -> str:
    return address.strip().lower()


def organisation_search_text(name: str, short_name: str, email: str) -> str:
    return " ".join((name, short_name, email)).lower()
