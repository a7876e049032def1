"""Who has which role on a shared PostgreSQL database: listing the logins, giving and taking a
role (with its group limit); the roles themselves are made by :func:`koordination.db.roles.setup`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from koordination.db.roles import NotAllowed, Role, names_of, quote, setup
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.db.engine import Database


@dataclass(frozen=True)
class LoginRole:
    """One login with its role and group limit, for ``roles list``."""

    login: str
    role: Role
    groups: tuple[str, ...] = ()


def refuse_sqlite(db: Database) -> None:
    if db.is_sqlite:
        raise NotAllowed(
            "Rollen gibt es nur auf einer gemeinsamen PostgreSQL-Datenbank. Eine SQLite-Datei "
            "nutzt eine Person allein: wer sie öffnen kann, darf alles. Schützen Sie die Datei "
            "über die Zugriffsrechte ihres Ordners."
        )


def logins(db: Database) -> tuple[str, list[LoginRole]]:
    """The owner of the tables, and every login with a role of this database."""
    refuse_sqlite(db)
    with db.engine.connect() as conn:
        names = names_of(db, conn)
        by_name = {name: role for role, name in names.items()}
        owner = conn.scalar(
            text(
                "SELECT pg_get_userbyid(relowner) FROM pg_class "
                "WHERE oid = to_regclass('alembic_version')"
            )
        )
        held: dict[str, Role] = {}
        for login, group in conn.execute(
            text(
                "SELECT m.rolname, g.rolname FROM pg_auth_members a "
                "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
                "WHERE g.rolname = ANY(:names) AND m.rolname <> ALL(:names)"
            ),
            {"names": list(names.values())},
        ):
            held[login] = max(held.get(login, Role.NONE), by_name[group])
        scopes: dict[str, list[str]] = {}
        for login, group in conn.execute(
            text(
                "SELECT s.login, g.name FROM login_scope s JOIN network_group g "
                "ON g.id = s.group_id ORDER BY g.name"
            )
        ):
            scopes.setdefault(login, []).append(group)
    found = [
        LoginRole(login, held.get(login, Role.NONE), tuple(scopes.get(login, ())))
        for login in sorted(set(held) | set(scopes))
    ]
    return str(owner or ""), found


def grant(db: Database, login: str, role: Role, group_ids: Iterable[int] = ()) -> list[str]:
    """Give ``login`` the ``role`` (instead of any other of this database), limited to the
    groups ``group_ids`` (none: all); sets the roles up first. Returns German notes."""
    refuse_sqlite(db)
    notes = setup(db)
    groups = sorted(set(group_ids))
    with db.sessions() as session, session.begin():
        conn = session.connection()
        _may_grant(conn)
        _refuse_unfit_login(conn, login)
        names = names_of(db, conn)
        who = quote(conn, login)
        for other, name in names.items():
            if other is not role:
                conn.execute(text(f"REVOKE {quote(conn, name)} FROM {who}"))
        conn.execute(text(f"GRANT {quote(conn, names[role])} TO {who}"))
        conn.execute(text("DELETE FROM login_scope WHERE login = :login"), {"login": login})
        for group_id in groups:
            conn.execute(
                text("INSERT INTO login_scope (login, group_id) VALUES (:login, :group)"),
                {"login": login, "group": group_id},
            )
        from koordination.db import audit

        facts: dict[str, Any] = {"Anmeldung": login, "Rolle": role.label}
        if groups:
            facts["Gruppen (Nr.)"] = ", ".join(str(g) for g in groups)
        audit.log(session, "grant", "login", None, changes=facts)
    return notes


def revoke(db: Database, login: str, role: Role) -> None:
    """Take ``role`` from ``login``; without a role its group limit goes too."""
    refuse_sqlite(db)
    with db.sessions() as session, session.begin():
        conn = session.connection()
        _may_grant(conn)
        names = names_of(db, conn)
        member = conn.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_auth_members a JOIN pg_roles g "
                "ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
                "WHERE g.rolname = :group AND m.rolname = :login)"
            ),
            {"group": names[role], "login": login},
        )
        if not member:
            raise KoordinationError(
                f"Die Anmeldung '{login}' hat die Rolle {role.label} nicht; es wurde nichts "
                "geändert. Welche Anmeldung welche Rolle hat, zeigt: koordination roles list"
            )
        conn.execute(text(f"REVOKE {quote(conn, names[role])} FROM {quote(conn, login)}"))
        conn.execute(text("DELETE FROM login_scope WHERE login = :login"), {"login": login})
        from koordination.db import audit

        audit.log(
            session, "revoke", "login", None, changes={"Anmeldung": login, "Rolle": role.label}
        )


def _may_grant(conn: Connection) -> None:
    me, may = conn.execute(
        text(
            "SELECT session_user, rolsuper OR rolcreaterole FROM pg_roles "
            "WHERE rolname = session_user"
        )
    ).one()
    if not may:
        raise NotAllowed(
            f"Die Anmeldung '{me}' darf keine Rollen vergeben; es wurde nichts geändert. Bitte "
            f"einmal als Datenbank-Administrator ausführen: ALTER ROLE {quote(conn, me)} "
            "CREATEROLE"
        )


def _refuse_unfit_login(conn: Connection, login: str) -> None:
    found = conn.execute(
        text("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :login"),
        {"login": login},
    ).one_or_none()
    if found is None:
        raise KoordinationError(
            f"Die Anmeldung '{login}' gibt es auf dem Datenbankserver nicht; es wurde nichts "
            "geändert. Bitte zuerst als Datenbank-Administrator anlegen: CREATE ROLE "
            f"{quote(conn, login)} LOGIN PASSWORD '…'"
        )
    can_login, superuser = found
    if not can_login:
        raise KoordinationError(
            f"'{login}' ist keine Anmeldung (sie darf sich nicht anmelden); es wurde nichts "
            "geändert. Rollen bekommen Anmeldungen, keine Gruppenrollen."
        )
    if superuser:
        raise KoordinationError(
            f"Die Anmeldung '{login}' ist Superuser und darf ohnehin alles; es wurde nichts "
            "geändert. Für eine Rolle bitte eine gewöhnliche Anmeldung verwenden."
        )
