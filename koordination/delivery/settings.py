"""Delivery settings: ``[smtp]``, ``[caldav]`` and ``[imap]`` in the config file; passwords from env
or keyring.

Passwords never live in the config file or the database and are left out of every ``repr``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from koordination.errors import KoordinationError
from koordination.paths import config_file

PASSWORD_ENV = "KOORDINATION_SMTP_PASSWORD"
KEYRING_SERVICE = "koordination"
CALDAV_PASSWORD_ENV = "KOORDINATION_CALDAV_PASSWORD"
CALDAV_KEYRING_SERVICE = "koordination-caldav"

Security = Literal["starttls", "ssl", "none"]
_DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the office's mail server.

    ``password`` is only ever filled in memory (env or keyring, see :func:`smtp_password`);
    it is left out of ``repr`` so it cannot end up in a log, a traceback or the terminal.
    """

    host: str
    port: int = 587
    user: str = ""
    security: Security = "starttls"
    from_name: str = ""
    from_email: str = ""
    timeout: float = 30.0
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def starttls(self) -> bool:
        return self.security == "starttls"

    @property
    def ssl(self) -> bool:
        return self.security == "ssl"


EXAMPLE = """\
[smtp]
host = "mail.musterstadt.de"
port = 587
user = "engagement@musterstadt.de"
security = "starttls"   # oder "ssl" (Port 465) oder "none"
from_name = "Koordinierungsstelle Engagierte Stadt"
from_email = "engagement@musterstadt.de"
"""


def load_smtp_settings() -> SmtpSettings:
    """The ``[smtp]`` table of the config file, checked; German errors for what is missing."""
    path, table = _section("smtp", EXAMPLE, "Für den E-Mail-Versand fehlen die SMTP-Einstellungen.")
    return smtp_settings_from_table(table, where=str(path))


def _section(name: str, example: str, missing: str) -> tuple[Path, dict[str, object]]:
    """The ``[name]`` table of the config file; German errors for a missing file or section."""
    path = config_file()
    hint = f"Bitte in {path} eintragen, zum Beispiel:\n{example}"
    if not path.exists():
        raise KoordinationError(f"{missing} {hint}")
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KoordinationError(
            f"Die Einstellungsdatei {path} ist fehlerhaft: {exc}. Bitte korrigieren."
        ) from exc
    table = values.get(name)
    if not isinstance(table, dict):
        raise KoordinationError(f"In {path} fehlt der Abschnitt [{name}]. {hint}")
    return path, table


def smtp_settings_from_table(table: dict[str, object], *, where: str = "[smtp]") -> SmtpSettings:
    """Builds the settings from a parsed ``[smtp]`` table (a password in it is refused)."""
    if "password" in table:
        raise KoordinationError(
            f"{where}: Das SMTP-Passwort gehört nicht in die Einstellungsdatei. Bitte dort "
            f"löschen und in der Umgebungsvariablen {PASSWORD_ENV} oder im Schlüsselbund "
            f"hinterlegen (keyring set {KEYRING_SERVICE} BENUTZER)."
        )
    problems: list[str] = []

    def text(key: str) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            problems.append(f"„{key}“ muss ein Text sein")
            return ""
        return value.strip()

    host = text("host")
    if not host:
        problems.append("„host“ (der Mailserver) fehlt")
    security = _security(table, problems)
    port = _port(table, _DEFAULT_PORTS[security], problems)
    user = text("user")
    from_email = text("from_email") or (user if "@" in user else "")
    if "@" not in from_email:
        problems.append("„from_email“ (die Absenderadresse der Koordinierungsstelle) fehlt")
    timeout = _timeout(table, problems)
    if problems:
        raise KoordinationError(
            f"{where}: SMTP-Einstellungen unvollständig: " + "; ".join(problems)
        )
    return SmtpSettings(
        host=host,
        port=port,
        user=user,
        security=security,
        from_name=text("from_name"),  # empty: the office's name from the city profile
        from_email=from_email,
        timeout=timeout,
    )


def _security(table: dict[str, object], problems: list[str]) -> Security:
    value = table.get("security")
    if value is None:
        # Also accept the flags people know from other programs: ssl = true / starttls = false.
        if table.get("ssl") is True:
            return "ssl"
        if table.get("starttls") is False:
            return "none"
        return "starttls"
    if value in ("starttls", "ssl", "none"):
        return value
    problems.append("„security“ muss „starttls“, „ssl“ oder „none“ sein")
    return "starttls"


def smtp_password(settings: SmtpSettings) -> str | None:
    """The password: the one set in memory, else ``KOORDINATION_SMTP_PASSWORD``, else the keyring.

    ``None`` when no user is configured (a relay without login). Never logged, never stored.
    """
    if settings.password is not None:
        return settings.password
    if not settings.user:
        return None
    return _secret(PASSWORD_ENV, KEYRING_SERVICE, settings.user, "SMTP")


def _secret(env: str, service: str, user: str, what: str) -> str:
    from_env = os.environ.get(env)
    if from_env:
        return from_env
    try:
        import keyring

        stored = keyring.get_password(service, user)
    except Exception as exc:  # any backend may fail: locked, no D-Bus, none installed
        raise KoordinationError(
            f"Der Schlüsselbund des Systems ist nicht erreichbar ({type(exc).__name__}). "
            f"Bitte das {what}-Passwort in der Umgebungsvariablen {env} setzen."
        ) from None
    if not stored:
        raise KoordinationError(
            f"Kein {what}-Passwort für „{user}“ gefunden. Bitte in der Umgebungsvariablen "
            f"{env} setzen oder im Schlüsselbund hinterlegen: keyring set {service} {user}"
        )
    return str(stored)


# --- CalDAV ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaldavSettings:
    """The calendar collection meetings are published to (Nextcloud, Radicale, …)."""

    url: str
    username: str = ""
    password: str = field(default="", repr=False, compare=False)


CALDAV_EXAMPLE = """\
[caldav]
url = "https://cloud.musterstadt.de/remote.php/dav/calendars/koordination/termine/"
username = "koordination"
"""


def load_caldav_settings() -> CaldavSettings:
    """The ``[caldav]`` table; the password from ``KOORDINATION_CALDAV_PASSWORD`` or the keyring
    (service ``koordination-caldav``). No username: no login (a local Radicale, say)."""
    path = config_file()
    hint = f"Bitte in {path} eintragen, zum Beispiel:\n{CALDAV_EXAMPLE}"
    values: dict[str, object] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise KoordinationError(
                f"Die Einstellungsdatei {path} ist fehlerhaft: {exc}. Bitte korrigieren."
            ) from exc
    table = values.get("caldav")
    if not isinstance(table, dict):
        raise KoordinationError(f"Für CalDAV fehlt der Abschnitt [caldav]. {hint}")
    if "password" in table:
        raise KoordinationError(
            f"{path}: Das CalDAV-Passwort gehört nicht in die Einstellungsdatei. Bitte dort "
            f"löschen und in {CALDAV_PASSWORD_ENV} oder im Schlüsselbund hinterlegen "
            f"(keyring set {CALDAV_KEYRING_SERVICE} BENUTZER)."
        )
    url = table.get("url")
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        raise KoordinationError(
            f"{path}: [caldav] „url“ fehlt oder ist keine http(s)-Adresse. {hint}"
        )
    username = table.get("username", table.get("user", ""))
    if not isinstance(username, str):
        raise KoordinationError(f"{path}: [caldav] „username“ muss ein Text sein.")
    username = username.strip()
    password = (
        _secret(CALDAV_PASSWORD_ENV, CALDAV_KEYRING_SERVICE, username, "CalDAV") if username else ""
    )
    return CaldavSettings(url=url.strip(), username=username, password=password)


# --- IMAP -----------------------------------------------------------------------------------

IMAP_PASSWORD_ENV = "KOORDINATION_IMAP_PASSWORD"
IMAP_KEYRING_SERVICE = "koordination-imap"
_IMAP_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143, "none": 143}


@dataclass(frozen=True)
class ImapSettings:
    """The office's mailbox the answers to invitations arrive in.

    ``folder`` is read; what was booked moves to ``done_folder`` (its levels separated by "/",
    whatever the server uses). ``password`` is filled only in memory and never shown.
    """

    host: str
    port: int = 993
    user: str = ""
    security: Security = "ssl"
    folder: str = "INBOX"
    done_folder: str = "koordination/verbucht"
    timeout: float = 30.0
    password: str = field(default="", repr=False, compare=False)


IMAP_EXAMPLE = """\
[imap]
host = "mail.musterstadt.de"
port = 993
user = "engagement@musterstadt.de"
security = "ssl"        # oder "starttls" (Port 143)
folder = "INBOX"
done_folder = "koordination/verbucht"
"""


def load_imap_settings() -> ImapSettings:
    """The ``[imap]`` table, checked; the password from ``KOORDINATION_IMAP_PASSWORD`` or the
    keyring (service ``koordination-imap``, the user as name)."""
    path, table = _section(
        "imap", IMAP_EXAMPLE, "Zum Abholen der Antworten fehlen die IMAP-Einstellungen."
    )
    settings = imap_settings_from_table(table, where=str(path))
    password = _secret(IMAP_PASSWORD_ENV, IMAP_KEYRING_SERVICE, settings.user, "IMAP")
    return replace(settings, password=password)


def imap_settings_from_table(table: dict[str, object], *, where: str = "[imap]") -> ImapSettings:
    """Builds the settings from a parsed ``[imap]`` table (a password in it is refused)."""
    if "password" in table:
        raise KoordinationError(
            f"{where}: Das IMAP-Passwort gehört nicht in die Einstellungsdatei. Bitte dort "
            f"löschen und in der Umgebungsvariablen {IMAP_PASSWORD_ENV} oder im Schlüsselbund "
            f"hinterlegen (keyring set {IMAP_KEYRING_SERVICE} BENUTZER)."
        )
    problems: list[str] = []

    def text(key: str, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            problems.append(f"„{key}“ muss ein Text sein")
            return default
        return value.strip()

    host = text("host")
    if not host:
        problems.append("„host“ (der Mailserver) fehlt")
    user = text("user")
    if not user:
        problems.append("„user“ (der Benutzername des Postfachs) fehlt")
    value = table.get("security", "ssl")
    security: Security = "ssl"
    if value in ("ssl", "starttls", "none"):
        security = value
    else:
        problems.append("„security“ muss „ssl“, „starttls“ oder „none“ sein")
    port = _port(table, _IMAP_PORTS[security], problems)
    folder = text("folder", "INBOX") or "INBOX"
    done_folder = text("done_folder", "koordination/verbucht").strip("/")
    if not done_folder:
        problems.append("„done_folder“ (Ordner für verbuchte Antworten) darf nicht leer sein")
    elif done_folder.casefold() == folder.casefold():
        problems.append("„done_folder“ muss ein anderer Ordner sein als „folder“")
    timeout = _timeout(table, problems)
    if problems:
        raise KoordinationError(
            f"{where}: IMAP-Einstellungen unvollständig: " + "; ".join(problems)
        )
    return ImapSettings(
        host=host,
        port=port,
        user=user,
        security=security,
        folder=folder,
        done_folder=done_folder,
        timeout=timeout,
    )


def _port(table: dict[str, object], default: int, problems: list[str]) -> int:
    """``port`` of a settings table (1–65535); 0 and a German problem when it is not one."""
    value = table.get("port", default)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
        return value
    problems.append("„port“ muss eine Zahl zwischen 1 und 65535 sein")
    return 0


def _timeout(table: dict[str, object], problems: list[str]) -> float:
    """``timeout`` in seconds (default 30); a German problem when it is no number."""
    value = table.get("timeout", 30)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    problems.append("„timeout“ muss eine Zahl (Sekunden) sein")
    return 30.0
