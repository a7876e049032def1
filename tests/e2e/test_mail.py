"""iMIP invitations sent by send_all and received by a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import logging
import smtplib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from koordination.calendar.events import Attendee, Event, Place
from koordination.calendar.ics import cancellation, invitation
from koordination.clock import CITY_ZONE
from koordination.delivery.mail import build_imip, dry_run, send_all
from koordination.delivery.settings import SmtpSettings
from koordination.errors import KoordinationError

USER = "engagement@musterstadt.de"
PASSWORD = "Geheim-Passwort-4711!"
STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

EVENT = Event(
    uid="koordination-mail-test@musterstadt.de",
    sequence=1,
    title="Arbeitskreis Ehrenamt & Beteiligung",
    start=datetime(2026, 10, 13, 18, 0, tzinfo=CITY_ZONE),
    end=datetime(2026, 10, 13, 20, 0, tzinfo=CITY_ZONE),
    place=Place(address="Markt 1, 12345 Musterstadt", room="Raum 2.14"),
    rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
    organizer_name="Koordinierungsstelle Engagierte Stadt",
    organizer_email=USER,
)
PEOPLE = [
    Attendee("Jürgen Müller", "juergen.mueller@example.org"),
    Attendee("Ayşe Yılmaz", "ayse@example.net"),
    Attendee("Lena Schäfer", "lena@example.com"),
]
BODY = (
    "Guten Tag,\n\nSie sind eingeladen: Arbeitskreis Ehrenamt & Beteiligung\n"
    "Wann: Dienstag, 13.10.2026, 18:00–20:00 Uhr\nWo: Rathaus, Raum 2.14\n\n"
    "Mit freundlichen Grüßen\nIhre Koordinierungsstelle\n"
)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every message and refuses what the test asks it to."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_once: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.drop_once:
            self.drop_once.discard(address)
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 2.0.0 Ok: queued"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == USER.encode()
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    handler: Recorder
    port: int

    def settings(self, *, password: str | None = PASSWORD) -> SmtpSettings:
        return SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            user=USER,
            security="none",
            from_name="Koordinierungsstelle Engagierte Stadt",
            from_email=USER,
            timeout=10,
            password=password,
        )


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = Recorder()
    port = _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()


def imip(person: Attendee, *, cancel: bool = False) -> EmailMessage:
    ics = (
        cancellation(EVENT, person, dtstamp=STAMP)
        if cancel
        else invitation(EVENT, person, dtstamp=STAMP)
    )
    kind = "Abgesagt" if cancel else "Einladung"
    return build_imip(
        sender_name="Koordinierungsstelle Engagierte Stadt",
        sender_email=USER,
        recipient_name=person.name,
        recipient_email=person.email,
        subject=f"{kind}: {EVENT.title}",
        body_text=BODY,
        ics=ics,
        method="CANCEL" if cancel else "REQUEST",
    )


def calendar_parts(msg: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    inline = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    attachment = next(p for p in msg.iter_attachments())
    assert isinstance(inline, EmailMessage)
    assert isinstance(attachment, EmailMessage)
    return inline, attachment


def test_each_volunteer_receives_one_imip_mail_with_matching_method_attachment_and_crlf(
    smtp_server: SmtpServer,
) -> None:
    messages = [imip(p) for p in PEOPLE] + [imip(PEOPLE[0], cancel=True)]
    report = send_all(smtp_server.settings(), messages)

    assert report.ok
    assert report.delivered == [p.email for p in PEOPLE] + [PEOPLE[0].email]
    received = smtp_server.handler.received
    assert len(received) == 4
    for got, person, method in zip(
        received, [*PEOPLE, PEOPLE[0]], ["REQUEST"] * 3 + ["CANCEL"], strict=True
    ):
        assert got.rcpt_tos == [person.email]
        assert got.mail_from == USER
        # No other volunteer's address anywhere in the message.
        others = [p.email for p in PEOPLE if p.email != person.email]
        assert not any(o.encode() in got.content for o in others)

        msg = email.message_from_bytes(got.content, policy=default)
        assert isinstance(msg, EmailMessage)
        assert [a.addr_spec for a in msg["To"].addresses] == [person.email]
        assert msg["From"].addresses[0].addr_spec == USER
        assert msg["Message-ID"] and msg["Date"]
        assert msg.get_content_type() == "multipart/mixed"

        inline, attachment = calendar_parts(msg)
        ics = inline.get_payload(decode=True)
        assert isinstance(ics, bytes)
        assert inline.get_param("method") == method
        assert f"METHOD:{method}\r\n".encode() in ics
        assert str(inline.get_param("charset")).upper() == "UTF-8"
        # CRLF intact: every line ends in CRLF, no bare LF.
        assert ics.endswith(b"\r\n")
        assert ics.count(b"\n") == ics.count(b"\r\n") > 10
        assert attachment.get_filename() == (
            "absage.ics" if method == "CANCEL" else "einladung.ics"
        )
        assert attachment.get_payload(decode=True) == ics

        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        assert "Sie sind eingeladen" in body.get_content()
        assert "Grüßen" in body.get_content()


def test_refused_recipient_is_reported_and_the_others_still_get_theirs(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.handler.refuse.add(PEOPLE[1].email)
    progress: list[tuple[int, int]] = []
    report = send_all(
        smtp_server.settings(), [imip(p) for p in PEOPLE], progress=lambda *a: progress.append(a)
    )

    assert report.delivered == [PEOPLE[0].email, PEOPLE[2].email]
    assert [f.recipient for f in report.failures] == [PEOPLE[1].email]
    assert "Empfänger vom Mailserver abgelehnt (550" in report.failures[0].reason
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [
        [PEOPLE[0].email],
        [PEOPLE[2].email],
    ]
    assert "1 fehlgeschlagen" in report.summary()
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_connection_closed_by_the_server_is_reopened_and_the_message_resent(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.handler.drop_once.add(PEOPLE[1].email)
    report = send_all(smtp_server.settings(), [imip(p) for p in PEOPLE])
    assert not smtp_server.handler.drop_once  # the server did hang up once
    assert report.ok
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received] == [p.email for p in PEOPLE]


def test_wrong_password_gives_a_german_error_and_sends_nothing(smtp_server: SmtpServer) -> None:
    with pytest.raises(KoordinationError) as info:
        send_all(smtp_server.settings(password="falsch-9876"), [imip(PEOPLE[0])])
    assert "Anmeldung am Mailserver" in info.value.message
    assert "Es wurde nichts gesendet" in info.value.message
    assert "falsch-9876" not in info.value.message
    assert smtp_server.handler.received == []


def test_no_server_listening_gives_a_german_error() -> None:
    settings = SmtpSettings(
        host="127.0.0.1", port=_free_port(), security="none", from_email=USER, timeout=5
    )
    with pytest.raises(KoordinationError, match=r"Keine Verbindung zum Mailserver .*abgelehnt"):
        send_all(settings, [imip(PEOPLE[0])])


def test_password_never_appears_in_any_output(
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", PASSWORD)
    settings = smtp_server.settings(password=None)  # taken from the environment
    smtp_server.handler.refuse.add(PEOPLE[2].email)
    messages = [imip(p) for p in PEOPLE]
    report = send_all(settings, messages, progress=lambda *a: print(*a))
    print(settings, report, report.summary(), *dry_run(messages))

    assert len(report.delivered) == 2
    out = capsys.readouterr()
    visible = "\n".join(
        [out.out, out.err, caplog.text, repr(settings), str(settings), repr(report)]
    )
    assert USER in visible  # the output is there, just not the secret
    assert PASSWORD not in visible
    assert all(PASSWORD.encode() not in r.content for r in smtp_server.handler.received)


def test_dry_run_lists_recipient_subject_and_method_without_connecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("dry_run must not connect")

    monkeypatch.setattr(smtplib.SMTP, "connect", no_connection)
    plan = dry_run([imip(PEOPLE[0]), imip(PEOPLE[1], cancel=True)])
    assert [(p.subject, p.method) for p in plan] == [
        ("Einladung: Arbeitskreis Ehrenamt & Beteiligung", "REQUEST"),
        ("Abgesagt: Arbeitskreis Ehrenamt & Beteiligung", "CANCEL"),
    ]
    assert "juergen.mueller@example.org" in plan[0].recipient
    assert str(plan[1]).endswith("(Absage, METHOD:CANCEL)")


def test_build_imip_refuses_a_method_that_differs_from_the_calendar() -> None:
    with pytest.raises(ValueError, match="METHOD"):
        build_imip(
            sender_name="K",
            sender_email=USER,
            recipient_name="A",
            recipient_email="a@example.org",
            subject="x",
            body_text="x",
            ics=invitation(EVENT, PEOPLE[0], dtstamp=STAMP),
            method="CANCEL",
        )


@pytest.mark.parametrize(
    "address", ["a@example.org, b@example.org", "a@example.org\r\nBcc: b@example.org", "kein"]
)
def test_build_imip_accepts_exactly_one_recipient_address(address: str) -> None:
    with pytest.raises(KoordinationError, match="keine gültige E-Mail-Adresse"):
        build_imip(
            sender_name="K",
            sender_email=USER,
            recipient_name="A",
            recipient_email=address,
            subject="x",
            body_text="x",
            ics=invitation(EVENT, PEOPLE[0], dtstamp=STAMP),
            method="REQUEST",
        )


def test_line_break_in_the_subject_cannot_add_headers() -> None:
    msg = build_imip(
        sender_name="Koordinierungsstelle",
        sender_email=USER,
        recipient_name="Jürgen Müller",
        recipient_email=PEOPLE[0].email,
        subject="Einladung\r\nBcc: alle@example.org",
        body_text=BODY,
        ics=invitation(EVENT, PEOPLE[0], dtstamp=STAMP),
        method="REQUEST",
    )
    parsed = email.message_from_bytes(msg.as_bytes(), policy=default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Einladung Bcc: alle@example.org"
