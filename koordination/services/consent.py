"""The one rule for "does this person currently consent to X", for records and for queries.

A consent is current when it was given for that purpose at or before the moment asked about
and has not been withdrawn. A withdrawal ends it at once, whatever date it carries: a consent
someone has taken back is never used again, even if the withdrawal was dated ahead. Renewing a
consent adds a new row, so one current row of the purpose is enough.

Outputs that leave the office (table exports, the open-data export, shared contact lists)
include a person's e-mail addresses, phone numbers, postal address and notes only with a
current consent "Kontaktdaten im Netzwerk teilen"; the office's complete copy is the database
backup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, Select, and_, select

from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import Consent
from koordination.domain.records.directory import PersonRecord

#: The consent that lets contact data leave the office.
SHARING = ConsentPurpose.KONTAKTDATEN_TEILEN

#: Ids per ``IN (...)`` list: below SQLite's and PostgreSQL's limits on bound parameters.
_CHUNK = 900


class ConsentLike(Protocol):
    """What the rule reads of a consent: a ``Consent`` row or a ``ConsentRecord``."""

    @property
    def purpose(self) -> ConsentPurpose: ...

    @property
    def given_at(self) -> datetime: ...

    @property
    def withdrawn_at(self) -> datetime | None: ...


def is_current(consent: ConsentLike, purpose: ConsentPurpose, now: datetime) -> bool:
    """Whether this one consent row allows ``purpose`` at ``now`` (an aware instant)."""
    return consent.purpose == purpose and consent.withdrawn_at is None and consent.given_at <= now


def has_current_consent(
    consents: Iterable[ConsentLike], purpose: ConsentPurpose, now: datetime
) -> bool:
    """Whether any of a person's consents allows ``purpose`` at ``now`` (the core's clock)."""
    return any(is_current(c, purpose, now) for c in consents)


def current_consent(purpose: ConsentPurpose, now: datetime) -> ColumnElement[bool]:
    """The same rule as a condition on the ``consent`` table, for queries."""
    return and_(
        Consent.purpose == purpose,
        Consent.withdrawn_at.is_(None),
        Consent.given_at <= now,
    )


def consenting_people(purpose: ConsentPurpose, now: datetime) -> Select[int]:
    """The ids of everybody with a current consent for ``purpose``, as a sub-query:
    ``select(Person).where(Person.id.in_(consenting_people(SHARING, now)))``."""
    return select(Consent.person_id).where(current_consent(purpose, now))


def consenting_ids(
    db: Database,
    person_ids: Collection[int],
    purpose: ConsentPurpose,
    now: datetime,
) -> set[int]:
    """Which of ``person_ids`` have a current consent for ``purpose`` (for one page of a list)."""
    ids = list(dict.fromkeys(person_ids))
    found: set[int] = set()
    with db.session() as session:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found.update(
                session.scalars(consenting_people(purpose, now).where(Consent.person_id.in_(chunk)))
            )
    return found


def shareable_person(p: PersonRecord, now: datetime) -> PersonRecord:
    """The person as an output leaving the office may show them: without e-mail addresses,
    phone numbers, postal address and notes (what the office wrote down about them, such as
    "braucht einen barrierefreien Raum") unless they currently consent to sharing them."""
    if has_current_consent(p.consents, SHARING, now):
        return p
    return dataclasses.replace(p, emails=(), phones=(), postal_address="", notes="")
