"""What every connection of a database's pool has set, seen by checking them all out at once."""

from __future__ import annotations

from koordination.db.engine import Database


def foreign_keys_everywhere(db: Database, size: int = 3) -> list[int]:
    """PRAGMA foreign_keys of ``size`` pooled connections (all checked out at once)."""
    connections = [db.engine.connect() for _ in range(size)]
    try:
        return [int(c.exec_driver_sql("PRAGMA foreign_keys").scalar() or 0) for c in connections]
    finally:
        for c in connections:
            c.close()
