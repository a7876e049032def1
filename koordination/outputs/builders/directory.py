"""The directory's tables (people, organisations, groups): the rows and JSON shapes of each, and
the exports that page through the directory service while they write CSV or JSON through the
one dialect and the formula guard (outputs/table.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

from koordination.clock import CITY_ZONE
from koordination.domain.enums import Channel, LabeledEnum
from koordination.domain.inputs.validation import format_date
from koordination.domain.records.directory import (
    ExportedPerson,
    GroupRow,
    OrganisationRecord,
    OrganisationRow,
    PersonRecord,
    PersonRow,
)
from koordination.outputs.table import Progress, check_format, write_json
from koordination.outputs.workbook import write_rows

PAGE = 1000

#: Default file names when the target is a folder.
FILE_NAMES = {"people": "personen", "organisations": "organisationen", "groups": "gruppen"}

# The headers are the ones csv_import reads, so an exported file can be imported again.
PEOPLE_HEADER = (
    "Nr.",
    "Anrede",
    "Titel",
    "Vorname",
    "Nachname",
    "E-Mail",
    "Telefon",
    "Anschrift",
    "Organisation",
    "Funktion",
    "Sektor",
    "Gruppe",
    "Rolle",
    "Mitglied seit",
    "Schlagworte",
    "Einladungsweg",
    "Einwilligung",
    "Einwilligung am",
    "Notizen",
)
ORGANISATIONS_HEADER = (
    "Nr.",
    "Name",
    "Kurzname",
    "Sektor",
    "Art",
    "Anschrift",
    "Telefon",
    "E-Mail",
    "Webseite",
    "Notizen",
)
GROUPS_HEADER = ("Nr.", "Art", "Name", "Übergeordnete Gruppe", "Mitglieder")


# ---------------------------------------------------------------------------- JSON shapes
# Keys are English identifiers; enum values appear as their German labels ("Verwaltung"),
# the same text the TUI and the CSV show, so a script can match what a coordinator reads.


def person_row_json(row: PersonRow) -> dict[str, Any]:
    """One person as the CLI's ``--json`` lists and the JSON export show it."""
    return {
        "id": row.id,
        "name": row.name,
        "emails": list(row.emails),
        "organisation": row.organisation,
        "sector": _label(row.sector) if row.sector else None,
        "groups": list(row.groups),
        "archived": row.archived,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def person_json(p: PersonRecord) -> dict[str, Any]:
    """One person with everything known about them (``people show --json``)."""
    return {
        "id": p.id,
        "version": p.version,
        "name": p.display_name,
        "salutation": p.salutation,
        "title": p.title,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "emails": list(p.emails),
        "phones": list(p.phones),
        "postal_address": p.postal_address,
        "notes": p.notes,
        "tags": list(p.tags),
        "preferred_channel": p.preferred_channel.label,
        "archived": p.archived,
        "affiliations": [
            {
                "id": a.id,
                "organisation_id": a.organisation_id,
                "organisation": a.organisation_name,
                "sector": a.sector.label,
                "function": a.function,
                "valid_from": _iso(a.valid_from),
                "valid_to": _iso(a.valid_to),
            }
            for a in p.affiliations
        ],
        "memberships": [
            {
                "id": m.id,
                "group_id": m.group_id,
                "group": m.group_name,
                "role": m.role.label,
                "valid_from": _iso(m.valid_from),
                "valid_to": _iso(m.valid_to),
                "voting_right": m.voting_right,
                "representing_id": m.representing_id,
                "representing": m.representing_name or None,
                "sector": m.sector.label if m.sector else None,
            }
            for m in p.memberships
        ],
        "consents": [
            {
                "id": c.id,
                "purpose": c.purpose.label,
                "legal_basis": c.legal_basis.label,
                "text_version": c.text_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "active": c.active,
            }
            for c in p.consents
        ],
    }


def organisation_row_json(row: OrganisationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "short_name": row.short_name,
        "sector": row.sector.label,
        "kind": row.kind.label,
        "email": row.email,
        "people": row.people,
        "archived": row.archived,
    }


def group_row_json(row: GroupRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind.label,
        "name": row.name,
        "parent": row.parent_name or None,
        "members": row.members,
        "archived": row.archived,
    }


# ---------------------------------------------------------------------------- CSV rows


def _joined(values: Iterable[str], sep: str = ", ") -> str:
    return sep.join(filter(None, values))


def _one_or_each(values: Sequence[str]) -> str:
    """One value for all groups if they agree, else one per group in the same order."""
    if not values or not any(values):
        return ""
    if len(set(values)) == 1:
        return values[0]
    if all(values):
        return "; ".join(values)
    return ""  # some groups without a value: writing them would shift the others


def _berlin_day(when: datetime) -> date:
    return when.astimezone(CITY_ZONE).date()


# Memoised for the export of a city (100,000 rows): an enum's label is looked up through two
# dictionaries, and the consents were given on a few thousand distinct instants.
@functools.cache
def _label(member: LabeledEnum) -> str:
    return member.label


@functools.lru_cache(maxsize=4096)
def _given_day(when: datetime) -> str:
    return format_date(_berlin_day(when))


def person_csv_row(p: ExportedPerson) -> list[str]:
    # Written for 100,000 people in a row: the fields unpacked at once, empty lists skipped,
    # the usual single consent written without a table of them.
    (
        pid,
        salutation,
        title,
        given,
        family,
        emails,
        phones,
        address,
        notes,
        tags,
        channel,
        aff,
        members,
        given_consents,
    ) = p
    if len(given_consents) == 1:
        ((purpose, when),) = given_consents
        purposes, days = _label(purpose), _given_day(when)
    elif given_consents:
        consents: dict[str, str] = {}  # purpose -> day given, the first of each purpose
        for purpose, when in given_consents:
            label = _label(purpose)
            if label not in consents:
                consents[label] = _given_day(when)
        purposes, days = ", ".join(consents), _one_or_each(list(consents.values()))
    else:
        purposes = days = ""
    if members:
        groups = _joined((group for group, _, _ in members), "; ")
        roles = _one_or_each([_label(role) for _, role, _ in members])
        since = _one_or_each([format_date(day) for _, _, day in members])
    else:
        groups = roles = since = ""
    return [
        str(pid),
        salutation,
        title,
        given,
        family,
        _joined(emails) if emails else "",
        _joined(phones) if phones else "",
        address,
        aff[0] if aff else "",
        aff[1] if aff else "",
        _label(aff[2]) if aff else "",
        groups,
        roles,
        since,
        _joined(tags) if tags else "",
        # "Post" with no address (withheld, see shareable_person) would make the importer
        # refuse the row; an empty cell imports as the default and never overwrites a stored
        # channel.
        "" if channel == Channel.POST and not address else _label(channel),
        purposes,
        days,
        notes,
    ]


def organisation_csv_row(o: OrganisationRecord) -> list[str]:
    return [
        str(o.id),
        o.name,
        o.short_name,
        o.sector.label,
        o.kind.label,
        o.address,
        o.phone,
        o.email,
        o.website,
        o.notes,
    ]


# ---------------------------------------------------------------------------- the source
# A table export leaves the office: a person's contact data go into it only with a current
# consent "Kontaktdaten im Netzwerk teilen". The directory service applies that rule and hands
# out the rows page by page; these writers only write them. The office's complete copy is the
# database backup (``koordination db backup``).


class DirectoryTables(Protocol):
    """What the table exports read, page by page: the directory service
    (``core.directory``). A filter of ``None`` is not passed
    on, so the service's default (everything current) applies."""

    def count_people(self, f: Any = ...) -> int: ...

    def shareable_people_pages(
        self, f: Any = ..., *, now: datetime, size: int = ...
    ) -> Iterator[Sequence[PersonRow]]: ...

    def exported_people_pages(
        self, f: Any = ..., *, now: datetime, size: int = ...
    ) -> Iterator[Sequence[ExportedPerson]]: ...

    def count_organisations(self, f: Any = ...) -> int: ...

    def list_organisations(
        self, f: Any = ..., offset: int = ..., limit: int | None = ...
    ) -> Sequence[OrganisationRow]: ...

    def organisation_records(
        self, f: Any = ..., offset: int = ..., limit: int | None = ...
    ) -> Sequence[OrganisationRecord]: ...

    def groups_matching(self, f: Any = ...) -> Sequence[GroupRow]: ...


def _filter(f: object | None) -> dict[str, Any]:
    return {} if f is None else {"f": f}


# ---------------------------------------------------------------------------- writers


def _target(target: Path | str, kind: str, fmt: str) -> Path:
    path = Path(target).expanduser()
    if path.is_dir():
        path = path / f"{FILE_NAMES[kind]}.{fmt}"
    return path


class _Pages:
    """Fetches a list page by page (a city has 100,000 people) and counts what went by."""

    def __init__(
        self, fetch: Callable[[int, int], Sequence[Any]], total: int, progress: Progress | None
    ) -> None:
        self.fetch = fetch
        self.total = total
        self.progress = progress
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        if self.progress is not None:
            self.progress(0, self.total)
        while True:
            page = self.fetch(self.count, PAGE)
            yield from page
            self.count += len(page)
            if self.progress is not None:
                self.progress(min(self.count, self.total), max(self.total, self.count))
            if len(page) < PAGE:
                return


class _Stream:
    """Passes on the pages of a list the service reads page by page and counts what went by;
    :meth:`each` makes an item of every entry (100,000 rows pass without a Python frame of
    their own between the service and the writer)."""

    def __init__(
        self, pages: Iterable[Sequence[Any]], total: int, progress: Progress | None
    ) -> None:
        self.pages = pages
        self.total = total
        self.progress = progress
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        if self.progress is not None:
            self.progress(0, self.total)
        for page in self.pages:
            yield page
            self.count += len(page)
            if self.progress is not None:
                self.progress(min(self.count, self.total), max(self.total, self.count))

    def each(self, make: Callable[[Any], Any]) -> Iterator[Any]:
        return chain.from_iterable(map(make, page) for page in self)


def export_people(
    directory: DirectoryTables,
    fmt: str,
    target: Path | str,
    progress: Progress | None = None,
    people: object | None = None,
) -> int:
    """Write the people (all current ones, or as filtered by a ``PeopleFilter``) to
    ``target``; returns how many. E-mail addresses, phone numbers and postal addresses only of
    those with a current consent "Kontaktdaten im Netzwerk teilen" (see the section above)."""
    check_format(fmt)
    by = _filter(people)
    path = _target(target, "people", fmt)
    total = directory.count_people(**by)
    now = datetime.now(UTC)
    if fmt == "json":
        rows = _Stream(directory.shareable_people_pages(now=now, size=PAGE, **by), total, progress)
        write_json(path, rows.each(person_row_json))
        return rows.count
    pages = directory.exported_people_pages(now=now, size=PAGE, **by)
    exported = _Stream(pages, total, progress)
    write_rows(fmt, path, PEOPLE_HEADER, exported.each(person_csv_row))
    return exported.count


def export_organisations(
    directory: DirectoryTables,
    fmt: str,
    target: Path | str,
    progress: Progress | None = None,
    organisations: object | None = None,
) -> int:
    """Write the organisations (or those an ``OrganisationFilter`` finds) to ``target``;
    returns how many."""
    check_format(fmt)
    by = _filter(organisations)
    path = _target(target, "organisations", fmt)
    total = directory.count_organisations(**by)
    if fmt == "json":
        rows = _Pages(
            lambda o, n: directory.list_organisations(offset=o, limit=n, **by), total, progress
        )
        write_json(path, (organisation_row_json(r) for r in rows))
        return rows.count
    records = _Pages(
        lambda o, n: directory.organisation_records(offset=o, limit=n, **by), total, progress
    )
    write_rows(fmt, path, ORGANISATIONS_HEADER, (organisation_csv_row(o) for o in records))
    return records.count


def export_groups(
    directory: DirectoryTables,
    fmt: str,
    target: Path | str,
    progress: Progress | None = None,
    groups: object | None = None,
) -> int:
    """Write the groups (all current ones, or as a ``GroupFilter`` finds them) to ``target``;
    returns how many."""
    check_format(fmt)
    path = _target(target, "groups", fmt)
    rows = directory.groups_matching(**_filter(groups))
    if progress is not None:
        progress(0, len(rows))
    if fmt == "json":
        write_json(path, (group_row_json(g) for g in rows))
    else:
        write_rows(
            fmt,
            path,
            GROUPS_HEADER,
            ([str(g.id), g.kind.label, g.name, g.parent_name, str(g.members)] for g in rows),
        )
    if progress is not None:
        progress(len(rows), len(rows))
    return len(rows)
