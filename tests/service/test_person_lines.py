"""The lines of the Personen screen: what the list rows show of each person, read in one
statement per page that walks the search index in list order and looks up each person's first
e-mail address and current organisation through the ``person_id`` indexes, on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from support.statements import statements

from koordination.clock import SYSTEM_CLOCK
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.models import Affiliation, Person, PersonEmail
from koordination.domain.records.directory import PersonRow
from koordination.services.directory.listing import (
    PersonLine,
    list_people,
    people_lines,
    people_lines_query,
)
from koordination.services.directory.search import PeopleFilter

FILTERS = {
    "alle": PeopleFilter(),
    "archiviert": PeopleFilter(archived=True),
    "Suche": PeopleFilter(search="wei"),
    "Umlaut": PeopleFilter(search="förder"),
    "Sektor": PeopleFilter(sector=Sector.VERWALTUNG),
    "Schlagwort": PeopleFilter(tag="Presse"),
    "Gruppe": PeopleFilter(group_id=1),
}


def _line(row: PersonRow) -> PersonLine:
    """What the screen shows of a row of the list (``people list``'s rows, tested against
    the full records in tests/cli/test_listings_skip_the_orm.py)."""
    return PersonLine(
        row.id,
        row.name,
        row.organisation,
        row.sector,
        row.emails[0] if row.emails else "",
        row.restricted,
    )


def _shuffle(db: Database) -> None:
    """Two people restricted (one archived), an e-mail list whose first address is not the
    oldest, and a person whose first affiliation by id has ended."""
    with db.engine.begin() as conn:
        first = conn.scalars(select(Person.id).order_by(Person.id).limit(1)).one()
        conn.execute(update(Person).where(Person.id.in_([first, first + 7])).values(archived=True))
        conn.execute(
            update(Person)
            .where(Person.id.in_([first, first + 3]))
            .values(restricted_at=SYSTEM_CLOCK.now())
        )
        two = conn.execute(
            select(PersonEmail.person_id)
            .group_by(PersonEmail.person_id)
            .having(func.count() > 1)
            .order_by(PersonEmail.person_id)
        ).first()
        if two is not None:
            emails = conn.execute(
                select(PersonEmail.id, PersonEmail.position)
                .where(PersonEmail.person_id == two[0])
                .order_by(PersonEmail.position)
            ).all()
            # the newest address first
            for (eid, _), position in zip(emails, range(len(emails), 0, -1), strict=True):
                conn.execute(
                    update(PersonEmail).where(PersonEmail.id == eid).values(position=position)
                )
        ended = conn.scalars(select(Affiliation.id).order_by(Affiliation.id).limit(1)).one()
        yesterday = SYSTEM_CLOCK.today().replace(year=SYSTEM_CLOCK.today().year - 1)
        conn.execute(update(Affiliation).where(Affiliation.id == ended).values(valid_to=yesterday))


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_screen_lines_are_what_the_list_rows_show(demo_city: Database, name: str) -> None:
    _shuffle(demo_city)
    today = SYSTEM_CLOCK.today()
    f = FILTERS[name]
    expected = [_line(row) for row in list_people(demo_city, today, f)]
    assert expected, "the filter selects nobody in the demo city"
    assert people_lines(demo_city, today, f, 0, 1000) == expected
    # page by page, the same list
    pages = [people_lines(demo_city, today, f, start, 7) for start in range(0, len(expected), 7)]
    assert [line for page in pages for line in page] == expected
    assert people_lines(demo_city, today, f, len(expected), 7) == []


def test_a_page_of_lines_is_one_statement(demo_city: Database) -> None:
    today = SYSTEM_CLOCK.today()
    with statements(demo_city) as sent:
        for f in FILTERS.values():
            sent.clear()
            lines = people_lines(demo_city, today, f, 0, 60)
            assert lines or f.archived
            assert len([s for s in sent if "person" in s]) == 1, sent


def _plan(db: Database, f: PeopleFilter) -> str:
    statement = people_lines_query(f, SYSTEM_CLOCK.today(), 60, 60).compile(db.engine)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            if db.is_sqlite:
                params = [statement.params[name] for name in statement.positiontup or ()]
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
                return "\n".join(str(row[-1]) for row in cursor.fetchall())
            # The demo city is small enough for sequential scans to win; forbid them to
            # see which indexes answer the statement.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {statement}", statement.params)
            return "\n".join(str(row[0]) for row in cursor.fetchall())
        finally:
            cursor.close()


@pytest.mark.parametrize("search", ["", "förder"])
def test_a_page_of_lines_walks_the_search_index_and_looks_up_the_rest(
    demo_city: Database, search: str
) -> None:
    plan = _plan(demo_city, PeopleFilter(search=search))
    if demo_city.is_sqlite:
        assert "SEARCH person USING COVERING INDEX ix_person_search" in plan, plan
        assert "SEARCH person_email USING INDEX ix_person_email_person_id" in plan, plan
        assert "SEARCH affiliation USING INDEX ix_affiliation_person_id" in plan, plan
        # no table is read whole: the page from the index, the rest looked up per person
        assert "SCAN person" not in plan and "SCAN affiliation" not in plan, plan
        assert "SCAN person_email" not in plan and "SCAN organisation" not in plan, plan
    else:
        assert "ix_person_search" in plan, plan
        for index in ("ix_person_email_person_id", "ix_affiliation_person_id"):
            assert index in plan, plan
        assert "Seq Scan" not in plan, plan
