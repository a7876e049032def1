"""A survey's results are counted on two SQLite connections at once, and both read one snapshot.

No writer can commit between the session's first read and the helper's (a third connection holds
the write lock for that moment), so the figures are those of one connection. A writer holding the
lock makes the session count alone, without waiting for it. An error on either connection stops
both and leaves no connection checked out; a caller's transaction (publishing) counts on its own
connection, where its own writes are; and nothing configures the ORM's mappers.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, insert, literal_column, select
from support.surveys import small_survey, submit_answers

from koordination.db.engine import BUSY_TIMEOUT_MS, MAPPED_BYTES, Database
from koordination.domain.models import SurveyAnswer, SurveyResponse
from koordination.errors import KoordinationError
from koordination.services.surveys import counting, readers
from koordination.services.surveys.results import Evaluation

STAND = date(2026, 10, 1)


def _survey(db: Database, rounds: int = 3) -> int:
    sid = small_survey(db)
    submit_answers(db, sid, rounds)
    return sid


@contextmanager
def _connections_reading_answers(
    db: Database, *, together: int = 1
) -> Iterator[dict[int, set[int]]]:
    """The driver connections that sent a statement on the answers inside the block, each
    with the sizes of the file's memory mapping it read them with (SQLite). ``together``:
    that many connections must each start on the answers before any goes on (else one that is
    quick on a small survey may take every part before the other thread runs at all)."""
    used: dict[int, set[int]] = {}
    start = threading.Barrier(together, timeout=30)

    def record(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
        if "survey_answer" in sql:
            key = id(conn.connection.dbapi_connection)
            if key not in used and together > 1:
                used[key] = set()
                start.wait()
            mapped = used.setdefault(key, set())
            if db.is_sqlite:
                mapped.add(cursor.connection.execute("PRAGMA mmap_size").fetchone()[0])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield used
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _copy_first_response(db: Database) -> None:
    """Another program's write: the first response again, committed at once or refused with
    "database is locked" (it never waits)."""
    assert db.path is not None
    writer = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        first = writer.execute("SELECT min(id) FROM survey_response").fetchone()[0]
        copied = writer.execute(
            "INSERT INTO survey_response (survey_id, submitted_at, source, contact) "
            "SELECT survey_id, submitted_at, source, contact FROM survey_response WHERE id = ?",
            (first,),
        ).lastrowid
        writer.execute(
            "INSERT INTO survey_answer (response_id, question_id, option_id, number, text) "
            "SELECT ?, question_id, option_id, number, text FROM survey_answer "
            "WHERE response_id = ? ORDER BY id",
            (copied, first),
        )
        writer.execute("COMMIT")
    finally:
        writer.close()


def test_the_results_are_counted_on_two_sqlite_connections_with_the_figures_of_one(
    db: Database,
) -> None:
    sid = _survey(db)
    evaluation = Evaluation(db)
    with _connections_reading_answers(db, together=2 if db.is_sqlite else 1) as used:
        shared = evaluation.results(sid, published=False, stand=STAND)
    # PostgreSQL counts on the session's connection alone.
    assert len(used) == (2 if db.is_sqlite else 1)
    if db.is_sqlite:
        # Both read the file mapped into memory, as every connection does.
        assert list(used.values()) == [{MAPPED_BYTES}] * 2
    with db.session() as session:
        alone = evaluation.results_in(session, sid, published=False, stand=STAND)
    assert shared == alone
    assert shared.response_count == 9
    assert shared.questions[1].breakdown  # the multiple choice per sector
    # The free texts as given (one array per question made by the database), in order.
    assert shared.questions[5].texts == ("mehr Hallenzeiten", "ein gemeinsamer Kalender") * 3


def test_no_writer_commits_between_the_first_reads_of_the_two_connections(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("one connection on PostgreSQL")
    sid = _survey(db)
    evaluation = Evaluation(db)
    before = evaluation.results(sid, published=False, stand=STAND)
    first_reads = 0
    refused: list[str] = []

    def write_in_between(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        nonlocal first_reads
        if sql != readers._FIRST_READ:
            return
        first_reads += 1
        if first_reads == 2:  # the session reads, the helper is about to
            try:
                _copy_first_response(db)
            except sqlite3.OperationalError as exc:
                refused.append(str(exc))

    event.listen(db.engine, "before_cursor_execute", write_in_between)
    try:
        with _connections_reading_answers(db, together=2) as used:
            during = evaluation.results(sid, published=False, stand=STAND)
    finally:
        event.remove(db.engine, "before_cursor_execute", write_in_between)
    assert len(used) == 2
    assert refused == ["database is locked"]
    assert during == before
    # Right afterwards the writer gets through, and the next results count its response.
    _copy_first_response(db)
    assert evaluation.results(sid, published=False, stand=STAND).response_count == 10


def _pragma(db: Database, name: str) -> list[int]:
    """A PRAGMA of every connection the pool holds (all checked out at once)."""
    connections = [db.engine.connect() for _ in range(3)]
    try:
        return [int(c.exec_driver_sql(f"PRAGMA {name}").scalar() or 0) for c in connections]
    finally:
        for c in connections:
            c.close()


def test_while_another_connection_writes_the_session_counts_alone_without_waiting(
    db: Database,
) -> None:
    if not db.is_sqlite:
        pytest.skip("one connection on PostgreSQL")
    assert db.path is not None
    sid = _survey(db)
    evaluation = Evaluation(db)
    before = evaluation.results(sid, published=False, stand=STAND)
    writer = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM survey_answer")  # not committed: nobody sees it
        with _connections_reading_answers(db) as used:
            during = evaluation.results(sid, published=False, stand=STAND)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert len(used) == 1
    assert during == before
    # The connection that tried the lock without waiting waits for writers again.
    assert _pragma(db, "busy_timeout") == [BUSY_TIMEOUT_MS] * 3


def test_an_error_on_either_connection_stops_the_count_and_returns_every_connection(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = _survey(db)
    months = counting._months

    def broken(question_id: int) -> counting._Part:
        part = months(question_id)
        return counting._Part(
            lambda _groups: select(literal_column("no_such_column")).select_from(
                SurveyAnswer.__table__
            ),
            part.merge,
            weight=1_000,  # first in line, on whichever connection takes it
        )

    monkeypatch.setattr(counting, "_months", broken)
    with pytest.raises(KoordinationError):
        Evaluation(db).results(sid, published=False, stand=STAND)
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    monkeypatch.undo()
    assert Evaluation(db).results(sid, published=False, stand=STAND).response_count == 9


def test_results_inside_a_transaction_count_what_it_has_written(db: Database) -> None:
    """Publishing counts on the caller's connection: the responses its transaction wrote are
    there (the demo city publishes results of answers it has not committed yet)."""
    sid = _survey(db)
    evaluation = Evaluation(db)
    with db.session() as session:
        first = session.scalar(select(SurveyResponse).order_by(SurveyResponse.id).limit(1))
        assert first is not None
        copy = SurveyResponse(survey_id=sid, source=first.source, submitted_at=first.submitted_at)
        session.add(copy)
        session.flush()
        a = SurveyAnswer
        answers = session.execute(
            select(a.question_id, a.option_id, a.number, a.text).where(a.response_id == first.id)
        ).all()
        session.execute(
            insert(SurveyAnswer), [{"response_id": copy.id, **row._asdict()} for row in answers]
        )
        inside = evaluation.results_in(session, sid, published=False, stand=STAND)
    assert inside.response_count == 10
    sport = inside.questions[0].options[0]
    assert (sport.label, sport.count) == ("Sport", 4)


SCRIPT = """
import json, sys
from koordination.db.engine import Database
from koordination.domain.models import Base
from koordination.services.surveys.results import Evaluation
db = Database(sys.argv[1])
results = Evaluation(db).results(int(sys.argv[2]))
print(json.dumps({"responses": results.response_count, "unconfigured": Base.registry._new_mappers}))
"""


def _url(db: Database) -> str:
    return str(db.path) if db.path else db.url.render_as_string(hide_password=False)


def test_the_results_configure_no_orm_mapper(db: Database) -> None:
    """Configuring every mapper costs a fresh process (the command line) a tenth of a second:
    the questionnaire and the counts are read through Core tables."""
    sid = _survey(db)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, _url(db), str(sid)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"responses": 9, "unconfigured": True}
