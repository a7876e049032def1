"""Roles on a shared PostgreSQL database: *Lesen*, *Bearbeiten* and *Datenschutz*, enforced by
the database itself (group roles, grants, row-level security). SQLite stays single-user: who
can open the file may do everything.

Naming: the three roles are NOLOGIN group roles named after the database, ``<db>_lesen``,
``<db>_bearbeiten`` and ``<db>_datenschutz`` (a long database name is shortened and given a
hash). Roles belong to the whole server: with one shared name a login given *Lesen* on one
database would read every other koordination database on the same server.

- *Lesen*: SELECT on every table (the trail included), CONNECT, USAGE on the schema.
- *Bearbeiten*: *Lesen* and INSERT/UPDATE/DELETE on the working tables (no DELETE of people
  and consents, :data:`KEPT_TABLES`), INSERT (never UPDATE or DELETE) on the audit trail; no
  writes to the data-protection tables (:data:`PRIVACY_TABLES`).
- *Datenschutz*: *Bearbeiten* and writes to those tables, UPDATE of the trail's values (an
  erasure blanks them), and the privacy acts in the trail (:data:`PRIVACY_ACTS`: access
  reports, exports of personal data, erasures, retention runs). These acts are logged before
  their result leaves the service, so a login without the role gets nothing.
- *Verwaltung*: the owner of the tables (or a superuser): every right, row-level security
  does not apply; only it runs ``db upgrade`` and gives roles.

A login with rows in ``login_scope`` sees only its groups' current members, their addresses,
consents, memberships and invitations, its groups' meetings and sittings with their agendas,
minutes, decisions, workshop cards, tasks and replies, and their trail.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError

from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.db.engine import Database


class Role(IntEnum):
    """What a login may do, in increasing order."""

    NONE = 0
    LESEN = 1
    BEARBEITEN = 2
    DATENSCHUTZ = 3
    VERWALTUNG = 4

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, word: str) -> Role | None:
        """A grantable role from its German name (any case): Lesen, Bearbeiten, Datenschutz."""
        for role in GRANTABLE:
            if role.label.casefold() == word.strip().casefold():
                return role
        return None


_LABELS = {
    Role.NONE: "keine",
    Role.LESEN: "Lesen",
    Role.BEARBEITEN: "Bearbeiten",
    Role.DATENSCHUTZ: "Datenschutz",
    Role.VERWALTUNG: "Verwaltung",
}
GRANTABLE = (Role.LESEN, Role.BEARBEITEN, Role.DATENSCHUTZ)


@dataclass(frozen=True)
class Needs:
    """What an action needs: the least role, and what it is called in a refusal."""

    role: Role
    what: str


EDIT = Needs(Role.BEARBEITEN, "Ändern ist")
PRIVACY = Needs(
    Role.DATENSCHUTZ,
    "Auskünfte, Löschungen, Aufbewahrungsregeln und Exporte personenbezogener Daten sind",
)
ADMIN = Needs(Role.VERWALTUNG, "Rollen und die Datenbank zu verwalten ist")


class NotAllowed(KoordinationError):
    """The login's role does not allow this; nothing was changed."""


@dataclass(frozen=True)
class Access:
    """The current login and what it may do."""

    login: str
    role: Role
    #: The groups the login is limited to (names); empty: all.
    groups: tuple[str, ...] = ()
    #: A shared PostgreSQL database (else a single-user SQLite file).
    shared: bool = True

    @property
    def label(self) -> str:
        """ "Lesen", "Bearbeiten (nur AK Jugend)" …"""
        label = self.role.label if self.role is not Role.NONE else "keine koordination-Rolle"
        if self.groups:
            label += f" (nur {', '.join(self.groups)})"
        return label

    def allows(self, needs: Needs) -> bool:
        return self.role >= needs.role

    def refusal(self, needs: Needs | None = None) -> str:
        """The German refusal of ``needs`` (``None``: whatever the database refused)."""
        needs = needs or _next(self.role)
        has = (
            f"hat die Rolle {self.role.label}"
            if self.role is not Role.NONE
            else "hat keine koordination-Rolle"
        )
        if needs.role is Role.VERWALTUNG:
            ask = (
                "Das darf nur die Verwaltung der Datenbank (die Anmeldung, der die Tabellen "
                "gehören)."
            )
        else:
            ask = f"Bitten Sie die Koordinierungsstelle um die Rolle {needs.role.label}."
        limited = (
            f" Ihre Anmeldung ist außerdem auf {', '.join(self.groups)} beschränkt: neue "
            "Personen legt eine Anmeldung ohne Beschränkung an."
            if self.groups
            else ""
        )
        return f"Ihre Anmeldung '{self.login}' {has}: {needs.what} nicht erlaubt. {ask}{limited}"

    def require(self, needs: Needs) -> None:
        if not self.allows(needs):
            raise NotAllowed(self.refusal(needs))


def _next(role: Role) -> Needs:
    """What a refusal most likely was about: the right of the next higher role."""
    if role < Role.BEARBEITEN:
        return EDIT
    if role < Role.DATENSCHUTZ:
        return PRIVACY
    return ADMIN


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unbekannt"


def single_user() -> Access:
    """A SQLite file: its user may do everything."""
    return Access(os_user(), Role.VERWALTUNG, shared=False)


# ------------------------------------------------------------------------------ names
_SUFFIX = {Role.LESEN: "lesen", Role.BEARBEITEN: "bearbeiten", Role.DATENSCHUTZ: "datenschutz"}
#: PostgreSQL keeps 63 bytes of a name; "_datenschutz" takes 12 of them.
_PREFIX_BYTES = 48


def role_names(database: str) -> dict[Role, str]:
    """The group roles of the database named ``database``."""
    prefix = database
    if len(prefix.encode()) > _PREFIX_BYTES:
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        prefix = prefix.encode()[:39].decode(errors="ignore") + "_" + digest
    return {role: f"{prefix}_{suffix}" for role, suffix in _SUFFIX.items()}


def names_of(db: Database, conn: Connection) -> dict[Role, str]:
    database = db.url.database or str(conn.execute(text("SELECT current_database()")).scalar())
    return role_names(database)


def quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote_identifier(name))


# ------------------------------------------------------------------------------ who am I
#: The access read at start, per engine: a refusal of the database is said with it.
_KNOWN: weakref.WeakKeyDictionary[Engine, Access] = weakref.WeakKeyDictionary()
#: The attribute a refused statement's driver error carries the access in (see errors.py).
ACCESS_ATTRIBUTE = "koordination_access"


def _mark_refusal(context: ExceptionContext) -> None:
    """Hand the login's access to the translation of a refusal (koordination.db.errors)."""
    access = _KNOWN.get(context.engine) if context.engine is not None else None
    orig = context.original_exception
    if access is not None and getattr(orig, "sqlstate", None) == "42501":
        with contextlib.suppress(AttributeError):
            setattr(orig, ACCESS_ATTRIBUTE, access)


def current_access(db: Database) -> Access:
    """The login of ``db`` and its role: one query (a second one for a role's group limit)."""
    if db.is_sqlite:
        return single_user()
    with db.engine.connect() as conn:
        names = names_of(db, conn)
        row = conn.execute(
            text(
                "SELECT session_user, r.rolsuper, "
                "(SELECT pg_has_role(session_user, c.relowner, 'USAGE') FROM pg_class c "
                " WHERE c.oid = to_regclass('alembic_version')), "
                "ARRAY(SELECT g.rolname::text FROM pg_roles g WHERE g.rolname = ANY(:names) "
                " AND pg_has_role(session_user, g.oid, 'USAGE')) "
                "FROM pg_roles r WHERE r.rolname = session_user"
            ),
            {"names": list(names.values())},
        ).one()
        login, superuser, owner, held = str(row[0]), bool(row[1]), row[2], set(row[3])
        groups: tuple[str, ...] = ()
        if superuser or owner or owner is None:  # no tables yet: whoever makes them
            role = Role.VERWALTUNG
        else:
            role = max((r for r, name in names.items() if name in held), default=Role.NONE)
        if role in GRANTABLE:
            groups = tuple(
                conn.scalars(
                    text(
                        "SELECT g.name FROM login_scope s JOIN network_group g "
                        "ON g.id = s.group_id WHERE s.login = session_user ORDER BY g.name"
                    )
                )
            )
    access = Access(login, role, groups)
    if db.engine not in _KNOWN:
        event.listen(db.engine, "handle_error", _mark_refusal)
    _KNOWN[db.engine] = access
    return access


# ------------------------------------------------------------------------------ setting up
#: Tables whose rows are acts of data protection: written by *Datenschutz* only.
PRIVACY_TABLES = frozenset(
    {
        "erasure_ledger",
        "privacy_request",
        "objection",
        "retention_rule",
        "consent_text",
        "app_setting",
    }
)
#: Written by the owner only.
ADMIN_TABLES = frozenset({"alembic_version", "login_scope"})
#: Tables *Bearbeiten* inserts into and updates but only *Datenschutz* deletes from: a person
#: leaves by erasure or a retention run (with the ledger and the trail), and a consent's row
#: is the proof of lawful processing (a withdrawal is recorded, never deleted).
KEPT_TABLES = frozenset({"person", "consent"})
AUDIT_TABLE = "audit_entry"
#: Actions of the trail only *Datenschutz* may write: access reports, exports of personal
#: data, erasures and retention runs.
PRIVACY_ACTS = ("auskunft", "export", "erase", "run")

#: Tables a login limited to groups sees filtered, with the condition on their rows (written
#: with the helper functions below; every column named is indexed).
_SCOPED = {
    "person": "id IN (SELECT {s}.koordination_scope_people())",
    **{
        table: "person_id IN (SELECT {s}.koordination_scope_people())"
        for table in (
            "person_email",
            "person_phone",
            "person_tag",
            "consent",
            "affiliation",
            "invitation",
            "objection",
            "privacy_request",
        )
    },
    **{
        table: "person_id IS NULL OR person_id IN (SELECT {s}.koordination_scope_people())"
        for table in ("attendance", "survey_response")
    },
    "group_membership": "group_id IN (SELECT {s}.koordination_scope_groups())",
    "meeting": "id IN (SELECT {s}.koordination_scope_meetings())",
    "sitting": "meeting_id IN (SELECT {s}.koordination_scope_meetings())",
    # What was said and written at a sitting names its people: the agenda's notes, frozen
    # minutes with their attendance list, workshop cards, decisions, tasks.
    **{
        table: "sitting_id IN (SELECT {s}.koordination_scope_sittings())"
        for table in ("agenda_item", "minutes_version", "workshop_card")
    },
    "decision": "item_id IN (SELECT {s}.koordination_scope_items())",
    "task": (
        "sitting_id IN (SELECT {s}.koordination_scope_sittings())"
        " OR group_id IN (SELECT {s}.koordination_scope_groups())"
        " OR assignee_group_id IN (SELECT {s}.koordination_scope_groups())"
        " OR assignee_person_id IN (SELECT {s}.koordination_scope_people())"
    ),
    # Replies to invitations carry addresses, names and comments.
    "reply_review": "meeting_id IN (SELECT {s}.koordination_scope_meetings())",
    "circular_recipient": "person_id IN (SELECT {s}.koordination_scope_people())",
    "notice": "person_id IN (SELECT {s}.koordination_scope_people())",
    AUDIT_TABLE: (
        "(owner_kind = 'person' AND owner_id IN (SELECT {s}.koordination_scope_people()))"
        " OR (owner_kind = 'group' AND owner_id IN (SELECT {s}.koordination_scope_groups()))"
        " OR (owner_kind = 'meeting' AND owner_id IN (SELECT {s}.koordination_scope_meetings()))"
    ),
}

# Security definer: they read the scope and the memberships as the owner, so a limited login
# needs no grant on them and the policies do not recurse into each other.
_FUNCTIONS = {
    "koordination_scope_limited() RETURNS boolean": (
        "SELECT EXISTS (SELECT 1 FROM login_scope WHERE login = session_user)"
    ),
    "koordination_scope_groups() RETURNS SETOF integer": (
        "SELECT group_id FROM login_scope WHERE login = session_user"
    ),
    # Current and future members only: who left the group is none of its business.
    "koordination_scope_people() RETURNS SETOF integer": (
        "SELECT DISTINCT m.person_id FROM group_membership m JOIN login_scope l "
        "ON l.group_id = m.group_id WHERE l.login = session_user "
        "AND (m.valid_to IS NULL OR m.valid_to >= current_date)"
    ),
    "koordination_scope_meetings() RETURNS SETOF integer": (
        "SELECT DISTINCT mg.meeting_id FROM meeting_group mg JOIN login_scope l "
        "ON l.group_id = mg.group_id WHERE l.login = session_user"
    ),
    "koordination_scope_sittings() RETURNS SETOF integer": (
        "SELECT s.id FROM sitting s WHERE s.meeting_id IN (SELECT koordination_scope_meetings())"
    ),
    "koordination_scope_items() RETURNS SETOF integer": (
        "SELECT a.id FROM agenda_item a WHERE a.sitting_id IN "
        "(SELECT koordination_scope_sittings())"
    ),
}

#: Serialises two setups (two `db upgrade` at once); "koro" in ASCII.
_SETUP_LOCK = 0x6B6F726F


def setup(db: Database) -> list[str]:
    """Create or bring up to date the roles, their grants and the row-level security, in one
    transaction; idempotent. Returns German notes (what was done, or why it could not be)."""
    if db.is_sqlite:
        return []
    with db.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETUP_LOCK})
        names = names_of(db, conn)
        me, may_create = conn.execute(
            text(
                "SELECT session_user, rolsuper OR rolcreaterole FROM pg_roles "
                "WHERE rolname = session_user"
            )
        ).one()
        present = set(
            conn.scalars(
                text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                {"names": list(names.values())},
            )
        )
        missing = [name for name in names.values() if name not in present]
        if missing and not may_create:
            return [
                f"Die Rollen {', '.join(missing)} fehlen, und die Anmeldung '{me}' darf keine "
                "Rollen anlegen. Bitte einmal als Datenbank-Administrator ausführen: "
                f"ALTER ROLE {quote(conn, me)} CREATEROLE; danach koordination db upgrade "
                "erneut ausführen."
            ]
        for role, name in names.items():
            if name in missing:
                conn.execute(text(f"CREATE ROLE {quote(conn, name)} NOLOGIN"))
                comment = f"koordination: Rolle {role.label} der Datenbank {db.url.database}"
                literal = comment.replace("'", "''")
                conn.execute(text(f"COMMENT ON ROLE {quote(conn, name)} IS '{literal}'"))
        read, edit, privacy = (quote(conn, names[r]) for r in GRANTABLE)
        if may_create:
            conn.execute(text(f"GRANT {read} TO {edit}"))
            conn.execute(text(f"GRANT {edit} TO {privacy}"))
        schema = quote(conn, str(conn.execute(text("SELECT current_schema()")).scalar()))
        _grant_entry(conn, db, read, schema)
        tables = list(
            conn.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "ORDER BY tablename"
                )
            )
        )
        _grant_tables(conn, schema, tables, read, edit, privacy)
        _secure_rows(conn, schema, set(tables), privacy)
    done = "angelegt und eingerichtet" if missing else "auf den neuesten Stand gebracht"
    return [f"Rollen Lesen, Bearbeiten und Datenschutz {done} ({', '.join(names.values())})."]


def _grant_entry(conn: Connection, db: Database, read: str, schema: str) -> None:
    # The database and the schema may belong to someone else: then PUBLIC's default rights
    # (CONNECT, USAGE on public) have to do.
    for statement in (
        f"GRANT CONNECT ON DATABASE {quote(conn, str(db.url.database))} TO {read}",
        f"GRANT USAGE ON SCHEMA {schema} TO {read}",
    ):
        try:
            with conn.begin_nested():
                conn.execute(text(statement))
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != "42501":
                raise


def _grant_tables(
    conn: Connection, schema: str, tables: Sequence[str], read: str, edit: str, privacy: str
) -> None:
    everyone = f"{read}, {edit}, {privacy}"
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {everyone}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {everyone}"))
    conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {read}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {edit}"))
    for table in tables:
        name = f"{schema}.{quote(conn, table)}"
        if table == AUDIT_TABLE:
            conn.execute(text(f"GRANT INSERT ON {name} TO {edit}"))
            conn.execute(text(f"GRANT UPDATE (changes) ON {name} TO {privacy}"))
        elif table in PRIVACY_TABLES:
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {privacy}"))
        elif table in KEPT_TABLES:
            conn.execute(text(f"GRANT INSERT, UPDATE ON {name} TO {edit}"))
            conn.execute(text(f"GRANT DELETE ON {name} TO {privacy}"))
        elif table not in ADMIN_TABLES:
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {edit}"))


def _secure_rows(conn: Connection, schema: str, tables: set[str], privacy: str) -> None:
    for signature, body in _FUNCTIONS.items():
        conn.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {schema}.{signature} LANGUAGE sql STABLE "
                f"SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$ {body} $$"
            )
        )
    # Evaluated once per statement (an init plan), not once per row.
    unlimited = f"(SELECT NOT {schema}.koordination_scope_limited())"
    for table, condition in _SCOPED.items():
        if table not in tables:
            continue
        name = f"{schema}.{quote(conn, table)}"
        visible = f"{unlimited} OR {condition.format(s=schema)}"
        conn.execute(text(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"))
        _policy(conn, "koordination_scope", name, f"FOR SELECT USING ({visible})")
        if table == AUDIT_TABLE:
            _trail_policies(conn, name, privacy)
            continue
        # What a login may write the grants decide; a limited one only rows it sees. (A new
        # row must be visible too when its id is read back: new people come from others.)
        _policy(conn, "koordination_insert", name, "FOR INSERT WITH CHECK (true)")
        _policy(conn, "koordination_update", name, f"FOR UPDATE USING ({visible})")
        _policy(conn, "koordination_delete", name, f"FOR DELETE USING ({visible})")
    name = f"{schema}.login_scope"
    conn.execute(text(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"))
    _policy(conn, "koordination_scope", name, "FOR SELECT USING (login = session_user)")


def _trail_policies(conn: Connection, name: str, privacy: str) -> None:
    """Append-only, in the login's own name; the privacy acts and the blanking of values
    (an erasure) for *Datenschutz* only. The grants already leave out UPDATE and DELETE."""
    own = "login = session_user"
    acts = ", ".join(f"'{act}'" for act in PRIVACY_ACTS)
    _policy(
        conn,
        "koordination_write",
        name,
        f"FOR INSERT WITH CHECK ({own} AND action NOT IN ({acts}))",
    )
    _policy(conn, "koordination_acts", name, f"FOR INSERT TO {privacy} WITH CHECK ({own})")
    _policy(
        conn, "koordination_blank", name, f"FOR UPDATE TO {privacy} USING (true) WITH CHECK (true)"
    )


def _policy(conn: Connection, policy: str, table: str, body: str) -> None:
    conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {table}"))
    conn.execute(text(f"CREATE POLICY {policy} ON {table} {body}"))
