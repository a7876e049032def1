"""Answers to the demo city's AK Stadtteilarbeit written the way real mail programs write them.

The reply fixtures (tests/fixtures/replies/) answer another city's meetings; here each keeps its
client's shape (Outlook's base64 parts and Windows zone names, Gmail's inline calendar plus
invite.ics, Thunderbird's and Apple's quoted-printable) and only the meeting's UID, the attendee's
address and the sender change.
"""

from __future__ import annotations

import base64
import email
import email.policy
import quopri
import re
from collections.abc import Callable
from email.message import Message
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "replies"
#: The demo's AK Stadtteilarbeit (meeting 1), every 2nd Tuesday, 18:00.
SERIES_UID = "demo-1@wiesenbrueck.example.org"
SERIES_SEQUENCE = 2
OLD_UID = re.compile(r"koordination-[0-9a-f]{8}-[a-z-]+@musterstadt\.de")
_CALENDAR = {"text/calendar", "application/ics"}

#: fixture → (old address, new address as the client writes it, whose answer in the demo).
ANSWERS = {
    "outlook_accepted.eml": ("juergen.mueller@tafel-musterstadt.de", "Monika.Weiss@Example.NET"),
    "google_declined_occurrence.eml": ("ayse.yilmaz@gmail.com", "lukas.yilmaz@example.org"),
    "thunderbird_accepted.eml": ("bjoern.oestergaard@posteo.de", "renate.schaefer@example.org"),
    "apple_tentative.eml": ("m.weiss@icloud.com", "sophie.ulrich@example.org"),
}


def demo_reply(fixture: str) -> bytes:
    """The fixture as the demo invitee would have sent it to the office."""
    old, new = ANSWERS[fixture]
    return retarget((FIXTURES / fixture).read_bytes(), old, new, SERIES_UID)


def retarget(raw: bytes, old_address: str, new_address: str, uid: str) -> bytes:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    same = re.compile(re.escape(old_address), re.IGNORECASE)
    message.replace_header("From", same.sub(new_address, str(message["From"])))

    def change(text: str) -> str:
        text = same.sub(new_address, OLD_UID.sub(uid, text))
        # The demo delivered its invitations with SEQUENCE 2: an answer to them carries it.
        return re.sub(r"(?m)^SEQUENCE:\d+", f"SEQUENCE:{SERIES_SEQUENCE}", text)

    return _rewrite(message, change)


def rewrite(raw: bytes, change: Callable[[str], str]) -> bytes:
    """The mail with every calendar part changed by ``change`` (unfolded text in, text out),
    each part kept in its client's encoding."""
    return _rewrite(email.message_from_bytes(raw, policy=email.policy.compat32), change)


def _rewrite(message: Message, change: Callable[[str], str]) -> bytes:
    for part in message.walk():
        if part.is_multipart():
            continue
        named_ics = (part.get_filename() or "").lower().endswith(".ics")
        if part.get_content_type() not in _CALENDAR and not named_ics:
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        text = payload.decode("utf-8")
        text = re.sub(r"\r?\n[ \t]", "", text)  # unfold, so a folded address is found
        data = change(text).encode("utf-8")
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
        if encoding == "base64":
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        elif encoding == "quoted-printable":
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        else:  # 8-bit text as it came (Gmail writes UTF-8 under "7bit")
            part.set_payload(data.decode("ascii", "surrogateescape"))
        if part.get_param("method"):
            part.set_param("method", _method(change(text)))
    return message.as_bytes()


def _method(text: str) -> str:
    found = re.search(r"(?m)^METHOD:(\S+)", text)
    return found.group(1) if found else "REPLY"


def _in_vevent(text: str, lines: str) -> str:
    """``lines`` added to every VEVENT, before its end."""
    return re.sub(r"(?m)^END:VEVENT", lambda _: lines + "\r\nEND:VEVENT", text)


def with_comment(comment: str) -> Callable[[str], str]:
    """What a client writes when the attendee adds a note to the answer (COMMENT)."""
    escaped = comment.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")

    def change(text: str) -> str:
        text = re.sub(r"(?m)^COMMENT[;:].*\r?\n", "", text)
        return _in_vevent(text, f"COMMENT:{escaped}")

    return change


def as_counter(start: str, end: str, comment: str = "") -> Callable[[str], str]:
    """A proposal of a new time (METHOD:COUNTER) with the client's own zone for DTSTART and
    DTEND (``start``/``end`` as 20270309T190000); Outlook writes it this way."""

    def change(text: str) -> str:
        head, _, event = text.partition("BEGIN:VEVENT")  # leave the VTIMEZONE's DTSTARTs
        zone = re.search(r"(?m)^DTSTART;TZID=([^:]+):", event)
        tzid = f";TZID={zone.group(1)}" if zone else ";TZID=Europe/Berlin"
        head = re.sub(r"(?m)^METHOD:REPLY", "METHOD:COUNTER", head)
        event = re.sub(r"(?m)^(DTSTART|DTEND)[;:][^\r\n]*\r?\n", "", event)
        event = _in_vevent(event, f"DTSTART{tzid}:{start}\r\nDTEND{tzid}:{end}")
        text = head + "BEGIN:VEVENT" + event
        return with_comment(comment)(text) if comment else text

    return change


def as_delegated(attendee: str, delegate: str, delegate_name: str) -> Callable[[str], str]:
    """PARTSTAT=DELEGATED with DELEGATED-TO, plus the delegate's own ATTENDEE line with
    DELEGATED-FROM, as RFC 5546 4.2.5 describes (and Outlook and Apple write)."""

    def change(text: str) -> str:
        line = re.compile(rf"(?mi)^(ATTENDEE[^\r\n]*)(mailto:{re.escape(attendee)})(?=\r?$)")
        found = line.search(text)
        if found is None:  # Apple names the attendee by urn:uuid with EMAIL=
            address = re.escape(attendee)
            line = re.compile(rf'(?mi)^(ATTENDEE[^\r\n]*EMAIL="?{address}[^\r\n]*)(?=\r?$)')
            found = line.search(text)
        assert found is not None, "attendee not found"
        head = re.sub(r"PARTSTAT=[A-Z-]+", "PARTSTAT=DELEGATED", found.group(0))
        head = head.replace("ATTENDEE", f'ATTENDEE;DELEGATED-TO="mailto:{delegate}"', 1)
        added = (
            f'ATTENDEE;CN="{delegate_name}";PARTSTAT=NEEDS-ACTION;'
            f'DELEGATED-FROM="mailto:{attendee}":mailto:{delegate}'
        )
        return text[: found.start()] + head + "\r\n" + added + text[found.end() :]

    return change


def plain_mail(subject: str, sender: str = "nachbarschaft@example.org") -> bytes:
    """Ordinary mail that has nothing to do with invitations."""
    return (
        f"From: {sender}\r\nTo: engagement@wiesenbrueck.example.org\r\nSubject: {subject}\r\n"
        "Date: Mon, 21 Sep 2026 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nGuten Tag, eine Frage zum Sommerfest.\r\n"
    ).encode()
