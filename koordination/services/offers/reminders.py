"""`koordination angebote erinnern`: ask the contacts of offers not confirmed for the review
period whether they are still current, by e-mail, once per period and never twice.

A period is one confirmation: an offer confirmed on 01.03.2026 and not since gets one reminder
for that confirmation, whenever and however often the command runs; confirming it starts the
next period. Before a message goes out its offers are claimed in the database (``reminded_for``
set to the confirmation's day, in one statement that only matches what nobody claimed): two
runs at once cannot both send, and a run killed between claiming and sending leaves the
reminder unsent rather than sending it twice. A refusal by the mail server gives the claim back.

Whom it asks: the offer's contact person at their first e-mail address unless their
processing is restricted (Art. 18 DSGVO), they were erased or archived; otherwise the
organisation's address. One message per address, listing all of its offers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import OfferStatus
from koordination.domain.models import CityProfile, EngagementOffer, Organisation, Person
from koordination.domain.records.offers import OfferRecord, ReminderMessage, ReminderPlan
from koordination.services.offers.records import offer_options, offer_records
from koordination.services.offers.service import REVIEW_MONTHS
from koordination.services.privacy.retention_rules import months_before, start_of

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    offers: int
    failures: tuple[str, ...]
    skipped: int = 0

    def summary(self) -> str:
        text = f"{self.sent} Erinnerung(en) zu {self.offers} Angebot(en) gesendet"
        if self.skipped:
            text += f", {self.skipped} inzwischen von anderer Stelle erinnert"
        return text + "."


def confirmation_day(confirmed_at: datetime) -> date:
    return confirmed_at.astimezone(CITY_ZONE).date()


def greeting(person: Person | None) -> str:
    """ "Guten Tag Frau Dr. Ulrich," / "Guten Tag Jona Keller," / "Guten Tag," """
    if person is None:
        return "Guten Tag,"
    if person.salutation.strip():
        name = " ".join(p for p in (person.salutation, person.title, person.family_name) if p)
    else:
        name = " ".join(p for p in (person.title, person.given_name, person.family_name) if p)
    return f"Guten Tag {name},"


class Reminders:
    """Plan and send the reminders; one transaction per claim."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def plan(self, months: int = REVIEW_MONTHS) -> ReminderPlan:
        """Who gets a reminder now, and which due offers have no address to ask."""
        today = self.clock.today()
        cutoff = start_of(months_before(today, months))
        with self.db.session() as session:
            offers = list(
                session.scalars(
                    select(EngagementOffer)
                    .where(
                        EngagementOffer.status == OfferStatus.OFFEN,
                        EngagementOffer.expires_on >= today,
                        EngagementOffer.confirmed_at < cutoff,
                    )
                    .order_by(EngagementOffer.title, EngagementOffer.id)
                    .options(*offer_options())
                )
            )
            offers = [o for o in offers if o.reminded_for != confirmation_day(o.confirmed_at)]
            records = {r.id: r for r in offer_records(session, offers, self.clock.now(), today)}
            people = {
                p.id: p
                for p in session.scalars(
                    select(Person)
                    .where(Person.id.in_({o.contact_person_id for o in offers}))
                    .options(selectinload(Person.emails))
                )
            }
            orgs = {
                o.id: o
                for o in session.scalars(
                    select(Organisation).where(
                        Organisation.id.in_({o.organisation_id for o in offers})
                    )
                )
            }
            grouped: dict[str, tuple[str, str, str, list[OfferRecord]]] = {}
            unreachable: list[tuple[OfferRecord, str]] = []
            for offer in offers:
                record = records[offer.id]
                person = people.get(offer.contact_person_id or 0)
                usable = (
                    person is not None
                    and person.erased_at is None
                    and person.restricted_at is None
                    and not person.archived
                    and bool(person.emails)
                )
                if person is not None and usable:
                    name = record.contact_person
                    email, hello = person.emails[0].address, greeting(person)
                else:
                    org = orgs[offer.organisation_id]
                    name, email, hello = org.name, org.email.strip(), greeting(None)
                if not email:
                    unreachable.append(
                        (record, "keine E-Mail-Adresse (weder Kontaktperson noch Organisation)")
                    )
                    continue
                key = email.lower()
                grouped.setdefault(key, (name, email, hello, []))[3].append(record)
        messages = tuple(
            ReminderMessage(name, email, hello, tuple(found))
            for name, email, hello, found in grouped.values()
        )
        return ReminderPlan(messages, tuple(unreachable))

    def office(self) -> tuple[str, str]:
        """The office's name and contact lines for the signature."""
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            if city is None:
                return "Ihre Koordinierungsstelle", ""
            lines = [city.office_address.replace("\n", ", ")]
            if city.office_phone:
                lines.append(f"Tel. {city.office_phone}")
            if city.office_email:
                lines.append(city.office_email)
            name = city.office_name or f"Koordinierungsstelle {city.name}"
            return name, " · ".join(p for p in lines if p.strip())

    def send(
        self,
        settings: object,
        plan: ReminderPlan,
        progress: Progress | None = None,
    ) -> ReminderResult:
        """Send every message of ``plan`` through the office's SMTP server (``[smtp]``)."""
        from koordination.delivery.mail import send_all
        from koordination.delivery.settings import SmtpSettings

        assert isinstance(settings, SmtpSettings)
        office, contact = self.office()
        sent = offers = skipped = 0
        failures: list[str] = []
        total = len(plan.messages)
        for done, planned in enumerate(plan.messages, start=1):
            claimed = self._claim(planned.offers)
            if not claimed:
                skipped += 1
            else:
                message = reminder_mail(settings, planned, office, contact, self.clock.now())
                report = send_all(settings, [message])
                if report.delivered:
                    sent += 1
                    offers += len(claimed)
                else:
                    self._release(claimed)
                    failures += [str(f) for f in report.failures]
            if progress is not None:
                progress(done, total)
        return ReminderResult(sent, offers, tuple(failures), skipped)

    def _claim(self, offers: tuple[OfferRecord, ...]) -> list[OfferRecord]:
        """Mark the offers as reminded for their current confirmation, each only if nobody
        did (or confirmed it) since the plan was made; returns what was claimed."""
        claimed: list[OfferRecord] = []
        now = self.clock.now()
        with self.db.session() as session:
            for record in offers:
                day = confirmation_day(record.confirmed_at)
                result = session.execute(
                    update(EngagementOffer)
                    .where(
                        and_(
                            EngagementOffer.id == record.id,
                            EngagementOffer.confirmed_at == record.confirmed_at,
                            or_(
                                EngagementOffer.reminded_for.is_(None),
                                EngagementOffer.reminded_for != day,
                            ),
                        )
                    )
                    .values(reminded_for=day, reminded_at=now)
                    .execution_options(synchronize_session=False)
                )
                if getattr(result, "rowcount", 0):
                    claimed.append(record)
        return claimed

    def _release(self, claimed: list[OfferRecord]) -> None:
        """The message did not go out: the offers are due again as they were."""
        with self.db.session() as session:
            for record in claimed:
                session.execute(
                    update(EngagementOffer)
                    .where(EngagementOffer.id == record.id)
                    .values(reminded_for=record.reminded_for, reminded_at=record.reminded_at)
                    .execution_options(synchronize_session=False)
                )


def reminder_subject(planned: ReminderMessage) -> str:
    if len(planned.offers) == 1:
        return f"Ist Ihr Engagement-Angebot „{planned.offers[0].title}“ noch aktuell?"
    return f"Sind Ihre {len(planned.offers)} Engagement-Angebote noch aktuell?"


def reminder_text(planned: ReminderMessage, office: str, contact: str) -> str:
    """The German body: the offers with their last confirmation and expiry, what to answer."""
    one = len(planned.offers) == 1
    lines = [
        planned.salutation,
        "",
        f"die {office} veröffentlicht "
        + ("Ihr Angebot" if one else "Ihre Angebote")
        + " in der Übersicht der Mitwirkungsmöglichkeiten:",
        "",
    ]
    for offer in planned.offers:
        lines.append(f"  „{offer.title}“ (Nr. {offer.id}, {offer.organisation})")
        lines.append(
            f"  zuletzt bestätigt am {offer.confirmed_at.astimezone(CITY_ZONE):%d.%m.%Y}, "
            f"veröffentlicht bis {offer.expires_on:%d.%m.%Y}"
        )
        lines.append("")
    lines += [
        ("Ist es" if one else "Sind sie") + " noch aktuell? Bitte antworten Sie kurz auf "
        "diese E-Mail:",
        "- „aktuell“, wenn alles so bleiben kann,",
        "- was sich geändert hat, oder",
        "- „besetzt“, wenn niemand mehr gebraucht wird.",
        "",
        "Ohne Antwort "
        + ("erscheint das Angebot" if one else "erscheinen die Angebote")
        + " bis zum Ablaufdatum und danach nicht mehr.",
        "",
        "Mit freundlichen Grüßen",
        office,
    ]
    if contact:
        lines.append(contact)
    return "\n".join(lines) + "\n"


def reminder_mail(
    settings: object, planned: ReminderMessage, office: str, contact: str, now: datetime
) -> EmailMessage:
    from koordination.delivery.settings import SmtpSettings
    from koordination.delivery.text_mail import text_mail

    assert isinstance(settings, SmtpSettings)
    return text_mail(
        sender_name=settings.from_name or office,
        sender_email=settings.from_email,
        recipient_name=planned.recipient_name,
        recipient_email=planned.email,
        subject=reminder_subject(planned),
        body=reminder_text(planned, office, contact),
        date=now,
    )
