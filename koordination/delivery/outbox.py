"""Sending messages one at a time so that none goes out twice.

Each message goes to exactly one recipient, through the SMTP steps one by one, so that a
failure before the message was handed over (MAIL FROM, RCPT TO, a refused DATA, the server
closing the connection) is told apart from one while it was handed over: then the server may
have it, and the message counts as *unclear*, never as failed (which would send it again).
Only a failure before the hand-over is retried, once, on a new connection.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from types import TracebackType
from typing import Literal

from koordination.delivery.mail import connect
from koordination.delivery.settings import SmtpSettings, smtp_password

Outcome = Literal["sent", "failed", "unclear"]


@dataclass(frozen=True)
class Handed:
    """What became of one message: sent, failed (the server has it not) or unclear."""

    outcome: Outcome
    #: In German, for failed and unclear.
    problem: str = ""


UNCLEAR = (
    "Die Verbindung zum Mailserver brach während der Übergabe ab; ob die Nachricht ankam, "
    "ist unklar. Sie wird nicht erneut gesendet."
)


class _Closed(Exception):
    """The server closed the connection before the message was handed over."""


class Outbox:
    """One SMTP connection for a run of messages; opened on entering (a German
    ``KoordinationError`` when that fails, before anything is sent)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._password = smtp_password(settings)
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Outbox:
        self._smtp = connect(self.settings, self._password)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                with contextlib.suppress(OSError):
                    smtp.close()

    def send(self, message: EmailMessage, recipient: str) -> Handed:
        """Hand ``message`` to the server for ``recipient`` only. Reconnecting may raise a
        German ``KoordinationError``: then this message was not handed over."""
        try:
            data = message.as_bytes(policy=SMTP)
        except (ValueError, TypeError, UnicodeError) as exc:
            return Handed("failed", f"Nachricht nicht darstellbar ({type(exc).__name__}).")
        for attempt in (1, 2):
            try:
                return self._send_once(data, recipient)
            except _Closed as exc:
                self._drop()
                if attempt == 2:
                    return Handed("failed", str(exc))
        raise AssertionError("unreachable")

    def _send_once(self, data: bytes, recipient: str) -> Handed:
        if self._smtp is None:
            self._smtp = connect(self.settings, self._password)
        smtp = self._smtp
        try:
            code, said = smtp.mail(self.settings.from_email)
            if code != 250:
                return self._refused("Absenderadresse vom Server abgelehnt", code, said)
            code, said = smtp.rcpt(recipient)
            if code not in (250, 251):
                what = (
                    "Vorübergehend abgelehnt, bitte später erneut senden"
                    if 400 <= code < 500
                    else "Empfänger vom Mailserver abgelehnt"
                )
                return self._refused(what, code, said)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Closed(
                f"Verbindung zum Mailserver unterbrochen ({type(exc).__name__})."
            ) from exc
        try:
            code, said = smtp.data(data)
        except smtplib.SMTPDataError as exc:
            # DATA itself was refused: the message never went over.
            return self._refused("Nachricht vom Server abgelehnt", exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError):
            self._drop()
            return Handed("unclear", UNCLEAR)
        if code == 250:
            return Handed("sent")
        self._reset()
        return Handed("failed", _said("Nachricht vom Server abgelehnt", code, said))

    def _refused(self, what: str, code: int, said: bytes | str) -> Handed:
        if code == 421:
            raise _Closed(_said("Der Server hat die Verbindung beendet", code, said))
        self._reset()
        return Handed("failed", _said(what, code, said))

    def _reset(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()


def _said(what: str, code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    said = " ".join(said.split())[:200]
    return f"{what} ({code} {said})".replace(" )", ")")
