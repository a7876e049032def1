"""Replies that say "abmelden": the sender withdraws the consent "Informationen der
Koordinierungsstelle erhalten" (channel E-Mail; the trail records the withdrawal).

A mail is such a request when its subject, without "Re:", "AW:" and the like, is "abmelden"
(what the List-Unsubscribe link of every circular sets), or when the first line the person
wrote (not quoted) is. Automatic replies (out of office) never are. The sender is the address
in From; it must belong to a person of the directory. The withdrawal is dated when the mail was
written (not later than now): a consent given again after that mail is not touched when the
mail is read a second time, so reading a mailbox again changes nothing.

Anyone could put another person's address into From; the worst such a mail does is stop the
circulars to that person, which they can take up again with the office.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import select

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.delivery.circular_mail import UNSUBSCRIBE_WORD
from koordination.domain.enums import ConsentChannel, fold
from koordination.domain.inputs.directory import WithdrawalInput
from koordination.domain.models import Consent, Person, PersonEmail
from koordination.domain.records.directory import display_name
from koordination.services.circulars.audience import PURPOSE
from koordination.services.consent import current_consent

#: "Re:", "AW:", "WG:", "Fwd:", "Antw:", "[Rundmail]" before the words of a subject.
_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|wg|fw|fwd|antw|sv|vs)\s*(?:\[\d+\])?\s*:|\[[^\]]*\])\s*", re.I
)
_WORDS = {fold(UNSUBSCRIBE_WORD), fold(f"bitte {UNSUBSCRIBE_WORD}")}
#: The most read of one file (an "abmelden" mail is a few kilobytes).
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class UnsubscribeRequest:
    #: The sender's address, lower-cased ("" when the mail names none readable).
    sender: str
    #: When it was written (the Date header); None when it has none.
    written_at: datetime | None
    #: Where it came from: the file's name, or the Message-ID in a mailbox.
    source: str


def unsubscribe_request(data: bytes, *, source: str) -> UnsubscribeRequest | None:
    """The request in one e-mail, or None when the mail asks for no such thing."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        auto = str(message.get("Auto-Submitted", "no")).strip().lower()
        if auto and auto != "no":
            return None
        if not (_subject_says(message) or _first_line_says(message)):
            return None
        sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
        written = _date(message)
        found = " ".join(str(message.get("Message-ID", "")).split())
    except Exception:  # a hostile mail is no request, never a traceback
        return None
    return UnsubscribeRequest(sender if "@" in sender else "", written, found or source)


def _subject_says(message: Message) -> bool:
    subject = " ".join(str(message.get("Subject", "")).split())
    while True:
        shorter = _PREFIX.sub("", subject, count=1)
        if shorter == subject:
            break
        subject = shorter
    return fold(subject) in _WORDS


def _first_line_says(message: Message) -> bool:
    if not isinstance(message, EmailMessage):
        return False
    body = message.get_body(preferencelist=("plain",))
    if body is None or not isinstance(body, EmailMessage):
        return False
    text = body.get_content()
    for line in str(text).splitlines():
        if line.strip() and not line.lstrip().startswith(">"):
            return fold(line) in _WORDS
    return False


def _date(message: Message) -> datetime | None:
    value = message.get("Date")
    moment = getattr(value, "datetime", None)
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment
    return None


def read_requests(path: Path) -> list[UnsubscribeRequest]:
    """The requests among the mails at ``path``: an e-mail file, an mbox file, a maildir or a
    folder of e-mail files (what ``replies import`` reads). Anything else is passed over."""
    found = []
    for data, source in _mails(Path(path)):
        request = unsubscribe_request(data, source=source)
        if request is not None:
            found.append(request)
    return found


def _mails(path: Path) -> Iterator[tuple[bytes, str]]:
    try:
        if path.is_dir():
            if all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
                box = mailbox.Maildir(path, factory=None, create=False)
                for key in sorted(box.keys()):
                    yield box.get_bytes(key), f"{path.name} {key}"
                return
            for file in sorted(p for p in path.iterdir() if p.is_file()):
                if not file.name.startswith("."):
                    yield from _mails(file)
            return
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return
        with path.open("rb") as fh:
            start = fh.read(5)
        if start == b"From ":
            mbox = mailbox.mbox(path, create=False)
            try:
                for number, key in enumerate(mbox.keys(), start=1):
                    yield mbox.get_bytes(key), f"{path.name} #{number}"
            finally:
                mbox.close()
            return
        yield path.read_bytes(), path.name
    except (OSError, mailbox.Error):
        return  # what cannot be read is said by the reply reader reading the same path


@dataclass
class UnsubscribeReport:
    #: "Monika Ulrich <monika@…>": whose consent was withdrawn now.
    withdrawn: list[str] = field(default_factory=list)
    #: Had no current consent (any more): already unsubscribed, or never subscribed.
    already: list[str] = field(default_factory=list)
    #: Senders the directory does not know (left for the office to look at).
    unknown: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.withdrawn or self.already or self.unknown)

    def summary(self, *, unknown: bool = True) -> str:
        """One German line; ``unknown=False`` where the caller counts those itself."""
        parts = [f"{len(self.withdrawn)} Abmeldung(en) von Rundmails verbucht"]
        if self.already:
            parts.append(f"{len(self.already)} schon abgemeldet")
        if self.unknown and unknown:
            parts.append(f"{len(self.unknown)} von unbekanntem Absender")
        return ", ".join(parts) + "."

    def details(self) -> list[str]:
        """One German line per request, for the terminal."""
        label = PURPOSE.label
        return (
            [f"Abgemeldet: {who} (Einwilligung „{label}“ widerrufen)" for who in self.withdrawn]
            + [f"Schon abgemeldet: {who}" for who in self.already]
            + [
                f"Abmeldung von {who}: diese Adresse gehört zu keiner Person; nicht verbucht."
                for who in self.unknown
            ]
        )


class Unsubscribes:
    """Booking "abmelden" replies; one transaction per request."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def apply(self, requests: list[UnsubscribeRequest]) -> UnsubscribeReport:
        report = UnsubscribeReport()
        for request in requests:
            self.apply_one(request, report)
        return report

    def apply_one(self, request: UnsubscribeRequest, report: UnsubscribeReport) -> bool:
        """Withdraw the sender's consent; False when the sender is nobody in the directory
        (the mail then stays where it is)."""
        from koordination.services.consent_texts import Consents

        now = self.clock.now()
        at = min(request.written_at or now, now)
        with self.db.session() as session:
            person = session.scalar(
                select(Person)
                .join(PersonEmail, PersonEmail.person_id == Person.id)
                .where(PersonEmail.address_key == request.sender, Person.erased_at.is_(None))
            )
            if person is None or not request.sender:
                report.unknown.append(request.sender or f"(ohne Absender, {request.source})")
                return False
            name = display_name(person.title, person.given_name, person.family_name)
            who = f"{name} <{request.sender}>"
            given = list(
                session.scalars(
                    select(Consent.given_at).where(
                        Consent.person_id == person.id, current_consent(PURPOSE, now)
                    )
                )
            )
            person_id = person.id
        if not given or max(given) > at:
            # Nothing to withdraw, or consented again after writing this mail.
            report.already.append(who)
            return True
        Consents(self.db, self.clock).withdraw(
            person_id, WithdrawalInput(PURPOSE, ConsentChannel.EMAIL, at)
        )
        report.withdrawn.append(who)
        return True
