"""Database access: engine and sessions (engine.py) and schema migrations (migrations.py).

Nothing is imported here: ``koordination.db.glance`` reads the first screen's figures with the
standard library's sqlite3, before SQLAlchemy is imported.
"""
