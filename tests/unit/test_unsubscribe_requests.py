"""Which mails are an "abmelden" request: the subject (behind Re:, AW:, WG: …) or the first
line written; never a quoted one, an automatic reply or a mail that merely mentions the word."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from koordination.services.circulars.unsubscribe import unsubscribe_request


def mail(subject: str, body: str = "Danke!\n", *, extra: str = "") -> bytes:
    return (
        "From: Monika Ulrich <Monika.Ulrich@Example.org>\r\nTo: engagiert@example.org\r\n"
        f"Subject: {subject}\r\nDate: Mon, 07 Dec 2026 09:00:00 +0100\r\n{extra}"
        "Message-ID: <m-1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + body.replace("\n", "\r\n")
    ).encode()


@pytest.mark.parametrize(
    "subject",
    ["abmelden", "Abmelden!", "AW: abmelden", "Re: AW: WG: Abmelden", "[Rundmail] abmelden",
     "Bitte abmelden", "=?utf-8?q?abmelden?="],
)  # fmt: skip
def test_the_subject_abmelden_asks_to_unsubscribe_behind_any_reply_prefix(subject: str) -> None:
    request = unsubscribe_request(mail(subject), source="x.eml")
    assert request is not None
    assert request.sender == "monika.ulrich@example.org"
    assert request.written_at == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert request.source == "<m-1@example.org>"


def test_the_first_line_written_asks_but_a_quoted_or_later_one_does_not() -> None:
    assert unsubscribe_request(mail("AW: Fest", "\nabmelden\n\n> Text\n"), source="a") is not None
    assert unsubscribe_request(mail("AW: Fest", "> abmelden\nDanke\n"), source="b") is None
    assert unsubscribe_request(mail("AW: Fest", "Gern!\nabmelden\n"), source="c") is None


@pytest.mark.parametrize(
    ("subject", "extra"),
    [
        ("Wie kann ich mich abmelden?", ""),
        ("Abmelden vom Stadtteilfest", ""),
        ("abmelden", "Auto-Submitted: auto-replied\r\n"),
    ],
)
def test_other_mails_and_automatic_replies_are_no_request(subject: str, extra: str) -> None:
    assert unsubscribe_request(mail(subject, extra=extra), source="x") is None


def test_broken_mail_is_no_request_and_no_traceback() -> None:
    assert unsubscribe_request(b"\xff\xfe\x00garbage", source="x") is None
