"""The export reads full person records page-wise with a few Core queries per page, and they
are the very records the directory shows person by person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import event

from koordination.db.engine import Database
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
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(demo_city.engine, "before_cursor_execute", count)
    try:
        few = directory.person_records(limit=3)
        queries_for_few = len(statements)
        statements.clear()
        many = directory.person_records()
        queries_for_many = len(statements)
    finally:
        event.remove(demo_city.engine, "before_cursor_execute", count)
    assert len(many) > 10 * len(few)
    # ids, people, e-mails, phones, tags, consents, affiliations, memberships (+ session setup)
    assert queries_for_many == queries_for_few <= 10


def _export_now(directory: Directory) -> datetime:
    return datetime.combine(directory.today(), time(12), tzinfo=UTC)


@pytest.mark.parametrize("search", ["", "a"])
def test_export_pages_are_the_shareable_records_in_list_order(
    demo_city: Database, search: str
) -> None:
    directory = Directory(demo_city)
    now = _export_now(directory)
    f = PeopleFilter(search)
    expected = [shareable_person(p, now) for p in directory.person_records(f)]
    assert any(not p.emails for p in expected) and any(p.emails for p in expected)
    pages = list(directory.shareable_person_record_pages(f, now=now, size=7))
    assert [p for page in pages for p in page] == expected
    assert all(len(page) == 7 for page in pages[:-1])


@pytest.mark.parametrize("search", ["", "a"])
def test_export_list_pages_withhold_addresses_without_a_sharing_consent(
    demo_city: Database, search: str
) -> None:
    directory = Directory(demo_city)
    now = _export_now(directory)
    f = PeopleFilter(search)
    listed = directory.list_people(f)
    sharing = {p.id for p in directory.person_records(f) if shareable_person(p, now) is p}
    expected = [r if r.id in sharing else replace(r, emails=()) for r in listed]
    assert any(r.emails for r in expected)
    assert any(not r.emails for r in expected if any(x.id == r.id and x.emails for x in listed))
    pages = list(directory.shareable_people_pages(f, now=now, size=7))
    assert [r for page in pages for r in page] == expected


def test_export_pages_seek_by_sort_key_and_bind_no_id_lists(demo_city: Database) -> None:
    # Keyset paging: a later page starts after the last sort key and id instead of skipping
    # rows with OFFSET, and the other tables are read by the page's own query, so no statement
    # binds one parameter per person (SQLAlchemy coerces each of them on every query).
    directory = Directory(demo_city)
    now = _export_now(directory)
    statements: list[tuple[str, object]] = []

    def record(*args: object) -> None:
        statements.append((str(args[2]), args[3]))

    event.listen(demo_city.engine, "before_cursor_execute", record)
    try:
        pages: list[list[object]] = []
        pages += directory.shareable_person_record_pages(now=now, size=20)
        pages += directory.shareable_people_pages(now=now, size=20)
    finally:
        event.remove(demo_city.engine, "before_cursor_execute", record)
    selects = [(sql, params) for sql, params in statements if sql.lstrip().startswith("SELECT")]
    assert len(pages) >= 4 and all(len(page) == 20 for page in pages[:2])
    assert any("(person.sort_key, person.id) >" in sql for sql, _ in selects)
    assert (
        max(len(params) if isinstance(params, (tuple, list, dict)) else 0 for _, params in selects)
        < 15
    )
