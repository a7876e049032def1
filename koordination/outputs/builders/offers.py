"""The published offers as a printable Engagement-Wegweiser (a Document) and as calendar events
of the dated ones (for the feed): records in, nothing read from the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from koordination.calendar.events import Event, Place
from koordination.clock import CITY_ZONE
from koordination.domain.records.offers import OfferContact, OfferPublication, OfferRecord
from koordination.outputs.document.german import long_date
from koordination.outputs.document.model import (
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Paragraph,
    Table,
)

#: Where an offer without a Stadtteil is filed, and where the online ones are.
EVERYWHERE = "In der ganzen Stadt"
ONLINE = "Online"


def publication_letterhead(pub: OfferPublication) -> Letterhead:
    """The office's letterhead from the city profile, as every document carries it."""
    return Letterhead(
        office_name=pub.office_name,
        address=pub.office_address,
        phone=pub.office_phone,
        email=pub.office_email,
    )


def when_text(offer: OfferRecord) -> str:
    """ "Samstag, 12. Juni 2027, 10:00–18:00 Uhr", or the span of several days."""
    if offer.starts_at is None or offer.ends_at is None:
        return ""
    start = offer.starts_at.astimezone(CITY_ZONE)
    end = offer.ends_at.astimezone(CITY_ZONE)
    whole_days = start.time() == time(0) and end.time() >= time(23, 59)
    if start.date() == end.date():
        if whole_days:
            return long_date(start.date())
        return f"{long_date(start.date())}, {start:%H:%M}–{end:%H:%M} Uhr"
    return f"{start:%d.%m.%Y} bis {end:%d.%m.%Y}"


def contact_lines(contact: OfferContact) -> list[str]:
    lines = [contact.name]
    if contact.personal and contact.organisation:
        lines.append(contact.organisation)
    if contact.address and not contact.personal:
        lines.append(", ".join(p.strip() for p in contact.address.splitlines() if p.strip()))
    if contact.phone:
        lines.append(f"Telefon {contact.phone}")
    if contact.email:
        lines.append(f"E-Mail {contact.email}")
    return lines


def facts(offer: OfferRecord) -> list[tuple[str, str]]:
    """What a citizen wants to know at a glance, label by label (empty ones left out)."""
    pairs = [
        ("Anbieter", offer.organisation),
        ("Art", offer.kind.label),
        ("Zeitaufwand", offer.hours_text),
        ("Wann", when_text(offer)),
        ("Wo", offer.where),
        ("Passt für", ", ".join(offer.tags)),
        ("Thema", offer.action_field),
        ("Angebot gilt bis", f"{offer.expires_on:%d.%m.%Y}"),
    ]
    return [(label, value) for label, value in pairs if value]


def district_of(offer: OfferRecord) -> str:
    return offer.district or (ONLINE if offer.online else EVERYWHERE)


def by_district(offers: Iterable[OfferRecord]) -> dict[str, list[OfferRecord]]:
    """Offers by Stadtteil in name order; online-only ones and those without a Stadtteil last."""
    found: dict[str, list[OfferRecord]] = {}
    for offer in offers:
        found.setdefault(district_of(offer), []).append(offer)
    last = {ONLINE: 2, EVERYWHERE: 1}
    return dict(sorted(found.items(), key=lambda kv: (last.get(kv[0], 0), kv[0].casefold())))


def wegweiser(pub: OfferPublication) -> Document:
    """The printable Engagement-Wegweiser: an overview table, then every offer by Stadtteil."""
    stand = f"Stand: {pub.today:%d.%m.%Y}"
    blocks: list[object] = [
        Paragraph(
            f"Hier finden Sie Möglichkeiten, sich in {pub.city or 'unserer Stadt'} zu "
            "engagieren: einmalig, für kurze Zeit oder regelmäßig. Fragen Sie einfach bei der "
            f"genannten Stelle nach – oder bei der {pub.office_name}."
        )
    ]
    if not pub.offers:
        blocks.append(Paragraph("Zurzeit sind keine Angebote veröffentlicht."))
    else:
        blocks.append(Heading("Übersicht", 1))
        blocks.append(
            Table(
                ("Angebot", "Art", "Wo", "Anbieter"),
                tuple((o.title, o.kind.label, o.where, o.organisation) for o in pub.offers),
                (0.36, 0.16, 0.22, 0.26),
            )
        )
        for district, offers in by_district(pub.offers).items():
            blocks.append(Heading(district, 1))
            for offer in offers:
                blocks.append(Heading(offer.title, 2))
                blocks.append(KeyValue(tuple(facts(offer))))
                if offer.description.strip():
                    blocks.append(Paragraph(offer.description.strip()))
                if offer.needed.strip():
                    blocks.append(Paragraph("Was gebraucht wird: " + offer.needed.strip()))
                blocks.append(Paragraph("Kontakt: " + " · ".join(contact_lines(offer.contact))))
    return Document(
        title=f"Engagement-Wegweiser {pub.city}".strip(),
        subtitle=f"Mitwirkungsmöglichkeiten · {stand}",
        blocks=tuple(blocks),  # type: ignore[arg-type]
        letterhead=publication_letterhead(pub),
        footer=f"{pub.office_name} · {stand}",
    )


def offer_events(pub: OfferPublication) -> list[Event]:
    """The dated offers as events of the feed (same UID across publications; SEQUENCE is the
    offer's version, so an edit replaces the entry in subscribed calendars)."""
    events = []
    for offer in pub.offers:
        if offer.starts_at is None or offer.ends_at is None:
            continue
        text = [offer.description.strip(), f"Anbieter: {offer.organisation}"]
        if offer.needed.strip():
            text.append(f"Was gebraucht wird: {offer.needed.strip()}")
        text.append("Kontakt: " + ", ".join(contact_lines(offer.contact)))
        place = " ".join(offer.place.split())
        if offer.district and offer.district not in place:
            place = ", ".join(p for p in (place, offer.district) if p)
        events.append(
            Event(
                uid=offer.uid,
                sequence=offer.version,
                title=offer.title,
                start=offer.starts_at,
                end=offer.ends_at,
                description="\n\n".join(t for t in text if t),
                place=Place(address=place or ("online" if offer.online else "")),
                categories=tuple(c for c in (offer.kind.label, offer.action_field) if c),
            )
        )
    return events


def offer_feed(pub: OfferPublication) -> bytes:
    """The iCalendar feed of the dated offers, by the rules of every feed (METHOD:PUBLISH)."""
    from koordination.calendar.ics import feed

    name = f"Mitwirkungsmöglichkeiten {pub.city}".strip()
    return feed(offer_events(pub), name=name, dtstamp=pub.read_at)
