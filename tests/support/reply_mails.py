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
        text = same.sub(new_address, OLD_UID.sub(uid, text))
        # The demo delivered its invitations with SEQUENCE 2: an answer to them carries it.
        text = re.sub(r"(?m)^SEQUENCE:\d+", f"SEQUENCE:{SERIES_SEQUENCE}", text)
        data = text.encode("utf-8")
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
        if encoding == "base64":
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        elif encoding == "quoted-printable":
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        else:  # 8-bit text as it came (Gmail writes UTF-8 under "7bit")
            part.set_payload(data.decode("ascii", "surrogateescape"))
    return message.as_bytes()


def plain_mail(subject: str, sender: str = "nachbarschaft@example.org") -> bytes:
    """Ordinary mail that has nothing to do with invitations."""
    return (
        f"From: {sender}\r\nTo: engagement@wiesenbrueck.example.org\r\nSubject: {subject}\r\n"
        "Date: Mon, 21 Sep 2026 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nGuten Tag, eine Frage zum Sommerfest.\r\n"
    ).encode()
