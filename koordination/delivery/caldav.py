"""Publishing meetings to a CalDAV calendar (Nextcloud, Radicale, …), one resource per UID.

Each meeting or series lives at ``<calendar>/<uid>.ics``: publishing the same UID again replaces
the resource in place (the server shows the new time, never a second entry). The stored objects
carry no METHOD and no attendees (RFC 4791), so a server with scheduling sends no e-mails of its
own. A failure for one meeting is reported and does not stop the others.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from koordination.calendar.events import Event, Override
from koordination.calendar.ics import calendar_object, checked_uid
from koordination.errors import KoordinationError

__all__ = ["CaldavReport", "cancel", "publish", "resource_url"]

_CONTENT_TYPE = {"Content-Type": "text/calendar; charset=utf-8"}


@dataclass
class CaldavReport:
    """What happened to each UID; ``failed`` holds (uid, German reason)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        text = (
            f"{len(self.created)} neu, {len(self.updated)} aktualisiert, "
            f"{len(self.removed)} entfernt, {len(self.failed)} fehlgeschlagen"
        )
        return "\n".join([text, *(f"  {uid}: {reason}" for uid, reason in self.failed)])


_PLAIN_NAME = re.compile(r"[A-Za-z0-9@._~+-]{1,200}")


def resource_url(calendar_url: str, uid: str) -> str:
    """The resource of one UID: ``<calendar_url>/<uid>.ics``.

    A UID with characters that servers treat differently in a path (a slash, spaces, umlauts)
    is named by its SHA-256 instead: stable too, so it is still found again by the same UID.
    """
    checked = checked_uid(uid)
    name = (
        checked if _PLAIN_NAME.fullmatch(checked) else hashlib.sha256(checked.encode()).hexdigest()
    )
    return calendar_url.rstrip("/") + "/" + quote(name, safe="@-_.~+") + ".ics"


class _Client:
    """PUT and DELETE of single calendar resources over HTTP(S), certificates verified.

    Two verbs on known URLs need no WebDAV library: RFC 4791 stores an event by PUTting it to
    its resource; discovery is not needed because the office configures the calendar's URL.
    """

    TIMEOUT = 30.0

    def __init__(self, username: str, password: str) -> None:
        self._headers: dict[str, str] = {"User-Agent": "koordination"}
        if username:
            token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def request(self, method: str, url: str, body: bytes | None = None) -> int:
        """The response's status (an HTTP error status is an answer, not an exception)."""
        headers = dict(self._headers)
        if body is not None:
            headers.update(_CONTENT_TYPE)
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            return int(exc.code)


def _client(calendar_url: str, username: str, password: str) -> _Client:
    return _Client(username, password)


def _failure(status: int | None, what: str) -> str:
    if status in (401, 403):
        return f"{what}: Zugriff verweigert (Benutzername oder Passwort prüfen)."
    if status in (404, 409):  # 409: the collection to put into does not exist
        return f"{what}: Kalender nicht gefunden (Adresse prüfen)."
    return f"{what}: Der CalDAV-Server antwortete mit Status {status}."


def _exception(err: Exception, what: str) -> str:
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"{what}: Das Zertifikat des CalDAV-Servers ist nicht vertrauenswürdig."
    if isinstance(reason, ConnectionRefusedError):
        return f"{what}: CalDAV-Server nicht erreichbar (Verbindung abgelehnt)."
    if isinstance(reason, TimeoutError):
        return f"{what}: CalDAV-Server nicht erreichbar (Zeitüberschreitung)."
    if isinstance(reason, socket.gaierror):
        return f"{what}: CalDAV-Server nicht erreichbar (Servername unbekannt)."
    return f"{what}: CalDAV-Server nicht erreichbar ({type(reason).__name__})."


def _put(
    client: _Client, calendar_url: str, event: Event, dtstamp: datetime, report: CaldavReport
) -> None:
    try:
        url = resource_url(calendar_url, event.uid)
        status = client.request("PUT", url, calendar_object(event, dtstamp=dtstamp))
    except KoordinationError as err:
        report.failed.append((event.uid, err.message))
        return
    except Exception as err:  # network and protocol errors: report, go on with the next
        report.failed.append((event.uid, _exception(err, "Speichern")))
        return
    if status == 201:
        report.created.append(event.uid)
    elif status in (200, 204):
        report.updated.append(event.uid)
    else:
        report.failed.append((event.uid, _failure(status, "Speichern")))


def _delete(client: _Client, calendar_url: str, uid: str, report: CaldavReport) -> None:
    try:
        status = client.request("DELETE", resource_url(calendar_url, uid))
    except KoordinationError as err:
        report.failed.append((uid, err.message))
        return
    except Exception as err:  # network and protocol errors: report, go on with the next
        report.failed.append((uid, _exception(err, "Löschen")))
        return
    # 404: already gone, which is what was asked for.
    if status in (200, 204, 404):
        report.removed.append(uid)
    else:
        report.failed.append((uid, _failure(status, "Löschen")))


def publish(
    events: Iterable[Event],
    calendar_url: str,
    username: str,
    password: str,
    *,
    dtstamp: datetime | None = None,
) -> CaldavReport:
    """Create or replace each event by its UID; a cancelled meeting or series is removed."""
    stamp = dtstamp or datetime.now(UTC)
    client = _client(calendar_url, username, password)
    report = CaldavReport()
    for event in events:
        if event.cancelled:
            _delete(client, calendar_url, event.uid, report)
        else:
            _put(client, calendar_url, event, stamp, report)
    return report


def cancel(
    target: str | Event,
    calendar_url: str,
    username: str,
    password: str,
    *,
    recurrence_id: datetime | None = None,
    dtstamp: datetime | None = None,
) -> CaldavReport:
    """Cancel a whole meeting or series (by UID or event: the resource is deleted), or, with
    ``recurrence_id`` and an event, one occurrence (the series is stored again with an EXDATE)."""
    client = _client(calendar_url, username, password)
    report = CaldavReport()
    if recurrence_id is None:
        _delete(client, calendar_url, target if isinstance(target, str) else target.uid, report)
        return report
    if isinstance(target, str):
        raise ValueError("cancelling one occurrence needs the event, not only its UID")
    kept = tuple(o for o in target.overrides if o.recurrence_id != recurrence_id)
    series = dataclasses.replace(
        target, overrides=(*kept, Override(recurrence_id=recurrence_id, cancelled=True))
    )
    _put(client, calendar_url, series, dtstamp or datetime.now(UTC), report)
    return report
