"""Database access: engine and sessions (engine.py) and schema migrations (migrations.py)."""

from koordination.db.engine import Database, resolve_url

__all__ = ["Database", "resolve_url"]
