"""Reading iTIP replies as Outlook, Google, Thunderbird and Apple send them."""

from __future__ import annotations

import email.policy
import mailbox
import shutil
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.policy import fuzz

from koordination.calendar.replies import Reply, read_replies
from koordination.clock import CITY_ZONE

FIXTURES = Path(__file__).parent.parent / "fixtures" / "replies"
SERIES = "koordination-3f9c2a71-ak-ehrenamt@musterstadt.de"
WORKSHOP = "koordination-b81e07d4-werkstatt@musterstadt.de"


def only(path: Path) -> Reply:
    replies, problems = read_replies(path)
    assert problems == []
    assert len(replies) == 1
    return replies[0]


def test_outlook_reply_is_read_from_the_attendee_partstat() -> None:
    reply = only(FIXTURES / "outlook_accepted.eml")
    assert reply == Reply(
        uid=SERIES,
        recurrence_id=None,
        attendee_email="juergen.mueller@tafel-musterstadt.de",
        attendee_name="Müller, Jürgen",
        partstat="ACCEPTED",
        sequence=2,
        dtstamp=datetime(2026, 9, 21, 8, 15, 32, tzinfo=UTC),
        source="outlook_accepted.eml",
        sender="juergen.mueller@tafel-musterstadt.de",
        comment="Ich komme gern, bringe die Zahlen vom Frühjahr mit.",
    )


def test_outlook_ics_without_partstat_falls_back_to_the_german_summary_prefix() -> None:
    # Saved by Outlook desktop in Windows-1252, "W. Europe Standard Time" without VTIMEZONE.
    reply = only(FIXTURES / "outlook_tentative.ics")
    assert reply.partstat == "TENTATIVE"
    assert reply.attendee_name == "Schäfer, Lena"
    assert reply.recurrence_id == datetime(2026, 11, 10, 18, 0, tzinfo=CITY_ZONE)


def test_google_reply_to_one_occurrence_counts_once_despite_inline_part_and_invite_ics() -> None:
    reply = only(FIXTURES / "google_declined_occurrence.eml")
    assert reply.partstat == "DECLINED"
    assert reply.attendee_email == "ayse.yilmaz@gmail.com"
    assert reply.attendee_name == "Ayşe Yılmaz"
    assert reply.recurrence_id == datetime(2026, 12, 8, 18, 0, tzinfo=CITY_ZONE)
    assert reply.sequence == 2


def test_thunderbird_reply_with_vtimezone_and_quoted_printable() -> None:
    reply = only(FIXTURES / "thunderbird_accepted.eml")
    assert (reply.uid, reply.partstat, reply.sequence) == (WORKSHOP, "ACCEPTED", 0)
    assert reply.attendee_name == "Björn Östergaard"
    assert reply.dtstamp == datetime(2026, 10, 2, 9, 15, tzinfo=UTC)


def test_apple_reply_takes_the_address_from_the_email_parameter() -> None:
    reply = only(FIXTURES / "apple_tentative.eml")
    assert reply.attendee_email == "m.weiss@icloud.com"
    assert reply.attendee_name == "Dr. Marie-Luise Weiß"
    assert reply.partstat == "TENTATIVE"


def test_ics_with_several_vevents_gives_one_reply_per_occurrence_in_city_time() -> None:
    replies, problems = read_replies(FIXTURES / "several_occurrences.ics")
    assert problems == []
    assert [(r.recurrence_id, r.partstat) for r in replies] == [
        (None, "ACCEPTED"),
        (datetime(2026, 11, 10, 18, 0, tzinfo=CITY_ZONE), "DECLINED"),
        (datetime(2027, 3, 9, 18, 0, tzinfo=CITY_ZONE), "TENTATIVE"),
    ]
    assert {r.attendee_email for r in replies} == {"tom.becker@example.net"}
    assert all(r.recurrence_id is None or r.recurrence_id.tzinfo == CITY_ZONE for r in replies)


def test_request_instead_of_reply_is_reported_not_read() -> None:
    replies, problems = read_replies(FIXTURES / "request_not_reply.ics")
    assert replies == []
    assert problems == [
        "Datei request_not_reply.ics: METHOD ist REQUEST, weder REPLY noch COUNTER."
    ]


def test_mail_without_calendar_is_reported() -> None:
    replies, problems = read_replies(FIXTURES / "plain_mail.eml")
    assert replies == []
    assert problems == ["Datei plain_mail.eml: kein iCalendar-Anhang."]


def test_broken_ics_is_reported_in_german() -> None:
    replies, problems = read_replies(FIXTURES / "broken.ics")
    assert replies == []
    assert len(problems) == 1
    assert problems[0].startswith("Datei broken.ics: iCalendar-Daten")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert read_replies(tmp_path / "fehlt.ics") == ([], ["Datei fehlt.ics: nicht gefunden."])


def mail_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.eml"))


def test_mbox_holds_every_reply_and_counts_mail_without_calendar(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "Posteingang.mbox")
    for path in mail_fixtures():
        box.add(path.read_bytes())
    box.flush()
    box.close()
    replies, problems = read_replies(tmp_path / "Posteingang.mbox")
    assert {r.attendee_email for r in replies} == {
        "juergen.mueller@tafel-musterstadt.de",
        "ayse.yilmaz@gmail.com",
        "bjoern.oestergaard@posteo.de",
        "m.weiss@icloud.com",
    }
    # In a mailbox the Message-ID says which mail a reply came from.
    google = next(r for r in replies if r.attendee_email == "ayse.yilmaz@gmail.com")
    assert google.source == "<calendar-6c1d2b3a-44e5-4f06-9a7b-8c9d0e1f2a3b@google.com>"
    assert problems == [
        "Datei Posteingang.mbox: 1 von 5 Nachrichten ohne iCalendar-Anhang übersprungen."
    ]


def test_maildir_folder_is_read(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Antworten")
    for path in mail_fixtures():
        box.add(path.read_bytes())
    replies, _ = read_replies(tmp_path / "Antworten")
    assert sorted(r.partstat for r in replies) == ["ACCEPTED", "ACCEPTED", "DECLINED", "TENTATIVE"]


def test_plain_folder_of_files_is_read(tmp_path: Path) -> None:
    for path in FIXTURES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    replies, problems = read_replies(tmp_path)
    assert len(replies) == 8
    assert len(problems) == 3


def test_reply_forwarded_as_attachment_is_found_at_any_depth(tmp_path: Path) -> None:
    inner = (FIXTURES / "thunderbird_accepted.eml").read_bytes()
    outer = EmailMessage(policy=email.policy.default)
    outer["From"] = "Kollegin <kollegin@musterstadt.de>"
    outer["To"] = "engagement@musterstadt.de"
    outer["Subject"] = "WG: Angenommen"
    outer.set_content("Zur Info, siehe Anhang.")
    outer.add_attachment(
        email.message_from_bytes(inner, policy=email.policy.default), filename="Antwort.eml"
    )
    path = tmp_path / "weitergeleitet.eml"
    path.write_bytes(outer.as_bytes())
    assert only(path).attendee_email == "bjoern.oestergaard@posteo.de"


def test_reply_without_dtstamp_takes_the_mail_date(tmp_path: Path) -> None:
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:MAILTO:a@b.de\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    msg = EmailMessage(policy=email.policy.default)
    msg["From"] = "a@b.de"
    msg["Date"] = "Tue, 06 Oct 2026 12:00:00 +0200"
    msg.set_content(ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    path = tmp_path / "antwort.eml"
    path.write_bytes(msg.as_bytes())
    reply = only(path)
    assert reply.dtstamp == datetime(2026, 10, 6, 10, 0, tzinfo=UTC)
    assert reply.attendee_email == "a@b.de"


@fuzz(150)
@given(
    data=st.binary(max_size=2000),
    prefix=st.sampled_from(
        [b"", b"BEGIN:VCALENDAR\r\n", b"From x\n", b"Content-Type: text/calendar\n\n"]
    ),
    suffix=st.sampled_from([".ics", ".eml", ".mbox"]),
)
def test_random_bytes_never_crash(tmp_path: Path, data: bytes, prefix: bytes, suffix: str) -> None:
    path = tmp_path / f"zufall{suffix}"
    path.write_bytes(prefix + data)
    replies, problems = read_replies(path)
    assert all(isinstance(p, str) for p in problems)
    assert replies or problems


@fuzz(100)
@given(lines=st.lists(st.text(max_size=60), max_size=30))
def test_mangled_reply_lines_never_crash(tmp_path: Path, lines: list[str]) -> None:
    good = (FIXTURES / "several_occurrences.ics").read_text().splitlines()
    mangled = good[:4] + lines + good[4:]
    path = tmp_path / "kaputt.ics"
    path.write_text("\r\n".join(mangled), encoding="utf-8", errors="surrogatepass")
    replies, problems = read_replies(path)
    assert isinstance(replies, list)
    assert isinstance(problems, list)


def test_a_mistake_repeated_thousands_of_times_is_reported_once_with_a_count(
    tmp_path: Path,
) -> None:
    nested = "BEGIN:VEVENT\r\n" * 3000 + "UID:x\r\nATTENDEE:mailto:a@b.de\r\n"
    nested += "END:VEVENT\r\n" * 3000
    path = tmp_path / "verschachtelt.ics"
    path.write_text(f"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n{nested}END:VCALENDAR\r\n")
    replies, problems = read_replies(path)
    assert len(replies) == 1
    assert problems == ["Datei verschachtelt.ics: Antwort ohne UID übersprungen. (2999-mal)"]


@pytest.mark.parametrize("name", [p.name for p in sorted(FIXTURES.iterdir())])
def test_every_fixture_gives_replies_or_problems(name: str) -> None:
    replies, problems = read_replies(FIXTURES / name)
    assert replies or problems
