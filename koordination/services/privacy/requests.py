"""Data subjects' requests (Art. 15-21 DSGVO) with their deadline: recorded when they arrive,
answered within one month (Art. 12 Abs. 3), marked done when the access report is written or
the person erased; and how many retention periods the office has not decided yet."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import PrivacyRequestKind
from koordination.domain.models import Person, PrivacyRequest
from koordination.domain.records.directory import display_name
from koordination.errors import FieldError, NotFoundError, ValidationError

#: How far back a request may be dated when recorded late (a letter found in a drawer).
_OLDEST = 366


def one_month_after(day: date) -> date:
    """The deadline of a request received on ``day``: the same date one month later, the
    month's last day where that month is shorter (Art. 3 Abs. 2 lit. c VO 1182/71)."""
    year, month = divmod(day.year * 12 + day.month, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RequestRecord:
    id: int
    kind: PrivacyRequestKind
    person_id: int | None
    #: The person's number, also after an erasure.
    person_number: int | None
    #: The person's name ("" when none is linked; the erasure label after an erasure).
    person: str
    received_at: datetime
    due_on: date
    requester: str
    recorded_by: str
    completed_at: datetime | None
    note: str

    @property
    def done(self) -> bool:
        return self.completed_at is not None

    def overdue(self, today: date) -> bool:
        return not self.done and today > self.due_on

    def deadline(self, today: date) -> str:
        """The deadline in words, so it reads without colour: "überfällig seit 3 Tagen"."""
        if self.completed_at is not None:
            return f"erledigt am {self.completed_at.astimezone(CITY_ZONE):%d.%m.%Y}"
        left = (self.due_on - today).days
        if left < 0:
            return f"überfällig seit {-left} {'Tag' if left == -1 else 'Tagen'}"
        if left == 0:
            return "Frist endet heute"
        return f"noch {left} {'Tag' if left == 1 else 'Tage'}"

    @property
    def about(self) -> str:
        """Whom the request is about: "Anna Muster (Nr. 12)", "Nr. 12", or the requester."""
        if self.person and self.person_number is not None:
            return f"{self.person} (Nr. {self.person_number})"
        if self.person_number is not None:
            return f"Person Nr. {self.person_number}"
        return self.requester or "unbekannt"


def _record(row: PrivacyRequest, name: str) -> RequestRecord:
    return RequestRecord(
        id=row.id,
        kind=row.kind,
        person_id=row.person_id,
        person_number=row.person_number,
        person=name,
        received_at=row.received_at,
        due_on=row.due_on,
        requester=row.requester,
        recorded_by=row.recorded_by,
        completed_at=row.completed_at,
        note=row.note,
    )


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    stmt = select(Person.id, Person.title, Person.given_name, Person.family_name)
    return {
        pid: display_name(title, given, family)
        for pid, title, given, family in session.execute(stmt.where(Person.id.in_(wanted)))
    }


def complete_open(
    session: Session,
    person_id: int,
    kinds: Iterable[PrivacyRequestKind],
    now: datetime,
    *,
    requester: str = "",
) -> list[int]:
    """Mark the person's open requests of ``kinds`` done (in the caller's transaction): the
    access report was written, the person erased. Returns the numbers of the requests.

    ``requester``: who asked this time. It is written into the answered requests that name
    nobody yet; when none was open, the request is recorded as received and answered now, so
    the register of requests stays complete (Art. 5 Abs. 2, Art. 12 DSGVO)."""
    kinds = list(kinds)
    requester = " ".join(requester.split())[:200]
    rows = list(
        session.scalars(
            select(PrivacyRequest).where(
                PrivacyRequest.person_id == person_id,
                PrivacyRequest.kind.in_(kinds),
                PrivacyRequest.completed_at.is_(None),
            )
        )
    )
    for row in rows:
        row.completed_at = now
        if requester and not row.requester:
            row.requester = requester
    if (
        not rows
        and requester
        and kinds
        and session.get(Person, person_id) is not None
        and not _answered_today(session, person_id, kinds, requester, now)
    ):
        row = PrivacyRequest(
            kind=kinds[0],
            person_id=person_id,
            person_number=person_id,
            received_at=now,
            due_on=one_month_after(now.astimezone(CITY_ZONE).date()),
            requester=requester,
            recorded_by=audit.actor_of(session),
            note="",
            completed_at=now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return [row.id for row in rows]


def _answered_today(
    session: Session,
    person_id: int,
    kinds: list[PrivacyRequestKind],
    requester: str,
    now: datetime,
) -> bool:
    """Whether this requester's request was answered today already: every format of one
    access report (PDF, DOCX, JSON …) answers the same request."""
    day = now.astimezone(CITY_ZONE).date()
    start = datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE).astimezone(UTC)
    found = session.scalar(
        select(PrivacyRequest.id)
        .where(
            PrivacyRequest.person_id == person_id,
            PrivacyRequest.kind.in_(kinds),
            PrivacyRequest.requester == requester,
            PrivacyRequest.completed_at >= start,
        )
        .limit(1)
    )
    return found is not None


def retention_warning(session: Session) -> str:
    """The warning while any kind of data has no decided period (a period, or deliberately
    none with a reason): the office must decide and document how long it keeps what (Art. 5
    Abs. 1 lit. e, Abs. 2 DSGVO). "" when every rule is decided."""
    from koordination.services.privacy.retention_rules import undecided

    missing, total = undecided(session)
    if not missing:
        return ""
    return (
        f"Aufbewahrung: {missing} von {total} Fristen nicht festgelegt – bitte festlegen "
        "oder begründen, warum unbefristet (Taste M, koordination retention)."
    )


@dataclass(frozen=True)
class PrivacyStatus:
    """What the Übersicht shows about data protection: open requests (earliest deadline
    first) and the retention warning ("" when rules are set)."""

    open_requests: tuple[RequestRecord, ...]
    retention_warning: str


class PrivacyRequests:
    """Recording and answering data subjects' requests; every method is one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def add(
        self,
        kind: PrivacyRequestKind,
        person_id: int | None,
        *,
        received_on: date | None = None,
        requester: str = "",
        note: str = "",
    ) -> RequestRecord:
        """Record a request received on ``received_on`` (default today); its deadline is one
        month later. Without a person (not in the directory) the requester must be named."""
        today = self.clock.today()
        received = received_on or today
        problems = []
        if received > today:
            problems.append(FieldError("Eingang", "liegt in der Zukunft."))
        elif (today - received).days > _OLDEST:
            problems.append(FieldError("Eingang", "liegt mehr als ein Jahr zurück."))
        if person_id is None and not requester.strip():
            problems.append(
                FieldError(
                    "Anfragende Person",
                    "bitte die Person (Nummer) oder, wenn sie nicht im Verzeichnis steht, "
                    "den Namen der anfragenden Person angeben.",
                )
            )
        if len(requester) > 200:
            problems.append(FieldError("Anfragende Person", "höchstens 200 Zeichen."))
        if problems:
            raise ValidationError(problems)
        if received == today:
            at = self.clock.now()
        else:
            at = datetime.combine(received, time(12, 0), tzinfo=CITY_ZONE).astimezone(UTC)
        with self.db.session() as session:
            name = ""
            if person_id is not None:
                person = session.get(Person, person_id)
                if person is None:
                    raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
                name = display_name(person.title, person.given_name, person.family_name)
            row = PrivacyRequest(
                kind=kind,
                person_id=person_id,
                person_number=person_id,
                received_at=at,
                due_on=one_month_after(received),
                requester=requester.strip(),
                recorded_by=audit.actor_of(session),
                note=note.strip(),
            )
            session.add(row)
            session.flush()
            return _record(row, name)

    def list(self, *, open_only: bool = True) -> list[RequestRecord]:
        """The requests, earliest deadline first (open ones only unless ``open_only`` False)."""
        with self.db.session() as session:
            stmt = select(PrivacyRequest).order_by(PrivacyRequest.due_on, PrivacyRequest.id)
            if open_only:
                stmt = stmt.where(PrivacyRequest.completed_at.is_(None))
            rows = list(session.scalars(stmt))
            names = _names(session, (r.person_id for r in rows))
            return [_record(r, names.get(r.person_id or 0, "")) for r in rows]

    def complete(self, request_id: int, note: str = "") -> RequestRecord:
        """Mark one request done (answered by letter, rectified, …), with a note on how."""
        with self.db.session() as session:
            row = session.get(PrivacyRequest, request_id)
            if row is None:
                raise NotFoundError(f"Anfrage Nr. {request_id} wurde nicht gefunden.")
            if row.completed_at is not None:
                raise ValidationError(
                    [
                        FieldError(
                            "Anfrage",
                            f"Nr. {request_id} ist seit "
                            f"{row.completed_at.astimezone(CITY_ZONE):%d.%m.%Y} erledigt.",
                        )
                    ]
                )
            row.completed_at = self.clock.now()
            if note.strip():
                row.note = f"{row.note}\n{note.strip()}".strip()
            session.flush()
            names = _names(session, [row.person_id])
            return _record(row, names.get(row.person_id or 0, ""))

    def status(self) -> PrivacyStatus:
        """Open requests and the retention warning, for the Übersicht (one short read)."""
        with self.db.session() as session:
            rows = list(
                session.scalars(
                    select(PrivacyRequest)
                    .where(PrivacyRequest.completed_at.is_(None))
                    .order_by(PrivacyRequest.due_on, PrivacyRequest.id)
                )
            )
            names = _names(session, (r.person_id for r in rows))
            warning = retention_warning(session)
            return PrivacyStatus(
                tuple(_record(r, names.get(r.person_id or 0, "")) for r in rows), warning
            )
