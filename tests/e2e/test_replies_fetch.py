"""`koordination replies fetch` against a real IMAP server (Dovecot on 127.0.0.1): answers written
by Outlook, Gmail, Thunderbird and Apple are booked and filed away, other mail stays untouched,
a second run books nothing twice, and failures are told in German without the password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from support.dovecot import PASSWORD, OfficeMailbox, write_imap_config
from support.reply_mails import ANSWERS, FIXTURES, demo_reply, plain_mail

from koordination.cli.main import main
from koordination.clock import CITY_ZONE
from koordination.core import open_core
from koordination.delivery.imap import open_mailbox
from koordination.delivery.settings import load_imap_settings
from koordination.domain.enums import ResponseStatus

DONE = "koordination.verbucht"  # Dovecot's maildir separates levels with "."


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    return str(demo_sqlite())


def answers(
    demo: str,
) -> dict[str, tuple[ResponseStatus, tuple[tuple[datetime, ResponseStatus], ...]]]:
    core = open_core(demo)
    try:
        return {
            row.email: (row.status, row.occurrence_answers)
            for row in core.meetings.invitation_list(1)
        }
    finally:
        core.close()


def fetch(demo: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", demo, "replies", "fetch"])
    out, err = capsys.readouterr()
    return code, out.strip(), err


def test_fetch_books_every_client_reply_moves_it_and_leaves_other_mail_unread(
    demo: str, office_mailbox: OfficeMailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    for fixture in ANSWERS:
        office_mailbox.append(demo_reply(fixture))
    office_mailbox.append(plain_mail("Frage zum Sommerfest"))
    office_mailbox.append(plain_mail("Newsletter Ehrenamt"))
    # A reply to a meeting koordination does not know: left for the coordinator to look at.
    office_mailbox.append((FIXTURES / "google_declined_occurrence.eml").read_bytes())
    before = answers(demo)
    assert before["monika.weiss@example.net"][0] is ResponseStatus.EINGELADEN

    code, out, err = fetch(demo, capsys)

    assert code == 0, err
    assert out == "4 Antworten verbucht, 1 nicht zuzuordnen, 2 andere Nachrichten unberührt."
    assert "unbekannter Termin" in err
    after = answers(demo)
    assert after["monika.weiss@example.net"][0] is ResponseStatus.ZUGESAGT  # Outlook
    assert after["renate.schaefer@example.org"][0] is ResponseStatus.ZUGESAGT  # Thunderbird
    assert after["sophie.ulrich@example.org"][0] is ResponseStatus.VIELLEICHT  # Apple
    december = datetime(2026, 12, 8, 18, 0, tzinfo=CITY_ZONE)
    assert (december, ResponseStatus.ABGESAGT) in after["lukas.yilmaz@example.org"][1]  # Gmail
    assert after["lukas.yilmaz@example.org"][0] is before["lukas.yilmaz@example.org"][0]

    inbox = office_mailbox.messages()
    assert sorted(s for s, _ in inbox) == [
        "Abgelehnt: Arbeitskreis Ehrenamt & Beteiligung @ Di. 8. Dez. 2026 18:00 - 20:00 (MEZ)",
        "Frage zum Sommerfest",
        "Newsletter Ehrenamt",
    ]
    assert all("Seen" not in flags for _, flags in inbox), "untouched means not even read"
    assert len(office_mailbox.messages(DONE)) == 4

    # From cron, again: nothing is booked twice, nothing else moves.
    code, out, _ = fetch(demo, capsys)
    assert code == 0
    assert out == "0 Antworten verbucht, 1 nicht zuzuordnen, 2 andere Nachrichten unberührt."
    assert answers(demo) == after
    assert len(office_mailbox.messages()) == 3
    assert len(office_mailbox.messages(DONE)) == 4


def test_a_reply_read_again_is_filed_away_without_booking_it_twice(
    demo: str, office_mailbox: OfficeMailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    office_mailbox.append(demo_reply("outlook_accepted.eml"))
    assert fetch(demo, capsys)[1].startswith("1 Antwort verbucht")
    # As if a run had booked it and then lost the connection before moving it.
    office_mailbox.append(demo_reply("outlook_accepted.eml"))
    code, out, _ = fetch(demo, capsys)
    assert code == 0
    assert out == (
        "0 Antworten verbucht, 1 schon früher verbucht, 0 nicht zuzuordnen, "
        "0 andere Nachrichten unberührt."
    )
    assert office_mailbox.messages() == []
    assert len(office_mailbox.messages(DONE)) == 2


def test_fetch_over_starttls_into_a_folder_with_an_umlaut(
    demo: str, office_mailbox: OfficeMailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    write_imap_config(
        office_mailbox.config, office_mailbox.server, office_mailbox.user, security="starttls"
    )
    with office_mailbox.config.open("a", encoding="utf-8") as fh:
        fh.write('done_folder = "Erledigt/Rückmeldungen"\n')
    office_mailbox.append(demo_reply("thunderbird_accepted.eml"))
    code, out, err = fetch(demo, capsys)
    assert code == 0, err
    assert out.startswith("1 Antwort verbucht")
    assert "Erledigt.R&APw-ckmeldungen" in office_mailbox.folders()
    assert len(office_mailbox.messages("Erledigt.R&APw-ckmeldungen")) == 1


def test_without_move_the_message_is_copied_and_only_it_is_expunged(
    office_mailbox: OfficeMailbox,
) -> None:
    office_mailbox.append(plain_mail("bleibt"))
    office_mailbox.append(plain_mail("wird abgelegt"))
    settings = load_imap_settings()
    with open_mailbox(settings) as box:
        box._capabilities = frozenset({"UIDPLUS"})  # a server without MOVE
        refs = box.messages()
        box.move(refs[1].uid, "koordination/verbucht")
    assert office_mailbox.subjects() == ["bleibt"]
    assert office_mailbox.subjects(DONE) == ["wird abgelegt"]


def test_wrong_password_is_refused_in_german_without_the_password_and_nothing_moves(
    demo: str,
    office_mailbox: OfficeMailbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office_mailbox.append(demo_reply("outlook_accepted.eml"))
    monkeypatch.setenv("KOORDINATION_IMAP_PASSWORD", "Falsches-Passwort-0815")
    code, out, err = fetch(demo, capsys)
    assert code == 1
    assert "Anmeldung am Postfach 127.0.0.1" in err
    assert "Benutzername und Passwort prüfen" in err
    assert "Falsches-Passwort-0815" not in out + err and PASSWORD not in out + err
    assert "Traceback" not in err
    assert len(office_mailbox.messages()) == 1
    assert answers(demo)["monika.weiss@example.net"][0] is ResponseStatus.EINGELADEN


def test_an_untrusted_certificate_is_refused_and_nothing_is_fetched(
    demo: str,
    office_mailbox: OfficeMailbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    office_mailbox.append(demo_reply("outlook_accepted.eml"))
    other = tmp_path / "andere-ca.pem"
    other.write_text(Path(__file__).read_text()[:0])  # an empty trust store
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    code, _out, err = fetch(demo, capsys)
    assert code == 1
    assert "Zertifikat des Postfachs 127.0.0.1" in err and "nicht vertrauenswürdig" in err
    assert "Traceback" not in err
    assert len(office_mailbox.messages()) == 1


def test_ssl_against_the_plain_port_says_to_check_security_and_port(
    demo: str, office_mailbox: OfficeMailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    server = office_mailbox.server
    write_imap_config(
        office_mailbox.config, server, office_mailbox.user, security="ssl", port=server.plain_port
    )
    code, _out, err = fetch(demo, capsys)
    assert code == 1
    assert "Verschlüsselte Verbindung zum Postfach" in err
    assert "„security“ und „port“" in err


def test_a_second_fetch_while_one_runs_is_refused_in_german(
    demo: str, office_mailbox: OfficeMailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    office_mailbox.append(demo_reply("outlook_accepted.eml"))
    core = open_core(demo)
    try:
        with core.reply_fetch.lock():  # a run from cron is busy
            code, _out, err = fetch(demo, capsys)
    finally:
        core.close()
    assert code == 1
    assert "gerade schon abgeholt" in err
    assert len(office_mailbox.messages()) == 1
    assert fetch(demo, capsys)[1].startswith("1 Antwort verbucht")


def test_missing_imap_settings_say_what_to_write(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_CONFIG", str(tmp_path / "leer.toml"))
    code, _out, err = fetch(demo, capsys)
    assert code == 1
    assert "IMAP-Einstellungen" in err and "[imap]" in err
