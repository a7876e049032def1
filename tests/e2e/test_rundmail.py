"""`koordination rundmail` against the real SMTP server of the mail tests (aiosmtpd on
127.0.0.1): every recipient gets one message that names nobody else, with text, HTML, the
unsubscribe header and the attachment intact; a dry run sends nothing; a sending process killed
mid-message is resumed without a duplicate; a consent withdrawn meanwhile stops a message."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from support.circulars import GROUP, OFFICE, Network, build_network
from test_mail import PASSWORD, USER, Recorder, SmtpServer, _authenticator, _free_port
from test_mail_cli import configure

from koordination.cli.main import main
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import CircularState
from koordination.domain.records.circulars import CircularDraft
from koordination.files import try_lock

TEXT = (
    "das **Stadtteilfest** am 12.06. sucht Helferinnen und Helfer:\n\n"
    "- Aufbau ab 9 Uhr\n- Kuchenstand\n\n"
    "Mehr unter [wiesenbrueck.example.org](https://wiesenbrueck.example.org/fest).\n\n"
    "Mit freundlichen Grüßen\nIhre Koordinierungsstelle\n"
)
#: Every byte value, so a mangled attachment cannot pass unnoticed.
FLYER = bytes(range(256)) * 200


@dataclass
class Killer(Recorder):
    """Keeps every message; at the ``kill_at``-th it kills the sending process after the
    message arrived and before the client hears "250": the sender cannot know it arrived."""

    kill_at: int = 0
    pid: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if self.pid and len(self.received) == self.kill_at:
            os.kill(self.pid, signal.SIGKILL)
        return answer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    handler = Killer()
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


@pytest.fixture
def city(
    migrated_sqlite: Any, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Network]]:
    path = str(migrated_sqlite())
    db = Database(path)
    network = build_network(db)
    configure(smtp.port, "none")
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", PASSWORD)
    try:
        yield path, network
    finally:
        db.dispose()


def files(tmp_path: Path) -> tuple[Path, Path]:
    text = tmp_path / "rundmail.md"
    text.write_text(TEXT, encoding="utf-8")
    flyer = tmp_path / "Flyer Stadtteilfest.pdf"
    flyer.write_bytes(FLYER)
    return text, flyer


def parsed(content: bytes) -> EmailMessage:
    message = email.message_from_bytes(content, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def show(path: str) -> Any:
    core = Core(Database(path))
    try:
        return core.circulars.get(1)
    finally:
        core.close()


RECEIVING = ("Monika", "Jona", "Bernd", "Hanna", "Ida")
GREETINGS = {
    "Monika": "Sehr geehrte Frau Dr. Ulrich,",
    "Jona": "Guten Tag Jona Keller,",
    "Bernd": "Sehr geehrter Herr Weiß,",
    "Hanna": "Sehr geehrte Frau Berg,",
    "Ida": "Sehr geehrte Frau Kurz,",
}


def test_each_recipient_gets_one_message_naming_only_them_with_html_unsubscribe_and_attachment(
    city: tuple[str, Network],
    smtp: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, network = city
    text, flyer = files(tmp_path)
    code = main(
        ["--db", path, "rundmail", "send", "--to", "alle", "--subject", "Stadtteilfest am 12.06.",
         "--text", str(text), "--attach", str(flyer), "--pro-minute", "6000"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Rundmail Nr. 1: 5 Nachricht(en) gesendet." in out
    assert "nicht berücksichtigt: Clara Sommer" in err and "Traceback" not in err
    record = show(path)
    message_ids = {r.email: r.message_id for r in record.recipients}
    assert record.counts == {CircularState.GESENDET: 5}

    received = smtp.handler.received
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(network.emails[n] for n in RECEIVING)
    everybody = {address.lower() for address in network.emails.values()}
    for got in received:
        [address] = got.rcpt_tos  # one envelope recipient per message
        assert got.mail_from == USER
        message = parsed(got.content)
        assert [a.addr_spec for a in message["To"].addresses] == [address]
        assert message["Cc"] is None and message["Bcc"] is None
        # No other person's address anywhere in the message, headers or body.
        raw = got.content.decode("ascii").lower()
        assert [a for a in everybody - {address} if a in raw] == []
        assert message["Reply-To"].addresses[0].addr_spec == OFFICE
        assert message["List-Unsubscribe"] == f"<mailto:{OFFICE}?subject=abmelden>"
        assert str(message["Message-ID"]).strip() == message_ids[address]
        assert str(message["Subject"]) == "Stadtteilfest am 12.06."
        given = next(n for n, a in network.emails.items() if a == address)
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert plain is not None and html is not None
        assert message.get_content_type() == "multipart/mixed"
        words = plain.get_content().replace("\r\n", "\n")
        assert words.startswith(f"{GREETINGS[given]}\n\ndas **Stadtteilfest**")
        assert "Betreff „abmelden“ an engagiert@wiesenbrueck.example.org" in words
        page = html.get_content()
        assert '<html lang="de">' in page and "<strong>Stadtteilfest</strong>" in page
        assert f'href="mailto:{OFFICE}?subject=abmelden"' in page
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename() == "Flyer Stadtteilfest.pdf"
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == FLYER

    # Resuming a circular that went out completely sends nothing.
    assert main(["--db", path, "rundmail", "resume", "1"]) == 0
    assert len(smtp.handler.received) == 5


def test_a_dry_run_shows_recipients_and_the_first_message_and_sends_and_stores_nothing(
    city: tuple[str, Network],
    smtp: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _network = city
    text, _flyer = files(tmp_path)
    code = main(
        ["--db", path, "rundmail", "send", "--to", f"gruppe:{GROUP}", "--to", "sektor:Wirtschaft",
         "--subject", "Stadtteilfest", "--text", str(text), "--persoenlich", "--dry-run"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "es wird nichts gespeichert und nichts gesendet" in out
    assert "Empfänger (3):\n  Jona Keller <jona.keller@example.org>" in out
    assert "Emil Roth" in out and "Verarbeitung eingeschränkt (Art. 18 DSGVO)" in out
    assert "--- Erste Nachricht (an Jona Keller) ---\nBetreff: Stadtteilfest\n\nHallo Jona," in out
    assert smtp.handler.received == []
    assert main(["--db", path, "rundmail", "list"]) == 0
    assert "Noch keine Rundmail" in capsys.readouterr().out


def test_a_sender_killed_mid_message_is_resumed_and_everyone_gets_it_exactly_once(
    city: tuple[str, Network],
    smtp: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, network = city
    text, _flyer = files(tmp_path)
    handler = smtp.handler
    assert isinstance(handler, Killer)
    handler.kill_at = 3
    child = subprocess.Popen(
        [sys.executable, "-m", "koordination", "--db", path, "rundmail", "send", "--to", "alle",
         "--subject", "Stadtteilfest", "--text", str(text), "--pro-minute", "600"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    handler.pid = child.pid
    _out, child_err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, child_err.decode()
    assert len(handler.received) == 3
    killed = show(path)
    assert killed.counts == {
        CircularState.GESENDET: 2,
        CircularState.SENDET: 1,
        CircularState.GEPLANT: 2,
    }

    handler.pid = 0
    assert main(["--db", path, "rundmail", "resume", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 mit unklarer Zustellung (nicht erneut gesendet" in out
    counts = Counter(r.rcpt_tos[0] for r in handler.received)
    assert counts == Counter(network.emails[n] for n in RECEIVING)  # each exactly once
    after = show(path)
    assert after.counts == {CircularState.GESENDET: 4, CircularState.UNKLAR: 1}
    [unclear] = [r for r in after.recipients if r.state == CircularState.UNKLAR]
    assert unclear.email == handler.received[2].rcpt_tos[0]
    assert "ob sie ankam, ist unklar" in unclear.problem

    # Again: nothing left, nothing sent twice.
    assert main(["--db", path, "rundmail", "resume", "1"]) == 0
    assert len(handler.received) == 5


def test_a_second_run_while_one_sends_is_refused_and_sends_nothing(
    city: tuple[str, Network], smtp: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _network = city
    core = Core(Database(path))
    try:
        core.circulars.create(CircularDraft("Hinweis", "Text", ("alle",), per_minute=6000))
    finally:
        core.close()
    lock = Path(f"{path}.rundmail.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        assert try_lock(fd)
        assert main(["--db", path, "rundmail", "resume", "1"]) == 1
    finally:
        os.close(fd)
    assert "wird gerade schon versandt" in capsys.readouterr().err
    assert smtp.handler.received == []
    assert show(path).counts == {CircularState.GEPLANT: 5}


def test_a_consent_withdrawn_after_planning_stops_that_message(
    city: tuple[str, Network], smtp: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path, network = city
    core = Core(Database(path))
    try:
        core.circulars.create(CircularDraft("Hinweis", "Text", ("alle",), per_minute=6000))
        core.restrictions.restrict(network.ids["Hanna"], "Widerspruch wird geprüft")
    finally:
        core.close()
    assert main(["--db", path, "rundmail", "resume", "1"]) == 1
    out = capsys.readouterr().out
    assert "Berg <hanna.berg@example.org>: Verarbeitung inzwischen eingeschränkt" in out
    assert network.emails["Hanna"] not in {r.rcpt_tos[0] for r in smtp.handler.received}
    assert len(smtp.handler.received) == 4
