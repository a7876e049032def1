"""Which role each command needs on a shared PostgreSQL database: a command the login's role
does not allow is refused before it does anything (the database would refuse it too, see
koordination.db.roles, but only once a mail went out or a file was written).

A command not named here changes data and needs *Bearbeiten*: a new command is refused to a
reading login until it is listed as reading.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from koordination.db.roles import ADMIN, EDIT, PRIVACY, Needs

if TYPE_CHECKING:
    from koordination.core import Core

#: Commands that only read (or touch nothing but the user's own files).
READING = frozenset(
    {
        "db current",
        "people list",
        "people show",
        "organisations list",
        "groups list",
        "retention preview",
        "audit",
        "meetings list",
        "meetings show",
        "feed",
        "replies list",
        "agenda export",
        "minutes export",
        "attendance export",
        "tasks list",
        "workshop report",
        "surveys list",
        "surveys results",
        "surveys questionnaire",
        "fields list",
        "check eligibility",
        "steckbrief",
        "report annual",
        "export organisations",
        "export groups",
        "config show",
        "config init",
        "password set",
        "mail test",
        "completion",
        "_complete",
        "roles list",
        "people consent texts",
        "datenschutz anfrage list",
        "rundmail list",
        "rundmail show",
        "reminders list",
        "angebote list",
        "angebote show",
        "angebote publish",
    }
)

#: Acts of data protection: access reports, erasure, retention, exports of personal data.
PROTECTING = frozenset(
    {
        "people export-data",
        "people erase",
        "people restrict",
        "people unrestrict",
        "people object",
        "people consent text-add",
        "datenschutz anfrage add",
        "datenschutz anfrage done",
        "export people",
        "export oparl",
        "retention run",
        "retention set",
    }
)

#: The database itself and who may use it.
ADMINISTERING = frozenset(
    {
        "demo",
        "db upgrade",
        "db backup",
        "db restore",
        "db auto-backup",
        "roles grant",
        "roles revoke",
    }
)


def command_path(args: argparse.Namespace) -> str:
    """ "people erase", "export people", "audit" … from the parsed arguments."""
    parts = [str(args.command)]
    parts += [
        str(value)
        for name, value in vars(args).items()
        if name.endswith("_command") and isinstance(value, str)
    ]
    if args.command == "export":
        parts.append(str(args.kind))
    return " ".join(parts)


def needs(path: str) -> Needs | None:
    """What the command ``path`` needs beyond reading (``None``: reading is enough)."""
    if path in READING:
        return None
    if path in PROTECTING:
        return PRIVACY
    if path in ADMINISTERING:
        return ADMIN
    return EDIT


def refuse_forbidden(core: Core, args: argparse.Namespace) -> None:
    """Raise the German refusal when the login's role does not allow the command."""
    if core.db.is_sqlite or getattr(args, "command", None) is None:
        return
    wanted = needs(command_path(args))
    if wanted is not None:
        core.access.require(wanted)
