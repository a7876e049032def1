"""Restriction of processing (Art. 18 DSGVO): the one condition queries leave restricted
people out by, the one check a use case refuses them with, and restricting and lifting it.

While a person is restricted, the office only stores their data: no invitation or other mail
goes to them, exports and the open data leave them out, and nobody edits them. Erasure and
the access report stay possible (the person may ask for both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, Select, select

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.models import Person
from koordination.errors import FieldError, KoordinationError, NotFoundError, ValidationError

#: Why a restricted person gets nothing, in lists of who gets what (invitations).
RESTRICTED = "Verarbeitung eingeschränkt (Art. 18 DSGVO)"

#: The longest reason kept (a sentence or two; the file itself belongs in the office's records).
REASON_MAX = 1000


class RestrictedError(KoordinationError):
    """A use case refused because the person's processing is restricted."""


class Restrictable(Protocol):
    """What the check reads: a ``Person`` row or a ``PersonRecord``."""

    @property
    def id(self) -> int: ...

    @property
    def restricted_at(self) -> datetime | None: ...

    @property
    def restriction_reason(self) -> str: ...


def unrestricted() -> ColumnElement[bool]:
    """The condition on ``person`` for queries of what leaves the office."""
    return Person.restricted_at.is_(None)


def restricted_people() -> Select[int]:
    """The ids of everybody restricted, as a sub-query (for rows that point at a person)."""
    return select(Person.id).where(Person.restricted_at.is_not(None))


def is_restricted(person: Restrictable) -> bool:
    return person.restricted_at is not None


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(CITY_ZONE):%d.%m.%Y}"


def restriction_note(person: Restrictable) -> str:
    """ "Verarbeitung eingeschränkt seit 01.12.2026: Richtigkeit bestritten" (empty when not)."""
    if person.restricted_at is None:
        return ""
    reason = person.restriction_reason.strip()
    return f"Verarbeitung eingeschränkt (Art. 18 DSGVO) seit {_day(person.restricted_at)}" + (
        f": {reason}" if reason else ""
    )


def how_to_lift(person_id: int) -> str:
    return (
        f"Aufheben mit „koordination people unrestrict {person_id}“ oder in Personen: Person "
        "wählen, Befehlspalette (Strg+P) „Einschränkung aufheben“."
    )


def refuse_restricted(person: Restrictable, doing: str = "bearbeitet") -> None:
    """Raise the German refusal when ``person`` is restricted: what the restriction is, that
    the person is not ``doing`` while it lasts, and how to lift it."""
    if person.restricted_at is None:
        return
    raise RestrictedError(
        f"Person Nr. {person.id}: {restriction_note(person)}. Solange wird sie nicht {doing}. "
        + how_to_lift(person.id)
    )


@dataclass(frozen=True)
class Restriction:
    """A person's restriction as saved: since when (``None`` once lifted) and why."""

    person_id: int
    restricted_at: datetime | None
    reason: str


class Restrictions:
    """Restricting a person's processing and lifting it again, one transaction each; the
    audit trail records both (the person's row changes)."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def restrict(self, person_id: int, reason: str) -> Restriction:
        """Restrict from now on, with the reason (required: the office must be able to say
        why, e.g. "Richtigkeit bestritten", "Widerspruch wird geprüft")."""
        reason = " ".join(reason.split())
        if not reason:
            raise ValidationError([FieldError("Grund", "darf nicht leer sein.")])
        if len(reason) > REASON_MAX:
            raise ValidationError(
                [FieldError("Grund", f"höchstens {REASON_MAX} Zeichen (jetzt {len(reason)}).")]
            )
        with self.db.session() as session:
            person = _person(session.get(Person, person_id), person_id)
            if person.restricted_at is not None:
                raise KoordinationError(
                    f"Person Nr. {person_id}: {restriction_note(person)}. Die Einschränkung "
                    "besteht schon; für einen neuen Grund bitte erst aufheben."
                )
            now = self.clock.now()
            person.restricted_at = now
            person.restriction_reason = reason
            person.updated_at = now
            session.flush()
            return Restriction(person_id, now, reason)

    def lift(self, person_id: int) -> Restriction:
        """End the restriction: the person is processed as before."""
        with self.db.session() as session:
            person = _person(session.get(Person, person_id), person_id)
            if person.restricted_at is None:
                raise KoordinationError(
                    f"Die Verarbeitung von Person Nr. {person_id} ist nicht eingeschränkt."
                )
            person.restricted_at = None
            person.restriction_reason = ""
            person.updated_at = self.clock.now()
            session.flush()
            return Restriction(person_id, None, "")


def _person(person: Person | None, person_id: int) -> Person:
    if person is None:
        raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
    if person.erased_at is not None:
        raise KoordinationError(
            f"Person Nr. {person_id} wurde gelöscht; es gibt nichts mehr einzuschränken."
        )
    return person
