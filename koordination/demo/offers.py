"""The demo city's engagement opportunities: a dozen invented offers of its organisations, one
of them expired and one not confirmed for longer than the review period (as of 1 Sept 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE
from koordination.domain.enums import HoursPeriod, OfferKind, OfferStatus
from koordination.domain.models import (
    ActionField,
    Affiliation,
    EngagementOffer,
    EngagementOfferTag,
    Organisation,
)

K, H = OfferKind, HoursPeriod

#: (organisation's short name, title, kind, hours, per, district, online, tags, field, text,
#: what is needed)
Offer = tuple[
    str, str, OfferKind, float | None, HoursPeriod | None, str, bool, tuple[str, ...], str, str, str
]
OFFERS: list[Offer] = [
    (
        "BV Nordstadt",
        "Helferinnen und Helfer für das Stadtteilfest",
        K.EINMALIG,
        6,
        H.INSGESAMT,
        "Nordstadt",
        False,
        ("für Jugendliche", "ohne Vorkenntnisse"),
        "Engagement in den Stadtteilen",
        "Aufbau, Getränkestand und Kinderschminken beim gemeinsamen Stadtteilfest auf dem Platz "
        "vor dem Bürgerhaus.",
        "Gute Laune und festes Schuhwerk; eine Schicht dauert drei Stunden.",
    ),
    (
        "FV Bibliothek",
        "Lesepatinnen und Lesepaten",
        K.REGELMAESSIG,
        2,
        H.WOCHE,
        "Südviertel",
        False,
        ("für Ältere", "barrierefrei"),
        "Junges Engagement",
        "Einmal in der Woche mit Grundschulkindern lesen, in der Stadtteilbücherei Süd.",
        "Freude am Vorlesen; ein erweitertes Führungszeugnis (die Kosten übernehmen wir).",
    ),
    (
        "Tafel",
        "Fahrerin oder Fahrer für die Lebensmittelabholung",
        K.REGELMAESSIG,
        4,
        H.MONAT,
        "Am Mühlbach",
        False,
        ("ohne Deutschkenntnisse möglich",),
        "",
        "Samstags mit dem Kühltransporter Spenden bei Märkten abholen.",
        "Führerschein Klasse B; Einweisung durch unser Team.",
    ),
    (
        "Jugendring",
        "Betreuung beim Ferienprogramm",
        K.KURZZEITIG,
        20,
        H.WOCHE,
        "Nordstadt",
        False,
        ("für Jugendliche",),
        "Junges Engagement",
        "Zwei Wochen in den Sommerferien Ausflüge und Spiele für 8- bis 12-Jährige begleiten.",
        "Ab 16 Jahren; eine Jugendleiter-Card ist willkommen, aber keine Bedingung.",
    ),
    (
        "NBH Süd",
        "Einkaufshilfe für Nachbarinnen und Nachbarn",
        K.REGELMAESSIG,
        1,
        H.WOCHE,
        "Südviertel",
        False,
        ("abends oder am Wochenende", "ohne Vorkenntnisse"),
        "",
        "Für ältere Menschen im Viertel den Wocheneinkauf erledigen.",
        "Zuverlässigkeit; eine Stunde in der Woche genügt.",
    ),
    (
        "Werkstatt",
        "Reparaturcafé: Tüftlerinnen gesucht",
        K.REGELMAESSIG,
        3,
        H.MONAT,
        "Nordstadt",
        False,
        ("für Ältere", "ohne Deutschkenntnisse möglich"),
        "Engagement in den Stadtteilen",
        "Am ersten Samstag im Monat gemeinsam Toaster, Räder und Radios reparieren.",
        "Handwerkliches Geschick oder Lust, es zu lernen.",
    ),
    (
        "FWZ",
        "Online-Lernpatenschaft",
        K.KURZZEITIG,
        1.5,
        H.WOCHE,
        "",
        True,
        ("ohne Vorkenntnisse", "abends oder am Wochenende"),
        "Junges Engagement",
        "Schülerinnen und Schüler per Videogespräch bei den Hausaufgaben begleiten, für ein "
        "Schulhalbjahr.",
        "Ein Rechner mit Kamera und Geduld.",
    ),
    (
        "Alte Weberei",
        "Einlass und Garderobe bei Konzerten",
        K.REGELMAESSIG,
        2,
        H.MONAT,
        "Am Mühlbach",
        False,
        ("abends oder am Wochenende", "barrierefrei"),
        "Anerkennung und Sichtbarkeit",
        "Gäste begrüßen, Karten prüfen, Garderobe betreuen.",
        "Freundlichkeit; die Konzerte besuchen Sie kostenlos.",
    ),
    (
        "Seniorenbeirat",
        "Digitale Sprechstunde für Ältere",
        K.REGELMAESSIG,
        2,
        H.WOCHE,
        "Südviertel",
        False,
        ("für Jugendliche", "barrierefrei"),
        "Engagement in den Stadtteilen",
        "Älteren Menschen Smartphone und Tablet erklären, in der Stadtbibliothek.",
        "Geduld und Erfahrung mit dem eigenen Smartphone.",
    ),
    (
        "SGW",
        "Übungsleitung Kinderturnen",
        K.REGELMAESSIG,
        3,
        H.WOCHE,
        "Nordstadt",
        False,
        ("für Familien",),
        "Junges Engagement",
        "Dienstags und donnerstags Turnstunden für Kinder von 4 bis 7 Jahren.",
        "Erfahrung im Sport; die Übungsleiter-Lizenz bezahlt der Verein.",
    ),
    (
        "Mühlbach",
        "Bachpatenschaft Mühlbach",
        K.EINMALIG,
        4,
        H.INSGESAMT,
        "Am Mühlbach",
        False,
        ("für Familien", "ohne Vorkenntnisse"),
        "Engagement in den Stadtteilen",
        "Frühjahrsputz am Bachufer: Müll sammeln und Nistkästen aufhängen.",
        "Handschuhe stellen wir; bitte wetterfeste Kleidung.",
    ),
    (
        "Bürgerstiftung",
        "Jury für den Engagementpreis",
        K.KURZZEITIG,
        10,
        H.INSGESAMT,
        "",
        False,
        (),
        "Anerkennung und Sichtbarkeit",
        "Bewerbungen für den Wiesenbrücker Engagementpreis lesen und in der Jury entscheiden.",
        "Zeit für drei Sitzungen im Herbst.",
    ),
]

#: The dated one-off offers: (title, start, end) in the city's time.
DATES = {
    "Helferinnen und Helfer für das Stadtteilfest": (
        datetime(2027, 6, 12, 10, 0, tzinfo=CITY_ZONE),
        datetime(2027, 6, 12, 18, 0, tzinfo=CITY_ZONE),
    ),
    "Bachpatenschaft Mühlbach": (
        datetime(2026, 4, 18, 9, 0, tzinfo=CITY_ZONE),
        datetime(2026, 4, 18, 13, 0, tzinfo=CITY_ZONE),
    ),
}
#: Expired: the Bachputz was in April and the offer ran out after it.
EXPIRED = "Bachpatenschaft Mühlbach"
#: Not confirmed since January 2026: on the review list, due a reminder.
UNCONFIRMED = "Einkaufshilfe für Nachbarinnen und Nachbarn"
PLACES = {
    "Nordstadt": "Bürgerhaus Nordstadt, Lindenallee 12",
    "Südviertel": "Stadtteilbücherei Süd, Am Markt 7",
    "Am Mühlbach": "Kulturforum Alte Weberei, Mühlenweg 3",
}


def build_offers(session: Session) -> None:
    orgs = {o.short_name: o for o in session.scalars(select(Organisation))}
    fields = {f.title: f.id for f in session.scalars(select(ActionField))}
    contacts: dict[int, int] = {}
    for person_id, org_id in session.execute(
        select(Affiliation.person_id, Affiliation.organisation_id)
        .where(Affiliation.valid_to.is_(None))
        .order_by(Affiliation.id)
    ):
        contacts.setdefault(org_id, person_id)
    offers = []
    for n, (
        short,
        title,
        kind,
        hours,
        per,
        district,
        online,
        tags,
        field,
        text,
        needed,
    ) in enumerate(OFFERS):
        org = orgs[short]
        starts, ends = DATES.get(title, (None, None))
        confirmed = datetime(2026, 7 + n % 2, 3 + n, 9, 0, tzinfo=UTC)
        expires = date(2027, 3 + n % 6, 28)
        if title == UNCONFIRMED:
            confirmed = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
        if title == EXPIRED:
            confirmed = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        if ends is not None:
            expires = ends.date()
        offers.append(
            EngagementOffer(
                uid=f"demo-angebot-{n + 1}@wiesenbrueck.example.org",
                organisation_id=org.id,
                title=title,
                description=text,
                needed=needed,
                kind=kind,
                hours=hours,
                hours_per=per,
                starts_at=starts,
                ends_at=ends,
                place=PLACES.get(district, ""),
                district=district,
                online=online,
                action_field_id=fields.get(field),
                # every other offer names a contact person; the rest the organisation
                contact_person_id=contacts.get(org.id) if n % 2 == 0 else None,
                status=OfferStatus.OFFEN,
                expires_on=expires,
                confirmed_at=confirmed,
                created_at=confirmed,
                updated_at=confirmed,
                tags=[EngagementOfferTag(tag=t) for t in tags],
            )
        )
    session.add_all(offers)
