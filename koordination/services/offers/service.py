"""The Offers service: adding, editing, confirming and closing engagement opportunities, the
lists with their filters, the review list, expiry, and what a publication shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import OfferKind, OfferStatus
from koordination.domain.inputs.offers import (
    OfferInput,
    expiry_problem,
    last_day,
    past_date_problem,
    tag_of,
)
from koordination.domain.models import (
    ActionField,
    CityProfile,
    EngagementOffer,
    EngagementOfferTag,
    Organisation,
    Person,
)
from koordination.domain.records.offers import OfferPublication, OfferRecord
from koordination.errors import ConflictError, FieldError, KoordinationError, ValidationError
from koordination.services.offers.records import load_offer, offer_options, offer_records
from koordination.services.privacy.retention_rules import months_before, start_of

#: Offers not confirmed for this many months are on the review list (and get a reminder).
REVIEW_MONTHS = 6


@dataclass(frozen=True)
class OfferFilter:
    """What a list shows: ``open_only`` leaves out filled and expired offers; ``district``,
    ``kind``, ``tag`` and ``action_field_id`` narrow it; ``search`` looks in title and text."""

    open_only: bool = False
    district: str = ""
    kind: OfferKind | None = None
    tag: str = ""
    action_field_id: int | None = None
    organisation_id: int | None = None
    search: str = ""


class Offers:
    """Use cases of engagement opportunities; one transaction per call."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    # ------------------------------------------------------------------ reading
    def get(self, offer_id: int) -> OfferRecord:
        with self.db.session() as session:
            offer = load_offer(session, offer_id)
            return offer_records(session, [offer], self.clock.now(), self.clock.today())[0]

    def find(self, f: OfferFilter | None = None) -> list[OfferRecord]:
        """The offers ``f`` selects, by title."""
        f = f or OfferFilter()
        with self.db.session() as session:
            query = self._filtered(f).order_by(EngagementOffer.title, EngagementOffer.id)
            offers = list(session.scalars(query.options(*offer_options())))
            return offer_records(session, offers, self.clock.now(), self.clock.today())

    def _filtered(self, f: OfferFilter) -> Select[EngagementOffer]:
        query = select(EngagementOffer)
        if f.open_only:
            query = query.where(
                EngagementOffer.status == OfferStatus.OFFEN,
                EngagementOffer.expires_on >= self.clock.today(),
            )
        if f.district.strip():
            query = query.where(EngagementOffer.district == " ".join(f.district.split()))
        if f.kind is not None:
            query = query.where(EngagementOffer.kind == f.kind)
        if f.tag.strip():
            query = query.where(EngagementOffer.tags.any(EngagementOfferTag.tag == tag_of(f.tag)))
        if f.action_field_id is not None:
            query = query.where(EngagementOffer.action_field_id == f.action_field_id)
        if f.organisation_id is not None:
            query = query.where(EngagementOffer.organisation_id == f.organisation_id)
        if term := f.search.strip():
            like = f"%{term.replace('%', '').replace('_', '')}%"
            query = query.where(
                or_(EngagementOffer.title.ilike(like), EngagementOffer.description.ilike(like))
            )
        return query

    def districts(self) -> list[str]:
        """Every Stadtteil an offer names, in order (for filters and suggestions)."""
        with self.db.session() as session:
            names = session.scalars(
                select(EngagementOffer.district).where(EngagementOffer.district != "").distinct()
            )
            return sorted(names, key=str.casefold)

    def review(self, months: int = REVIEW_MONTHS) -> list[OfferRecord]:
        """Open offers (not expired) not confirmed for ``months`` months, longest first."""
        if months < 1:
            raise ValidationError([FieldError("Monate", "mindestens 1.")])
        today = self.clock.today()
        cutoff = start_of(months_before(today, months))
        with self.db.session() as session:
            offers = list(
                session.scalars(
                    self._filtered(OfferFilter(open_only=True))
                    .where(EngagementOffer.confirmed_at < cutoff)
                    .order_by(EngagementOffer.confirmed_at, EngagementOffer.id)
                    .options(*offer_options())
                )
            )
            return offer_records(session, offers, self.clock.now(), today)

    def publication(self) -> OfferPublication:
        """What citizens may see, read at one moment: open offers not past their expiry."""
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            offers = list(
                session.scalars(
                    self._filtered(OfferFilter(open_only=True))
                    .join(Organisation, Organisation.id == EngagementOffer.organisation_id)
                    .where(Organisation.archived.is_(False))
                    .order_by(EngagementOffer.title, EngagementOffer.id)
                    .options(*offer_options())
                )
            )
            now, today = self.clock.now(), self.clock.today()
            records = offer_records(session, offers, now, today)
        name = city.name if city else ""
        return OfferPublication(
            city=name,
            office_name=(city.office_name if city else "")
            or f"Koordinierungsstelle {name}".strip(),
            office_address=city.office_address if city else "",
            office_phone=city.office_phone if city else "",
            office_email=city.office_email if city else "",
            offers=tuple(records),
            read_at=now,
            today=today,
        )

    # ------------------------------------------------------------------ writing
    def add(self, data: OfferInput) -> OfferRecord:
        """A new offer, confirmed today; returns it as stored."""
        with self.db.session() as session:
            self._check(session, data)
            now = self.clock.now()
            offer = EngagementOffer(
                uid=f"angebot-{uuid.uuid4()}@koordination.local",
                confirmed_at=now,
                status=OfferStatus.OFFEN,
            )
            self._apply(session, offer, data)
            session.add(offer)
            session.flush()
            offer_id = offer.id
        return self.get(offer_id)

    def update(self, original: OfferRecord, data: OfferInput) -> OfferRecord:
        """Save ``data`` over the offer unless it changed since ``original`` was read. Editing
        is no confirmation: only `confirm` says the offer is still current."""
        with self.db.session() as session:
            offer = load_offer(session, original.id)
            if offer.version != original.version:
                raise _stale(offer.title)
            self._check(session, data)
            self._apply(session, offer, data)
        return self.get(original.id)

    def confirm(self, offer_id: int, expires_on: date | None = None) -> OfferRecord:
        """The organisation says the offer is still current: confirmed now, open again; an
        offer past its expiry needs a new expiry day."""
        today = self.clock.today()
        with self.db.session() as session:
            offer = load_offer(session, offer_id)
            if offer.ends_at is not None and (problem := past_date_problem(offer.ends_at, today)):
                raise KoordinationError(
                    f"„{offer.title}“ (Nr. {offer_id}) lässt sich so nicht bestätigen: {problem} "
                    f"(`koordination angebote edit {offer_id} --beginn … --ende … --bis …`)."
                )
            if expires_on is not None:
                _future(expires_on, today, last_day(offer.ends_at))
                offer.expires_on = expires_on
            elif offer.expires_on < today:
                raise KoordinationError(
                    f"Das Angebot Nr. {offer_id} ist am {offer.expires_on:%d.%m.%Y} abgelaufen. "
                    "Zum Bestätigen bitte ein neues Ablaufdatum angeben "
                    f"(`koordination angebote confirm {offer_id} --bis TT.MM.JJJJ`)."
                )
            offer.confirmed_at = self.clock.now()
            offer.status = OfferStatus.OFFEN
        return self.get(offer_id)

    def close(self, offer_id: int) -> OfferRecord:
        """The offer is filled (besetzt): it leaves everything published."""
        with self.db.session() as session:
            offer = load_offer(session, offer_id)
            if offer.status == OfferStatus.BESETZT:
                raise KoordinationError(f"Das Angebot Nr. {offer_id} ist schon besetzt.")
            offer.status = OfferStatus.BESETZT
        return self.get(offer_id)

    def expire(self) -> int:
        """Store "abgelaufen" for every open offer past its expiry day; returns how many."""
        with self.db.session() as session:
            result = session.execute(
                update(EngagementOffer)
                .where(
                    and_(
                        EngagementOffer.status == OfferStatus.OFFEN,
                        EngagementOffer.expires_on < self.clock.today(),
                    )
                )
                .values(status=OfferStatus.ABGELAUFEN)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def delete(self, offer_id: int) -> None:
        with self.db.session() as session:
            session.delete(load_offer(session, offer_id))

    # ------------------------------------------------------------------ checks
    def _check(self, session: Session, data: OfferInput) -> None:
        problems: list[FieldError] = []
        org = session.get(Organisation, data.organisation_id)
        if org is None:
            problems.append(
                FieldError("Organisation", f"Nr. {data.organisation_id} gibt es nicht.")
            )
        elif org.archived:
            problems.append(FieldError("Organisation", f"„{org.name}“ ist archiviert."))
        if data.action_field_id is not None:
            field = session.get(ActionField, data.action_field_id)
            if field is None:
                problems.append(
                    FieldError("Handlungsfeld", f"Nr. {data.action_field_id} gibt es nicht.")
                )
        if data.contact_person_id is not None:
            person = session.get(Person, data.contact_person_id)
            if person is None or person.erased_at is not None:
                problems.append(
                    FieldError("Kontaktperson", f"Nr. {data.contact_person_id} gibt es nicht.")
                )
            elif person.restricted_at is not None:
                problems.append(
                    FieldError(
                        "Kontaktperson",
                        f"Die Verarbeitung von Nr. {person.id} ist eingeschränkt (Art. 18 "
                        "DSGVO); bitte eine andere Person oder keine angeben.",
                    )
                )
        today = self.clock.today()
        if data.expires_on is not None:
            try:
                _future(data.expires_on, today, last_day(data.ends_at))
            except ValidationError as exc:
                problems += exc.errors
        if data.ends_at is not None and (problem := past_date_problem(data.ends_at, today)):
            problems.append(FieldError("Ende", problem))
        if problems:
            raise ValidationError(problems)

    def _apply(self, session: Session, offer: EngagementOffer, data: OfferInput) -> None:
        offer.organisation_id = data.organisation_id
        offer.title = data.title
        offer.description = data.description
        offer.needed = data.needed
        offer.kind = data.kind
        offer.hours = data.hours
        offer.hours_per = data.hours_per
        offer.starts_at = data.starts_at
        offer.ends_at = data.ends_at
        offer.place = data.place
        offer.district = data.district
        offer.online = data.online
        offer.action_field_id = data.action_field_id
        offer.contact_person_id = data.contact_person_id
        offer.expires_on = data.expires_on or self._default_expiry(data)
        if offer.status == OfferStatus.ABGELAUFEN and offer.expires_on >= self.clock.today():
            offer.status = OfferStatus.OFFEN
        wanted = list(dict.fromkeys(data.tags))
        kept = {t.tag: t for t in offer.tags}
        offer.tags = [kept.get(tag) or EngagementOfferTag(tag=tag) for tag in wanted]

    def _default_expiry(self, data: OfferInput) -> date:
        """A dated offer expires after its last day; any other after the review period."""
        if data.ends_at is not None:
            return data.ends_at.astimezone(CITY_ZONE).date()
        return months_before(self.clock.today(), -REVIEW_MONTHS)


def _future(day: date, today: date, end: date | None = None) -> None:
    if (problem := expiry_problem(day, today, end)) is not None:
        raise ValidationError([FieldError("Ablaufdatum", problem)])


def _stale(title: str) -> ConflictError:
    return ConflictError(
        f"Das Angebot „{title}“ wurde inzwischen an anderer Stelle geändert. Ihre Änderungen "
        "wurden nicht gespeichert. Bitte neu laden und erneut bearbeiten."
    )
