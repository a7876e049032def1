"""Replies that go on the review list as the core books them (demo city, mails written the way
Gmail and Outlook write them): a counter-proposal is never booked as an answer, a delegation
counts as a decline, a reply that cannot be booked keeps the person it speaks for."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.reply_mails import as_counter, as_delegated, demo_reply, rewrite, with_comment

from koordination.calendar.replies import read_replies
from koordination.clock import Clock
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import ResponseStatus, ReviewKind
from koordination.services.meetings.replies import ReplyReport

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
MONIKA = "Monika.Weiss@Example.NET"


@pytest.fixture
def core(demo_sqlite: Callable[..., Path]) -> Iterator[Core]:
    opened = Core(Database(f"sqlite:///{demo_sqlite()}"), Clock.fixed(NOW))
    yield opened
    opened.close()


def book(core: Core, folder: Path, data: bytes) -> ReplyReport:
    (folder / "reply.eml").write_bytes(data)
    replies, problems = read_replies(folder / "reply.eml")
    assert problems == []
    return core.meetings.apply_replies(replies)


def answer(core: Core, name: str) -> tuple[ResponseStatus, dict[datetime, ResponseStatus]]:
    row = next(r for r in core.meetings.invitation_list(1) if r.name == name)
    return row.status, dict(row.occurrence_answers)


def test_a_counter_proposal_goes_on_the_list_for_its_sender_and_books_no_answer(
    core: Core, tmp_path: Path
) -> None:
    before = answer(core, "Lukas Yilmaz")
    counter = rewrite(
        demo_reply("google_declined_occurrence.eml"),
        as_counter("20261215T190000", "20261215T210000"),
    )
    report = book(core, tmp_path, counter)
    assert (report.applied, report.review) == (0, 1)
    assert answer(core, "Lukas Yilmaz") == before  # the DECLINED in the proposal is no answer
    [item] = core.meetings.review.items()
    assert item.kind == ReviewKind.GEGENVORSCHLAG
    assert (item.person_name, item.reason) == ("Lukas Yilmaz", "schlägt eine andere Zeit vor")
    assert item.received_at == NOW
    assert book(core, tmp_path, counter).review == 0  # read again: listed once


def test_a_delegation_counts_as_a_decline_and_offers_the_delegate(
    core: Core, tmp_path: Path
) -> None:
    delegated = rewrite(
        demo_reply("outlook_accepted.eml"),
        as_delegated(MONIKA, "vera@example.org", "Vera Vertretung"),
    )
    report = book(core, tmp_path, delegated)
    assert (report.applied, report.review) == (1, 1)
    assert answer(core, "Monika Weiß")[0] == ResponseStatus.ABGESAGT
    [item] = core.meetings.review.items()
    assert (item.kind, item.reason) == (ReviewKind.VERTRETUNG, "lässt sich vertreten")
    assert (item.person_name, item.delegate_email) == ("Monika Weiß", "vera@example.org")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        # Someone else's mail answering for Monika.
        (
            lambda mail: mail.replace(b"From: ", b"From: lukas.yilmaz@example.org\r\nX-From: ", 1),
            "antwortet für monika.weiss@example.net",
        ),
        # A mail without a readable sender: refused, still filed under Monika's invitation.
        (
            lambda mail: mail.replace(b"From: ", b"X-Old-From: ", 1),
            "keinen lesbaren Absender",
        ),
        # Monika's own mail, but the attendee claims to be sent by someone else.
        (
            lambda mail: rewrite(
                mail,
                lambda text: re.sub(
                    r"(?m)^ATTENDEE", 'ATTENDEE;SENT-BY="mailto:lukas.yilmaz@example.org"', text
                ),
            ),
            "(SENT-BY)",
        ),
    ],
)
def test_a_reply_that_cannot_be_booked_is_listed_with_the_person_it_speaks_for(
    core: Core, tmp_path: Path, change: Callable[[bytes], bytes], reason: str
) -> None:
    before = answer(core, "Monika Weiß")
    report = book(core, tmp_path, change(demo_reply("outlook_accepted.eml")))
    assert (report.applied, report.review) == (0, 1)
    assert answer(core, "Monika Weiß") == before
    [item] = core.meetings.review.items()
    assert item.kind == ReviewKind.NICHT_VERBUCHT and reason in item.reason
    assert (item.person_name, item.meeting_id) == ("Monika Weiß", 1)


def test_an_answer_with_a_comment_is_booked_and_its_comment_listed_for_its_sender(
    core: Core, tmp_path: Path
) -> None:
    mail = rewrite(demo_reply("outlook_accepted.eml"), with_comment("Komme später"))
    report = book(core, tmp_path, mail)
    assert report.applied == 1
    [item] = core.meetings.review.items()
    assert (item.kind, item.reason) == (ReviewKind.KOMMENTAR, "Kommentar zur Antwort „zugesagt“")
    assert (item.person_name, item.meeting_id) == ("Monika Weiß", 1)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "RECURRENCE-ID;TZID=Europe/Berlin:20261208T180000",
            "RECURRENCE-ID;TZID=Europe/Berlin:20261209T180000",
            "09.12.2026",
        ),
        ("PARTSTAT=DECLINED", "PARTSTAT=X-UNTERWEGS", "unbekannte Rückmeldung „X-UNTERWEGS“"),
    ],
    ids=["date-outside-the-series", "unknown-partstat"],
)
def test_an_answer_that_cannot_be_booked_for_its_date_is_listed_with_its_sender(
    core: Core, tmp_path: Path, old: str, new: str, reason: str
) -> None:
    before = answer(core, "Lukas Yilmaz")
    mail = rewrite(demo_reply("google_declined_occurrence.eml"), lambda t: t.replace(old, new))
    report = book(core, tmp_path, mail)
    assert (report.applied, report.review) == (0, 1)
    assert answer(core, "Lukas Yilmaz") == before
    [item] = core.meetings.review.items()
    assert item.kind == ReviewKind.NICHT_VERBUCHT and reason in item.reason
    assert (item.person_name, item.meeting_id) == ("Lukas Yilmaz", 1)


def test_every_item_a_batch_puts_on_the_list_is_counted(core: Core, tmp_path: Path) -> None:
    counter = rewrite(
        demo_reply("google_declined_occurrence.eml"),
        as_counter("20261215T190000", "20261215T210000"),
    )
    commented = rewrite(demo_reply("outlook_accepted.eml"), with_comment("Komme später"))
    inbox = tmp_path / "antworten"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(counter)
    (inbox / "b.eml").write_bytes(commented)
    replies, problems = read_replies(inbox)
    assert problems == []
    report = core.meetings.apply_replies(replies)
    assert (report.applied, report.review) == (1, 2)
    assert len(core.meetings.review.items()) == 2
