"""Circulars: plan one (who receives it, who does not and why, the first message), store it with
one planned message per recipient, list and show them, and send them.

Sending never sends a message twice. Each message is recorded before it goes out (*sendet*)
and after (*gesendet*, *fehlgeschlagen*, or *unklar* when the connection broke while the
server took it), each in its own transaction. One run at a time holds a lock (a lock file
beside a SQLite file, an advisory lock on PostgreSQL); a run that finds a message still in
*sendet* knows its run died mid-message (a crash, a kill, a second Ctrl+C) and marks it
*unklar*: it may have arrived, so it is never sent again by itself. Failed messages (the
server refused them) are tried again by the next run. Right before a message goes out the
person's consent and restriction are checked again: an "abmelden" that arrived meanwhile
stops it.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.delivery.circular_mail import Attachment, circular_message
from koordination.domain.enums import CircularState
from koordination.domain.models import (
    Circular,
    CircularAttachment,
    CircularRecipient,
    CityProfile,
    Consent,
    Person,
)
from koordination.domain.records.circulars import (
    MAX_PER_MINUTE,
    CircularDraft,
    CircularPlan,
    CircularRecord,
    RecipientRecord,
    RenderedMessage,
    SendResult,
)
from koordination.errors import FieldError, KoordinationError, NotFoundError, ValidationError
from koordination.services.circulars import text as words
from koordination.services.circulars.audience import PURPOSE, Part, choices, classify, parse
from koordination.services.consent import current_consent

Progress = Callable[[int, int], None]

#: The most a circular's attachments may weigh together (many office servers take 10-25 MB,
#: and base64 adds a third).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
SUBJECT_MAX = 300

#: The PostgreSQL advisory lock a sending run holds ("rundmail" in ASCII, 4 bytes of it).
_ADVISORY_KEY = 0x72756E64

UNCLEAR_AFTER_CRASH = (
    "Der Versand brach ab, während diese Nachricht übergeben wurde; ob sie ankam, ist unklar. "
    "Sie wird nicht erneut gesendet."
)


class SendingBusy(KoordinationError):
    """Another run sends a circular right now."""


@dataclass(frozen=True)
class _Office:
    name: str
    email: str


@dataclass(frozen=True)
class _Loaded:
    """A stored circular as one run needs it."""

    id: int
    subject: str
    body: str
    per_minute: int
    attachments: tuple[Attachment, ...]


def _problem(field: str, text: str) -> ValidationError:
    return ValidationError([FieldError(field, text)])


class Circulars:
    """Circular e-mails; every method one short transaction (sending: one per message)."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    # ------------------------------------------------------------------ planning
    def audience_choices(self) -> list[str]:
        """The audiences as typed ("alle", "gruppe:…", "sektor:…", "organisation:…")."""
        with self.db.session() as session:
            return choices(session)

    def plan(self, draft: CircularDraft) -> CircularPlan:
        """Who would receive ``draft`` now and who would not (with the reason), and the first
        message rendered. Refused in German (nothing stored) for an empty subject or text, an
        unknown audience, a missing or too large attachment."""
        files = self._attachments(draft)
        with self.db.session() as session:
            office = _office(session)
            recipients, left_out = classify(
                session, self._parts(draft), self.clock.now(), informal=draft.informal
            )
        first = (
            render(draft.subject, draft.body, recipients[0].greeting, office.email)
            if recipients
            else None
        )
        return CircularPlan(
            draft,
            tuple(recipients),
            tuple(left_out),
            first,
            tuple((a.filename, len(a.data)) for a in files),
        )

    def create(self, draft: CircularDraft) -> CircularPlan:
        """Store the circular with one planned message per recipient (each with its
        Message-ID); the plan returned carries its number. Refused (nothing stored) when
        nobody would receive it."""
        files = self._attachments(draft)
        now = self.clock.now()
        with self.db.session() as session:
            office = _office(session)
            recipients, left_out = classify(
                session, self._parts(draft), now, informal=draft.informal
            )
            if not recipients:
                raise KoordinationError(
                    f"Niemand aus diesem Empfängerkreis erhält die Rundmail ({len(left_out)} "
                    "ohne Einwilligung, Adresse oder aus anderem Grund); es wurde nichts "
                    "gespeichert."
                )
            circular = Circular(
                subject=" ".join(draft.subject.split()),
                body=draft.body,
                audience="\n".join(str(parse(a)) for a in draft.audience),
                informal=draft.informal,
                per_minute=draft.per_minute,
                left_out=len(left_out),
                created_at=now,
                created_by=self.db.actor,
                attachments=[
                    CircularAttachment(
                        filename=a.filename,
                        content_type=a.content_type,
                        data=a.data,
                        sha256=hashlib.sha256(a.data).hexdigest(),
                    )
                    for a in files
                ],
            )
            session.add(circular)
            session.flush()
            domain = office.email.rpartition("@")[2] or None
            session.add_all(
                CircularRecipient(
                    circular_id=circular.id,
                    person_id=r.person_id,
                    name=r.name,
                    email=r.email,
                    greeting=r.greeting,
                    message_id=make_msgid(f"rundmail{circular.id}.{r.person_id}", domain),
                    state=CircularState.GEPLANT,
                    problem="",
                )
                for r in recipients
            )
            circular_id = circular.id
        first = render(draft.subject, draft.body, recipients[0].greeting, office.email)
        return CircularPlan(
            draft,
            tuple(recipients),
            tuple(left_out),
            first,
            tuple((a.filename, len(a.data)) for a in files),
            circular_id,
        )

    @staticmethod
    def _parts(draft: CircularDraft) -> list[Part]:
        return [parse(a) for a in draft.audience]

    def _attachments(self, draft: CircularDraft) -> list[Attachment]:
        """The draft checked, and its files read (German errors, nothing stored)."""
        subject = " ".join(draft.subject.split())
        if not subject:
            raise _problem("Betreff", "darf nicht leer sein.")
        if len(subject) > SUBJECT_MAX:
            raise _problem("Betreff", f"höchstens {SUBJECT_MAX} Zeichen (jetzt {len(subject)}).")
        if not draft.body.strip():
            raise _problem("Text", "darf nicht leer sein.")
        if not 1 <= draft.per_minute <= MAX_PER_MINUTE:
            raise _problem(
                "Nachrichten pro Minute", f"muss zwischen 1 und {MAX_PER_MINUTE} liegen."
            )
        files: list[Attachment] = []
        total = 0
        for path in draft.attachments:
            path = Path(path)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                raise _problem("Anhang", f"Die Datei {path} gibt es nicht.") from None
            except IsADirectoryError:
                raise _problem("Anhang", f"{path} ist ein Ordner, keine Datei.") from None
            except OSError as exc:
                raise _problem(
                    "Anhang", f"Die Datei {path} ist nicht lesbar ({exc.strerror or exc})."
                ) from None
            total += len(data)
            if total > MAX_ATTACHMENT_BYTES:
                raise _problem(
                    "Anhang",
                    f"Die Anhänge sind zusammen größer als {MAX_ATTACHMENT_BYTES // 2**20} MB; "
                    "viele Mailserver nehmen das nicht an. Bitte einen Link schicken.",
                )
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            files.append(Attachment(path.name, kind, data))
        return files

    # ------------------------------------------------------------------ reading
    def list(self) -> list[CircularRecord]:
        """Every circular, newest first, with how far its sending got."""
        with self.db.session() as session:
            counts = _counts(session, None)
            files = _files(session, None)
            return [
                _record(c, counts.get(c.id, {}), files.get(c.id, ()))
                for c in session.scalars(select(Circular).order_by(Circular.id.desc()))
            ]

    def get(self, circular_id: int) -> CircularRecord:
        """One circular with every recipient and where their message stands."""
        with self.db.session() as session:
            circular = _circular(session, circular_id)
            rows = session.scalars(
                select(CircularRecipient)
                .where(CircularRecipient.circular_id == circular_id)
                .order_by(CircularRecipient.id)
            ).all()
            return _record(
                circular,
                _counts(session, circular_id).get(circular_id, {}),
                _files(session, circular_id).get(circular_id, ()),
                tuple(
                    RecipientRecord(
                        r.person_id,
                        r.name,
                        r.email,
                        r.state,
                        r.message_id,
                        r.attempted_at,
                        r.sent_at,
                        r.problem,
                    )
                    for r in rows
                ),
            )

    def preview(self, circular_id: int) -> RenderedMessage | None:
        """The first recipient's message of a stored circular (None without recipients)."""
        with self.db.session() as session:
            circular = _circular(session, circular_id)
            office = _office(session)
            first = session.scalar(
                select(CircularRecipient.greeting)
                .where(CircularRecipient.circular_id == circular_id)
                .order_by(CircularRecipient.id)
                .limit(1)
            )
            if first is None:
                return None
            return render(circular.subject, circular.body, first, office.email)

    # ------------------------------------------------------------------ sending
    def send(
        self,
        circular_id: int,
        settings: object,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> SendResult:
        """Send every planned (or failed) message of the circular through ``[smtp]``, at most
        ``per_minute`` a minute; ``stop`` ends the run between two messages (Ctrl+C, the
        interface's button). What is left is sent by the next run."""
        from koordination.delivery.outbox import Outbox
        from koordination.delivery.settings import SmtpSettings

        assert isinstance(settings, SmtpSettings)
        stop = stop or threading.Event()
        with self._exclusive():
            self._settle()
            loaded, office = self._load(circular_id)
            with self.db.session() as session:
                todo = list(
                    session.scalars(
                        select(CircularRecipient.id)
                        .where(
                            CircularRecipient.circular_id == circular_id,
                            CircularRecipient.state.in_(
                                (CircularState.GEPLANT, CircularState.FEHLGESCHLAGEN)
                            ),
                        )
                        .order_by(CircularRecipient.id)
                    )
                )
            total = len(todo)
            if progress is not None:
                progress(0, total)
            interval = 60.0 / loaded.per_minute
            stopped = False
            if todo:
                with Outbox(settings) as outbox:
                    next_at = time.monotonic()
                    for done, recipient_id in enumerate(todo, start=1):
                        wait = next_at - time.monotonic()
                        if stop.is_set() or (wait > 0 and stop.wait(wait)):
                            stopped = True
                            break
                        next_at = time.monotonic() + interval
                        claimed = self._claim(recipient_id)
                        if claimed is not None:
                            message = circular_message(
                                sender_name=settings.from_name or office.name,
                                sender_email=settings.from_email,
                                reply_to=office.email,
                                recipient_name=claimed.name,
                                recipient_email=claimed.email,
                                subject=loaded.subject,
                                text=words.plain_text(
                                    claimed.greeting, loaded.body, words.footer(office.email)
                                ),
                                html=render(
                                    loaded.subject, loaded.body, claimed.greeting, office.email
                                ).html,
                                message_id=claimed.message_id,
                                attachments=loaded.attachments,
                                date=self.clock.now(),
                            )
                            try:
                                handed = outbox.send(message, claimed.email)
                            except KoordinationError as exc:
                                # No new connection: this message was not handed over.
                                self._finish(
                                    recipient_id, CircularState.FEHLGESCHLAGEN, exc.message
                                )
                                break
                            state = {
                                "sent": CircularState.GESENDET,
                                "failed": CircularState.FEHLGESCHLAGEN,
                                "unclear": CircularState.UNKLAR,
                            }[handed.outcome]
                            self._finish(recipient_id, state, handed.problem)
                        if progress is not None:
                            progress(done, total)
        return self._result(circular_id, stopped)

    def _result(self, circular_id: int, stopped: bool) -> SendResult:
        record = self.get(circular_id)

        def line(r: RecipientRecord) -> str:
            return f"{r.name} <{r.email}>: {r.problem}"

        return SendResult(
            circular_id,
            record.counts.get(CircularState.GESENDET, 0),
            tuple(line(r) for r in record.recipients if r.state == CircularState.FEHLGESCHLAGEN),
            tuple(line(r) for r in record.recipients if r.state == CircularState.UNKLAR),
            record.counts.get(CircularState.GEPLANT, 0),
            stopped,
        )

    def _load(self, circular_id: int) -> tuple[_Loaded, _Office]:
        with self.db.session() as session:
            circular = _circular(session, circular_id)
            return (
                _Loaded(
                    circular.id,
                    circular.subject,
                    circular.body,
                    circular.per_minute,
                    tuple(
                        Attachment(a.filename, a.content_type, a.data) for a in circular.attachments
                    ),
                ),
                _office(session),
            )

    def _settle(self) -> int:
        """Messages a dead run left in *sendet* become *unklar* (the lock is ours, so no run
        is sending them now)."""
        with self.db.session() as session:
            result = session.execute(
                update(CircularRecipient)
                .where(CircularRecipient.state == CircularState.SENDET)
                .values(state=CircularState.UNKLAR, problem=UNCLEAR_AFTER_CRASH)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def _claim(self, recipient_id: int) -> CircularRecipient | None:
        """Record that the message goes out now (*sendet*), if it still may: planned or failed,
        and the person still consents and is not restricted. Returns a detached copy."""
        now = self.clock.now()
        with self.db.session() as session:
            row = session.get(CircularRecipient, recipient_id)
            if row is None or row.state not in (
                CircularState.GEPLANT,
                CircularState.FEHLGESCHLAGEN,
            ):
                return None
            person = session.get(Person, row.person_id)
            consents = session.scalar(
                select(func.count(Consent.id)).where(
                    Consent.person_id == row.person_id, current_consent(PURPOSE, now)
                )
            )
            why = ""
            if person is None or person.erased_at is not None:
                why = "Person gelöscht; nicht gesendet."
            elif person.restricted_at is not None:
                why = "Verarbeitung inzwischen eingeschränkt (Art. 18 DSGVO); nicht gesendet."
            elif not consents:
                why = f"Einwilligung „{PURPOSE.label}“ inzwischen widerrufen; nicht gesendet."
            if why:
                row.state = CircularState.FEHLGESCHLAGEN
                row.problem = why
                return None
            row.state = CircularState.SENDET
            row.attempted_at = now
            session.flush()
            session.expunge(row)
            return row

    def _finish(self, recipient_id: int, state: CircularState, problem: str) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            session.execute(
                update(CircularRecipient)
                .where(CircularRecipient.id == recipient_id)
                .values(
                    state=state,
                    problem=problem,
                    sent_at=now if state == CircularState.GESENDET else None,
                )
                .execution_options(synchronize_session=False)
            )

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Held for a whole run: a second run at the same time is refused."""
        busy = SendingBusy(
            "Eine Rundmail wird gerade schon versandt (ein anderer Aufruf läuft noch); es wurde "
            "nichts gesendet. Bitte warten und später erneut versuchen."
        )
        with self.db.alone("rundmail", _ADVISORY_KEY) as only:
            if not only:
                raise busy
            yield


def render(subject: str, body: str, greeting_line: str, office_email: str) -> RenderedMessage:
    """One recipient's message as text and HTML."""
    footer_text = words.footer(office_email)
    return RenderedMessage(
        " ".join(subject.split()),
        words.plain_text(greeting_line, body, footer_text),
        words.html_page(subject, greeting_line, body, footer_text, office_email),
    )


def _office(session: Session) -> _Office:
    """The office: its name, and its address, where replies and "abmelden" go."""
    city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
    if city is None or not city.office_email.strip():
        raise _problem(
            "Stadtprofil",
            "Die E-Mail-Adresse der Koordinierungsstelle fehlt; an sie gehen Antworten und "
            "Abmeldungen einer Rundmail. Bitte im Stadtprofil eintragen.",
        )
    return _Office(city.office_name or f"Koordinierungsstelle {city.name}", city.office_email)


def _circular(session: Session, circular_id: int) -> Circular:
    circular = session.get(Circular, circular_id)
    if circular is None:
        raise NotFoundError(
            f"Eine Rundmail Nr. {circular_id} gibt es nicht. `koordination rundmail list` "
            "zeigt alle."
        )
    return circular


def _counts(session: Session, circular_id: int | None) -> dict[int, dict[CircularState, int]]:
    stmt = select(
        CircularRecipient.circular_id, CircularRecipient.state, func.count(CircularRecipient.id)
    ).group_by(CircularRecipient.circular_id, CircularRecipient.state)
    if circular_id is not None:
        stmt = stmt.where(CircularRecipient.circular_id == circular_id)
    found: dict[int, dict[CircularState, int]] = {}
    for cid, state, count in session.execute(stmt):
        found.setdefault(cid, {})[state] = count
    return found


def _files(session: Session, circular_id: int | None) -> dict[int, tuple[tuple[str, int], ...]]:
    """File name and size of the attachments (without reading their bytes)."""
    stmt = select(
        CircularAttachment.circular_id,
        CircularAttachment.filename,
        func.length(CircularAttachment.data),
    ).order_by(CircularAttachment.id)
    if circular_id is not None:
        stmt = stmt.where(CircularAttachment.circular_id == circular_id)
    found: dict[int, tuple[tuple[str, int], ...]] = {}
    for cid, name, size in session.execute(stmt):
        found[cid] = (*found.get(cid, ()), (name, int(size or 0)))
    return found


def _record(
    c: Circular,
    counts: dict[CircularState, int],
    files: tuple[tuple[str, int], ...],
    recipients: tuple[RecipientRecord, ...] = (),
) -> CircularRecord:
    return CircularRecord(
        c.id,
        c.subject,
        c.body,
        tuple(line for line in c.audience.split("\n") if line),
        c.informal,
        c.per_minute,
        c.left_out,
        c.created_at,
        c.created_by,
        files,
        counts,
        recipients,
    )
