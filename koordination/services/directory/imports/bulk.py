"""Writing many new rows fast: compiled Core inserts, id ranges, no GC walks, no enum CHECKs,
indexes built once at the end."""

from __future__ import annotations

import gc
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, func, insert, select, text

from koordination.db.errors import translate
from koordination.domain.models import Base
from koordination.errors import KoordinationError

#: A named placeholder as SQLAlchemy writes them for psycopg ("%(name)s").
_NAMED = re.compile(r"%\((\w+)\)s")

CHUNK = 2000  # rows per run; small enough to keep memory flat

#: Values one ``INSERT … VALUES (…), (…), …`` hands the database: on SQLite statements of a
#: few thousand values were cheapest (one of 1,000 values pays the call more often, one of
#: 32,766 costs SQLite more per row than it saves); never more than the database's limit.
VALUES_PER_STATEMENT = 4000


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def new_ids(conn: Connection, table: Table, count: int) -> Sequence[int]:
    """``count`` fresh primary keys for ``table``, reserved inside the running transaction."""
    if count == 0:
        return ()
    if conn.dialect.name == "postgresql":
        seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        rows = conn.execute(
            text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
            {"s": seq, "n": count},
        )
        return [int(r[0]) for r in rows]
    # SQLite gives new rows max(id)+1 anyway; the write lock we hold keeps the range ours.
    start = int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return range(start, start + count)


class Bulk:
    """A Core ``insert()`` compiled once, its rows handed over many per statement.

    Going through ``Connection.execute(insert(t), rows)`` costs SQLAlchemy ~5 µs per row in
    parameter handling alone (2.5 s for a city). Here each column's own bind processor still
    converts every value exactly as the ORM would store it, but only once per distinct value:
    enums, flags and timestamps repeat, free text needs no conversion on any backend.

    The rows go in as many per statement as :data:`VALUES_PER_STATEMENT` values allow
    (``INSERT … VALUES (…), (…), …``, one statement text per table, prepared once), all the
    statements of a run in one executemany: pysqlite binds and steps an executemany row by
    row, which costs more than the insert itself for narrow rows, and PostgreSQL handles
    one message per statement instead of one per row. Only the rest of a run that fills no
    whole statement goes row by row.
    """

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn = conn
        given = tuple(columns)
        # Columns the caller leaves out that have a plain default (a text column a later
        # migration added, say) are written with it, as the ORM would.
        extras = tuple(
            c.key
            for c in table.columns
            if c.key not in given and c.default is not None and c.default.is_scalar
        )
        self.columns = given + extras
        dialect = conn.dialect
        compiled = insert(table).compile(
            dialect=dialect, column_keys=list(self.columns), for_executemany=True
        )
        sql = compiled.string
        if compiled.positional:
            order = tuple(compiled.positiontup or ())
        else:
            # psycopg takes positional placeholders as well: "%(name)s" becomes "%s", and
            # the rows are handed over as tuples in the statement's order.
            order = tuple(_NAMED.findall(sql))
            sql = _NAMED.sub("%s", sql)
        self.sql = sql
        assert sorted(order) == sorted(self.columns), (order, self.columns)
        # The driver wants the statement's column order; rows come in the caller's.
        self._order: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
        if order != self.columns:
            self._order = itemgetter(*(self.columns.index(n) for n in order))
        self._processors = {
            name: table.c[name].type._cached_bind_processor(dialect) for name in self.columns
        }
        self._memo: dict[str, dict[Any, Any]] = {name: {} for name in self.columns}
        self._defaults = tuple(
            self.value(name, table.c[name].default.arg)  # type: ignore[union-attr]
            for name in extras
        )
        #: Rows per multi-row statement; 0: the driver's executemany alone.
        self.rows_per_statement = 0
        per_statement = min(VALUES_PER_STATEMENT, value_limit(conn)) // len(self.columns)
        head, sep, row = sql.rpartition(" VALUES ")
        if per_statement > 1 and row.startswith("(") and row.endswith(")"):
            self.rows_per_statement = per_statement
            self._many_sql = head + sep + ", ".join([row] * per_statement)

    def value(self, column: str, value: Any) -> Any:
        """``value`` as the driver wants it for ``column`` (memoised; for repeating values)."""
        memo = self._memo[column]
        try:
            return memo[value]
        except KeyError:
            processor = self._processors[column]
            converted = processor(value) if processor is not None else value
            memo[value] = converted
            return converted

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (in the caller's column order), in this order."""
        n = self.rows_per_statement
        whole = len(rows) - len(rows) % n if n else 0
        if whole:
            # One flat run of values, cut into statements' worth by zipping one iterator
            # n-fold: no list per statement is built in Python.
            flat = iter(chain.from_iterable(self._for_driver(rows[:whole])))
            statements = list(zip(*[flat] * (n * len(self.columns)), strict=True))
            self.conn.exec_driver_sql(self._many_sql, statements)
            rows = rows[whole:]
        if rows:
            self.conn.exec_driver_sql(self.sql, list(self._for_driver(rows)))

    def _for_driver(self, rows: list[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
        """``rows`` with the defaulted columns added, in the order the statement binds them."""
        defaults, order = self._defaults, self._order
        if defaults and order is not None:
            return (order(row + defaults) for row in rows)
        if defaults:
            return (row + defaults for row in rows)
        return rows if order is None else map(order, rows)


def value_limit(conn: Connection) -> int:
    """How many values one statement may bind on this connection: SQLite's
    SQLITE_MAX_VARIABLE_NUMBER (32,766 since SQLite 3.32, 999 before, builds may differ),
    PostgreSQL's 65,535 (the protocol counts them in 16 bits)."""
    driver = conn.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if conn.dialect.name == "postgresql":
        return 65_535
    return 999  # any other driver: what every SQLite build allows


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk import.

    Reading a city allocates about a million small objects that all live until the import
    ends; the collector would walk them again and again (0.3-0.5 s per 100,000 rows) without
    ever finding a cycle. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def enum_checks_skipped(conn: Connection) -> Iterator[None]:
    """SQLite only: skip the enum CHECK constraints while our own bulk inserts run.

    SQLite 3.40 evaluates ``CHECK (x IN ('a', 'b', ...))`` by building a temporary table for
    every row, which costs a third of a second per 100,000 rows and table. Every enum value we
    insert comes from the column's own Enum type (see ``Bulk.value``), so it cannot violate
    them. Flag pragmas expire prepared statements, so nothing compiled meanwhile leaks out.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


#: Fewest new rows for which indexes_rebuilt builds the indexes anew.
REBUILD_MIN_ROWS = 50_000


@contextmanager
def indexes_rebuilt(conn: Connection, table: Table, new_rows: int) -> Iterator[None]:
    """SQLite only: drop ``table``'s indexes while ``new_rows`` go in and build them again at
    the end, when the rows at least double the table.

    Inserting into an index row by row touches its pages all over; once it outgrows the page
    cache, SQLite writes them out again and again. Building it from the finished table sorts
    once: 1.9 million survey answers go in in less than half the time, the e-mail addresses of
    100,000 people in a quarter. All of it runs inside the import's transaction, so a failed
    import gets its indexes back with the rollback. A unique index still refuses a duplicate:
    its rebuild fails on it, as the row's insert would have, and the whole import with it
    (the import holds the write lock, so only its own rows can collide). The indexes are
    rebuilt from the SQL the database itself holds for them, exactly as they were; those a
    table's constraints make (its primary key) stay.
    """
    if conn.dialect.name != "sqlite" or new_rows < REBUILD_MIN_ROWS:
        yield
        return
    existing = conn.scalar(select(func.count()).select_from(table)) or 0
    if existing > new_rows:
        yield
        return
    indexes = [
        (str(name), str(sql))
        for name, sql in conn.execute(
            text(
                "SELECT m.name, m.sql FROM sqlite_master AS m "
                "JOIN pragma_index_list(:t) AS i ON i.name = m.name "
                "WHERE m.type = 'index' AND m.sql IS NOT NULL"
            ),
            {"t": table.name},
        )
    ]
    quote = conn.dialect.identifier_preparer.quote
    for name, _sql in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)


def write_failed(exc: Exception) -> KoordinationError:
    """The German error for a write the database refused (the transaction is rolled back)."""
    return translate(exc)
