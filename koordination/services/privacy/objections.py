"""Objections to processing (Art. 21 DSGVO): recorded as received, decided by the office, and
shown with the person (detail, access report)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.models import Objection, Person
from koordination.domain.records.directory import ObjectionRecord
from koordination.errors import FieldError, KoordinationError, NotFoundError, ValidationError

SCOPE_MAX = 200
TEXT_MAX = 2000


def objection_records(session: Session, person_id: int) -> tuple[ObjectionRecord, ...]:
    """The person's objections, oldest first."""
    return tuple(
        _record(o)
        for o in session.scalars(
            select(Objection)
            .where(Objection.person_id == person_id)
            .order_by(Objection.received_at, Objection.id)
        )
    )


def _record(o: Objection) -> ObjectionRecord:
    return ObjectionRecord(
        o.id, o.person_id, o.received_at, o.scope, o.reason, o.decided_at, o.outcome
    )


def _text(value: str, label: str, limit: int, problems: list[FieldError]) -> str:
    text = value.strip()
    if len(text) > limit:
        problems.append(FieldError(label, f"höchstens {limit} Zeichen (jetzt {len(text)})."))
    return text


class Objections:
    """Recording and deciding objections, one transaction each."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def record(
        self,
        person_id: int,
        scope: str,
        reason: str = "",
        *,
        received_at: datetime | None = None,
        outcome: str = "",
    ) -> ObjectionRecord:
        """Record an objection to ``scope`` (which processing: "Einladungen", "Fotos", …);
        with ``outcome`` it is decided at once."""
        problems: list[FieldError] = []
        scope = " ".join(_text(scope, "Bereich", SCOPE_MAX, problems).split())
        if not scope:
            problems.append(FieldError("Bereich", "darf nicht leer sein."))
        reason = _text(reason, "Grund", TEXT_MAX, problems)
        outcome = _text(outcome, "Ergebnis", TEXT_MAX, problems)
        now = self.clock.now()
        received = received_at or now
        if received > now:
            problems.append(FieldError("Eingegangen am", "liegt in der Zukunft."))
        if problems:
            raise ValidationError(problems)
        with self.db.session() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
            if person.erased_at is not None:
                raise KoordinationError(
                    f"Person Nr. {person_id} wurde gelöscht; ein Widerspruch lässt sich nicht "
                    "mehr erfassen."
                )
            objection = Objection(
                person_id=person_id,
                received_at=received,
                scope=scope,
                reason=reason,
                decided_at=now if outcome else None,
                outcome=outcome,
            )
            session.add(objection)
            session.flush()
            return _record(objection)

    def decide(
        self, objection_id: int, outcome: str, *, person_id: int | None = None
    ) -> ObjectionRecord:
        """Record how the office decided (e.g. "stattgegeben, keine Einladungen mehr" or
        "abgelehnt: zwingende schutzwürdige Gründe …"); a decision is not changed later."""
        problems: list[FieldError] = []
        outcome = _text(outcome, "Ergebnis", TEXT_MAX, problems)
        if not outcome:
            problems.append(FieldError("Ergebnis", "darf nicht leer sein."))
        if problems:
            raise ValidationError(problems)
        with self.db.session() as session:
            objection = session.get(Objection, objection_id)
            if objection is None or person_id not in (None, objection.person_id):
                of = f" zu Person Nr. {person_id}" if person_id is not None else ""
                raise NotFoundError(f"Widerspruch Nr. {objection_id}{of} wurde nicht gefunden.")
            if objection.decided_at is not None:
                raise KoordinationError(
                    f"Über Widerspruch Nr. {objection_id} wurde bereits entschieden: "
                    f"{objection.outcome}"
                )
            objection.decided_at = self.clock.now()
            objection.outcome = outcome
            session.flush()
            return _record(objection)

    def of_person(self, person_id: int) -> list[ObjectionRecord]:
        with self.db.session() as session:
            if session.get(Person, person_id) is None:
                raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
            return list(objection_records(session, person_id))
