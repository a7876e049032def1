"""The records page-wise are the very records the directory shows person by person, and the
exports write what those records allow to share: page by page with a few Core queries per page
when filtered, with one pass over each table when the whole directory goes out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import event
from support.consents import add_people
from support.statements import statements

from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.records.directory import ExportedPerson, PersonRecord, PersonRow
from koordination.services.consent import shareable_person
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory


def test_paged_records_equal_the_records_of_each_person(demo_city: Database) -> None:
    directory = Directory(demo_city)
    records = directory.person_records()
    assert len(records) > 20
    assert any(r.memberships for r in records) and any(r.consents for r in records)
    assert any(m.representing_id for r in records for m in r.memberships)
    assert records == [directory.get_person(r.id) for r in records]


def test_a_page_of_records_takes_a_fixed_number_of_queries(demo_city: Database) -> None:
    directory = Directory(demo_city)
    with statements(demo_city) as sent:
        few = directory.person_records(limit=3)
        queries_for_few = len(sent)
        sent.clear()
        many = directory.person_records()
        queries_for_many = len(sent)
    assert len(many) > 10 * len(few)
    # ids, people, e-mails, phones, tags, consents, affiliations, memberships (+ session setup)
    assert queries_for_many == queries_for_few <= 10


def _export_now(directory: Directory) -> datetime:
    return datetime.combine(directory.today(), time(12), tzinfo=UTC)


def _exported(p: PersonRecord, today: date) -> ExportedPerson:
    """What an export writes of a shareable record, worked out from the record itself."""
    affiliations = [a for a in p.affiliations if a.current(today)]
    first = affiliations[0] if affiliations else None
    return ExportedPerson(
        p.id,
        p.salutation,
        p.title,
        p.given_name,
        p.family_name,
        list(p.emails),
        list(p.phones),
        p.postal_address,
        p.notes,
        list(p.tags),
        p.preferred_channel,
        (first.organisation_name, first.function, first.sector) if first else None,
        [(m.group_name, m.role, m.valid_from) for m in p.memberships if m.current(today)],
        [(c.purpose, c.given_at) for c in p.consents if c.active],
    )


def _comparable(p: ExportedPerson) -> tuple[object, ...]:
    return tuple(list(v) if isinstance(v, (list, tuple)) else v for v in p)


# Everybody current (one pass over each table), a search, a sector: the same pages.
FILTERS = [PeopleFilter(), PeopleFilter("a"), PeopleFilter(sector=Sector.ZIVILGESELLSCHAFT)]


@pytest.mark.parametrize("f", FILTERS, ids=["all", "search", "sector"])
def test_export_pages_are_the_shareable_records_in_list_order(
    demo_city: Database, f: PeopleFilter
) -> None:
    directory = Directory(demo_city)
    now = _export_now(directory)
    today = directory.today()
    expected = [_exported(shareable_person(p, now), today) for p in directory.person_records(f)]
    assert any(not p.emails for p in expected) and any(p.emails for p in expected)
    assert any(p.memberships for p in expected) and any(p.consents for p in expected)
    pages = list(directory.exported_people_pages(f, now=now, size=7))
    assert [_comparable(p) for page in pages for p in page] == [_comparable(p) for p in expected]
    assert all(len(page) == 7 for page in pages[:-1])


@pytest.mark.parametrize("f", FILTERS, ids=["all", "search", "sector"])
def test_export_list_pages_withhold_addresses_without_a_sharing_consent(
    demo_city: Database, f: PeopleFilter
) -> None:
    directory = Directory(demo_city)
    now = _export_now(directory)
    listed = directory.list_people(f)
    sharing = {p.id for p in directory.person_records(f) if shareable_person(p, now) is p}
    expected = [r if r.id in sharing else replace(r, emails=()) for r in listed]
    assert any(r.emails for r in expected)
    assert any(not r.emails for r in expected if any(x.id == r.id and x.emails for x in listed))
    pages = list(directory.shareable_people_pages(f, now=now, size=7))
    assert [r for page in pages for r in page] == expected
    assert all(len(page) == 7 for page in pages[:-1])


def _statements(db: Database, export: Callable[[], object]) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def record(*args: object) -> None:
        statements.append((str(args[2]), args[3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        export()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def _binds_no_id_list(statements: list[tuple[str, object]]) -> bool:
    return all(
        not isinstance(params, (tuple, list, dict)) or len(params) < 15
        for sql, params in statements
        if sql.lstrip().startswith("SELECT")
    )


def test_a_filtered_export_seeks_by_sort_key_and_binds_no_id_lists(demo_city: Database) -> None:
    # Keyset paging: a later page starts after the last sort key and id instead of skipping
    # rows with OFFSET, and the other tables are read by the page's own query, so no statement
    # binds one parameter per person (SQLAlchemy coerces each of them on every query).
    directory = Directory(demo_city)
    now = _export_now(directory)
    f = PeopleFilter(sector=Sector.ZIVILGESELLSCHAFT)
    pages: list[Sequence[object]] = []

    def export() -> None:
        pages.extend(directory.exported_people_pages(f, now=now, size=5))
        pages.extend(directory.shareable_people_pages(f, now=now, size=5))

    statements = _statements(demo_city, export)
    assert len(pages) >= 4 and all(len(page) == 5 for page in pages[:2])
    assert any("(person.sort_key, person.id) >" in sql for sql, _ in statements)
    assert _binds_no_id_list(statements)


def test_the_whole_directory_is_exported_with_a_fixed_number_of_statements(
    demo_city: Database,
) -> None:
    # Everybody current: each other table is read once and the people are streamed in list
    # order, so the statements do not grow with the people (a query per page and table
    # looked every person up in every table's index).
    directory = Directory(demo_city)

    def export() -> None:
        now = datetime.now(UTC)  # after the consents just given
        for page in directory.exported_people_pages(now=now, size=7):
            exported.extend(page)
        for rows in directory.shareable_people_pages(now=now, size=7):
            listed.extend(rows)

    exported: list[ExportedPerson] = []
    listed: list[PersonRow] = []
    export()  # once before: a first statement of the connection asks for the login
    exported.clear()
    listed.clear()
    before = _statements(demo_city, export)
    people = len(exported)
    add_people(directory, 20)
    exported.clear()
    listed.clear()
    after = _statements(demo_city, export)
    assert len(exported) == len(listed) == people + 20
    added = [p for p in exported if p.given_name == "Zusatz"]
    assert len(added) == 20 and all(p.emails and p.affiliation for p in added)
    assert len(after) == len(before) <= 20
    assert not any("sort_key, person.id) >" in sql for sql, _ in after)
    assert _binds_no_id_list(after)
