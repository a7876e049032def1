"""The directory's shared ground: loading rows, saving them with a German conflict
message, and the records (people, organisations, memberships, the city) handed to the faces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Sector,
)
from koordination.domain.models import (
    Affiliation,
    CityProfile,
    GroupMembership,
    Organisation,
    Person,
)
from koordination.domain.phones import shown_phone
from koordination.domain.records.directory import (
    AffiliationRecord,
    CityProfileRecord,
    ConsentRecord,
    MembershipRecord,
    OrganisationRecord,
    PersonRecord,
    display_name,
    is_current,
)
from koordination.errors import ConflictError, NotFoundError
from koordination.services.directory.listing import chunks as chunks
from koordination.services.directory.listing import current_at as current_at
from koordination.services.directory.search import person_search_text

R = TypeVar("R")


def changed_labels(old: Any, new: Any, labels: dict[str, str]) -> list[str]:
    return [
        label
        for name, label in labels.items()
        if getattr(old, name, None) != getattr(new, name, None)
    ]


def conflict_error(what: str, changed: Sequence[str]) -> ConflictError:
    detail = f" Geändert wurde: {', '.join(changed)}." if changed else ""
    return ConflictError(
        f"{what} wurde inzwischen an anderer Stelle geändert.{detail} "
        "Ihre Änderungen wurden nicht gespeichert. Bitte neu laden und erneut bearbeiten."
    )


@cache
def whole_person_load() -> tuple[Any, ...]:
    """How a person's whole record is loaded. Made on first use: a loader option configures
    every mapper (~60 ms), which importing the directory need not pay (an export of everybody,
    a list) before anything asks for a whole record."""
    return (
        selectinload(Person.emails),
        selectinload(Person.phones),
        selectinload(Person.tags),
        selectinload(Person.consents),
        selectinload(Person.affiliations).selectinload(Affiliation.organisation),
        selectinload(Person.memberships).selectinload(GroupMembership.group),
        selectinload(Person.memberships).selectinload(GroupMembership.representing),
    )


class DirectoryBase:
    """What every part of the directory shares: the database, the clock, loading and
    saving with the German messages, and turning rows into records."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return self.clock.today()

    # ------------------------------------------------------------------ helpers
    def _get(self, session: Session, model: type[R], ident: int, what: str) -> R:
        obj = session.get(model, ident)
        if obj is None:
            raise NotFoundError(f"{what} Nr. {ident} wurde nicht gefunden.")
        return obj

    def _save(self, session: Session, what: str) -> None:
        try:
            session.flush()
        except StaleDataError as exc:
            raise conflict_error(what, []) from exc

    # ------------------------------------------------------------------ records
    def _person_record(self, p: Person) -> PersonRecord:
        name = display_name(p.title, p.given_name, p.family_name)
        current_sector = self._current_sector(p)
        return PersonRecord(
            id=p.id,
            version=p.version,
            salutation=p.salutation,
            title=p.title,
            given_name=p.given_name,
            family_name=p.family_name,
            emails=tuple(e.address for e in p.emails),
            phones=tuple(shown_phone(ph.number) for ph in p.phones),
            postal_address=p.postal_address,
            notes=p.notes,
            tags=tuple(t.tag for t in p.tags),
            preferred_channel=p.preferred_channel,
            archived=p.archived,
            affiliations=tuple(self._affiliation_record(a, name) for a in p.affiliations),
            memberships=tuple(
                self._membership_record(m, name, current_sector) for m in p.memberships
            ),
            consents=tuple(
                ConsentRecord(
                    id=c.id,
                    purpose=c.purpose,
                    legal_basis=c.legal_basis,
                    text_version=c.text_version,
                    given_at=c.given_at,
                    withdrawn_at=c.withdrawn_at,
                    channel=c.channel,
                    evidence=c.evidence,
                    withdrawal_channel=c.withdrawal_channel,
                )
                for c in p.consents
            ),
            art14_source=p.art14_source,
            art14_informed_at=p.art14_informed_at,
            restricted_at=p.restricted_at,
            restriction_reason=p.restriction_reason,
            archive_reason=p.archive_reason,
        )

    def _current_sector(self, p: Person) -> Sector | None:
        today = self.today()
        for a in p.affiliations:
            if is_current(a.valid_from, a.valid_to, today):
                return a.organisation.sector
        return None

    @staticmethod
    def _affiliation_record(a: Affiliation, person_name: str) -> AffiliationRecord:
        return AffiliationRecord(
            id=a.id,
            person_id=a.person_id,
            person_name=person_name,
            organisation_id=a.organisation_id,
            organisation_name=a.organisation.name,
            sector=a.organisation.sector,
            function=a.function,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
        )

    @staticmethod
    def _membership_record(
        m: GroupMembership, person_name: str, person_sector: Sector | None
    ) -> MembershipRecord:
        rep = m.representing
        return MembershipRecord(
            id=m.id,
            group_id=m.group_id,
            group_name=m.group.name,
            person_id=m.person_id,
            person_name=person_name,
            role=m.role,
            valid_from=m.valid_from,
            valid_to=m.valid_to,
            voting_right=m.voting_right,
            representing_id=m.representing_id,
            representing_name=rep.name if rep else "",
            sector=rep.sector if rep else person_sector,
        )

    @staticmethod
    def _organisation_record(o: Organisation, **extra: Any) -> OrganisationRecord:
        return OrganisationRecord(
            id=o.id,
            version=o.version,
            name=o.name,
            short_name=o.short_name,
            sector=o.sector,
            kind=o.kind,
            address=o.address,
            phone=shown_phone(o.phone),
            email=o.email,
            website=o.website,
            notes=o.notes,
            archived=o.archived,
            **extra,
        )

    @staticmethod
    def _city_record(c: CityProfile, contact: str = "") -> CityProfileRecord:
        values = {
            f.name: getattr(c, f.name) for f in fields(CityProfileRecord) if hasattr(c, f.name)
        }
        values["office_phone"] = shown_phone(c.office_phone)
        return CityProfileRecord(**values, contact_person=contact)

    @staticmethod
    def _contact_name(session: Session, person_id: int | None) -> str:
        person = session.get(Person, person_id) if person_id is not None else None
        return display_name(person.title, person.given_name, person.family_name) if person else ""

    def _load_person(self, session: Session, person_id: int) -> Person:
        person = session.scalar(
            select(Person).where(Person.id == person_id).options(*whole_person_load())
        )
        if person is None:
            raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
        return person

    def _refresh_person_search(self, person: Person) -> None:
        today = self.today()
        orgs = [
            a.organisation.name
            for a in person.affiliations
            if a.organisation is not None and is_current(a.valid_from, a.valid_to, today)
        ]
        person.search_text = person_search_text(
            person.title,
            person.given_name,
            person.family_name,
            (e.address for e in person.emails),
            orgs,
        )
