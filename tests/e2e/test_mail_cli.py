"""`koordination mail test ADRESSE` against the real SMTP servers of the mail tests: the message
arrives, and every failure (login, certificate, port and security that do not match, nobody
listening) is a German diagnosis with exit status 1 and no password in it."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import trustme
from test_mail import PASSWORD, USER, SmtpServer, _free_port, smtp_server  # noqa: F401
from test_mail_tls import _start, authority, trusted  # noqa: F401

from koordination.cli.main import main
from koordination.paths import config_file

TO = "lena@example.com"


def configure(port: int, security: str, user: str = USER) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{user}"\nsecurity = "{security}"\n'
        f'from_name = "Koordinierungsstelle Wiesenbrück"\nfrom_email = "{USER}"\ntimeout = 5\n',
        encoding="utf-8",
    )


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", PASSWORD)
    yield


def test_the_test_message_arrives_at_the_address(
    smtp_server: SmtpServer,  # noqa: F811
    password: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(smtp_server.port, "none")
    assert main(["mail", "test", TO]) == 0
    out = capsys.readouterr().out
    assert f"127.0.0.1:{smtp_server.port}" in out and "angenommen" in out
    [received] = smtp_server.handler.received
    assert received.rcpt_tos == [TO]
    message = email.message_from_bytes(received.content, policy=default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "Testnachricht von koordination"
    assert message["From"].addresses[0].display_name == "Koordinierungsstelle Wiesenbrück"
    assert "Testnachricht" in message.get_content()


def test_a_wrong_password_is_named_as_a_login_failure(
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", "falsch-" + PASSWORD)
    configure(smtp_server.port, "none")
    assert main(["mail", "test", TO]) == 1
    err = capsys.readouterr().err
    assert "Anmeldung am Mailserver" in err and "Passwort prüfen" in err
    assert PASSWORD not in err and "Traceback" not in err
    assert smtp_server.handler.received == []


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_the_encrypted_servers_take_the_test_message(
    authority: trustme.CA,  # noqa: F811
    trusted: None,  # noqa: F811
    password: None,
    security: str,
) -> None:
    controller, server = _start(authority, security)  # type: ignore[arg-type]
    try:
        configure(server.port, security)
        assert main(["mail", "test", TO]) == 0
    finally:
        controller.stop()
    assert [r.rcpt_tos for r in server.handler.received] == [[TO]]


def test_an_untrusted_certificate_is_diagnosed_in_german(
    authority: trustme.CA,  # noqa: F811
    password: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stranger = tmp_path / "fremd.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    monkeypatch.setenv("SSL_CERT_FILE", str(stranger))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    controller, server = _start(authority, "ssl")
    try:
        configure(server.port, "ssl")
        assert main(["mail", "test", TO]) == 1
    finally:
        controller.stop()
    err = capsys.readouterr().err
    assert "Zertifikat des Servers ist nicht vertrauenswürdig" in err
    assert server.handler.received == []


def test_ssl_configured_for_a_starttls_port_says_which_setting_fits_which_port(
    authority: trustme.CA,  # noqa: F811
    trusted: None,  # noqa: F811
    password: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, server = _start(authority, "starttls")
    try:
        configure(server.port, "ssl")
        assert main(["mail", "test", TO]) == 1
    finally:
        controller.stop()
    err = capsys.readouterr().err
    assert "Port 465" in err and "„ssl“" in err and "Traceback" not in err


def test_nobody_listening_is_a_refused_connection(
    password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(_free_port(), "none")
    assert main(["mail", "test", TO]) == 1
    err = capsys.readouterr().err
    assert "Keine Verbindung zum Mailserver" in err and "Verbindung abgelehnt" in err


def test_no_smtp_settings_explain_what_to_enter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mail", "test", TO]) == 1
    err = capsys.readouterr().err
    assert "[smtp]" in err and "host" in err


def test_a_malformed_address_sends_nothing(
    smtp_server: SmtpServer,  # noqa: F811
    password: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(smtp_server.port, "none")
    assert main(["mail", "test", "lena at example.com"]) == 1
    assert "keine E-Mail-Adresse" in capsys.readouterr().err
    assert smtp_server.handler.received == []
