"""The office's IMAP mailbox: read messages without marking them, move the ones that were booked.

Every failure becomes a German :class:`KoordinationError` that names the server and the user,
never the password.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from koordination.delivery.settings import IMAP_PASSWORD_ENV, ImapSettings
from koordination.errors import KoordinationError

#: The most we download of one message; an answer to an invitation is a few kilobytes.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024

_SIZE = re.compile(rb"UID (\d+) RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+) UID (\d+)")
_LIST = re.compile(rb'\((?P<flags>[^)]*)\) (?P<delim>"(?:\\.|[^"])*"|NIL) ')


@dataclass(frozen=True)
class MessageRef:
    """One message in the folder: its UID and size in bytes."""

    uid: str
    size: int


class Mailbox:
    """One logged-in connection with the configured folder selected (read-write)."""

    def __init__(self, imap: imaplib.IMAP4, settings: ImapSettings) -> None:
        self._imap = imap
        self.settings = settings
        self._where = f"{settings.host}:{settings.port}"
        self._capabilities = self._read_capabilities()
        self._delimiter = self._read_delimiter()
        self._done_ready = False
        typ, data = self._call(imap.select, quote(self.server_name(settings.folder)))
        if typ != "OK":
            raise KoordinationError(
                f"Den Ordner „{settings.folder}“ gibt es im Postfach {self._where} nicht "
                f"({_said(data)}). Bitte „folder“ im Abschnitt [imap] prüfen."
            )

    # --- reading ------------------------------------------------------------------------------

    def messages(self) -> list[MessageRef]:
        """Every message of the folder not marked for deletion, oldest first."""
        typ, data = self._call(self._imap.uid, "SEARCH", "UNDELETED")
        self._ok(typ, data, "Nachrichten suchen")
        uids = [
            u.decode("ascii") for u in b" ".join(d for d in data if isinstance(d, bytes)).split()
        ]
        if not uids:
            return []
        sizes: dict[str, int] = {}
        typ, data = self._call(self._imap.uid, "FETCH", "1:*", "(RFC822.SIZE)")
        self._ok(typ, data, "Nachrichtengrößen lesen")
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            found = _SIZE.search(line)
            if found:
                uid, size = (found[1], found[2]) if found[1] else (found[4], found[3])
                sizes[uid.decode("ascii")] = int(size)
        return [MessageRef(uid, sizes.get(uid, 0)) for uid in sorted(uids, key=int)]

    def fetch(self, uid: str) -> bytes | None:
        """The whole message, read without setting \\Seen; None when it is gone meanwhile."""
        typ, data = self._call(self._imap.uid, "FETCH", uid, "(BODY.PEEK[])")
        self._ok(typ, data, "Nachricht lesen")
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    # --- moving -------------------------------------------------------------------------------

    def move(self, uid: str, folder: str) -> None:
        """Moves one message to ``folder`` ("a/b": levels in the server's own separator), which
        is created (and subscribed) when missing. MOVE where the server has it, else COPY, mark
        deleted and expunge only this message (UID EXPUNGE), so nothing else is touched."""
        target = quote(self.server_name(folder))
        if not self._done_ready:
            self._ensure_folder(folder, target)
            self._done_ready = True
        if "MOVE" in self._capabilities:
            typ, data = self._call(self._imap.uid, "MOVE", uid, target)
            self._ok(typ, data, f"Nachricht nach „{folder}“ verschieben")
            return
        typ, data = self._call(self._imap.uid, "COPY", uid, target)
        self._ok(typ, data, f"Nachricht nach „{folder}“ kopieren")
        typ, data = self._call(self._imap.uid, "STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        self._ok(typ, data, "Nachricht als gelöscht markieren")
        if "UIDPLUS" in self._capabilities:
            typ, data = self._call(self._imap._simple_command, "UID", "EXPUNGE", uid)
            self._ok(typ, data, "Nachricht entfernen")
        # Without UIDPLUS a plain EXPUNGE could remove messages someone else marked deleted:
        # the copy stays marked deleted in the folder until the mail program expunges it.

    def _ensure_folder(self, folder: str, target: str) -> None:
        typ, data = self._call(self._imap.list, '""', target)
        if typ == "OK" and any(item for item in data if item):
            return
        typ, data = self._call(self._imap.create, target)
        self._ok(typ, data, f"Ordner „{folder}“ anlegen")
        with contextlib.suppress(imaplib.IMAP4.error):
            self._imap.subscribe(target)  # so mail programs show it; not needed for us

    def server_name(self, folder: str) -> str:
        """``folder`` as the server names it: its separator, modified UTF-7 (RFC 3501 5.1.3)."""
        if folder.upper() == "INBOX":
            return "INBOX"
        if self._delimiter and self._delimiter != "/":
            folder = folder.replace("/", self._delimiter)
        return utf7(folder)

    # --- plumbing -----------------------------------------------------------------------------

    def _read_capabilities(self) -> frozenset[str]:
        typ, data = self._call(self._imap.capability)
        if typ != "OK" or not data or not isinstance(data[0], bytes):
            return frozenset()
        return frozenset(data[0].decode("ascii", "replace").upper().split())

    def _read_delimiter(self) -> str:
        typ, data = self._call(self._imap.list, '""', '""')
        for item in data if typ == "OK" else []:
            found = _LIST.match(item) if isinstance(item, bytes) else None
            if found and found["delim"] != b"NIL":
                return found["delim"][1:-1].replace(b"\\", b"").decode("ascii", "replace")
        return ""

    def _call(self, method: object, *args: object) -> tuple[str, list[object]]:
        try:
            typ, data = method(*args)  # type: ignore[operator]
        except imaplib.IMAP4.abort as exc:
            raise KoordinationError(
                f"Die Verbindung zum Postfach {self._where} ist abgebrochen ({_short(exc)}). "
                "Bitte später erneut versuchen; Verbuchtes bleibt verbucht."
            ) from None
        except imaplib.IMAP4.error as exc:
            raise KoordinationError(
                f"Das Postfach {self._where} hat einen Befehl abgelehnt ({_short(exc)})."
            ) from None
        except OSError as exc:
            raise KoordinationError(
                f"Die Verbindung zum Postfach {self._where} ist unterbrochen ({_why(exc)}). "
                "Bitte später erneut versuchen; Verbuchtes bleibt verbucht."
            ) from None
        return typ, list(data or [])

    def _ok(self, typ: str, data: list[object], what: str) -> None:
        if typ != "OK":
            raise KoordinationError(
                f"Postfach {self._where}: {what} ist fehlgeschlagen ({_said(data)})."
            )

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self._imap.close()
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self._imap.logout()


@contextlib.contextmanager
def open_mailbox(settings: ImapSettings) -> Iterator[Mailbox]:
    """The configured folder of the office's mailbox, logged in; closed afterwards."""
    imap = connect(settings)
    try:
        box = Mailbox(imap, settings)
    except BaseException:
        _logout(imap)
        raise
    try:
        yield box
    finally:
        box.close()


def connect(settings: ImapSettings) -> imaplib.IMAP4:
    """A logged-in connection (IMAPS, STARTTLS or, when asked for, unencrypted)."""
    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context()
    imap: imaplib.IMAP4 | None = None
    try:
        if settings.security == "ssl":
            imap = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=settings.timeout
            )
        else:
            imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                imap.starttls(ssl_context=context)
    except ssl.SSLCertVerificationError as exc:
        _logout(imap)
        raise KoordinationError(
            f"Das Zertifikat des Postfachs {where} ist nicht vertrauenswürdig "
            f"({exc.verify_message or exc.reason}). Es wurde nichts abgeholt. Bitte den "
            "Servernamen in „host“ prüfen oder das Zertifikat von der IT bestätigen lassen."
        ) from None
    except ssl.SSLError as exc:
        _logout(imap)
        raise KoordinationError(
            f"Verschlüsselte Verbindung zum Postfach {where} fehlgeschlagen "
            f"({exc.reason or type(exc).__name__}). Bitte „security“ und „port“ im Abschnitt "
            "[imap] prüfen (IMAPS: „ssl“ mit Port 993, STARTTLS: „starttls“ mit Port 143)."
        ) from None
    except imaplib.IMAP4.error as exc:
        _logout(imap)
        if settings.security == "starttls" and "STARTTLS" in str(exc).upper():
            raise KoordinationError(
                f"Das Postfach {where} bietet kein STARTTLS an. Bitte „security“ und „port“ im "
                "Abschnitt [imap] prüfen (IMAPS: „ssl“ mit Port 993)."
            ) from None
        raise KoordinationError(f"Keine Verbindung zum Postfach {where} ({_short(exc)}).") from None
    except OSError as exc:
        _logout(imap)
        raise KoordinationError(
            f"Keine Verbindung zum Postfach {where} ({_why(exc)}). Bitte „host“ und „port“ im "
            "Abschnitt [imap] prüfen."
        ) from None
    try:
        imap.login(settings.user, settings.password)
    except (imaplib.IMAP4.error, OSError) as exc:
        _logout(imap)
        if isinstance(exc, imaplib.IMAP4.abort | OSError):
            raise KoordinationError(
                f"Das Postfach {where} hat die Verbindung bei der Anmeldung beendet."
            ) from None
        raise KoordinationError(
            f"Anmeldung am Postfach {where} als „{settings.user}“ fehlgeschlagen. Bitte "
            f"Benutzername und Passwort prüfen ({IMAP_PASSWORD_ENV} oder Schlüsselbund)."
        ) from None
    return imap


def _logout(imap: imaplib.IMAP4 | None) -> None:
    if imap is None:
        return
    with contextlib.suppress(Exception):
        imap.shutdown()


def quote(name: str) -> str:
    """An IMAP quoted string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def utf7(name: str) -> str:
    """IMAP's modified UTF-7 for mailbox names ("Rückläufer" → "R&APw-ckl&AOQ-ufer")."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ","))
            out.append("-")
            run.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


def _said(data: list[object]) -> str:
    text = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
    return " ".join(text.split())[:200] or "keine Angabe"


def _short(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())[:200] or type(exc).__name__


def _why(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return "Servername unbekannt"
    if isinstance(exc, ConnectionRefusedError):
        return "Verbindung abgelehnt"
    if isinstance(exc, TimeoutError):
        return "Zeitüberschreitung"
    return exc.strerror or type(exc).__name__
