"""Reading iTIP replies (METHOD:REPLY) from .ics files, e-mails, mbox files and maildir folders.

Pure: nothing here touches the database. :func:`read_replies` returns the replies it found and, in
German, every problem it met; hostile or broken input becomes a problem, never a traceback.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.message import Message
from pathlib import Path
from typing import Any

from icalendar import Calendar

from koordination.clock import CITY_ZONE

#: The most we read of one file or one e-mail part; a reply is a few kilobytes.
MAX_CALENDAR_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Outlook's localised subject prefixes, used only when an ATTENDEE carries no PARTSTAT.
_SUMMARY_PREFIXES = (
    ("mit vorbehalt angenommen:", "TENTATIVE"),
    ("vorläufig angenommen:", "TENTATIVE"),
    ("vorläufig:", "TENTATIVE"),
    ("tentative:", "TENTATIVE"),
    ("angenommen:", "ACCEPTED"),
    ("zugesagt:", "ACCEPTED"),
    ("accepted:", "ACCEPTED"),
    ("abgelehnt:", "DECLINED"),
    ("abgesagt:", "DECLINED"),
    ("declined:", "DECLINED"),
)


@dataclass(frozen=True)
class Reply:
    """One attendee's answer to one meeting, series, or occurrence of a series."""

    uid: str
    #: The occurrence's original start (aware) when the reply is for one occurrence only.
    recurrence_id: datetime | None
    #: Lower-cased, without ``mailto:``.
    attendee_email: str
    attendee_name: str
    #: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, DELEGATED, … (upper case)
    partstat: str
    sequence: int
    #: Aware, in UTC.
    dtstamp: datetime
    #: Where the reply came from: the file name, or the e-mail's Message-ID in a mailbox.
    source: str
    #: The mail's sender (From, lower-cased); None for a bare .ics file, which has no sender.
    sender: str | None = None
    #: The ATTENDEE's SENT-BY address (lower-cased, without ``mailto:``), "" when absent.
    sent_by: str = ""
    #: How many ATTENDEEs the VEVENT carried; a REPLY must carry exactly one.
    attendee_count: int = 1
    #: The RECURRENCE-ID was a date without a time (``VALUE=DATE``): it names that day's date.
    recurrence_date_only: bool = False
    #: REPLY, or COUNTER: a proposal of another time (``proposed_start``/``proposed_end``).
    method: str = "REPLY"
    #: The COMMENT the attendee wrote ("Ich komme 30 Minuten später"), one line, "" if none.
    comment: str = ""
    #: For PARTSTAT=DELEGATED: whom the attendee sends instead (address and name).
    delegated_to: str = ""
    delegate_name: str = ""
    #: For a COUNTER: the time proposed (aware), from its DTSTART and DTEND.
    proposed_start: datetime | None = None
    proposed_end: datetime | None = None


def read_replies(path: Path) -> tuple[list[Reply], list[str]]:
    """The replies in ``path`` and the problems met, in German.

    ``path`` is an .ics file, an e-mail (.eml), an mbox file, a maildir folder, or a plain
    folder of such files. Whether a file is iCalendar, mbox or e-mail is read from its content,
    not its name.
    """
    path = Path(path)
    reader = _Reader()
    try:
        reader.read_path(path)
    except Exception as exc:  # hostile input must never end in a traceback
        reader.note(f"{_label(path)}: nicht lesbar ({type(exc).__name__}).")
    return reader.replies, reader.problems()


def read_message(data: bytes, *, label: str) -> tuple[list[Reply], list[str]]:
    """The replies in one e-mail fetched from a mailbox and the problems met, in German.

    A message without a calendar part gives neither replies nor problems: in a mailbox that is
    ordinary mail. ``label`` names the message in problems ("Nachricht 3"); a reply's source is
    the Message-ID.
    """
    reader = _Reader()
    try:
        reader._read_message(data, where=label, source=label, in_mailbox=True)
    except Exception as exc:  # hostile input must never end in a traceback
        reader.note(f"{label}: nicht lesbar ({type(exc).__name__}).")
    return reader.replies, reader.problems()


# --- reading --------------------------------------------------------------------------------


def _label(path: Path) -> str:
    return f"Ordner {path.name}" if path.is_dir() else f"Datei {path.name}"


#: A hostile file can repeat one mistake thousands of times; say each problem once, with a count.
MAX_PROBLEMS = 100


class _Reader:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self._problems: dict[str, int] = {}

    def note(self, problem: str) -> None:
        self._problems[problem] = self._problems.get(problem, 0) + 1

    def problems(self) -> list[str]:
        lines = [p if n == 1 else f"{p} ({n}-mal)" for p, n in self._problems.items()]
        if len(lines) > MAX_PROBLEMS:
            rest = len(lines) - MAX_PROBLEMS
            lines = [*lines[:MAX_PROBLEMS], f"… und {rest} weitere Hinweise"]
        return lines

    def read_path(self, path: Path) -> None:
        if path.is_dir():
            if all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
                self._read_maildir(path)
            else:
                self._read_folder(path)
            return
        if not path.exists():
            self.note(f"Datei {path.name}: nicht gefunden.")
            return
        self._read_file(path)

    def _read_folder(self, folder: Path) -> None:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        if not files:
            self.note(f"Ordner {folder.name}: enthält keine Dateien.")
        for file in files:
            self._read_file(file)

    def _read_file(self, path: Path) -> None:
        where = f"Datei {path.name}"
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES and not _starts_with(path, b"From "):
                self.note(f"{where}: zu groß ({size // 1_000_000} MB).")
                return
            if _starts_with(path, b"From "):
                self._read_mbox(path)
                return
            data = path.read_bytes()
        except OSError as exc:
            self.note(f"{where}: kann nicht gelesen werden ({exc.strerror or exc}).")
            return
        if _looks_like_icalendar(data):
            self._read_calendar(
                _decode(data, None), where=where, source=path.name, fallback=None, sender=None
            )
        elif not data.strip():
            self.note(f"{where}: ist leer.")
        else:
            self._read_message(data, where=where, source=path.name, in_mailbox=False)

    def _read_mbox(self, path: Path) -> None:
        box = mailbox.mbox(path, create=False)
        try:
            self._read_mailbox(box, f"Datei {path.name}", path.name)
        finally:
            box.close()

    def _read_maildir(self, path: Path) -> None:
        box = mailbox.Maildir(path, factory=None, create=False)
        self._read_mailbox(box, f"Ordner {path.name}", path.name)

    def _read_mailbox(self, box: mailbox.Mailbox[Any], where: str, name: str) -> None:
        keys = sorted(box.keys(), key=str)
        without_calendar = 0
        for number, key in enumerate(keys, start=1):
            try:
                data = box.get_bytes(key)
            except Exception:
                self.note(f"{where}, Nachricht {number}: nicht lesbar.")
                continue
            try:
                found = self._read_message(
                    data,
                    where=f"{where}, Nachricht {number}",
                    source=f"{name} #{number}",
                    in_mailbox=True,
                )
            except Exception:  # one hostile message must not cost the others
                self.note(f"{where}, Nachricht {number}: nicht lesbar.")
                continue
            if not found:
                without_calendar += 1
        if not keys:
            self.note(f"{where}: enthält keine Nachrichten.")
        elif without_calendar:
            # Ordinary mail in the same mailbox is normal; one line, not one per message.
            self.note(
                f"{where}: {without_calendar} von {len(keys)} Nachrichten ohne "
                "iCalendar-Anhang übersprungen."
            )

    def _read_message(self, data: bytes, *, where: str, source: str, in_mailbox: bool) -> bool:
        """Reads the calendar parts of one e-mail; False when it has none."""
        try:
            message = email.message_from_bytes(data, policy=email.policy.default)
        except Exception:
            self.note(f"{where}: ist keine lesbare E-Mail.")
            return False
        if in_mailbox:
            # In a mailbox the Message-ID finds the mail again; a lone .eml has its file name.
            source = _header(message, "Message-ID") or source
        fallback = _message_date(message)
        # A mail without a readable From has a sender nobody can check: "" never matches.
        sender = _sender(message)
        found = False
        before = len(self.replies)
        for text in _calendar_parts(message):
            found = True
            self._read_calendar(text, where=where, source=source, fallback=fallback, sender=sender)
        if not found:
            if not in_mailbox:
                self.note(f"{where}: kein iCalendar-Anhang.")
            return False
        # Google and others put the same calendar inline and as invite.ics: keep each reply once.
        self.replies[before:] = list(dict.fromkeys(self.replies[before:]))
        return True

    def _read_calendar(
        self, text: str, *, where: str, source: str, fallback: datetime | None, sender: str | None
    ) -> None:
        try:
            calendars = Calendar.from_ical(text, multiple=True)
        except Exception:
            self.note(f"{where}: iCalendar-Daten fehlerhaft, nicht lesbar.")
            return
        if not isinstance(calendars, list):
            calendars = [calendars]
        if not calendars:
            self.note(f"{where}: iCalendar-Daten unvollständig (kein VCALENDAR).")
        for calendar in calendars:
            try:
                self._read_one_calendar(
                    calendar, where=where, source=source, fallback=fallback, sender=sender
                )
            except Exception:  # deeply nested or otherwise hostile components
                self.note(f"{where}: iCalendar-Daten nicht verarbeitbar.")

    def _read_one_calendar(
        self,
        calendar: Any,
        *,
        where: str,
        source: str,
        fallback: datetime | None,
        sender: str | None,
    ) -> None:
        method = _text(calendar.get("METHOD")).upper()
        if not method:
            self.note(f"{where}: METHOD fehlt, keine Antwort (REPLY).")
            return
        if method not in ("REPLY", "COUNTER"):
            self.note(f"{where}: METHOD ist {method[:30]}, weder REPLY noch COUNTER.")
            return
        events = [c for c in calendar.walk() if getattr(c, "name", "") == "VEVENT"]
        if not events:
            self.note(f"{where}: Antwort ohne Termin (VEVENT).")
        for event in events:
            self._read_event(
                event, where=where, source=source, fallback=fallback, sender=sender, method=method
            )

    def _read_event(
        self,
        event: Any,
        *,
        where: str,
        source: str,
        fallback: datetime | None,
        sender: str | None,
        method: str = "REPLY",
    ) -> None:
        uid = _text(event.get("UID")).strip()
        if not uid:
            self.note(f"{where}: Antwort ohne UID übersprungen.")
            return
        attendees = event.get("ATTENDEE")
        if attendees is None:
            self.note(f"{where}: Antwort ohne Teilnehmer (ATTENDEE) übersprungen.")
            return
        if not isinstance(attendees, list):
            attendees = [attendees]
        try:
            recurrence_id = _recurrence_id(event)
        except ValueError:
            self.note(f"{where}: RECURRENCE-ID unlesbar, Antwort übersprungen.")
            return
        date_only = _recurrence_date_only(event)
        sequence = _sequence(event)
        dtstamp = _dtstamp(event) or fallback or _EPOCH
        summary_partstat = _partstat_from_summary(_text(event.get("SUMMARY")))
        proposed: tuple[datetime | None, datetime | None] = (None, None)
        if method == "COUNTER":
            proposed = _proposed(event)
            if proposed[0] is None:
                self.note(f"{where}: Gegenvorschlag (COUNTER) ohne lesbare Zeit übersprungen.")
                return
        comment = _one_line(_text(event.get("COMMENT")))
        delegates = _delegates(attendees)
        # The delegate a client adds beside the delegating attendee speaks for nobody.
        attendees = [a for a in attendees if _address(a, _params(a)) not in delegates]
        for attendee in attendees:
            params = _params(attendee)
            address = _address(attendee, params)
            if not address:
                self.note(f"{where}: Teilnehmer ohne E-Mail-Adresse übersprungen.")
                continue
            partstat = _text(params.get("PARTSTAT")).strip().upper() or summary_partstat
            delegated_to = _mail_address(_text(params.get("DELEGATED-TO")))
            if not delegated_to:
                delegated_to = next((d for d, f in delegates.items() if f == address), "")
            self.replies.append(
                Reply(
                    uid=uid,
                    recurrence_id=recurrence_id,
                    attendee_email=address,
                    attendee_name=_text(params.get("CN")).strip(),
                    partstat=partstat or "NEEDS-ACTION",
                    sequence=sequence,
                    dtstamp=dtstamp,
                    source=source,
                    sender=sender,
                    sent_by=_mail_address(_text(params.get("SENT-BY"))),
                    attendee_count=len(attendees),
                    recurrence_date_only=date_only,
                    method=method,
                    comment=comment,
                    delegated_to=delegated_to if partstat == "DELEGATED" else "",
                    delegate_name=_delegate_name(event, delegated_to),
                    proposed_start=proposed[0],
                    proposed_end=proposed[1],
                )
            )


# --- e-mail parts ---------------------------------------------------------------------------

_CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar", "application/x-ics"}


def _calendar_parts(message: Message) -> Iterator[str]:
    """The text of every calendar part: inline text/calendar and .ics attachments, any depth."""
    for part in message.walk():
        try:
            if part.is_multipart():
                continue
            content_type = part.get_content_type()
            filename = part.get_filename() or ""
            is_calendar = content_type in _CALENDAR_TYPES or filename.lower().endswith(
                (".ics", ".ical", ".ifb", ".vcs")
            )
            if not is_calendar:
                continue
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes) or len(payload) > MAX_CALENDAR_BYTES:
                continue
            charset = part.get_content_charset()
        except Exception:
            continue
        if payload.strip():
            yield _decode(payload, charset)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _message_date(message: Message) -> datetime | None:
    try:
        value = message.get("Date")
        stamp = getattr(value, "datetime", None)
    except Exception:
        return None
    if isinstance(stamp, datetime):
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return None


# --- values ---------------------------------------------------------------------------------


def _starts_with(path: Path, prefix: bytes) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(prefix)) == prefix


def _looks_like_icalendar(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    return head.startswith(b"BEGIN:VCALENDAR")


def _decode(data: bytes, charset: str | None) -> str:
    # Some gateways turn CRLF into CR CR LF; iCalendar lines end in CRLF or LF.
    data = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\r\n", b"\r\n")
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    # Older Outlook versions write Windows-1252 without saying so.
    return data.decode("cp1252", errors="replace")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        return str(value)
    except Exception:
        return ""


def _address(attendee: object, params: Any) -> str:
    """The attendee's e-mail address; Apple may give a urn:uuid value and the address as EMAIL."""
    for candidate in (_text(attendee), _text(params.get("EMAIL"))):
        address = _mail_address(candidate)
        if address:
            return address
    return ""


def _mail_address(value: str) -> str:
    """``mailto:X@Y`` (any case) or ``X@Y``, lower-cased; "" when it is no address."""
    address = value.strip().strip('"')
    if address[:7].lower() == "mailto:":
        address = address[7:]
    address = address.strip().lower()
    if address and "@" in address and not any(c.isspace() for c in address):
        return address
    return ""


def _sender(message: Message) -> str:
    """The From address, lower-cased; "" when there is none or it cannot be read."""
    try:
        value = message.get("From")
        addresses: tuple[Any, ...] = tuple(getattr(value, "addresses", ()))
        if len(addresses) != 1:
            return ""
        return _mail_address(str(addresses[0].addr_spec))
    except Exception:
        return ""


def _recurrence_date_only(event: Any) -> bool:
    try:
        value = event.decoded("RECURRENCE-ID")
    except Exception:
        return False
    return isinstance(value, date) and not isinstance(value, datetime)


def _recurrence_id(event: Any) -> datetime | None:
    """The aware RECURRENCE-ID, None when absent; ValueError when unreadable."""
    if "RECURRENCE-ID" not in event:
        return None
    try:
        value = event.decoded("RECURRENCE-ID")
    except Exception as exc:
        raise ValueError("RECURRENCE-ID") from exc
    try:
        if isinstance(value, datetime):
            # A floating time (or an unknown TZID) is read in the city's zone, like our events.
            if value.utcoffset() is None:
                moment = value.replace(tzinfo=CITY_ZONE)
            else:
                # Outlook names the zone "W. Europe Standard Time": the same instant, our zone.
                moment = value.astimezone(CITY_ZONE)
        elif isinstance(value, date):
            moment = datetime.combine(value, time(), tzinfo=CITY_ZONE)
        else:
            raise ValueError("RECURRENCE-ID")
        # 0001-01-01 in Berlin lies before the first instant UTC holds: booking it would fail.
        moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("RECURRENCE-ID") from exc
    return moment


def _sequence(event: Any) -> int:
    try:
        value = int(str(event.get("SEQUENCE", 0)).strip())
    except (TypeError, ValueError):
        return 0
    return max(0, min(value, 2**31 - 1))


def _dtstamp(event: Any) -> datetime | None:
    try:
        value = event.decoded("DTSTAMP")
    except Exception:
        return None
    if not isinstance(value, datetime):
        return None
    # DTSTAMP is UTC by definition; a client that forgot the Z still meant UTC.
    return value.astimezone(UTC) if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _params(attendee: object) -> Any:
    return getattr(attendee, "params", None) or {}


def _one_line(value: str) -> str:
    return " ".join(value.split())[:2000]


def _delegates(attendees: list[Any]) -> dict[str, str]:
    """Attendees added as someone's delegate (DELEGATED-FROM): their address → the delegator's."""
    out: dict[str, str] = {}
    for attendee in attendees:
        params = _params(attendee)
        delegator = _mail_address(_text(params.get("DELEGATED-FROM")))
        address = _address(attendee, params)
        if delegator and address and delegator != address:
            out[address] = delegator
    return out


def _delegate_name(event: Any, address: str) -> str:
    """The CN of the delegate's own ATTENDEE line, when the client added one."""
    if not address:
        return ""
    attendees = event.get("ATTENDEE")
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        params = _params(attendee)
        if _address(attendee, params) == address:
            return _one_line(_text(params.get("CN")))[:300]
    return ""


def _moment(event: Any, name: str) -> datetime | None:
    try:
        value = event.decoded(name)
    except Exception:
        return None
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=CITY_ZONE) if value.utcoffset() is None else value
        try:
            return moment.astimezone(CITY_ZONE)
        except OverflowError:
            return None
    return None


def _proposed(event: Any) -> tuple[datetime | None, datetime | None]:
    """The time a COUNTER proposes; an end before the start counts as none."""
    start, end = _moment(event, "DTSTART"), _moment(event, "DTEND")
    if start is None:
        return None, None
    if end is not None and end <= start:
        end = None
    return start, end


def _partstat_from_summary(summary: str) -> str:
    lowered = summary.strip().lower()
    for prefix, partstat in _SUMMARY_PREFIXES:
        if lowered.startswith(prefix):
            return partstat
    return ""
