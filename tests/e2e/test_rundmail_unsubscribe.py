"""A reply "abmelden" to a circular e-mail withdraws the consent to circulars: read from a file
by `replies import` (the reply a mail program writes from the List-Unsubscribe header of a
message the real SMTP server received) and from the office's mailbox by `replies fetch` (a
real Dovecot on 127.0.0.1). The withdrawal has channel E-Mail and an entry in the trail; the
next circular leaves the person out; reading the mail again changes nothing."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from support.circulars import INFO, OFFICE, Network, build_network
from support.dovecot import OfficeMailbox
from support.reply_mails import plain_mail
from test_mail import PASSWORD, SmtpServer, smtp_server  # noqa: F401
from test_mail_cli import configure

from koordination.cli.main import main
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import ConsentChannel
from koordination.domain.records.circulars import CircularDraft

DONE = "koordination.verbucht"  # Dovecot's maildir separates levels with "."


@pytest.fixture
def city(migrated_sqlite: Any) -> Iterator[tuple[str, Network]]:
    path = str(migrated_sqlite())
    db = Database(path)
    try:
        yield path, build_network(db)
    finally:
        db.dispose()


def info_consents(path: str, person_id: int) -> list[tuple[bool, ConsentChannel | None]]:
    core = Core(Database(path))
    try:
        person = core.directory.get_person(person_id)
        return [
            (c.withdrawn_at is None, c.withdrawal_channel)
            for c in person.consents
            if c.purpose == INFO
        ]
    finally:
        core.close()


def left_out(path: str, person_id: int) -> str:
    core = Core(Database(path))
    try:
        plan = core.circulars.plan(CircularDraft("Nächste Rundmail", "Text", ("alle",)))
        return next(o.reason for o in plan.left_out if o.person_id == person_id)
    finally:
        core.close()


def trail_of_consent(path: str, person_id: int) -> list[str]:
    core = Core(Database(path))
    try:
        return [
            e.action
            for e in core.audit.of_record("person", person_id)
            if e.kind == "consent" and any(c.field == "withdrawn_at" for c in e.changes)
        ]
    finally:
        core.close()


def unsubscribe_reply(received: bytes) -> bytes:
    """What a mail program sends for the message's List-Unsubscribe (RFC 2369) mailto."""
    message = email.message_from_bytes(received, policy=default)
    assert isinstance(message, EmailMessage)
    link = str(message["List-Unsubscribe"]).strip("<>")
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    reply = EmailMessage()
    reply["From"] = message["To"]
    reply["To"] = parts.path
    reply["Subject"] = parse_qs(parts.query)["subject"][0]
    reply["Date"] = "Mon, 07 Dec 2026 09:00:00 +0100"
    reply["Message-ID"] = "<abmelden-1@example.org>"
    reply.set_content("Diese E-Mail wurde automatisch zum Abmelden gesendet.\n")
    return reply.as_bytes()


def test_replies_import_of_the_list_unsubscribe_reply_withdraws_the_consent_once(
    city: tuple[str, Network],
    smtp_server: SmtpServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, network = city
    configure(smtp_server.port, "none")
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", PASSWORD)
    text = tmp_path / "rundmail.md"
    text.write_text("Neuigkeiten aus dem Netzwerk.\n", encoding="utf-8")
    monika = network.ids["Monika"]
    argv = ["--db", path, "rundmail", "send", "--to", f"person:{monika}", "--subject", "Neues"]
    assert main([*argv, "--text", str(text), "--pro-minute", "6000"]) == 0
    [received] = smtp_server.handler.received
    reply = tmp_path / "abmelden.eml"
    reply.write_bytes(unsubscribe_reply(received.content))
    assert b"To: " + OFFICE.encode() in reply.read_bytes()
    capsys.readouterr()

    assert main(["--db", path, "replies", "import", str(reply)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "1 Abmeldung(en) von Rundmails verbucht."
    assert "Abgemeldet: Dr. Monika Ulrich <monika.ulrich@example.org>" in err
    assert info_consents(path, monika) == [(False, ConsentChannel.EMAIL)]
    assert trail_of_consent(path, monika) == ["update"]
    assert left_out(path, monika).startswith("Einwilligung „Informationen")

    # Read again: nothing changes.
    assert main(["--db", path, "replies", "import", str(reply)]) == 0
    assert "1 schon abgemeldet" in capsys.readouterr().out
    assert trail_of_consent(path, monika) == ["update"]


def test_replies_fetch_withdraws_for_an_abmelden_answer_and_leaves_unknown_senders(
    city: tuple[str, Network],
    office_mailbox: OfficeMailbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, network = city
    bernd = network.ids["Bernd"]
    answer = (
        f"From: Bernd Weiß <{network.emails['Bernd']}>\r\nTo: {OFFICE}\r\n"
        "Subject: AW: Stadtteilfest am 12.06.\r\nDate: Mon, 07 Dec 2026 09:30:00 +0100\r\n"
        "Message-ID: <aw-1@example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Abmelden\r\n\r\n> Sehr geehrter Herr Weiß,\r\n> das Stadtteilfest ...\r\n"
    ).encode()
    office_mailbox.append(answer)
    office_mailbox.append(plain_mail("abmelden", sender="fremd@example.net"))
    office_mailbox.append(plain_mail("Frage zum Sommerfest"))

    assert main(["--db", path, "replies", "fetch"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == (
        "0 Antworten verbucht, 1 Abmeldung(en) von Rundmails verbucht, 1 nicht zuzuordnen, "
        "1 andere Nachricht unberührt."
    ), err
    assert info_consents(path, bernd) == [(False, ConsentChannel.EMAIL)]
    assert sorted(office_mailbox.subjects()) == ["Frage zum Sommerfest", "abmelden"]
    assert office_mailbox.subjects(DONE) == ["AW: Stadtteilfest am 12.06."]
