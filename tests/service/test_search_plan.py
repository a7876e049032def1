"""The people search reads the covering index ix_person_search (archived, sort_key, id,
search_text) and never the table: the query plan says so on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from koordination.db.engine import Database
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory


def _search_statement(db: Database) -> tuple[str, Any]:
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "search_text" in statement and not seen:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        Directory(db).list_people(PeopleFilter(search="mül"), 0, 50)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert seen, "the search ran no statement on search_text"
    return seen[0]


def test_the_people_search_reads_only_the_covering_search_index(demo_city: Database) -> None:
    statement, parameters = _search_statement(demo_city)
    with demo_city.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        if demo_city.engine.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "COVERING INDEX ix_person_search" in plan, plan
        else:
            # The demo city is small enough for a sequential scan to win; forbid it to see
            # that the search index answers the filter (a heap visit remains until VACUUM
            # marks the pages all-visible, so the index scan may be a bitmap one).
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {statement}", parameters)
            plan = " | ".join(str(row[0]) for row in cursor.fetchall())
            assert "on ix_person_search" in plan or "using ix_person_search" in plan, plan
            assert "Seq Scan on person " not in plan, plan
        cursor.close()
