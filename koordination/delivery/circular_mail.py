"""One message of a circular e-mail (Rundmail) to exactly one recipient: text and HTML as
multipart/alternative, attachments, a fixed Message-ID and how to unsubscribe (RFC 2369)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from urllib.parse import quote

from koordination.delivery.mail import EncodedSubject
from koordination.delivery.text_mail import address

#: The subject of a mail that ends the consent (and what the List-Unsubscribe link sets).
UNSUBSCRIBE_WORD = "abmelden"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def unsubscribe_link(office_email: str) -> str:
    """ "mailto:office@stadt.de?subject=abmelden" """
    return f"mailto:{quote(office_email, safe='@')}?subject={UNSUBSCRIBE_WORD}"


def circular_message(
    *,
    sender_name: str,
    sender_email: str,
    reply_to: str,
    recipient_name: str,
    recipient_email: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """The message to one recipient: To names only them (no Cc, no Bcc); replies and the
    unsubscribe link go to ``reply_to``, the office's mailbox that ``replies fetch`` reads.

    multipart/mixed (only with attachments)
      multipart/alternative
        text/plain (the Markdown as written)
        text/html
      attachments
    """
    sender = address(sender_name, sender_email, what="Absender")
    office = address(sender_name, reply_to or sender_email, what="Antwortadresse")
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = address(recipient_name, recipient_email, what="Empfänger")
    if office.addr_spec.lower() != sender.addr_spec.lower():
        message["Reply-To"] = office
    message["Subject"] = EncodedSubject(" ".join(subject.split()))
    message["Date"] = date or datetime.now(UTC)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_link(office.addr_spec)}>"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    return message
