"""Writing many new rows fast: compiled Core inserts, id ranges, no GC walks, no enum CHECKs,
indexes built once at the end."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, func, insert, select, text

from koordination.db.errors import translate
from koordination.domain.models import Base
from koordination.errors import KoordinationError

CHUNK = 2000  # rows per executemany; small enough to keep memory flat


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
    """A Core ``insert()`` compiled once and run with the driver's executemany.

    Going through ``Connection.execute(insert(t), rows)`` costs SQLAlchemy ~5 µs per row in
    parameter handling alone (2.5 s for a city). Here each column's own bind processor still
    converts every value exactly as the ORM would store it, but only once per distinct value:
    enums, flags and timestamps repeat, free text needs no conversion on any backend.
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
        compiled = insert(table).compile(dialect=dialect, column_keys=list(self.columns))
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        # The driver wants the table's column order; rows come in the caller's.
        self._order: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
        if self.positional:
            order = tuple(compiled.positiontup or ())
            assert sorted(order) == sorted(self.columns), (order, self.columns)
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
        if not rows:
            return
        defaults, order = self._defaults, self._order
        if order is not None:
            rows = [order(row + defaults) for row in rows] if defaults else list(map(order, rows))
        elif defaults:
            rows = [row + defaults for row in rows]
        if self.positional:
            self.conn.exec_driver_sql(self.sql, rows)
        else:
            names = self.columns
            self.conn.exec_driver_sql(self.sql, [dict(zip(names, r, strict=True)) for r in rows])


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
    """SQLite only: drop ``table``'s plain (non-unique) indexes while ``new_rows`` go in and
    build them again at the end, when the rows at least double the table.

    Inserting into an index row by row touches its pages all over; once it outgrows the page
    cache, SQLite writes them out again and again. Building it from the finished table sorts
    once: 1.9 million survey answers go in in less than half the time. All of it runs inside
    the import's transaction, so a failed import gets its indexes back with the rollback.
    Unique indexes stay: they are what refuses a duplicate. The indexes are rebuilt from the
    SQL the database itself holds for them, exactly as they were.
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
                "WHERE m.type = 'index' AND m.sql IS NOT NULL AND i.\"unique\" = 0"
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
