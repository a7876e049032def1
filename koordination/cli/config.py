"""`koordination config`: the active settings and where each comes from; a commented file."""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from koordination.cli.common import actions, command, print_json, table
from koordination.errors import KoordinationError

#: Where a value came from, as `config show` says it.
DEFAULT, FILE, ENV = "Voreinstellung", "Datei", "Umgebung"

#: A config file to start from: every setting, commented, in German. Nothing in it is active
#: until the "#" in front of it is removed.
TEMPLATE = """\
# Einstellungen von koordination
# ==============================
# Eine Zeile gilt erst, wenn das "#" davor entfernt ist. `koordination config show` zeigt,
# welcher Wert gerade gilt und woher er kommt (Voreinstellung, diese Datei, Umgebungsvariable).
# Passwörter gehören NICHT in diese Datei: `koordination password set smtp` speichert sie im
# Schlüsselbund des Systems.

# Die Datenbank: der Pfad einer SQLite-Datei oder eine PostgreSQL-Adresse (ohne Passwort; das
# steht in ~/.pgpass). Ohne Angabe: koordination.sqlite3 im Datenverzeichnis.
# database = "/home/koordination/koordination.sqlite3"
# database = "postgresql+psycopg://koordination@datenbank.musterstadt.de/koordination"

# Ihr Name, wie er im Änderungsverlauf erscheint (sonst der Benutzername des Systems).
# user_name = "Maria Muster"

# Der Ordner für erzeugte Dateien (Listen, Protokolle, Berichte).
# exports_dir = "/home/koordination/Dokumente/koordination"

# Wo die offenen Daten (OParl) veröffentlicht werden.
# oparl_base_url = "https://daten.musterstadt.de/engagement"

# E-Mail-Versand (Einladungen). Test: koordination mail test ihre.adresse@musterstadt.de
# [smtp]
# host = "mail.musterstadt.de"
# port = 587
# user = "engagement@musterstadt.de"
# security = "starttls"   # oder "ssl" (Port 465) oder "none"
# from_name = "Koordinierungsstelle Engagierte Stadt"
# from_email = "engagement@musterstadt.de"

# Kalender (CalDAV, z. B. Nextcloud), in den Termine eingetragen werden.
# [caldav]
# url = "https://cloud.musterstadt.de/remote.php/dav/calendars/koordination/termine/"
# username = "koordination"

# Postfach, aus dem Zu- und Absagen abgeholt werden (koordination replies fetch).
# [imap]
# host = "mail.musterstadt.de"
# port = 993
# user = "engagement@musterstadt.de"
# security = "ssl"        # oder "starttls" (Port 143)
# folder = "INBOX"
# done_folder = "koordination/verbucht"
"""


def register(sub: Any) -> None:
    config = actions(
        command(sub, "config", "Einstellungen anzeigen und eine Einstellungsdatei anlegen"),
        "config_command",
    )
    show = command(config, "show", "jede Einstellung, ihr Wert und woher er kommt", cmd_show)
    show.add_argument("--json", action="store_true", help="als JSON ausgeben (für Skripte)")
    command(
        config,
        "init",
        "eine kommentierte Einstellungsdatei anlegen (überschreibt nie)",
        cmd_init,
    )


# --------------------------------------------------------------------------- show
def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KoordinationError(
            f"Die Einstellungsdatei {path} ist fehlerhaft: {exc}. Bitte korrigieren."
        ) from None


def hide_password(value: str) -> str:
    """A database URL without the password a user may have written into it."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", value)


def rows() -> list[tuple[str, str, str]]:
    """(setting, value, source) for every setting koordination reads."""
    from koordination import paths
    from koordination.config import load_settings
    from koordination.delivery.passwords import PASSWORDS, password_state, password_user

    path = paths.config_file()
    values = _read_file(path)
    settings = load_settings()
    out: list[tuple[str, str, str]] = []

    def env_or(var: str, file_key: str | None = None) -> str:
        if os.environ.get(var):
            return f"{ENV} ({var})"
        if file_key is not None and file_key in values:
            return FILE
        return DEFAULT

    out.append(("config_file", str(path), env_or("KOORDINATION_CONFIG")))
    if not path.exists():
        out[-1] = (*out[-1][:2], out[-1][2] + ", fehlt noch (koordination config init)")
    out.append(("data_dir", str(paths.data_dir()), env_or("KOORDINATION_DATA_DIR")))
    database = settings.database or str(paths.default_database_path())
    out.append(("database", hide_password(database), env_or("KOORDINATION_DB", "database")))
    out.append(("user_name", settings.who, env_or("KOORDINATION_USER", "user_name")))
    out.append(
        ("exports_dir", str(paths.exports_dir()), env_or("KOORDINATION_EXPORTS", "exports_dir"))
    )
    out.append(("templates_dir", str(paths.templates_dir()), env_or("KOORDINATION_TEMPLATES")))
    out.append(
        (
            "oparl_base_url",
            settings.oparl_base_url or "(keine)",
            env_or("KOORDINATION_OPARL_BASE_URL", "oparl_base_url"),
        )
    )
    out.append(("log_file", str(paths.log_file()), env_or("KOORDINATION_DATA_DIR")))
    for kind in PASSWORDS.values():
        section = values.get(kind.section)
        if not isinstance(section, dict):
            out.append((f"[{kind.section}]", "nicht eingerichtet", DEFAULT))
            continue
        for key, value in section.items():
            shown = "(steht in der Datei – bitte dort löschen)" if key == "password" else value
            out.append((f"{kind.section}.{key}", str(shown), FILE))
        user = password_user(kind, values)
        out.append((f"{kind.section}.password", password_state(kind, user), ""))
    return out


def cmd_show(args: argparse.Namespace) -> int:
    found = rows()
    if args.json:
        print_json([{"setting": s, "value": v, "source": src} for s, v, src in found])
        return 0
    table(found, ("Einstellung", "Wert", "Herkunft"))
    return 0


# --------------------------------------------------------------------------- init
def cmd_init(args: argparse.Namespace) -> int:
    from koordination.files import write_text
    from koordination.paths import config_file

    path = config_file()
    if path.exists():
        raise KoordinationError(
            f"Die Einstellungsdatei {path} gibt es schon; sie bleibt, wie sie ist. "
            "`koordination config show` zeigt, was gilt."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KoordinationError(
            f"Der Ordner {path.parent} kann nicht angelegt werden ({exc.strerror}). "
            "Es wurde nichts geschrieben."
        ) from None
    write_text(path, TEMPLATE)
    print(f"Geschrieben: {path}")
    print("Bitte mit einem Texteditor öffnen und die nötigen Zeilen ohne „#“ eintragen.")
    return 0
