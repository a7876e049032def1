"""`koordination password set`: an account's password into the system keyring, asked twice
without echo; it never appears on the screen, in the config file or in the database."""

from __future__ import annotations

import argparse
import getpass
import tomllib
from typing import Any

from koordination.cli.common import actions, command
from koordination.delivery.passwords import PASSWORDS, password_user, store_password
from koordination.errors import KoordinationError


def register(sub: Any) -> None:
    password = actions(
        command(sub, "password", "Passwörter im Schlüsselbund des Systems hinterlegen"),
        "password_command",
    )
    store = command(
        password,
        "set",
        "ein Passwort verdeckt abfragen und im Schlüsselbund speichern",
        cmd_set,
    )
    store.add_argument(
        "kind",
        metavar="KONTO",
        choices=sorted(PASSWORDS),
        help="wofür: " + ", ".join(f"{k} = {v.label}" for k, v in sorted(PASSWORDS.items())),
    )


def cmd_set(args: argparse.Namespace) -> int:
    from koordination.paths import config_file

    kind = PASSWORDS[args.kind]
    path = config_file()
    values: dict[str, object] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise KoordinationError(
                f"Die Einstellungsdatei {path} ist fehlerhaft: {exc}. Bitte korrigieren."
            ) from None
    user = password_user(kind, values)
    if not user:
        raise KoordinationError(
            f"In {path} steht im Abschnitt [{kind.section}] kein „{kind.user_key}“: für wen "
            f"soll das Passwort gelten? Bitte zuerst eintragen (`koordination config init` "
            "legt eine Vorlage an). Es wurde nichts gespeichert."
        )
    try:
        first = getpass.getpass(f"Passwort für {kind.label}, Benutzer „{user}“: ")
        second = getpass.getpass("Zur Kontrolle noch einmal: ")
    except EOFError:
        raise KoordinationError("Keine Eingabe – es wurde nichts gespeichert.") from None
    if not first:
        raise KoordinationError("Das Passwort ist leer – es wurde nichts gespeichert.")
    if first != second:
        raise KoordinationError(
            "Die beiden Eingaben stimmen nicht überein – es wurde nichts gespeichert. "
            "Bitte noch einmal."
        )
    store_password(kind, user, first)
    print(f"Das Passwort für {kind.label} („{user}“) liegt jetzt im Schlüsselbund des Systems.")
    return 0
