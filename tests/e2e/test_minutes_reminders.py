"""`koordination minutes send` and `koordination reminders run` against the real SMTP server of
the mail tests, every message parsed back: who gets the minutes and the reminders under the
consent to invitations and who is listed why, one message per person naming nobody else, the
PDF and its checksum as archived, nothing sent twice, dry runs sending nothing."""

from __future__ import annotations

import email
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from pypdf import PdfReader
from support.notices import GROUP, Network, build_network
from test_mail import PASSWORD, USER, SmtpServer, smtp_server  # noqa: F401

from koordination.cli.main import main
from koordination.clock import SYSTEM_CLOCK
from koordination.core import Core
from koordination.db.engine import Database
from koordination.paths import config_file

TODAY = SYSTEM_CLOCK.today()


def configure(port: int) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\nsecurity = "none"\n'
        f'from_name = "Koordinierungsstelle Wiesenbrück"\nfrom_email = "{USER}"\ntimeout = 5\n',
        encoding="utf-8",
    )


def received(server: SmtpServer) -> list[tuple[list[str], EmailMessage]]:
    out = []
    for r in server.handler.received:
        message = email.message_from_bytes(r.content, policy=default)
        assert isinstance(message, EmailMessage)
        out.append((r.rcpt_tos, message))
    return out


def only_for(net: Network, given: str, message: EmailMessage, rcpt: list[str]) -> None:
    """The message goes to ``given`` alone and names no other person's address."""
    assert rcpt == [net.emails[given]]
    assert str(message["To"]).endswith(f"<{net.emails[given]}>")
    assert message["Cc"] is None and message["Bcc"] is None
    raw = message.as_string()
    for other, address in net.emails.items():
        if other != given:
            assert address not in raw, (given, other)


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text = part.get_content()
    assert isinstance(text, str)
    return text


@pytest.fixture
def city(
    migrated_sqlite: Callable[..., Path],
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, Network]:
    monkeypatch.setenv("KOORDINATION_SMTP_PASSWORD", PASSWORD)
    configure(smtp_server.port)
    path = migrated_sqlite()
    db = Database(str(path))
    try:
        net = build_network(db, TODAY)
    finally:
        db.dispose()
    return str(path), net


def test_approved_minutes_go_once_to_the_group_and_who_was_present(
    city: tuple[str, Network],
    smtp_server: SmtpServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, net = city
    argv = ["--db", path, "minutes", "send", str(net.past)]

    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    recipients = out.split("Empfänger (")[1].split("\n\n")[0]
    for given in ("Anna", "Bernd", "Clara", "Gustav"):
        assert net.emails[given] in recipients
    for given in ("Dora", "Emil", "Hanna"):
        assert net.emails[given] not in recipients
    assert f"Dora Lang (Nr. {net.ids['Dora']}): keine Einwilligung für Einladungen" in out
    assert f"Emil Roth (Nr. {net.ids['Emil']}): Verarbeitung eingeschränkt (Art. 18 DSGVO)" in out
    assert "Hanna" not in out
    assert smtp_server.handler.received == []

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert ": an 4 von 4 gesendet." in out
    mails = received(smtp_server)
    by_person = {
        given: (rcpt, m) for rcpt, m in mails for given in net.emails if rcpt == [net.emails[given]]
    }
    assert sorted(by_person) == ["Anna", "Bernd", "Clara", "Gustav"]
    archive = tmp_path / "archiv.zip"
    year = str((TODAY - timedelta(days=20)).year)
    archiving = ["--db", path, "minutes", "archive", "--group", GROUP, "--year", year]
    assert main([*archiving, "-o", str(archive)]) == 0
    with zipfile.ZipFile(archive) as zipped:
        archived_pdf = next(zipped.read(n) for n in zipped.namelist() if n.endswith(".pdf"))
        index = zipped.read("inhalt.md").decode("utf-8")
    fingerprint = index.split("SHA-256 ")[1][:64]
    archived_text = _pdf_text(archived_pdf)
    for given, (rcpt, message) in by_person.items():
        only_for(net, given, message, rcpt)
        assert message["Subject"].startswith("Protokoll: AK Stadtteilarbeit vom ")
        text = body(message)
        salutation = "Sehr geehrter Herr" if given in ("Bernd", "Gustav") else "Sehr geehrte Frau"
        assert text.startswith(salutation)
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1 and attachments[0].get_content_type() == "application/pdf"
        pdf = attachments[0].get_content()
        assert hashlib.sha256(pdf).hexdigest() in text
        assert fingerprint in text
        assert _pdf_text(pdf) == archived_text
        assert "Mühlbach" in archived_text
        assert "Einwilligung" in text and "widerrufen" in text

    # Never twice for the same version: the second run says to whom and when.
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "wurde bereits gesendet an:" in out
    assert re.search(rf"Anna Ulrich <{net.emails['Anna']}>: gesendet am \d\d\.\d\d\.\d{{4}}", out)
    assert "Es wird nichts erneut gesendet" in out
    assert len(smtp_server.handler.received) == 4

    # A correction approved anew is a new version: it may go out again.
    db = Database(path)
    try:
        core = Core(db, net.core.clock)
        sitting = core.sittings.find(net.past, core.meetings.get(net.past).start)
        assert sitting is not None
        core.sittings.start_correction(sitting)
        core.sittings.submit(sitting.id)
        core.sittings.approve(sitting.id, GROUP)
    finally:
        db.dispose()
    assert main(argv) == 0
    assert "Fassung 2" in capsys.readouterr().out
    assert len(smtp_server.handler.received) == 8


def test_minutes_not_approved_are_refused_in_german_and_nothing_goes_out(
    city: tuple[str, Network],
    smtp_server: SmtpServer,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, net = city
    assert main(["--db", path, "minutes", "send", str(net.tomorrow)]) == 1
    err = capsys.readouterr().err
    assert "ist noch nicht genehmigt; es wurde nichts gesendet" in err
    assert "Traceback" not in err
    assert smtp_server.handler.received == []


def test_reminders_go_to_who_accepted_or_did_not_answer_and_task_owners_once(
    city: tuple[str, Network],
    smtp_server: SmtpServer,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, net = city
    argv = ["--db", path, "reminders", "run"]

    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    due = [line for line in out.splitlines() if line.startswith("würde gesendet:")]
    assert len(due) == 3, out
    assert any("Dezember" in line and net.emails["Anna"] in line for line in due)
    assert any("Dezember" in line and net.emails["Bernd"] in line for line in due)
    assert any("Aufgabe von Anna" in line and net.emails["Anna"] in line for line in due)
    assert "Januar" not in out and "Aufgabe von Bernd" not in out
    assert "Clara Sommer: hat abgesagt" in out
    assert "Dora Lang: keine Einwilligung für Einladungen" in out
    assert "Emil Roth: Verarbeitung eingeschränkt (Art. 18 DSGVO)" in out
    assert "„Aufgabe von Emil“" in out  # listed, not sent
    assert smtp_server.handler.received == []

    assert main([*argv, "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines() == [
        "Erinnerungen: 3 gesendet (2 zu Terminen, 1 zu Aufgaben geplant), 4 nicht berücksichtigt."
    ]
    mails = received(smtp_server)
    assert len(mails) == 3
    meeting_mails = [(r, m) for r, m in mails if "Dezember" in m["Subject"]]
    task_mails = [(r, m) for r, m in mails if "Aufgabe" in m["Subject"]]
    assert sorted(r[0] for r, _ in meeting_mails) == sorted(
        [net.emails["Anna"], net.emails["Bernd"]]
    )
    for rcpt, message in meeting_mails:
        given = "Anna" if rcpt == [net.emails["Anna"]] else "Bernd"
        only_for(net, given, message, rcpt)
        text = body(message)
        tomorrow = TODAY + timedelta(days=1)
        assert f"{tomorrow:%d.%m.%Y}, 18:00–20:00 Uhr" in text
        assert "Wo: Raum 2.14, Rathaus, Markt 1" in text
        if given == "Anna":
            assert "Sie haben zugesagt" in text
        else:
            assert "noch keine Antwort" in text
    [(rcpt, task_mail)] = task_mails
    only_for(net, "Anna", task_mail, rcpt)
    due_day = TODAY + timedelta(days=2)
    assert task_mail["Subject"] == (
        f"Erinnerung: Aufgabe „Aufgabe von Anna“ fällig am {due_day:%d.%m.%Y}"
    )

    # Idempotent: the next run (cron, the next day) sends nothing again.
    assert main([*argv, "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Erinnerungen: 0 gesendet")
    assert len(smtp_server.handler.received) == 3
    assert main(["--db", path, "reminders", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Keine Erinnerung fällig." in listed
    assert "3 Erinnerung(en) wurden schon früher gesendet." in listed


def test_a_refused_reminder_goes_out_with_the_next_run_and_a_lead_of_zero_switches_off(
    city: tuple[str, Network],
    smtp_server: SmtpServer,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, net = city
    smtp_server.handler.refuse.add(net.emails["Bernd"])
    assert main(["--db", path, "reminders", "run", "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "1 fehlgeschlagen" in captured.out
    assert f"Nicht zugestellt: Bernd Weiß <{net.emails['Bernd']}>" in captured.err
    smtp_server.handler.refuse.clear()
    assert main(["--db", path, "reminders", "run", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Erinnerungen: 1 gesendet")
    assert [r.rcpt_tos for r in smtp_server.handler.received].count([net.emails["Bernd"]]) == 1

    # The group's lead set to 0: no reminder for its meetings; ten days ahead: the January one.
    assert main(["--db", path, "reminders", "days", "--group", GROUP, "10"]) == 0
    assert f"{GROUP}: 10 Tag(e) vor dem Termin" in capsys.readouterr().out
    assert main(["--db", path, "reminders", "run", "--dry-run"]) == 0
    assert "Januar" in capsys.readouterr().out
    assert main(["--db", path, "reminders", "days", "--group", GROUP, "0"]) == 0
    capsys.readouterr()
    assert main(["--db", path, "reminders", "run", "--dry-run"]) == 0
    assert "Januar" not in capsys.readouterr().out


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )
