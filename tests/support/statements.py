"""The SQL statements a piece of code sends, for the tests that count queries or read them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from koordination.db.engine import Database


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent to ``db`` inside the block, its spaces collapsed, in order (the list
    may be cleared in between to count a part)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
