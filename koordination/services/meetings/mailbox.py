"""Answers straight from the office's mailbox: read each message, book its replies, move it away.

A reply "abmelden" to a circular e-mail withdraws its sender's consent to circulars and is moved
to the done folder too (one from an address nobody in the directory has stays).

Safe from cron: one run at a time (a lock file in the data folder, for SQLite and PostgreSQL
alike), each message is booked in its own transaction before it is moved, and a reply read
again is recognised as already booked, so a run that broke off never books anything twice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from koordination.calendar.replies import read_message
from koordination.delivery.imap import MAX_MESSAGE_BYTES, Mailbox, open_mailbox
from koordination.delivery.settings import ImapSettings
from koordination.errors import KoordinationError
from koordination.files import try_lock
from koordination.services.circulars.unsubscribe import UnsubscribeReport, unsubscribe_request

if TYPE_CHECKING:
    from koordination.services.circulars.unsubscribe import Unsubscribes
    from koordination.services.meetings.service import Meetings

#: ``progress(done, total)`` after each message.
Progress = Callable[[int, int], None]

LOCK_NAME = "antworten-abholen.lock"


@dataclass
class FetchReport:
    """What one run did: answers booked, messages moved, and what was left where it was."""

    #: Answers booked now.
    booked: int = 0
    #: Answers read again that were booked before (or superseded by a newer one).
    already: int = 0
    #: Messages with an answer that could not be assigned: they stay in the folder.
    unassigned: int = 0
    #: Messages that are no answer to an invitation: untouched.
    others: int = 0
    #: Messages moved to the done folder.
    moved: int = 0
    #: Why answers were not booked, in German.
    problems: list[str] = field(default_factory=list)
    #: Replies "abmelden" to circular e-mails.
    unsubscribes: UnsubscribeReport = field(default_factory=UnsubscribeReport)

    def summary(self) -> str:
        parts = [_count(self.booked, "Antwort", "Antworten") + " verbucht"]
        if self.unsubscribes:
            parts.append(self.unsubscribes.summary(unknown=False).removesuffix("."))
        if self.already:
            parts.append(f"{self.already} schon früher verbucht")
        parts.append(f"{self.unassigned} nicht zuzuordnen")
        parts.append(_count(self.others, "andere Nachricht", "andere Nachrichten") + " unberührt")
        return ", ".join(parts) + "."


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class ReplyFetch:
    """Fetching answers from the mailbox configured in ``[imap]``, booked by ``meetings``."""

    def __init__(
        self, meetings: Meetings, lock_folder: Path, unsubscribes: Unsubscribes | None = None
    ) -> None:
        self.meetings = meetings
        self.lock_path = lock_folder / LOCK_NAME
        self.unsubscribes = unsubscribes

    def run(self, settings: ImapSettings, *, progress: Progress | None = None) -> FetchReport:
        """Books every reply in the folder and moves its message to the done folder.

        A message whose replies cannot all be assigned stays where it is (the coordinator
        looks at it); every other message is not even marked as read.
        """
        report = FetchReport()
        with self.lock(), open_mailbox(settings) as box:
            messages = box.messages()
            total = len(messages)
            if progress is not None:
                progress(0, total)
            for done, ref in enumerate(messages, start=1):
                data = box.fetch(ref.uid) if ref.size <= MAX_MESSAGE_BYTES else None
                if data is None:
                    report.others += 1
                else:
                    self._handle(box, ref.uid, data, settings, report)
                if progress is not None:
                    progress(done, total)
        return report

    def _handle(
        self, box: Mailbox, uid: str, data: bytes, settings: ImapSettings, report: FetchReport
    ) -> None:
        replies, _problems = read_message(data, label=f"Nachricht {uid}")
        if not replies:
            request = unsubscribe_request(data, source=f"Nachricht {uid}")
            if request is not None and self.unsubscribes is not None:
                if self.unsubscribes.apply_one(request, report.unsubscribes):
                    box.move(uid, settings.done_folder)
                    report.moved += 1
                else:
                    report.unassigned += 1  # from an unknown address: the office looks
                    report.problems.append(report.unsubscribes.details()[-1])
                return
            report.others += 1  # ordinary mail, an invitation from elsewhere, unreadable
            return
        booked = self.meetings.apply_replies(replies)
        report.booked += booked.applied
        report.already += booked.already + booked.ignored_older
        if booked.problems:
            report.unassigned += 1
            report.problems.extend(booked.problems)
            return
        box.move(uid, settings.done_folder)
        report.moved += 1

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Held while a run reads the mailbox; a second run at the same time is refused."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not try_lock(fd):
                raise KoordinationError(
                    "Die Antworten werden gerade schon abgeholt (ein anderer Aufruf läuft noch). "
                    "Bitte warten und später erneut versuchen."
                )
            yield
        finally:
            os.close(fd)  # closing releases the lock
