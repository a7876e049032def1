"""Plain German e-mails to one recipient each (reminders, later circulars), sent like the
invitations through :func:`koordination.delivery.mail.send_all`."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

from koordination.delivery.mail import EncodedSubject
from koordination.errors import KoordinationError


def address(name: str, email: str, *, what: str) -> Address:
    """One mailbox, or a German error naming ``what`` (Absender, Empfänger) when the address
    could not carry a message (or could smuggle in a second recipient)."""
    email = email.strip()
    if not email or any(c in email for c in ",;<>\"'\r\n\t ") or email.count("@") != 1:
        raise KoordinationError(f"{what}: „{email}“ ist keine gültige E-Mail-Adresse.")
    try:
        return Address(display_name=" ".join(name.split()), addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise KoordinationError(f"{what}: „{email}“ ist keine gültige E-Mail-Adresse.") from exc


def text_mail(
    *,
    sender_name: str,
    sender_email: str,
    recipient_name: str,
    recipient_email: str,
    subject: str,
    body: str,
    reply_to: str = "",
    date: datetime | None = None,
) -> EmailMessage:
    """A text/plain UTF-8 message to exactly one recipient."""
    sender = address(sender_name, sender_email, what="Absender")
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = address(recipient_name, recipient_email, what="Empfänger")
    if reply_to.strip() and reply_to.strip().lower() != sender.addr_spec.lower():
        message["Reply-To"] = address(sender_name, reply_to, what="Antwortadresse")
    message["Subject"] = EncodedSubject(" ".join(subject.split()))
    message["Date"] = date or datetime.now(UTC)
    message["Message-ID"] = make_msgid(domain=sender.domain or None)
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    return message
