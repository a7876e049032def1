"""Loading offers and turning them into records: the contact a citizen may see (one rule),
the effective status as of a day, and the German messages of the offers service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from koordination.domain.models import ActionField, EngagementOffer, Organisation, Person
from koordination.domain.records.directory import display_name
from koordination.domain.records.offers import (
    OfferContact,
    OfferRecord,
    effective_status,
    ordered_tags,
)
from koordination.errors import NotFoundError
from koordination.services.consent import SHARING, has_current_consent


def offer_options() -> tuple[ORMOption, ...]:
    return (selectinload(EngagementOffer.tags),)


def load_offer(session: Session, offer_id: int) -> EngagementOffer:
    offer = session.get(EngagementOffer, offer_id, options=offer_options())
    if offer is None:
        raise NotFoundError(
            f"Das Angebot Nr. {offer_id} gibt es nicht. `koordination angebote list` zeigt alle."
        )
    return offer


def shows_person(person: Person | None, now: datetime) -> bool:
    """Whether citizens may see ``person`` as an offer's contact: only with a current consent
    "Kontaktdaten im Netzwerk teilen", never while restricted (Art. 18), erased or archived."""
    return (
        person is not None
        and person.erased_at is None
        and person.restricted_at is None
        and not person.archived
        and has_current_consent(person.consents, SHARING, now)
    )


def contact_of(organisation: Organisation, person: Person | None, now: datetime) -> OfferContact:
    """The one rule for the contact a published offer names."""
    if person is not None and shows_person(person, now):
        return OfferContact(
            name=display_name(person.title, person.given_name, person.family_name),
            organisation=organisation.name,
            email=person.emails[0].address if person.emails else "",
            phone=person.phones[0].number if person.phones else "",
            personal=True,
        )
    return OfferContact(
        name=organisation.name,
        organisation=organisation.name,
        email=organisation.email,
        phone=organisation.phone,
        address=organisation.address,
    )


class Related:
    """The organisations, action fields and contact people of some offers, read at once."""

    def __init__(self, session: Session, offers: Sequence[EngagementOffer]) -> None:
        org_ids = {o.organisation_id for o in offers}
        field_ids = {o.action_field_id for o in offers if o.action_field_id}
        person_ids = {o.contact_person_id for o in offers if o.contact_person_id}
        self.organisations = {
            o.id: o
            for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
        }
        self.fields = {
            f.id: f.title
            for f in session.scalars(select(ActionField).where(ActionField.id.in_(field_ids)))
        }
        self.people = {
            p.id: p
            for p in session.scalars(
                select(Person)
                .where(Person.id.in_(person_ids))
                .options(
                    selectinload(Person.emails),
                    selectinload(Person.phones),
                    selectinload(Person.consents),
                )
            )
        }


def offer_record(
    offer: EngagementOffer, related: Related, now: datetime, today: date
) -> OfferRecord:
    organisation = related.organisations[offer.organisation_id]
    person = related.people.get(offer.contact_person_id or 0)
    return OfferRecord(
        id=offer.id,
        version=offer.version,
        uid=offer.uid,
        organisation_id=offer.organisation_id,
        organisation=organisation.name,
        title=offer.title,
        description=offer.description,
        needed=offer.needed,
        kind=offer.kind,
        hours=offer.hours,
        hours_per=offer.hours_per,
        starts_at=offer.starts_at,
        ends_at=offer.ends_at,
        place=offer.place,
        district=offer.district,
        online=offer.online,
        tags=ordered_tags([t.tag for t in offer.tags]),
        action_field_id=offer.action_field_id,
        action_field=related.fields.get(offer.action_field_id or 0, ""),
        contact_person_id=offer.contact_person_id,
        contact_person=(
            display_name(person.title, person.given_name, person.family_name) if person else ""
        ),
        contact=contact_of(organisation, person, now),
        status=effective_status(offer.status, offer.expires_on, today),
        expires_on=offer.expires_on,
        confirmed_at=offer.confirmed_at,
        reminded_at=offer.reminded_at,
        reminded_for=offer.reminded_for,
    )


def offer_records(
    session: Session, offers: Sequence[EngagementOffer], now: datetime, today: date
) -> list[OfferRecord]:
    related = Related(session, offers)
    return [offer_record(o, related, now, today) for o in offers]
