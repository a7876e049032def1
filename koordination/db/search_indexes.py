"""PostgreSQL's trigram indexes for search-as-you-type: made once pg_trgm can be had.

Migration 0014 makes them where the database allows the extension pg_trgm. A shared database
may not (creating an extension needs the right to create in it, and the server the contrib
package): the search then stays complete, only slower on large directories. ``db upgrade``
runs :func:`setup` every time, which makes them as soon as it can and says in German why not
until then. The models do not declare them; SQLite has no such index.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from koordination.db.engine import Database

#: The tables whose search_text has a trigram index, with the index's name.
TRIGRAM_INDEXES = (
    ("person", "ix_person_search_trgm"),
    ("organisation", "ix_organisation_search_trgm"),
)

HINT = (
    "Hinweis: Die Erweiterung pg_trgm fehlt in dieser PostgreSQL-Datenbank und konnte nicht "
    "eingerichtet werden (dafür fehlen die Rechte, oder sie ist auf dem Server nicht "
    "installiert). Die Suche findet trotzdem alles, bei vielen Tausend Personen aber langsamer. "
    "Abhilfe: Wer die Datenbank verwaltet, richtet pg_trgm in dieser Datenbank ein (Paket "
    "postgresql-contrib) oder gibt dieser Anmeldung das Recht CREATE auf die Datenbank; danach "
    "koordination db upgrade erneut ausführen."
)

DONE = "Die Suche hat jetzt ihre Trigramm-Indizes (pg_trgm) und ist bei vielen Personen schneller."


def setup(db: Database) -> list[str]:
    """Make the trigram indexes that are missing, if the database lets us; returns what
    happened, in German (nothing when all are there, and always nothing on SQLite)."""
    if db.is_sqlite:
        return []
    names = [index for _table, index in TRIGRAM_INDEXES]
    with db.engine.connect() as conn:
        present = set(
            conn.scalars(
                text(
                    "SELECT indexname FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND indexname = ANY(:names)"
                ),
                {"names": names},
            )
        )
    missing = [(table, index) for table, index in TRIGRAM_INDEXES if index not in present]
    if not missing:
        return []
    try:
        with db.engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            for table, index in missing:
                conn.execute(
                    text(f"CREATE INDEX {index} ON {table} USING gin (search_text gin_trgm_ops)")
                )
    except DBAPIError:
        return [HINT]
    return [
        "Die Suche hat jetzt ihre Trigramm-Indizes (pg_trgm) und ist bei vielen Personen schneller."
    ]
