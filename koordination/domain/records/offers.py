"""Engagement opportunities (Mitwirkungsmöglichkeiten) as the services hand them out: the offer
with the contact a citizen may see, and everything a publication of the offers needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from koordination.domain.enums import HoursPeriod, OfferKind, OfferStatus, Suitability

_FIXED = {s.label: i for i, s in enumerate(Suitability)}


def effective_status(status: OfferStatus, expires_on: date, today: date) -> OfferStatus:
    """The one rule: an open offer past its expiry day is expired, whether or not anybody
    has stored that yet (`Offers.expire` does); an expired offer is never published."""
    if status == OfferStatus.OFFEN and expires_on < today:
        return OfferStatus.ABGELAUFEN
    return status


def ordered_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The fixed tags in their list's order, then the free ones alphabetically."""
    return tuple(sorted(tags, key=lambda t: (_FIXED.get(t, len(_FIXED)), t.casefold())))


def hours_text(hours: float | None, per: HoursPeriod | None) -> str:
    """ "2 Stunden pro Woche", "1,5 Stunden insgesamt", "" when none were given."""
    if hours is None:
        return ""
    amount = f"{hours:g}".replace(".", ",")
    unit = "Stunde" if hours == 1 else "Stunden"
    return " ".join(p for p in (amount, unit, per.label if per else "") if p)


@dataclass(frozen=True)
class OfferContact:
    """Whom a citizen asks: the contact person while they consent to sharing their contact
    data (and are not restricted), otherwise the organisation with its own address."""

    name: str
    organisation: str
    email: str = ""
    phone: str = ""
    address: str = ""
    #: True when a person is named (with their consent), False for the organisation.
    personal: bool = False


@dataclass(frozen=True)
class OfferRecord:
    id: int
    version: int
    uid: str
    organisation_id: int
    organisation: str
    title: str
    description: str
    needed: str
    kind: OfferKind
    hours: float | None
    hours_per: HoursPeriod | None
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    district: str
    online: bool
    tags: tuple[str, ...]
    action_field_id: int | None
    action_field: str
    contact_person_id: int | None
    #: The contact person's name for the office (shown to citizens only through ``contact``).
    contact_person: str
    contact: OfferContact
    #: As of the day it was read: an open offer past its expiry reads "abgelaufen".
    status: OfferStatus
    expires_on: date
    confirmed_at: datetime
    reminded_at: datetime | None
    reminded_for: date | None

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours, self.hours_per)

    @property
    def dated(self) -> bool:
        return self.starts_at is not None and self.ends_at is not None

    @property
    def where(self) -> str:
        """ "Bürgerhaus Nordstadt, Nordstadt", "online", "Marktplatz 3 (Südviertel) und online"."""
        place = " ".join(self.place.split())
        district = self.district.strip()
        if place and district and district not in place:
            place = f"{place} ({district})"
        place = place or district
        if self.online:
            return f"{place} und online" if place else "online"
        return place


@dataclass(frozen=True)
class ReminderPlan:
    """What `koordination angebote erinnern` sends: one message per address, listing the
    offers of that contact; and the offers that cannot be asked (no address)."""

    messages: tuple[ReminderMessage, ...]
    unreachable: tuple[tuple[OfferRecord, str], ...]


@dataclass(frozen=True)
class ReminderMessage:
    recipient_name: str
    email: str
    salutation: str
    offers: tuple[OfferRecord, ...]


@dataclass(frozen=True)
class OfferPublication:
    """Everything a publication of the offers shows, read at one moment: the office and the
    offers a citizen may see (open and not expired), in title order."""

    city: str
    office_name: str
    office_address: str
    office_phone: str
    office_email: str
    offers: tuple[OfferRecord, ...]
    read_at: datetime
    today: date
