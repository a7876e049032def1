"""Invitations by e-mail: iMIP messages (RFC 6047) and sending them through the office's SMTP."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import make_msgid

from koordination.delivery.settings import SmtpSettings, smtp_password
from koordination.errors import KoordinationError

METHODS = frozenset({"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER"})
_ATTACHMENT_NAMES = {"REQUEST": "einladung.ics", "CANCEL": "absage.ics"}

#: ``progress(done, total)`` after each message (the CLI's progress line takes the same).
Progress = Callable[[int, int], None]


def build_imip(
    *,
    sender_name: str,
    sender_email: str,
    recipient_name: str,
    recipient_email: str,
    subject: str,
    body_text: str,
    ics: bytes,
    method: str,
    date: datetime | None = None,
) -> EmailMessage:
    """One iMIP message to exactly one recipient.

    multipart/mixed
      multipart/alternative
        text/plain (German body)
        text/calendar; method=…; charset=UTF-8   (base64, so the CRLF line ends survive)
      application/ics attachment (einladung.ics / absage.ics)
    """
    method = method.strip().upper()
    if method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    declared = _declared_method(ics)
    if declared != method:
        raise ValueError(f"METHOD in the calendar is {declared!r}, the message says {method!r}")
    recipient = _address(recipient_name, recipient_email, what="Empfänger")
    sender = _address(sender_name, sender_email, what="Absender")

    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = EncodedSubject(" ".join(subject.split()))
    msg["Date"] = date or datetime.now(UTC)
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    msg["MIME-Version"] = "1.0"
    msg.set_content(body_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": method, "charset": "UTF-8"},
    )
    msg.add_attachment(
        ics,
        maintype="application",
        subtype="ics",
        cte="base64",
        filename=_ATTACHMENT_NAMES.get(method, "termin.ics"),
    )
    # Outlook files a message with this header as a meeting request rather than plain mail.
    # Set last: set_content() drops every Content-* header and add_alternative() moves them
    # into the first part.
    msg["Content-Class"] = "urn:content-classes:calendarmessage"
    return msg


class EncodedSubject(str):
    """A Subject header folded by the RFC 2047 encoder of ``email.header``.

    The default policy's folder can put the space next to a quote between two encoded words,
    where mail programs drop it ("„Grün“ und" became "„Grün“und"); encoded words that carry
    their spaces inside keep every one. Plain ASCII subjects are written as they are.
    """

    name = "Subject"

    def fold(self, *, policy: Policy) -> str:
        from email.header import Header

        text = str(self)
        if text.isascii():
            body = Header(text, header_name=self.name).encode(linesep=policy.linesep)
        else:
            body = Header(text, "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {body}{policy.linesep}"


def _declared_method(ics: bytes) -> str:
    for line in ics.splitlines():
        if line[:7].upper() == b"METHOD:":
            return line[7:].decode("ascii", errors="replace").strip().upper()
    return ""


def _address(name: str, email: str, *, what: str) -> Address:
    email = email.strip()
    name = " ".join(name.split())
    if not email or any(c in email for c in ",;<>\r\n\t ") or email.count("@") != 1:
        raise KoordinationError(f"{what}: „{email}“ ist keine gültige E-Mail-Adresse.")
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise KoordinationError(f"{what}: „{email}“ ist keine gültige E-Mail-Adresse.") from exc


# --- what would be sent ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMail:
    recipient: str
    subject: str
    method: str

    def __str__(self) -> str:
        kind = {"REQUEST": "Einladung", "CANCEL": "Absage"}.get(self.method, self.method)
        return f"{self.recipient}: „{self.subject}“ ({kind}, METHOD:{self.method})"


def dry_run(messages: list[EmailMessage]) -> list[PlannedMail]:
    """What :func:`send_all` would send, without connecting to any server."""
    return [
        PlannedMail(
            recipient=_recipient_text(m), subject=str(m["Subject"] or ""), method=_method(m)
        )
        for m in messages
    ]


def _method(message: EmailMessage) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return str(part.get_param("method") or "").upper()
    return ""


def _recipients(message: EmailMessage) -> list[str]:
    header = message["To"]
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    return [a.addr_spec for a in addresses if a.addr_spec]


def _recipient_text(message: EmailMessage) -> str:
    return str(message["To"] or "")


# --- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendFailure:
    recipient: str
    reason: str

    def __str__(self) -> str:
        return f"{self.recipient}: {self.reason}"


@dataclass
class SendReport:
    #: Lower-cased addresses the server accepted, in sending order.
    delivered: list[str] = field(default_factory=list)
    failures: list[SendFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """German lines for the terminal: how many went out, then every failure."""
        lines = [f"{len(self.delivered)} E-Mail(s) versandt, {len(self.failures)} fehlgeschlagen."]
        lines += [f"  nicht zugestellt an {f}" for f in self.failures]
        return "\n".join(lines)


class _Dropped(Exception):
    """The server closed the connection: reconnect and try the message again."""


def send_all(
    settings: SmtpSettings,
    messages: list[EmailMessage],
    progress: Progress | None = None,
) -> SendReport:
    """Sends every message over one SMTP connection (reconnecting once if it drops).

    A refusal for one recipient is recorded and the others still go out. Failing to connect or
    to log in raises a :class:`KoordinationError` before anything is sent.
    """
    report = SendReport()
    if not messages:
        return report
    password = smtp_password(settings)
    try:
        smtp: smtplib.SMTP | None = _connect(settings, password)
    except KoordinationError as exc:
        raise KoordinationError(f"{exc.message} Es wurde nichts gesendet.") from None
    total = len(messages)
    try:
        for done, message in enumerate(messages, start=1):
            recipients = _recipients(message)
            label = ", ".join(recipients) or "(kein Empfänger)"
            if not recipients:
                report.failures.append(SendFailure(label, "Die Nachricht hat keinen Empfänger."))
            else:
                for attempt in (1, 2):
                    try:
                        if smtp is None:
                            smtp = _connect(settings, password)
                        _send_one(smtp, settings, message, recipients, report)
                        break
                    except _Dropped as exc:
                        _close(smtp)
                        smtp = None
                        if attempt == 2:
                            report.failures.append(SendFailure(label, str(exc)))
                    except KoordinationError as exc:
                        # Reconnecting failed: nothing more can go out; say so for each one left.
                        _close(smtp)
                        smtp = None
                        for rest in messages[done - 1 :]:
                            for address in _recipients(rest) or ["(kein Empfänger)"]:
                                report.failures.append(
                                    SendFailure(address, f"nicht gesendet: {exc.message}")
                                )
                        return report
            if progress is not None:
                progress(done, total)
    finally:
        _quit(smtp)
    return report


def _send_one(
    smtp: smtplib.SMTP,
    settings: SmtpSettings,
    message: EmailMessage,
    recipients: list[str],
    report: SendReport,
) -> None:
    try:
        refused = smtp.send_message(message, from_addr=settings.from_email, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        if any(code == 421 for code, _ in exc.recipients.values()):
            raise _Dropped(_server_said("Der Server hat die Verbindung beendet", 421, b"")) from exc
        for address, (code, text) in exc.recipients.items():
            report.failures.append(SendFailure(address, _refused(code, text)))
        return
    except smtplib.SMTPSenderRefused as exc:
        reason = _server_said("Absenderadresse vom Server abgelehnt", exc.smtp_code, exc.smtp_error)
        report.failures.extend(SendFailure(a, reason) for a in recipients)
        return
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code == 421:
            raise _Dropped(
                _server_said("Der Server hat die Verbindung beendet", 421, exc.smtp_error)
            ) from exc
        reason = _server_said("Nachricht vom Server abgelehnt", exc.smtp_code, exc.smtp_error)
        report.failures.extend(SendFailure(a, reason) for a in recipients)
        return
    except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as exc:
        raise _Dropped(f"Verbindung zum Mailserver unterbrochen ({type(exc).__name__}).") from exc
    except smtplib.SMTPException as exc:
        reason = f"Fehler beim Senden ({type(exc).__name__})"
        report.failures.extend(SendFailure(a, reason) for a in recipients)
        return
    for address in recipients:
        if address in refused:
            code, text = refused[address]
            report.failures.append(SendFailure(address, _refused(code, text)))
        else:
            report.delivered.append(address.lower())


def _refused(code: int, text: bytes | str) -> str:
    if 400 <= code < 500:
        return _server_said("Vorübergehend abgelehnt, bitte später erneut senden", code, text)
    return _server_said("Empfänger vom Mailserver abgelehnt", code, text)


def _server_said(what: str, code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    said = " ".join(said.split())[:200]
    return f"{what} ({code} {said})".replace(" )", ")")


def connect(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    """An open connection, logged in as configured (``password`` from
    :func:`~koordination.delivery.settings.smtp_password`); a German :class:`KoordinationError`
    when that fails. For senders that go through the SMTP steps one by one
    (:mod:`koordination.delivery.outbox`)."""
    return _connect(settings, password)


def _connect(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context()
    smtp: smtplib.SMTP | None = None
    try:
        if settings.ssl:
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, password or "")
        return smtp
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise KoordinationError(
            f"Anmeldung am Mailserver {where} als „{settings.user}“ fehlgeschlagen "
            f"({exc.smtp_code}). Bitte Benutzername und Passwort prüfen."
        ) from None
    except smtplib.SMTPNotSupportedError:
        _close(smtp)
        need = "STARTTLS" if settings.starttls and not settings.user else "STARTTLS oder Anmeldung"
        raise KoordinationError(
            f"Der Mailserver {where} unterstützt {need} nicht. Bitte „security“ und „port“ "
            "im Abschnitt [smtp] der Einstellungen prüfen."
        ) from None
    except ssl.SSLError as exc:
        _close(smtp)
        raise KoordinationError(
            f"Verschlüsselte Verbindung zum Mailserver {where} fehlgeschlagen "
            f"({exc.reason or type(exc).__name__}). {_tls_hint(exc, settings)}"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        hint = ""
        if isinstance(exc, TimeoutError | smtplib.SMTPServerDisconnected):
            # A plain client at an SSL port waits for a greeting that never comes.
            hint = (
                " Stimmen Server und Port, und passt „security“ zum Port (465: „ssl“, "
                "587: „starttls“)?"
            )
        raise KoordinationError(
            f"Keine Verbindung zum Mailserver {where} ({_why(exc)}).{hint}"
        ) from None


def _tls_hint(exc: ssl.SSLError, settings: SmtpSettings) -> str:
    """What to check after a failed TLS handshake, by what OpenSSL said."""
    reason = str(exc.reason or "")
    if isinstance(exc, ssl.SSLCertVerificationError) or "CERTIFICATE" in reason:
        return (
            f"Das Zertifikat des Servers ist nicht vertrauenswürdig oder lautet nicht auf "
            f"„{settings.host}“. Bitte den Servernamen prüfen (so, wie er im Zertifikat "
            "steht) oder die IT fragen."
        )
    if "WRONG_VERSION_NUMBER" in reason or "UNEXPECTED_EOF" in reason:
        return (
            "Der Server spricht an diesem Port nicht so verschlüsselt, wie eingestellt: "
            "Port 465 braucht security = „ssl“, Port 587 security = „starttls“."
        )
    return "Bitte „security“ und „port“ prüfen."


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "Servername unbekannt"
    if isinstance(exc, ConnectionRefusedError):
        return "Verbindung abgelehnt"
    if isinstance(exc, TimeoutError):
        return "Zeitüberschreitung"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "Server hat die Verbindung beendet"
    return getattr(exc, "strerror", None) or type(exc).__name__


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        _close(smtp)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()
