"""How the demo city is written: its bulk rows in one statement per table, its audit trail in
one statement at the end with one "angelegt" entry per record, and nothing the listener would
have written flush by flush."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from koordination.db import audit
from koordination.db.engine import Database
from koordination.demo.city import build_demo


def test_the_demo_writes_bulk_rows_and_its_trail_in_one_statement_each(
    migrated_sqlite: Callable[..., Path],
) -> None:
    db = Database(f"sqlite:///{migrated_sqlite()}")
    inserts: Counter[str] = Counter()

    def count(*args: Any) -> None:
        statement = args[2]
        if statement.startswith("INSERT INTO "):
            inserts[statement.split()[2]] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        build_demo(db)
    finally:
        db.dispose()
    assert inserts["audit_entry"] == 1
    assert inserts["survey_response"] == 2  # one per survey
    assert inserts["survey_answer"] == 2


def test_the_demos_trail_has_one_creation_per_record_and_nothing_else(
    demo_sqlite: Callable[..., Path],
) -> None:
    conn = sqlite3.connect(demo_sqlite())
    try:
        entries = dict(
            conn.execute("SELECT kind, count(*) FROM audit_entry GROUP BY kind").fetchall()
        )
        actions = {a for (a,) in conn.execute("SELECT DISTINCT action FROM audit_entry")}
        for model, tracked in audit.TRACKED.items():
            (rows,) = conn.execute(f"SELECT count(*) FROM {model.__tablename__}").fetchone()
            assert entries.get(tracked.kind, 0) == rows, tracked.kind
    finally:
        conn.close()
    assert actions == {"create"}
    assert entries["person"] == 120 and entries["meeting"] == 6
