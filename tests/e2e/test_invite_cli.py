"""The invitation round trip on the demo city, from the command line, through a real SMTP server."""

from __future__ import annotations

import email
import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar, Event, vCalAddress

from koordination.cli.main import main


@dataclass
class Inbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=default)  # type: ignore[arg-type]
        )
        return "250 OK"


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        'from_name = "Koordinierungsstelle Wiesenbrück"\n'
        'from_email = "engagiert@wiesenbrueck.example.org"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KOORDINATION_CONFIG", str(config))
    yield inbox
    controller.stop()


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    """The demo city as ``koordination demo`` writes it (copied, it is built once per run)."""
    return str(demo_sqlite())


def _calendar(message: email.message.EmailMessage) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_payload(decode=True))


def test_invite_send_delivers_imip_once_and_cancellations_after_a_change(
    demo: str, smtp: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo, "cancel", "3", "--occurrence", "16.12.2026"]) == 1
    assert "kein Serientermin" in capsys.readouterr().err

    assert main(["--db", demo, "invite", "4", "--send", "--dry-run"]) == 0
    assert "würden gesendet" in capsys.readouterr().out
    assert smtp.messages == []

    # The series: the demo already delivered it, so nothing goes out twice.
    assert main(["--db", demo, "invite", "1", "--send"]) == 0
    assert "Nichts zu tun" in capsys.readouterr().out
    assert smtp.messages == []

    assert main(["--db", demo, "cancel", "1", "--occurrence", "09.02.2027"]) == 0
    assert main(["--db", demo, "invite", "1", "--send"]) == 0
    sent = len(smtp.messages)
    assert sent >= 5
    for message in smtp.messages:
        assert len(message.get_all("To")) == 1
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        assert part.get_param("method") == "CANCEL"
        raw = part.get_payload(decode=True)
        assert b"\r\nRECURRENCE-ID;TZID=Europe/Berlin:20270209T180000\r\n" in raw
        assert any(p.get_filename() == "absage.ics" for p in message.walk())
        assert "09.02.2027" in message["Subject"]
    assert main(["--db", demo, "invite", "1", "--send"]) == 0
    assert len(smtp.messages) == sent


def test_replies_from_received_invitations_update_the_list(
    demo: str, smtp: Inbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo, "invite", "4", "--send"]) == 0
    assert smtp.messages, "the workshop has invitees with consent"
    invitation = _calendar(smtp.messages[0])
    assert invitation["METHOD"] == "REQUEST"
    request = next(iter(invitation.walk("VEVENT")))
    attendee = request["ATTENDEE"]

    reply = Calendar()
    reply.add("prodid", "-//Test//Kalender//DE")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    answer = Event()
    answer.add("uid", str(request["UID"]))
    answer.add("sequence", int(request["SEQUENCE"]))
    answer.add("dtstamp", datetime(2026, 11, 30, 9, tzinfo=UTC))
    who = vCalAddress(str(attendee))
    who.params["PARTSTAT"] = "ACCEPTED"
    answer.add("attendee", who)
    reply.add_component(answer)
    path = tmp_path / "antwort.ics"
    path.write_bytes(reply.to_ical())

    assert main(["--db", demo, "replies", "import", str(path)]) == 0
    assert "1 Antworten verbucht" in capsys.readouterr().out
    assert main(["--db", demo, "meetings", "show", "4"]) == 0
    shown = capsys.readouterr().out
    address = str(attendee).removeprefix("mailto:")
    line = next(line for line in shown.splitlines() if address in line)
    assert line.rstrip().endswith("zugesagt")


def test_invite_writes_one_file_per_recipient_and_feed_uses_the_same_uid(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dateien"
    assert main(["--db", demo, "invite", "4", "--out", str(out)]) == 0
    files = sorted(out.glob("*.ics"))
    assert files
    uids = set()
    for path in files:
        cal = Calendar.from_ical(path.read_bytes())
        (event,) = cal.walk("VEVENT")
        uids.add(str(event["UID"]))
        assert len([event["ATTENDEE"]]) == 1
    assert len(uids) == 1
    feed = tmp_path / "feed.ics"
    assert main(["--db", demo, "feed", "-o", str(feed)]) == 0
    feed_uids = {str(e["UID"]) for e in Calendar.from_ical(feed.read_bytes()).walk("VEVENT")}
    assert uids <= feed_uids
    assert b"ATTENDEE" not in feed.read_bytes()
    capsys.readouterr()
    assert (
        main(["--db", demo, "meetings", "list", "--from", "1.2.2027", "--to", "1.3.2027", "--json"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert any(
        r["title"] == "Entwicklungswerkstatt 2027" and r["start"] == "2027-02-27T10:00:00+01:00"
        for r in rows
    )


def test_replies_import_of_a_missing_or_empty_file_is_a_user_error(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo, "replies", "import", str(tmp_path / "fehlt.ics")]) == 1
    junk = tmp_path / "kaputt.ics"
    junk.write_bytes(b"\x00\x01 kein Kalender")
    assert main(["--db", demo, "replies", "import", str(junk)]) == 1
    assert "keine Antwort auf eine Einladung" in capsys.readouterr().err


def test_files_first_then_everything_again_by_mail(
    demo: str, smtp: Inbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo, "invite", "4", "--out", str(tmp_path / "f")]) == 0
    written = len(list((tmp_path / "f").glob("*.ics")))
    assert main(["--db", demo, "invite", "4", "--send"]) == 0
    assert "Nichts zu tun" in capsys.readouterr().out
    assert main(["--db", demo, "invite", "4", "--send", "--all"]) == 0
    assert len(smtp.messages) == written


def test_with_an_agenda_the_mail_carries_the_letter_and_the_calendar_the_agenda(
    demo: str, smtp: Inbox
) -> None:
    from koordination.db.engine import Database
    from koordination.domain.inputs.sittings import ItemInput
    from koordination.services.sittings.service import Sittings

    minutes = Sittings(Database(demo))
    sitting = minutes.open(4)
    minutes.add_item(sitting.id, ItemInput("Rückblick auf „Engagement 2026“", duration_minutes=30))
    assert main(["--db", demo, "invite", "4", "--send"]) == 0
    message = smtp.messages[0]
    names = [p.get_filename() for p in message.walk() if p.get_filename()]
    assert names == ["einladung.ics", "einladung.pdf"]
    event = next(iter(_calendar(message).walk("VEVENT")))
    description = str(event["DESCRIPTION"])
    assert "Tagesordnung:" in description
    assert "Rückblick auf „Engagement 2026“" in description
