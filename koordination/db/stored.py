"""Columns read as the database stores them, each distinct value converted once.

SQLAlchemy converts every value of a typed column as it fetches a row: an enum's stored text
into its member, a stored instant into an aware datetime. A list of thousands of rows repeats
a handful of enum members and a few thousand instants, so reading the column as stored and
converting each distinct value once (with the column's own type, on either backend) costs a
dictionary lookup per row instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, type_coerce
from sqlalchemy.types import NullType


def stored(column: Any) -> Any:
    """``column`` as the database returns it (the same SQL, no cast), for :class:`Converted`."""
    return type_coerce(column, NullType())


class Converted(dict[Any, Any]):
    """A column's stored values and what its type makes of them (then ``then`` of that, if
    given), each worked out once."""

    def __init__(
        self, conn: Connection, column: Any, then: Callable[[Any], Any] | None = None
    ) -> None:
        super().__init__()
        dialect = conn.dialect
        self._convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
        self._then = then

    def __missing__(self, value: Any) -> Any:
        converted = value if self._convert is None or value is None else self._convert(value)
        if self._then is not None and converted is not None:
            converted = self._then(converted)
        self[value] = converted
        return converted
