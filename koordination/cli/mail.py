"""`koordination mail test`: one test message through the configured SMTP server, before 30
people get an invitation; a failure says in German what to check."""

from __future__ import annotations

import argparse
from typing import Any

from koordination.cli.common import actions, command
from koordination.errors import KoordinationError

SUBJECT = "Testnachricht von koordination"
BODY = (
    "Guten Tag,\n\n"
    "dies ist eine Testnachricht von koordination. Wenn sie angekommen ist, sind die "
    "Einstellungen für den E-Mail-Versand richtig.\n\n"
    "Server: {host}:{port} ({security})\n"
    "Absender: {sender}\n"
)


def register(sub: Any) -> None:
    mail = actions(command(sub, "mail", "den E-Mail-Versand prüfen"), "mail_command")
    test = command(
        mail,
        "test",
        "eine Testnachricht über den eingestellten Mailserver senden",
        cmd_test,
    )
    test.add_argument("address", metavar="ADRESSE", help="an diese E-Mail-Adresse")


def _recipient(text: str) -> str:
    address = text.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;" for c in address):
        raise KoordinationError(f"„{text}“ ist keine E-Mail-Adresse. Es wurde nichts gesendet.")
    return address


def cmd_test(args: argparse.Namespace) -> int:
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    from koordination.delivery.mail import send_all
    from koordination.delivery.settings import load_smtp_settings

    to = _recipient(args.address)
    settings = load_smtp_settings()
    message = EmailMessage()
    sender_name = settings.from_name or "Koordinierungsstelle"
    local, _, domain = settings.from_email.rpartition("@")
    message["From"] = Address(sender_name, local, domain)
    message["To"] = to
    message["Subject"] = SUBJECT
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=domain or None)
    message.set_content(
        BODY.format(
            host=settings.host,
            port=settings.port,
            security=settings.security,
            sender=settings.from_email,
        )
    )
    where = f"{settings.host}:{settings.port}"
    report = send_all(settings, [message])
    if not report.ok:
        reasons = "; ".join(f.reason for f in report.failures)
        raise KoordinationError(
            f"Der Mailserver {where} hat die Testnachricht abgelehnt: {reasons}"
        )
    print(
        f"Der Mailserver {where} hat die Testnachricht an {to} angenommen. "
        "Bitte im Postfach nachsehen, ob sie angekommen ist."
    )
    return 0
