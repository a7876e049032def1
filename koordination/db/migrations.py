"""Alembic wiring: where the migrations live, which revision a database is at, upgrading it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from koordination.db import dumps

# Written in db.dumps; named here too for the callers that know them from here.
from koordination.db.dumps import backup as backup
from koordination.db.dumps import pg_dump as pg_dump
from koordination.db.engine import Database
from koordination.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported only when a database has to change: every command checks the schema
# revision on start, and that check reads the migration files and one table, nothing more.
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*[\"']?(\w+)", re.M)


def schema_dir() -> Path:
    """The Alembic environment: ``schema/`` in a checkout, ``koordination/_schema`` in a wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "schema", package / "_schema"):
        if (candidate / "env.py").exists():
            return candidate
    raise DatabaseError("Die Datenbank-Migrationen fehlen in dieser Installation.")


def _config(db: Database | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(schema_dir()))
    cfg.attributes["database"] = db
    return cfg


def script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def _revisions() -> dict[str, str | None]:
    """revision → the revision it follows, read from the migration files."""
    graph: dict[str, str | None] = {}
    for path in (schema_dir() / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            graph[found["revision"]] = None if down in (None, "None") else down
    return graph


def head_revision() -> str:
    graph = _revisions()
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) == 1:
        return heads.pop()
    head = script().get_current_head()  # let Alembic explain anything unusual
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The database's revision; ``None`` for an empty database. Refuses foreign databases."""
    try:
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            rev = (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in tables
                else None
            )
    except (SADatabaseError, OperationalError) as exc:
        raise _unreadable(db, exc) from exc
    if rev is None and tables - {"alembic_version"}:
        raise DatabaseError(
            f"{db.display_name} enthält fremde Tabellen und ist keine koordination-Datenbank. "
            "Sie wurde nicht verändert."
        )
    return rev


def _unreadable(db: Database, exc: Exception) -> DatabaseError:
    # The driver's own text may carry a statement or a login name: say what is known in German.
    from koordination.db.errors import explains, translate

    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
        # A login without a role on a shared database: not damage, a missing grant.
        login = db.url.username or "diese Anmeldung"
        return DatabaseError(
            f"Die Anmeldung '{login}' hat keine koordination-Rolle für die Datenbank "
            f"{db.display_name} und darf sie nicht lesen. Die Verwaltung der Datenbank (die "
            f"Anmeldung, der die Tabellen gehören) vergibt Rollen: koordination roles grant "
            f"{login} Lesen. Es wurde nichts geändert."
        )
    reason = f" ({translate(exc).message})" if explains(exc) else ""
    return DatabaseError(
        f"Die Datenbank {db.display_name} kann nicht gelesen werden{reason}. "
        "Sie wurde nicht verändert. Ist sie beschädigt oder der Server nicht erreichbar?"
    )


def refuse_unknown(db: Database, rev: str | None) -> None:
    """A revision this version does not know comes from a newer koordination: hands off."""
    if rev is not None and not _known(rev):
        raise DatabaseError(
            f"Die Datenbank {db.display_name} stammt von einer neueren koordination-Version "
            f"(Stand {rev}). Sie wurde nicht verändert. Bitte koordination aktualisieren."
        )


def _known(rev: str) -> bool:
    return rev in _revisions()


def needs_upgrade(db: Database) -> bool:
    rev = current_revision(db)
    refuse_unknown(db, rev)
    return rev != head_revision()


def backup_before_upgrade(db: Database, rev: str) -> Path | None:
    """Copy a SQLite file next to itself (dump a PostgreSQL database into the data folder)
    before its schema changes (the newest ``dumps.UPGRADE_BACKUPS_KEPT`` such copies are
    kept); returns the copy's path."""
    if db.path is None:
        # A shared PostgreSQL database: a dump in the data folder, rotated like the copies.
        from koordination.paths import data_dir

        base = data_dir() / f"{db.url.database or 'postgresql'}.postgresql"
        base.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = dumps.upgrade_backup_path(base, rev)
        dumps.pg_dump(db, target)
        dumps.rotate_upgrade_backups(base)
        return target
    return dumps.backup_before_upgrade(db.path, rev)


def refuse_older_shared(db: Database) -> None:
    """A shared PostgreSQL database is upgraded by ``db upgrade`` only, never on the side by
    whichever coordinator starts a newer version first."""
    rev = current_revision(db)
    refuse_unknown(db, rev)
    head = head_revision()
    if rev != head:
        stand = f"hat Stand {rev}" if rev else "ist noch leer"
        raise DatabaseError(
            f"Die gemeinsame Datenbank {db.display_name} {stand}, diese Version braucht "
            f"Stand {head}. Sie wurde nicht verändert. Bitte einmal `koordination db upgrade` "
            "ausführen (mit Sicherung vorher), am besten nach Absprache mit allen, die sie "
            "nutzen."
        )


def upgrade(db: Database) -> Path | None:
    """Bring the database to the newest schema; returns the backup made, if any.

    An empty SQLite file (the demo, a first start) gets the models' schema at once
    (:func:`create_schema`). A database holding data goes through the migrations it lacks,
    after a backup; so does a new PostgreSQL database, made once per office, since migrations
    there also set up what the models do not declare (the trigram search indexes)."""
    rev = current_revision(db)
    refuse_unknown(db, rev)
    if rev == head_revision():
        return None
    if rev is None and db.is_sqlite:
        create_schema(db)
        return None
    backup = backup_before_upgrade(db, rev) if rev is not None else None
    run_migrations(db)
    return backup


def create_schema(db: Database) -> None:
    """The newest schema in an empty SQLite file, built from the models and stamped with the
    head revision in one transaction, without Alembic: the same schema as every migration run
    in turn (a test compares the two), in a fraction of the time."""
    from koordination.db.schema_head import HEAD_REVISION, version_table
    from koordination.domain.models import Base

    table = version_table()
    try:
        with db.engine.begin() as conn:
            Base.metadata.create_all(conn, checkfirst=False)
            table.create(conn)
            conn.execute(table.insert().values(version_num=HEAD_REVISION))
    except (SADatabaseError, OperationalError) as exc:
        raise _unreadable(db, exc) from exc


def run_migrations(db: Database, revision: str = "head") -> None:
    """Run the migrations through Alembic up to ``revision``."""
    from alembic import command

    try:
        command.upgrade(_config(db), revision)
    except (SADatabaseError, OperationalError) as exc:
        raise _unreadable(db, exc) from exc


def enforce_roles(db: Database) -> list[str]:
    """Create or update the roles Lesen, Bearbeiten and Datenschutz with their grants and
    row-level security on a shared PostgreSQL database (koordination.db.roles); returns what
    it did, in German. ``db upgrade`` runs it every time; SQLite has no roles."""
    from koordination.db import roles

    return roles.setup(db)


#: The keys migration 0011 makes unique: (table, key, record number, index, German words).
UNIQUE_KEYS = (
    ("person_email", "address_key", "person_id", "ix_person_email_address_key", "E-Mail-Adressen"),
    ("organisation", "name_key", "id", "ix_organisation_name_key", "Organisationsnamen"),
)


def enforce_unique_keys(db: Database) -> list[str]:
    """Turn on the unique indexes that migration 0011 had to leave off because the database
    held duplicates, once those are merged; returns what it found (German, record numbers
    only, never an address or a name). ``db upgrade`` runs it every time."""
    said: list[str] = []
    with db.engine.begin() as conn:
        for table, key, owner, index, words in UNIQUE_KEYS:
            found = {i["name"]: bool(i["unique"]) for i in inspect(conn).get_indexes(table)}
            if found.get(index):
                continue
            groups: dict[str, list[int]] = {}
            rows = conn.execute(
                text(
                    f"SELECT {key}, {owner} FROM {table} WHERE {key} IN (SELECT {key} FROM "
                    f"{table} GROUP BY {key} HAVING COUNT(*) > 1) ORDER BY {owner}"
                )
            )
            for value, number in rows:
                groups.setdefault(value, []).append(number)
            if groups:
                where = "; ".join(
                    " und ".join(f"Nr. {n}" for n in g) for g in list(groups.values())[:10]
                )
                more = f" und {len(groups) - 10} weitere" if len(groups) > 10 else ""
                said.append(
                    f"{len(groups)} {words} kommen mehrfach vor ({where}{more}). Solange sie "
                    f"doppelt sind, verhindert die Datenbank keine neuen doppelten {words}. "
                    "Bitte die Einträge zusammenführen (einen bearbeiten, den anderen "
                    "archivieren oder löschen) und danach koordination db upgrade erneut "
                    "ausführen."
                )
                continue
            if index in found:
                conn.execute(text(f"DROP INDEX {index}"))
            conn.execute(text(f"CREATE UNIQUE INDEX {index} ON {table} ({key})"))
            said.append(f"Die {words} sind jetzt eindeutig: die Datenbank verhindert doppelte.")
    return said
