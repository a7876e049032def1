"""Passwords of the accounts koordination logs into: where each is looked for, storing one in
the system keyring, and whether one is there (never its value)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from koordination.delivery.settings import (
    CALDAV_KEYRING_SERVICE,
    CALDAV_PASSWORD_ENV,
    IMAP_KEYRING_SERVICE,
    IMAP_PASSWORD_ENV,
    KEYRING_SERVICE,
    PASSWORD_ENV,
)
from koordination.errors import KoordinationError


@dataclass(frozen=True)
class PasswordKind:
    """Where an account's password is looked for: ``env``, else the keyring under ``service``
    and the user named by ``user_key`` in the config file's ``[section]``."""

    section: str
    user_key: str
    service: str
    env: str
    label: str


#: Every account a password can be stored for (`koordination password set KIND`).
PASSWORDS: dict[str, PasswordKind] = {
    "smtp": PasswordKind("smtp", "user", KEYRING_SERVICE, PASSWORD_ENV, "SMTP (E-Mail-Versand)"),
    "caldav": PasswordKind(
        "caldav", "username", CALDAV_KEYRING_SERVICE, CALDAV_PASSWORD_ENV, "CalDAV (Kalender)"
    ),
    "imap": PasswordKind(
        "imap", "user", IMAP_KEYRING_SERVICE, IMAP_PASSWORD_ENV, "IMAP (Antworten abholen)"
    ),
}


def password_user(kind: PasswordKind, values: dict[str, object]) -> str:
    """The account's user name from the parsed config file ('' when none is entered)."""
    table = values.get(kind.section)
    if not isinstance(table, dict):
        return ""
    user = table.get(kind.user_key, table.get("user", "") if kind.user_key != "user" else "")
    return user.strip() if isinstance(user, str) else ""


def store_password(kind: PasswordKind, user: str, password: str) -> None:
    """Puts ``password`` into the system keyring; a German error when there is none."""
    try:
        import keyring

        keyring.set_password(kind.service, user, password)
    except Exception as exc:  # any backend may fail: locked, no D-Bus, none installed
        raise KoordinationError(
            f"Der Schlüsselbund des Systems ist nicht erreichbar ({type(exc).__name__}); es "
            f"wurde nichts gespeichert. Stattdessen die Umgebungsvariable {kind.env} setzen."
        ) from None


def password_state(kind: PasswordKind, user: str) -> str:
    """Whether a password is there and where, in German; never the password itself."""
    if os.environ.get(kind.env):
        return f"gesetzt (Umgebungsvariable {kind.env})"
    if not user:
        return "nicht nötig (kein Benutzer eingetragen)"
    try:
        import keyring

        stored = keyring.get_password(kind.service, user)
    except Exception as exc:  # any backend may fail: locked, no D-Bus, none installed
        return f"unbekannt (Schlüsselbund nicht erreichbar: {type(exc).__name__})"
    return "gesetzt (Schlüsselbund)" if stored else "nicht gesetzt"
