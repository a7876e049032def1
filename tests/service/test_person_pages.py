"""The export reads full person records page-wise with a few Core queries per page, and they
are the very records the directory shows person by person."""

from __future__ import annotations

from sqlalchemy import event

from koordination.db.engine import Database
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
