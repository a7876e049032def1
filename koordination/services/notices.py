"""Messages koordination sends by itself (approved minutes, meeting and task reminders), each
recorded in the ``notice`` table before it goes out and after, so that none is sent twice.

The rules are those of a circular's recipients (:mod:`koordination.services.circulars.service`),
with the same states and the same :class:`~koordination.delivery.outbox.Outbox`: a message is
claimed (*sendet*) in its own transaction before it is handed to the server, and marked
*gesendet*, *fehlgeschlagen* or *unklar* after. The claim is the row itself, unique per
occasion and person, so two runs at once cannot both send a message, and no lock is needed.
A run that died mid-message leaves its row in *sendet*; a later run turns it into *unklar*
(it may have arrived) and never sends it again by itself. Only what the server refused
(*fehlgeschlagen*) is tried again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import CircularState
from koordination.domain.models import Notice, Person
from koordination.domain.records.directory import display_name
from koordination.errors import KoordinationError

Progress = Callable[[int, int], None]

#: A message in *sendet* longer than this belongs to a run that died (a run hands one message
#: over in seconds); younger ones may be on their way in another run right now.
SETTLE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Outgoing:
    """One message to go out: what it is about, to whom, and how to build it once claimed
    (``build`` gets the Message-ID recorded for it)."""

    occasion: str
    person_id: int
    name: str
    email: str
    subject: str
    build: Callable[[str], EmailMessage]


@dataclass(frozen=True)
class Recorded:
    """A message as recorded: to whom, and where it stands."""

    occasion: str
    person_id: int
    name: str
    email: str
    subject: str
    state: CircularState
    attempted_at: datetime | None
    sent_at: datetime | None
    problem: str

    @property
    def done(self) -> bool:
        """Sent, or possibly sent (never again by itself): not to be sent by a run."""
        return self.state != CircularState.FEHLGESCHLAGEN

    def line(self) -> str:
        """ "Monika Ulrich <monika@…>: gesendet am 12.11.2026 18:03" """
        if self.state == CircularState.GESENDET and self.sent_at is not None:
            return f"{self.name} <{self.email}>: gesendet am {_local(self.sent_at)}"
        when = f" ({_local(self.attempted_at)})" if self.attempted_at else ""
        problem = f" – {self.problem}" if self.problem else ""
        return f"{self.name} <{self.email}>: {self.state.label}{when}{problem}"


@dataclass(frozen=True)
class Delivered:
    """What one run sent: counts, and German lines for what failed or is unclear."""

    sent: int
    #: Claimed meanwhile by another run (or sent already).
    skipped: int
    failed: tuple[str, ...]
    unclear: tuple[str, ...]
    stopped: bool = False


def consent_sentence(office_email: str) -> str:
    """Why the person gets the message and how to stop it: these messages rest on the consent
    to invitations, and go with it."""
    to = f"an {office_email}" if office_email else "an die Koordinierungsstelle"
    return (
        "Sie erhalten diese Nachricht, weil Sie in Einladungen der Koordinierungsstelle "
        "eingewilligt haben. Diese Einwilligung können Sie jederzeit ohne Angabe von Gründen "
        f"widerrufen: eine kurze Nachricht {to} genügt."
    )


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(CITY_ZONE):%d.%m.%Y %H:%M}"


class Notices:
    """The record of messages sent by koordination itself; one short transaction each."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def recorded(self, occasions: Collection[str]) -> dict[tuple[str, int], Recorded]:
        """What is recorded for these occasions, by (occasion, person number)."""
        wanted = list(dict.fromkeys(occasions))
        found: dict[tuple[str, int], Recorded] = {}
        with self.db.session() as session:
            for start in range(0, len(wanted), 500):
                rows = session.execute(
                    select(Notice, Person.title, Person.given_name, Person.family_name)
                    .join(Person, Person.id == Notice.person_id)
                    .where(Notice.occasion.in_(wanted[start : start + 500]))
                    .order_by(Notice.id)
                )
                for n, title, given, family in rows:
                    found[(n.occasion, n.person_id)] = Recorded(
                        n.occasion,
                        n.person_id,
                        display_name(title, given, family),
                        n.email,
                        n.subject,
                        n.state,
                        n.attempted_at,
                        n.sent_at,
                        n.problem,
                    )
        return found

    def send(
        self,
        items: Sequence[Outgoing],
        settings: object,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> Delivered:
        """Send each message not recorded yet (or refused last time) through ``[smtp]``;
        ``stop`` ends the run between two messages."""
        from koordination.delivery.outbox import Outbox
        from koordination.delivery.settings import SmtpSettings

        assert isinstance(settings, SmtpSettings)
        stop = stop or threading.Event()
        self._settle()
        total = len(items)
        if progress is not None:
            progress(0, total)
        sent = skipped = 0
        failed: list[str] = []
        unclear: list[str] = []
        stopped = False
        if not items:
            return Delivered(0, 0, (), ())
        domain = settings.from_email.rpartition("@")[2] or None
        with Outbox(settings) as outbox:
            for done, item in enumerate(items, start=1):
                if stop.is_set():
                    stopped = True
                    break
                claimed = self._claim(item, domain)
                if claimed is None:
                    skipped += 1
                else:
                    row_id, message_id = claimed
                    who = f"{item.name} <{item.email}>"
                    try:
                        message = item.build(message_id)
                        handed = outbox.send(message, item.email)
                    except KoordinationError as exc:
                        # Not handed over (no new connection, or no valid address).
                        self._finish(row_id, CircularState.FEHLGESCHLAGEN, exc.message)
                        failed.append(f"{who}: {exc.message}")
                        if progress is not None:
                            progress(done, total)
                        continue
                    state = {
                        "sent": CircularState.GESENDET,
                        "failed": CircularState.FEHLGESCHLAGEN,
                        "unclear": CircularState.UNKLAR,
                    }[handed.outcome]
                    self._finish(row_id, state, handed.problem)
                    if state == CircularState.GESENDET:
                        sent += 1
                    elif state == CircularState.UNKLAR:
                        unclear.append(f"{who}: {handed.problem}")
                    else:
                        failed.append(f"{who}: {handed.problem}")
                if progress is not None:
                    progress(done, total)
        return Delivered(sent, skipped, tuple(failed), tuple(unclear), stopped)

    def _settle(self) -> None:
        """What a dead run left in *sendet* becomes *unklar*: it may have arrived."""
        from koordination.services.circulars.service import UNCLEAR_AFTER_CRASH

        with self.db.session() as session:
            session.execute(
                update(Notice)
                .where(
                    Notice.state == CircularState.SENDET,
                    Notice.attempted_at < self.clock.now() - SETTLE_AFTER,
                )
                .values(state=CircularState.UNKLAR, problem=UNCLEAR_AFTER_CRASH)
                .execution_options(synchronize_session=False)
            )

    def _claim(self, item: Outgoing, domain: str | None) -> tuple[int, str] | None:
        """Record that the message goes out now (*sendet*): a new row, or a refused one taken
        up again. ``None`` when it is recorded otherwise (sent, on its way, unclear)."""
        now = self.clock.now()
        try:
            with self.db.sessions() as session, session.begin():
                row = session.scalar(
                    select(Notice).where(
                        Notice.occasion == item.occasion, Notice.person_id == item.person_id
                    )
                )
                if row is None:
                    row = Notice(
                        occasion=item.occasion,
                        person_id=item.person_id,
                        email=item.email,
                        subject=item.subject[:300],
                        message_id=make_msgid("koordination", domain),
                        state=CircularState.SENDET,
                        attempted_at=now,
                        problem="",
                    )
                    session.add(row)
                    session.flush()
                    return row.id, row.message_id
                if row.state != CircularState.FEHLGESCHLAGEN:
                    return None
                result = session.execute(
                    update(Notice)
                    .where(Notice.id == row.id, Notice.state == CircularState.FEHLGESCHLAGEN)
                    .values(
                        state=CircularState.SENDET,
                        attempted_at=now,
                        email=item.email,
                        subject=item.subject[:300],
                        problem="",
                    )
                    .execution_options(synchronize_session=False)
                )
                if not getattr(result, "rowcount", 0):
                    return None
                return row.id, row.message_id
        except IntegrityError:
            return None  # another run recorded it a moment ago

    def _finish(self, row_id: int, state: CircularState, problem: str) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            session.execute(
                update(Notice)
                .where(Notice.id == row_id)
                .values(
                    state=state,
                    problem=problem,
                    sent_at=now if state == CircularState.GESENDET else None,
                )
                .execution_options(synchronize_session=False)
            )
