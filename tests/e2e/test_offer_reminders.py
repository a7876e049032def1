"""`koordination angebote erinnern` against the real SMTP server of the mail tests: the contacts
of offers not confirmed for six months are asked once per period, one message per address
listing its offers, parsed back from what the server received; a second run sends nothing, a
confirmation starts the next period; restricted contacts are asked through their
organisation; a refusal by the server gives the reminder back for the next run."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from support.offers import network, offer_input, set_confirmed
from test_mail import PASSWORD, USER, SmtpServer, smtp_server  # noqa: F401

from koordination.cli.main import main
from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.paths import config_file
from koordination.services.privacy.restriction import Restrictions

OLD = SYSTEM_CLOCK.today() - timedelta(days=200)


def configure(port: int) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\nsecurity = "none"\n'
        f'from_name = "Koordinierungsstelle Musterstadt"\nfrom_email = "{USER}"\ntimeout = 5\n',
        encoding="utf-8",
    )


def received(server: SmtpServer) -> list[tuple[list[str], EmailMessage]]:
    out = []
    for r in server.handler.received:
        message = email.message_from_bytes(r.content, policy=default)
        assert isinstance(message, EmailMessage)
        out.append((r.rcpt_tos, message))
    return out


def test_contacts_are_asked_once_per_period_and_never_twice(
    migrated_sqlite: Callable[..., Path],
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", PASSWORD)
    configure(smtp_server.port)
    path = migrated_sqlite()
    db = Database(str(path))
    try:
        net = network(db, SYSTEM_CLOCK.today())
        offers = net.offers
        dora, jona = net.sharing, net.private
        shared = offers.add(offer_input(net.tafel, title="Lesepaten", contact_person_id=dora))
        second = offers.add(offer_input(net.tafel, title="Vorlesen", contact_person_id=dora))
        private = offers.add(offer_input(net.tafel, title="Fahrdienst", contact_person_id=jona))
        fresh = offers.add(offer_input(net.tafel, title="Frisch bestätigt"))
        for offer in (shared, second, private):
            set_confirmed(db, offer.id, OLD)
        Restrictions(db, Clock.on(SYSTEM_CLOCK.today())).restrict(
            net.private, "Widerspruch wird geprüft"
        )
    finally:
        db.dispose()
    argv = ["angebote", "erinnern", "--db", str(path)]

    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "würde gesendet: an Dr. Dora Ulrich <dora.ulrich@example.org> zu Nr. 1, 2" in out
    assert "Tafel Musterstadt e.V. <info@tafel.example.org> zu Nr. 3" in out
    assert "Betreff: Ist Ihr Engagement-Angebot „Fahrdienst“ noch aktuell?" in out
    assert smtp_server.handler.received == []

    assert main(argv) == 0
    assert "2 Erinnerung(en) zu 3 Angebot(en) gesendet." in capsys.readouterr().out
    mails = received(smtp_server)
    assert sorted(to for to, _ in mails) == [
        ["dora.ulrich@example.org"],
        ["info@tafel.example.org"],
    ]
    by_to = {to[0]: m for to, m in mails}
    dora = by_to["dora.ulrich@example.org"]
    assert dora["Subject"] == "Sind Ihre 2 Engagement-Angebote noch aktuell?"
    body = dora.get_content()
    assert body.startswith("Guten Tag Frau Dr. Ulrich,")
    assert "„Lesepaten“ (Nr. 1" in body and "„Vorlesen“ (Nr. 2" in body
    assert f"zuletzt bestätigt am {OLD:%d.%m.%Y}" in body
    assert "info@tafel" not in str(dora["To"]) and "Keller" not in dora.as_string()
    tafel = by_to["info@tafel.example.org"]
    assert "„Fahrdienst“" in tafel.get_content() and "Keller" not in tafel.as_string()
    assert "Frisch bestätigt" not in "".join(m.as_string() for _, m in mails)

    # Never twice for the same period.
    assert main(argv) == 0
    assert "Niemand ist zu erinnern" in capsys.readouterr().out
    assert len(smtp_server.handler.received) == 2
    assert main(["angebote", "show", str(shared.id), "--db", str(path)]) == 0
    assert f"Erinnert              {SYSTEM_CLOCK.today():%d.%m.%Y}" in capsys.readouterr().out

    # A confirmation starts the next period: asked again once it is old again.
    assert main(["angebote", "confirm", str(shared.id), "--db", str(path)]) == 0
    db = Database(str(path))
    try:
        set_confirmed(db, shared.id, OLD + timedelta(days=1))
    finally:
        db.dispose()
    smtp_server.handler.refuse.add("dora.ulrich@example.org")
    assert main(argv) == 1  # refused: the reminder stays due
    assert "Nicht zugestellt" in capsys.readouterr().err
    smtp_server.handler.refuse.clear()
    assert main(argv) == 0
    mails = received(smtp_server)
    assert len(mails) == 3 and mails[-1][0] == ["dora.ulrich@example.org"]
    assert mails[-1][1]["Subject"] == "Ist Ihr Engagement-Angebot „Lesepaten“ noch aktuell?"
    assert fresh.id not in (1, 2, 3)
