"""`koordination roles`: who may read, edit and do data protection on a shared PostgreSQL
database (the roles Lesen, Bearbeiten, Datenschutz, optionally limited to groups)."""

from __future__ import annotations

import argparse
from typing import Any

from koordination.cli.common import actions, command, note, open_core, table
from koordination.errors import KoordinationError

_ABOUT = """\
Rollen auf einer gemeinsamen PostgreSQL-Datenbank, von der Datenbank selbst durchgesetzt:
  Lesen        alles ansehen, nichts ändern
  Bearbeiten   Personen, Gruppen, Termine, Protokolle … ändern
  Datenschutz  dazu Auskünfte (Art. 15), Löschungen (Art. 17), Aufbewahrungsregeln und
               Exporte personenbezogener Daten
Die Rollen heißen auf dem Server DATENBANK_lesen, DATENBANK_bearbeiten und
DATENBANK_datenschutz: eine Rolle gilt nur für diese eine Datenbank. Alle Rechte hat die
Anmeldung, der die Tabellen gehören (Verwaltung); nur sie vergibt Rollen. Mit --gruppe sieht
eine Anmeldung nur die Personen, Mitgliedschaften und Termine dieser Gruppen.
Eine SQLite-Datei nutzt eine Person allein: dort gibt es keine Rollen."""


def register(sub: Any) -> None:
    roles = command(
        sub,
        "roles",
        "Rollen: wer lesen, bearbeiten, Datenschutz ausüben darf",
        examples=("koordination roles list", "koordination roles grant anna Bearbeiten"),
    )
    roles.description = _ABOUT
    roles_actions = actions(roles, "roles_command")
    command(
        roles_actions,
        "list",
        "Anmeldungen mit ihren Rollen anzeigen",
        cmd_list,
        examples=("koordination roles list --db postgresql+psycopg://verwaltung@server/stadt",),
    )
    grant = command(
        roles_actions,
        "grant",
        "einer Anmeldung eine Rolle geben (ersetzt ihre bisherige)",
        cmd_grant,
        examples=(
            "koordination roles grant anna Bearbeiten",
            "koordination roles grant jugendring Lesen --gruppe 'AK Junges Engagement'",
        ),
    )
    grant.add_argument("login", metavar="ANMELDUNG", help="die Anmeldung auf dem Datenbankserver")
    grant.add_argument("role", metavar="ROLLE", help="Lesen, Bearbeiten oder Datenschutz")
    grant.add_argument(
        "--gruppe",
        dest="groups",
        action="append",
        default=[],
        metavar="NAME",
        help="nur Personen und Termine dieser Gruppe (Name oder Nr.; mehrfach möglich)",
    )
    revoke = command(
        roles_actions,
        "revoke",
        "einer Anmeldung eine Rolle entziehen",
        cmd_revoke,
        examples=("koordination roles revoke anna Bearbeiten",),
    )
    revoke.add_argument("login", metavar="ANMELDUNG", help="die Anmeldung auf dem Datenbankserver")
    revoke.add_argument("role", metavar="ROLLE", help="Lesen, Bearbeiten oder Datenschutz")


def _role(word: str) -> Any:
    from koordination.db.roles import Role

    role = Role.parse(word)
    if role is None:
        raise KoordinationError(
            f"„{word}“ ist keine Rolle. Möglich sind Lesen, Bearbeiten und Datenschutz."
        )
    return role


def _core(args: argparse.Namespace) -> Any:
    from koordination.db.role_logins import refuse_sqlite

    core = open_core(args)
    refuse_sqlite(core.db)
    return core


def cmd_list(args: argparse.Namespace) -> int:
    from koordination.db.role_logins import logins

    core = _core(args)
    owner, found = logins(core.db)
    me = core.access
    rows = [(owner or "–", "Verwaltung (Eigentümer der Tabellen)", "alle")]
    rows += [
        (
            entry.login,
            entry.role.label if entry.role.value else "keine",
            ", ".join(entry.groups) or "alle",
        )
        for entry in found
    ]
    table(rows, ("Anmeldung", "Rolle", "Gruppen"))
    note(f"Ihre Anmeldung '{me.login}': {me.label}")
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    from koordination.cli.common import group_id
    from koordination.db.role_logins import grant

    role = _role(args.role)  # a typo is refused before the database is opened
    core = _core(args)
    ids = [gid for name in args.groups if (gid := group_id(core.directory, name)) is not None]
    for line in grant(core.db, args.login, role, ids):
        note(line)
    where = f", nur {', '.join(args.groups)}" if args.groups else ""
    print(f"Die Anmeldung '{args.login}' hat jetzt die Rolle {role.label}{where}.")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from koordination.db.role_logins import revoke

    role = _role(args.role)
    core = _core(args)
    revoke(core.db, args.login, role)
    print(f"Der Anmeldung '{args.login}' wurde die Rolle {role.label} entzogen.")
    return 0
