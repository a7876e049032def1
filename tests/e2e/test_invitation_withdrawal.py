"""Every invitation mail says how to withdraw the consent it rests on, with the office's
address from the city profile: sent through a real SMTP server and read back from the mail."""

from __future__ import annotations

import email.message

from icalendar import Calendar
from test_invite_cli import Inbox, demo, smtp  # noqa: F401  (fixtures)

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.services.directory.service import Directory
from koordination.services.meetings.invitation_text import withdrawal_sentence


def _text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _method(message: email.message.EmailMessage) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return str(Calendar.from_ical(part.get_payload(decode=True))["METHOD"])


def test_an_invitation_mail_says_how_to_withdraw_with_the_offices_address(
    demo: str,  # noqa: F811
    smtp: Inbox,  # noqa: F811
) -> None:
    db = Database(demo)
    try:
        city = Directory(db).get_city()
    finally:
        db.dispose()
    assert city is not None and city.office_email
    assert main(["--db", demo, "invite", "4", "--send"]) == 0
    requests = [m for m in smtp.messages if _method(m) == "REQUEST"]
    assert requests, "the workshop has invitees with consent"
    sentence = (
        "Ihre Einwilligung in diese Einladungen können Sie jederzeit ohne Angabe von Gründen "
        f"widerrufen: eine kurze Nachricht an {city.office_email} genügt."
    )
    for message in requests:
        # The plain text may be wrapped by the mail's encoding: compare its words.
        assert " ".join(sentence.split()) in " ".join(_text(message).split())

    # A cancellation asks for nothing: it only takes a date out of the calendar.
    smtp.messages.clear()
    assert main(["--db", demo, "cancel", "1", "--occurrence", "09.02.2027"]) == 0
    assert main(["--db", demo, "invite", "1", "--send"]) == 0
    assert smtp.messages and {_method(m) for m in smtp.messages} == {"CANCEL"}
    assert not any("widerrufen" in _text(m) for m in smtp.messages)


def test_without_an_address_the_sentence_names_the_office() -> None:
    assert withdrawal_sentence("").endswith(
        "eine kurze Nachricht an die Koordinierungsstelle genügt."
    )
