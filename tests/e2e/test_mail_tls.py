"""Invitations over encrypted connections: STARTTLS (port 587) and SSL (port 465) against a real
SMTP server on 127.0.0.1 with a throwaway certificate authority, verified like a real server."""

from __future__ import annotations

import email
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from test_mail import PASSWORD, PEOPLE, USER, Recorder, _free_port, calendar_parts, imip

from koordination.delivery.mail import send_all
from koordination.delivery.settings import Security, SmtpSettings
from koordination.errors import KoordinationError


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class TlsServer:
    handler: Recorder
    port: int
    security: Security

    def settings(self, *, security: Security | None = None) -> SmtpSettings:
        return SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            user=USER,
            security=security or self.security,
            from_name="Koordinierungsstelle Engagierte Stadt",
            from_email=USER,
            timeout=10,
            password=PASSWORD,
        )


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA(organization_name="Testzertifikate Wiesenbrück")


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the throwaway authority the way it trusts the system's: through the
    default verify paths (OpenSSL reads SSL_CERT_FILE), with host-name checks left on."""
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def _server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


def _start(authority: trustme.CA, security: Security) -> tuple[Controller, TlsServer]:
    handler = Recorder()
    port = _free_port()
    context = _server_context(authority)
    # With SSL the connection is encrypted from the first byte, which aiosmtpd's "AUTH only
    # over TLS" check does not see (it knows STARTTLS only): there the check is left to TLS.
    options: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        if security == "starttls"
        else {"ssl_context": context, "auth_require_tls": False}
    )
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        **options,
    )
    controller.start()
    return controller, TlsServer(handler, port, security)


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request: pytest.FixtureRequest, authority: trustme.CA) -> Iterator[TlsServer]:
    controller, server = _start(authority, request.param)
    try:
        yield server
    finally:
        controller.stop()


def test_invitations_go_out_encrypted_and_arrive_whole(
    tls_server: TlsServer, trusted: None
) -> None:
    messages = [imip(p) for p in PEOPLE]
    report = send_all(tls_server.settings(), messages)
    assert report.ok, report.summary()
    assert report.delivered == [p.email for p in PEOPLE]
    received = tls_server.handler.received
    assert [r.rcpt_tos for r in received] == [[p.email] for p in PEOPLE]
    msg = email.message_from_bytes(received[0].content, policy=default)
    assert isinstance(msg, EmailMessage)
    assert msg["From"].addresses[0].addr_spec == USER
    inline, _attachment = calendar_parts(msg)
    ics = inline.get_payload(decode=True)
    assert isinstance(ics, bytes) and b"METHOD:REQUEST\r\n" in ics


def test_a_certificate_nobody_vouches_for_is_refused_in_german_and_nothing_is_sent(
    tls_server: TlsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Trust a different authority only: the server's certificate cannot be verified.
    stranger = tmp_path / "fremd.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    monkeypatch.setenv("SSL_CERT_FILE", str(stranger))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(KoordinationError) as caught:
        send_all(tls_server.settings(), [imip(PEOPLE[0])])
    message = caught.value.message
    assert f"Mailserver 127.0.0.1:{tls_server.port}" in message
    assert "Verschlüsselte Verbindung" in message and "prüfen" in message
    assert PASSWORD not in message
    assert tls_server.handler.received == []


def test_plain_login_is_refused_where_the_server_demands_starttls(
    authority: trustme.CA, trusted: None
) -> None:
    controller, server = _start(authority, "starttls")
    try:
        with pytest.raises(KoordinationError) as caught:
            send_all(server.settings(security="none"), [imip(PEOPLE[0])])
    finally:
        controller.stop()
    assert "127.0.0.1" in caught.value.message
    assert PASSWORD not in caught.value.message
    assert server.handler.received == []
