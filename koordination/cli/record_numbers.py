"""`koordination _complete KIND`: record numbers with a short label ("12<Tab>Anna Müller"), read
by the shell completion scripts; hidden from the help.

A Tab press waits for it, so it stays fast: it reads a SQLite file with the standard library
(importing SQLAlchemy alone would take longer than the whole answer), opens it read-only and
never creates one, and prints nothing at all when anything goes wrong – a completion that
fails is simply no completion. Only a server database (PostgreSQL) goes through SQLAlchemy.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HIDDEN_NAME = "_complete"

Row = Sequence[Any]


def _person(row: Row) -> str:
    _, given, family, archived = row
    name = " ".join(part for part in (given, family) if part)
    return f"{name} (archiviert)" if archived else name


def _meeting(row: Row) -> str:
    _, title, start, rrule = row
    if not isinstance(start, datetime):
        start = datetime.fromisoformat(str(start))
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)  # SQLite keeps UTC without a zone
    from koordination.clock import CITY_ZONE

    day = start.astimezone(CITY_ZONE).strftime("%d.%m.%Y")
    return f"{title} (Serie ab {day})" if rrule else f"{title} ({day})"


def _titled(row: Row) -> str:
    return str(row[1])


#: What each kind completes: the query (id first) and the label of one row.
QUERIES: dict[str, tuple[str, Callable[[Row], str]]] = {
    "people": (
        "SELECT id, given_name, family_name, archived FROM person "
        "WHERE erased_at IS NULL ORDER BY id",
        _person,
    ),
    "meetings": ("SELECT id, title, start_at, rrule FROM meeting ORDER BY id", _meeting),
    "groups": ("SELECT id, name FROM network_group ORDER BY id", _titled),
    "surveys": ("SELECT id, title FROM survey ORDER BY id", _titled),
}
KINDS = tuple(QUERIES)


def register(sub: Any) -> None:
    # Added without help=: argparse then leaves it out of `koordination --help`.
    from koordination.cli.common import GLOBAL_OPTIONS

    hidden = sub.add_parser(
        HIDDEN_NAME,
        parents=[GLOBAL_OPTIONS],
        description="Nummern und Namen für die Vervollständigung mit der Tab-Taste ausgeben.",
        epilog="Beispiele:\n  koordination _complete people\n"
        "  koordination --db demo.sqlite3 _complete meetings",
    )
    hidden.add_argument("kind", metavar="ART", choices=KINDS, help=", ".join(KINDS))
    hidden.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Any failure (no database, an older schema, a server that does not answer) prints nothing.
    with contextlib.suppress(Exception):
        lines = [f"{nr}\t{' '.join(label.split())}" for nr, label in records(args.kind, args.db)]
        print("\n".join(lines), end="\n" if lines else "")
    return 0


def records(kind: str, db: str | None) -> list[tuple[int, str]]:
    """The numbers and labels of ``kind`` in the database ``db`` (else the configured one)."""
    query, label = QUERIES[kind]
    return [(int(row[0]), label(row)) for row in _rows(_database(db), query)]


def _database(db: str | None) -> str:
    """The database as `koordination` would open it (see ``db.engine.resolve_url``), without
    importing SQLAlchemy: a SQLite file's path, or a server URL."""
    from koordination.config import load_settings
    from koordination.paths import default_database_path

    value = db or load_settings().database
    if not value:
        return str(default_database_path())
    if "://" not in value:
        return str(Path(value).expanduser().resolve())
    scheme, _, rest = value.partition("://")
    if scheme.split("+")[0] == "sqlite":
        return rest.removeprefix("/").split("?")[0]
    return value


def _rows(database: str, query: str) -> Iterable[Row]:
    if "://" in database:
        return _server_rows(database, query)
    path = Path(database)
    if not path.is_file():
        return []  # never create a database, not even an empty file
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def _server_rows(url: str, query: str) -> Iterable[Row]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()
