"""The demo city Wiesenbrück: invented, deterministic data to try koordination without typing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.demo import consents as demo_consents
from koordination.demo import trail
from koordination.demo.fields import build_fields
from koordination.demo.offers import build_offers
from koordination.demo.surveys import build_surveys
from koordination.domain.enums import (
    AttendanceStatus,
    Bundesland,
    CardKind,
    Channel,
    ConsentPurpose,
    DecisionResult,
    GroupKind,
    GroupRole,
    LegalBasis,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    OrganisationKind,
    ResponseStatus,
    Sector,
    fold,
)
from koordination.domain.models import (
    Affiliation,
    Base,
    CityProfile,
    Consent,
    Decision,
    Group,
    GroupMembership,
    Invitation,
    Meeting,
    MeetingOverride,
    MinutesVersion,
    Organisation,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    Response,
    Sitting,
    Task,
    WorkshopCard,
)
from koordination.errors import KoordinationError
from koordination.services.directory.search import (
    email_key,
    organisation_search_text,
    person_search_text,
    person_sort_key,
)

CITY = "Wiesenbrück"
SEED = 2020
Z, V, W, S, P = (
    Sector.ZIVILGESELLSCHAFT,
    Sector.VERWALTUNG,
    Sector.WIRTSCHAFT,
    Sector.WISSENSCHAFT,
    Sector.POLITIK,
)
K = OrganisationKind

# Name, short name, sector, kind: all invented. E-mail domains are reserved example domains.
ORGANISATIONS: list[tuple[str, str, Sector, OrganisationKind]] = [
    ("Freiwilligenzentrum Wiesenbrück e.V.", "FWZ", Z, K.FREIWILLIGENAGENTUR),
    ("Bürgerverein Nordstadt e.V.", "BV Nordstadt", Z, K.VEREIN),
    ("Stadtteilverein Am Mühlbach e.V.", "Mühlbach", Z, K.VEREIN),
    ("Sportgemeinschaft Wiesenbrück 1894 e.V.", "SGW", Z, K.VEREIN),
    ("Tafel Wiesenbrück e.V.", "Tafel", Z, K.VEREIN),
    ("Jugendring Wiesenbrück", "Jugendring", Z, K.VEREIN),
    ("Seniorenbeirat Wiesenbrück", "Seniorenbeirat", Z, K.INITIATIVE),
    ("Initiative Offene Werkstatt", "Werkstatt", Z, K.INITIATIVE),
    ("Nachbarschaftshilfe Südviertel", "NBH Süd", Z, K.INITIATIVE),
    ("Kulturforum Alte Weberei e.V.", "Alte Weberei", Z, K.VEREIN),
    ("Förderverein Stadtbibliothek e.V.", "FV Bibliothek", Z, K.VEREIN),
    ("Bürgerstiftung Wiesenbrück", "Bürgerstiftung", Z, K.STIFTUNG),
    ("Stadt Wiesenbrück – Amt für Soziales und Ehrenamt", "Sozialamt", V, K.KOMMUNALVERWALTUNG),
    ("Stadt Wiesenbrück – Jugendamt", "Jugendamt", V, K.KOMMUNALVERWALTUNG),
    (
        "Stadt Wiesenbrück – Stabsstelle Bürgerbeteiligung",
        "Bürgerbeteiligung",
        V,
        K.KOMMUNALVERWALTUNG,
    ),
    ("Landkreis Auental – Fachdienst Integration", "Kreis Integration", V, K.KOMMUNALVERWALTUNG),
    ("Stadtwerke Wiesenbrück GmbH", "Stadtwerke", W, K.UNTERNEHMEN),
    ("Sparkasse Auental", "Sparkasse", W, K.UNTERNEHMEN),
    ("Druckerei Kessler & Söhne", "Druckerei Kessler", W, K.UNTERNEHMEN),
    ("Gewerbeverein Wiesenbrück e.V.", "Gewerbeverein", W, K.VEREIN),
    ("Wohnbau Wiesenbrück eG", "Wohnbau", W, K.UNTERNEHMEN),
    ("Hochschule Auental – Fachbereich Soziale Arbeit", "HS Auental", S, K.HOCHSCHULE),
    ("Volkshochschule Wiesenbrück", "VHS", S, K.SONSTIGE),
    ("Stadtverordnetenversammlung Wiesenbrück", "StVV", P, K.SONSTIGE),
    ("Ortsbeirat Nordstadt", "Ortsbeirat Nord", P, K.SONSTIGE),
]

# Given names with the form of address a person of that name would typically choose.
GIVEN = [
    *(
        ("Frau", n)
        for n in (
            "Anna",
            "Sabine",
            "Leonie",
            "Claudia",
            "Julia",
            "Petra",
            "Katrin",
            "Fatma",
            "Elena",
            "Hannah",
            "Monika",
            "Birgit",
            "Sophie",
            "Renate",
            "Aylin",
            "Ingrid",
            "Miriam",
            "Gisela",
        )
    ),
    *(
        ("Herr", n)
        for n in (
            "Jonas",
            "Thomas",
            "Markus",
            "Stefan",
            "Michael",
            "Andreas",
            "Jürgen",
            "Mehmet",
            "Dmitri",
            "Lukas",
            "Uwe",
            "Tobias",
            "Felix",
            "Klaus",
            "Niklas",
            "Bernd",
            "Oliver",
            "Yusuf",
        )
    ),
]
FAMILY = [
    "Albrecht",
    "Becker",
    "Brandt",
    "Dietrich",
    "Engel",
    "Falk",
    "Grünewald",
    "Hartmann",
    "Jäger",
    "Kaiser",
    "Krüger",
    "Lindner",
    "Möller",
    "Neumann",
    "Otto",
    "Pohl",
    "Röder",
    "Seidel",
    "Schäfer",
    "Thiel",
    "Ulrich",
    "Vogt",
    "Weiß",
    "Zimmer",
    "Yilmaz",
    "Kowalski",
    "Öztürk",
    "Berger",
    "Haas",
    "Kühn",
    "Sommer",
    "Winter",
    "Lorenz",
    "Peters",
    "Fuchs",
]
FUNCTIONS = {
    Z: ["Vorsitz", "Ehrenamtliche Mitarbeit", "Geschäftsführung", "Projektleitung", "Mitglied"],
    V: ["Sachbearbeitung", "Amtsleitung", "Ehrenamtskoordination", "Referentin/Referent"],
    W: ["Personalabteilung", "Geschäftsführung", "Corporate Volunteering", "Marketing"],
    S: ["Professur", "Wissenschaftliche Mitarbeit", "Programmbereichsleitung"],
    P: ["Stadtverordnete/r", "Ortsvorsteher/in", "Fraktionsvorsitz"],
}
TAGS = ["Ehrenamtskarte", "Presse", "Mentoring", "Fördermittel", "Sprachcafé", "Fotos ok"]

GROUPS: list[tuple[GroupKind, str, str]] = [
    (
        GroupKind.KONSORTIUM,
        "Konsortium Engagierte Stadt Wiesenbrück",
        "Steuerungsgruppe aus Zivilgesellschaft, Verwaltung, Wirtschaft, Wissenschaft und "
        "Politik; trifft sich alle zwei Monate.",
    ),
    (
        GroupKind.ARBEITSKREIS,
        "AK Stadtteilarbeit",
        "Vernetzung der Stadtteilakteure in Nordstadt, Südviertel und Am Mühlbach; monatlich.",
    ),
    (
        GroupKind.ARBEITSKREIS,
        "AK Junges Engagement",
        "Engagement von Jugendlichen und jungen Erwachsenen sichtbar machen und stärken.",
    ),
    (
        GroupKind.ARBEITSKREIS,
        "AK Anerkennungskultur",
        "Ehrenamtskarte, Dankeschön-Abend und Ehrungen gemeinsam planen.",
    ),
    (
        GroupKind.PROJEKTGRUPPE,
        "Projektgruppe Digitales Engagement",
        "Digitale Werkzeuge für Vereine: Schulungen, Plattform, Sprechstunde.",
    ),
]


def _city() -> CityProfile:
    return CityProfile(
        name=CITY,
        bundesland=Bundesland.HE,
        inhabitants=45_180,
        network_since=2020,
        tandem_partner="Eichenhain",
        portrait=(
            "Wiesenbrück ist eine Mittelstadt im Auental mit lebendigen Stadtteilen und rund "
            "180 Vereinen. Seit 2020 arbeiten Zivilgesellschaft, Stadtverwaltung, Wirtschaft, "
            "Hochschule und Politik in der Engagierten Stadt zusammen."
        ),
        focus=(
            "Aufbau eines Netzwerks der Stadtteilakteure; junge Menschen für Engagement "
            "gewinnen; eine gemeinsame Anerkennungskultur."
        ),
        vision=(
            "Bis 2028 hat jeder Stadtteil einen Treffpunkt für Engagement, und jede "
            "Engagierte findet in Wiesenbrück eine Anlaufstelle."
        ),
        achievements=(
            "Ehrenamtskarte eingeführt (2022); jährlicher Engagementtag auf dem Marktplatz; "
            "Sprechstunde Digitales Engagement in der Stadtbibliothek."
        ),
        resources="Räume in der Alten Weberei; Beratung durch das Freiwilligenzentrum.",
        hashtags="#Vielfalt #Nachbarschaft #MitmachenInWiesenbrück",
        office_name="Koordinierungsstelle Engagierte Stadt Wiesenbrück",
        office_address="Marktplatz 3\n35999 Wiesenbrück",
        office_phone="0123 4567-100",
        office_email="engagiert@wiesenbrueck.example.org",
    )


def is_empty(session: Session) -> bool:
    """No table holds a row: one statement, not one per table."""
    tables = Base.metadata.sorted_tables
    return not session.scalar(select(or_(*(exists().select_from(t) for t in tables))))


def build_demo(
    db: Database, *, force: bool = False, progress: Callable[[str], None] | None = None
) -> None:
    """Fill ``db`` with the demo city in one transaction; refuses a non-empty database."""
    rng = random.Random(SEED)
    say = progress or (lambda _msg: None)
    with db.session() as session:
        trail.switch_off(session)
        if not is_empty(session):
            if not force:
                raise KoordinationError(
                    f"Die Datenbank {db.display_name} enthält schon Daten. Die Demo-Stadt wird "
                    "nur in eine leere Datenbank geschrieben; mit --force werden die "
                    "vorhandenen Daten ersetzt."
                )
            for table in reversed(Base.metadata.sorted_tables):
                session.execute(delete(table))
        now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
        session.add(_city())
        say("Organisationen …")
        orgs: list[Organisation] = []
        for i, (name, short, sector, kind) in enumerate(ORGANISATIONS, start=1):
            slug = fold(short)[:20]
            org = Organisation(
                name=name,
                name_key=fold(name),
                short_name=short,
                sector=sector,
                kind=kind,
                address=f"{['Hauptstraße', 'Lindenallee', 'Am Markt', 'Bahnhofstraße'][i % 4]} "
                f"{i + 2}\n35999 Wiesenbrück",
                phone=f"0123 4567-{200 + i}",
                email=f"info@{slug}.example.org",
                website=f"https://www.{slug}.example.org",
                notes="",
                search_text=organisation_search_text(name, short, f"info@{slug}.example.org"),
            )
            orgs.append(org)
        session.add_all(orgs)

        say("Personen …")
        texts = demo_consents.catalogue(session)
        people: list[tuple[Person, Organisation]] = []
        used: set[tuple[str, str]] = set()
        for n in range(120):
            while True:
                (form, given), family = rng.choice(GIVEN), rng.choice(FAMILY)
                if (given, family) not in used:
                    used.add((given, family))
                    break
            # Civil society is the largest part of every network; weight it accordingly.
            org = orgs[rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] * 3 + list(range(12, 25)))]
            title = "Dr." if rng.random() < 0.06 else ""
            salutation = form if n % 9 else ""  # not everybody states a form of address
            address = f"{fold(given)}.{fold(family)}@example.{'org' if n % 3 else 'net'}"
            emails = [address] if n % 17 else []  # a few people have no e-mail at all
            channel = Channel.EMAIL if emails else Channel.POST
            person = Person(
                salutation=salutation,
                title=title,
                given_name=given,
                family_name=family,
                postal_address=f"Lindenallee {n + 1}\n35999 Wiesenbrück" if not emails else "",
                notes="",
                preferred_channel=channel,
                archived=n in (7, 58),
                sort_key=person_sort_key(family, given),
                search_text=person_search_text(title, given, family, emails, [org.name]),
                emails=[
                    PersonEmail(address=a, address_key=email_key(a), position=i)
                    for i, a in enumerate(emails)
                ],
                phones=[PersonPhone(number=f"0123 4567-{1000 + n}", position=0)] if n % 4 else [],
                tags=[PersonTag(tag=t) for t in sorted(rng.sample(TAGS, rng.choice([0, 0, 1, 2])))],
            )
            start = date(rng.choice([2015, 2018, 2020, 2022, 2024]), rng.randint(1, 12), 1)
            person.affiliations.append(
                Affiliation(
                    organisation=org,
                    function=rng.choice(FUNCTIONS[org.sector]),
                    valid_from=start,
                )
            )
            if n % 23 == 0:  # history: an earlier organisation, ended
                earlier = orgs[(orgs.index(org) + 3) % len(orgs)]
                person.affiliations.append(
                    Affiliation(
                        organisation=earlier,
                        function="Mitglied",
                        valid_from=date(2016, 3, 1),
                        valid_to=date(2019, 12, 31),
                    )
                )
            given_at = datetime(2024, rng.randint(1, 12), rng.randint(1, 28), 10, 0, tzinfo=UTC)
            if n % 11:  # most consented to invitations; a few never did
                consent = Consent(
                    purpose=ConsentPurpose.EINLADUNGEN,
                    legal_basis=LegalBasis.EINWILLIGUNG,
                    **demo_consents.proof(texts, ConsentPurpose.EINLADUNGEN, n, given_at),
                    given_at=given_at,
                    withdrawn_at=datetime(2025, 6, 1, 12, tzinfo=UTC) if n % 29 == 0 else None,
                )
                person.consents.append(consent)
            if n % 3 == 0:
                person.consents.append(
                    Consent(
                        purpose=ConsentPurpose.KONTAKTDATEN_TEILEN,
                        legal_basis=LegalBasis.EINWILLIGUNG,
                        **demo_consents.proof(
                            texts, ConsentPurpose.KONTAKTDATEN_TEILEN, n, given_at
                        ),
                        given_at=given_at,
                    )
                )
            if n % 5 == 0:
                purpose = rng.choice([ConsentPurpose.FOTOS, ConsentPurpose.NEWSLETTER])
                person.consents.append(
                    Consent(
                        purpose=purpose,
                        legal_basis=LegalBasis.EINWILLIGUNG,
                        **demo_consents.proof(texts, purpose, n, given_at),
                        given_at=given_at,
                    )
                )
            demo_consents.complete(person, n, texts)
            person.created_at = person.updated_at = now
            people.append((person, org))
        session.add_all(p for p, _ in people)

        say("Gruppen …")
        groups = [Group(kind=k, name=name, description=desc) for k, name, desc in GROUPS]
        session.add_all(groups)
        session.flush()
        for g in groups[1:]:
            g.parent_id = groups[0].id
        _memberships(rng, groups, people)
        session.flush()
        say("Termine …")
        _meetings(rng, session, groups)
        session.flush()
        say("Protokolle …")
        _minutes(rng, session, db)
        say("Umfragen …")
        build_surveys(rng, session, db)
        say("Handlungsfelder …")
        build_fields(session)
        say("Mitwirkungsmöglichkeiten …")
        build_offers(session)
        city = session.scalars(select(CityProfile)).one()
        # The fixed contact: the first consortium member the office can write to.
        city.contact_person_id = next(
            ms.person.id for ms in groups[0].memberships if ms.person.emails and ms.valid_to is None
        )
        city.principles_accepted_on = date(2020, 3, 12)
        trail.write(session)
        say("fertig.")


def _memberships(
    rng: random.Random, groups: list[Group], people: list[tuple[Person, Organisation]]
) -> None:
    active = [(p, o) for p, o in people if not p.archived]
    by_sector: dict[Sector, list[tuple[Person, Organisation]]] = {}
    for p, o in active:
        by_sector.setdefault(o.sector, []).append((p, o))
    # Consortium: every sector, one or two representatives each.
    consortium = groups[0]
    plan: list[tuple[Group, list[tuple[Person, Organisation]]]] = [
        (consortium, [x for s in Sector for x in by_sector[s][:3]]),
        (groups[1], rng.sample(by_sector[Z], 9) + by_sector[V][:2] + by_sector[P][:1]),
        (groups[2], rng.sample(by_sector[Z], 7) + by_sector[V][2:4] + by_sector[S][:1]),
        (groups[3], rng.sample(by_sector[Z], 6) + by_sector[V][4:5] + by_sector[W][:2]),
        # The digital project group lacks the administration: the TUI warns about it.
        (groups[4], rng.sample(by_sector[Z], 5) + by_sector[W][2:4] + by_sector[S][1:2]),
    ]
    for group, members in plan:
        seen: set[int] = set()
        for i, (person, org) in enumerate(members):
            if id(person) in seen:
                continue
            seen.add(id(person))
            role = (
                GroupRole.SPRECHER
                if i == 0
                else GroupRole.KOORDINATION
                if i == 1
                else GroupRole.MITGLIED
            )
            group.memberships.append(
                GroupMembership(
                    person=person,
                    role=role,
                    valid_from=date(2020 + i % 5, 1 + i % 12, 1),
                    voting_right=role != GroupRole.GAST,
                    representing=org,
                )
            )
    # A guest and an ended membership, so history and roles show up.
    guest, guest_org = active[-1]
    groups[1].memberships.append(
        GroupMembership(
            person=guest,
            role=GroupRole.GAST,
            valid_from=date(2025, 3, 1),
            voting_right=False,
            representing=guest_org,
        )
    )
    former, former_org = active[-2]
    groups[2].memberships.append(
        GroupMembership(
            person=former,
            role=GroupRole.MITGLIED,
            valid_from=date(2021, 1, 1),
            valid_to=date(2024, 6, 30),
            representing=former_org,
        )
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CITY_ZONE).astimezone(UTC)


def _meetings(rng: random.Random, session: Session, groups: list[Group]) -> None:
    """A monthly working-group series with one moved and one cancelled date, consortium
    meetings, a workshop and a fortnightly project group, with invitations and answers."""
    consortium, stadtteil, jung, anerkennung, digital = groups
    town_hall = "Rathaus Wiesenbrück, Marktplatz 3, 35999 Wiesenbrück"
    weberei = "Kulturforum Alte Weberei, Webergasse 7, 35999 Wiesenbrück"
    specs: list[dict[str, object]] = [
        {
            "kind": MeetingKind.ARBEITSKREIS,
            "title": "AK Stadtteilarbeit",
            "description": "Monatliches Treffen der Stadtteilakteure.",
            "start": _at(date(2026, 9, 8), 18),
            "end": _at(date(2026, 9, 8), 20),
            "address": town_hall,
            "room": "Sitzungssaal 2",
            "rrule": RecurrenceRule.monthly_on_weekday(2, 1, until=date(2027, 7, 31)).to_rrule(),
            "groups": [stadtteil],
        },
        {
            "kind": MeetingKind.KONSORTIUMSSITZUNG,
            "title": "Konsortiumssitzung",
            "description": "Sitzung des Konsortiums Engagierte Stadt Wiesenbrück.",
            "start": _at(date(2026, 10, 21), 17),
            "end": _at(date(2026, 10, 21), 19),
            "address": town_hall,
            "room": "Großer Saal",
            "groups": [consortium],
            "status": MeetingStatus.DURCHGEFUEHRT,
        },
        {
            "kind": MeetingKind.KONSORTIUMSSITZUNG,
            "title": "Konsortiumssitzung",
            "description": "Sitzung des Konsortiums Engagierte Stadt Wiesenbrück.",
            "start": _at(date(2026, 12, 16), 17),
            "end": _at(date(2026, 12, 16), 19),
            "address": town_hall,
            "room": "Großer Saal",
            "online_url": "https://meet.example.org/konsortium-wiesenbrueck",
            "groups": [consortium],
        },
        {
            "kind": MeetingKind.WERKSTATT,
            "title": "Entwicklungswerkstatt 2027",
            "description": "Ganztägige Werkstatt: Wo stehen wir, was nehmen wir uns vor?",
            "start": _at(date(2027, 2, 27), 10),
            "end": _at(date(2027, 2, 27), 16),
            "address": weberei,
            "room": "Websaal",
            "groups": [consortium, stadtteil, jung, anerkennung],
            "status": MeetingStatus.GEPLANT,  # the invitations still have to go out
        },
        {
            "kind": MeetingKind.NETZWERKTREFFEN,
            "title": "Sprechstunde Digitales Engagement",
            "description": "Offene Sprechstunde für Vereine, online.",
            "start": _at(date(2026, 11, 4), 17),
            "end": _at(date(2026, 11, 4), 18, 30),
            "online_url": "https://meet.example.org/digital-wiesenbrueck",
            "rrule": RecurrenceRule.weekly(2, interval=2, count=12).to_rrule(),
            "groups": [digital],
        },
        {
            "kind": MeetingKind.WERKSTATT,
            "title": "Entwicklungswerkstatt 2026",
            "description": "Werkstatt zur Halbzeit: Was hat sich bewährt, was fehlt noch?",
            "start": _at(date(2026, 6, 20), 10),
            "end": _at(date(2026, 6, 20), 16),
            "address": weberei,
            "room": "Websaal",
            "groups": [consortium],
            "status": MeetingStatus.DURCHGEFUEHRT,
        },
    ]
    for n, spec in enumerate(specs, start=1):
        start = spec["start"]
        assert isinstance(start, datetime)
        rrule = spec.get("rrule")
        meeting = Meeting(
            uid=f"demo-{n}@wiesenbrueck.example.org",
            kind=spec["kind"],
            title=spec["title"],
            description=spec["description"],
            start_at=start,
            end_at=spec["end"],
            address=spec.get("address", ""),
            room=spec.get("room", ""),
            online_url=spec.get("online_url", ""),
            status=spec.get("status", MeetingStatus.EINGELADEN),
            public=True,
            rrule=rrule,
            last_end_at=None if rrule else spec["end"],
            sequence=0,
            request_sequence=0,
        )
        meeting.groups = list(spec["groups"])  # type: ignore[call-overload]
        session.add(meeting)
        if n == 1:
            # The December date moves a week later (Christmas market), January is cancelled.
            meeting.last_end_at = _at(date(2027, 8, 2), 0)
            meeting.sequence = meeting.request_sequence = 1
            meeting.overrides.append(
                MeetingOverride(
                    recurrence_id=_at(date(2026, 12, 8), 18),
                    start_at=_at(date(2026, 12, 15), 18),
                    end_at=_at(date(2026, 12, 15), 20),
                    room="Sitzungssaal 1",
                    sequence=1,
                )
            )
            meeting.sequence = 2
            meeting.overrides.append(
                MeetingOverride(
                    recurrence_id=_at(date(2027, 1, 12), 18), cancelled=True, sequence=2
                )
            )
        invited: set[int] = set()
        for group in meeting.groups:
            for m in group.memberships:
                if m.valid_to is None and m.person_id not in invited and not m.person.archived:
                    invited.add(m.person_id)
                    _invite(rng, meeting, m.person, group.id)


def _invite(rng: random.Random, meeting: Meeting, person: Person, group_id: int) -> None:
    sendable = (
        meeting.status != MeetingStatus.GEPLANT
        and any(
            c.purpose == ConsentPurpose.EINLADUNGEN and c.withdrawn_at is None
            for c in person.consents
        )
        and bool(person.emails)
    )
    invitation = Invitation(
        person=person,
        via_group_id=group_id,
        added_at=meeting.start_at - timedelta(days=30),
        sent_sequence=meeting.sequence if sendable else None,
        sent_email=person.emails[0].address if sendable else "",
        sent_at=meeting.start_at - timedelta(days=28) if sendable else None,
    )
    meeting.invitations.append(invitation)
    if sendable:
        status = rng.choice(
            [ResponseStatus.ZUGESAGT] * 3
            + [ResponseStatus.ABGESAGT, ResponseStatus.VIELLEICHT]
            + [None] * 2
        )
        if status is not None:
            invitation.responses.append(
                Response(
                    status=status,
                    reply_sequence=meeting.sequence,
                    reply_dtstamp=meeting.start_at - timedelta(days=20),
                )
            )


def _minutes(rng: random.Random, session: Session, db: Database) -> None:
    """Minutes of the past dates: approved and draft, decisions, open and done tasks, and the
    2026 workshop with its cards and dots."""
    from koordination.domain.records.meetings import content_json
    from koordination.services.sittings.approval import fingerprint
    from koordination.services.sittings.service import Sittings

    minutes = Sittings(db, clock=Clock.fixed(datetime(2026, 11, 20, 9, tzinfo=UTC)))
    approved_at = datetime(2026, 11, 12, 18, tzinfo=UTC)

    def sitting(meeting_uid: str, day: date, hour: int) -> Sitting:
        meeting = session.scalars(select(Meeting).where(Meeting.uid == meeting_uid)).one()
        created = minutes._create(
            session, meeting, datetime(day.year, day.month, day.day, hour, tzinfo=CITY_ZONE)
        )
        present = [a for a in created.attendance]
        for n, row in enumerate(present):
            row.status = (
                AttendanceStatus.ENTSCHULDIGT
                if n % 5 == 4
                else AttendanceStatus.ABWESEND
                if n % 7 == 6
                else AttendanceStatus.ANWESEND
            )
        people = [a.person for a in present if a.person is not None]
        if people:
            created.chair_id = people[0].id
            created.minute_taker_id = people[-1].id
        return created

    def approve(s: Sitting) -> None:
        session.flush()
        record = minutes._record(session, minutes._load(session, s.id))
        content = content_json(record)
        s.versions.append(
            MinutesVersion(
                number=1,
                approved_at=approved_at,
                approved_by="Konsortium",
                content=content,
                fingerprint=fingerprint(content),
            )
        )
        s.minutes_status = MinutesStatus.GENEHMIGT

    # AK Stadtteilarbeit: September and October approved, November a draft for approval.
    september = sitting("demo-1@wiesenbrueck.example.org", date(2026, 9, 8), 18)
    reports = next(i for i in september.items if i.title == "Berichte aus der Runde")
    reports.notes = (
        "Der Nachbarschaftstreff Am Mühlbach ist seit Juli jeden Donnerstag geöffnet. "
        "Die Tafel sucht Fahrerinnen und Fahrer für die Samstagstour."
    )
    reports.decisions.append(
        Decision(
            wording="Der AK richtet im Juni 2027 ein gemeinsames Stadtteilfest aus.",
            votes_yes=9,
            votes_no=0,
            votes_abstain=1,
            result=DecisionResult.ANGENOMMEN,
            position=0,
        )
    )
    stadtteil = september.meeting.groups[0]
    members = [m.person for m in stadtteil.memberships if m.valid_to is None]
    done = Task(
        title="Raum für das Stadtteilfest anfragen",
        sitting_id=september.id,
        item_id=None,
        group_id=stadtteil.id,
        assignee_person_id=members[0].id,
        due=date(2026, 10, 1),
        done_on=date(2026, 10, 9),
        created_at=datetime(2026, 9, 8, 19, tzinfo=UTC),
    )
    open_task = Task(
        title="Förderantrag Stadtteilfest bei der Bürgerstiftung stellen",
        sitting_id=september.id,
        group_id=stadtteil.id,
        assignee_person_id=members[1].id,
        due=date(2026, 11, 15),
        created_at=datetime(2026, 9, 8, 19, tzinfo=UTC),
    )
    session.add_all([done, open_task])
    session.flush()
    done.item_id = open_task.item_id = reports.id
    approve(september)

    october = sitting("demo-1@wiesenbrueck.example.org", date(2026, 10, 13), 18)
    done.done_reported_in_id = october.id
    october_reports = next(i for i in october.items if i.title == "Berichte aus der Runde")
    october_reports.notes = "Rückblick auf den Engagementtag: rund 400 Besucherinnen und Besucher."
    october_reports.decisions.append(
        Decision(
            wording="Der Engagementtag findet 2027 wieder auf dem Marktplatz statt.",
            consensus=True,
            result=DecisionResult.ANGENOMMEN,
            position=0,
        )
    )
    session.add(
        Task(
            title="Ehrenamtskarte: Liste der Partnerbetriebe aktualisieren",
            sitting_id=october.id,
            item_id=None,
            group_id=stadtteil.id,
            assignee_group_id=stadtteil.id,
            due=date(2027, 1, 31),
            created_at=datetime(2026, 10, 13, 19, tzinfo=UTC),
        )
    )
    approve(october)

    november = sitting("demo-1@wiesenbrueck.example.org", date(2026, 11, 10), 18)
    november.minutes_status = MinutesStatus.ZUR_GENEHMIGUNG
    next(
        i for i in november.items if i.title == "Berichte aus der Runde"
    ).notes = "Die Sprachcafés laufen in drei Stadtteilen; Bedarf an weiteren Ehrenamtlichen."

    # The consortium meeting in October: approved.
    consortium = sitting("demo-2@wiesenbrueck.example.org", date(2026, 10, 21), 17)
    fields = next(i for i in consortium.items if i.title == "Stand der Handlungsfelder")
    fields.notes = "Die Arbeitskreise berichten über ihre Maßnahmen; Schwerpunkt Anerkennung."
    fields.decisions.append(
        Decision(
            wording="Das Konsortium beschließt die Entwicklungswerkstatt am 27.02.2027.",
            votes_yes=12,
            votes_no=1,
            votes_abstain=1,
            result=DecisionResult.ANGENOMMEN,
            position=0,
        )
    )
    approve(consortium)

    # The 2026 workshop: a run sheet, cards in three clusters with dots, one card became a task.
    workshop = sitting("demo-6@wiesenbrueck.example.org", date(2026, 6, 20), 10)
    cards = [
        ("Sichtbarkeit", CardKind.IDEE, "Engagementbörse im Rathausfoyer"),
        ("Sichtbarkeit", CardKind.IDEE, "Monatliche Seite im Stadtanzeiger"),
        ("Sichtbarkeit", CardKind.ERKENNTNIS, "Viele kennen das Freiwilligenzentrum nicht"),
        ("Junge Menschen", CardKind.IDEE, "Engagement-Schnuppertage mit den Schulen"),
        ("Junge Menschen", CardKind.FRAGE, "Wie erreichen wir Auszubildende?"),
        ("Anerkennung", CardKind.IDEE, "Dankeschön-Abend für alle Engagierten"),
        ("Anerkennung", CardKind.ERKENNTNIS, "Ehrenamtskarte wird gut angenommen"),
        ("Anerkennung", CardKind.IDEE, "Rabatte bei Partnerbetrieben ausweiten"),
    ]
    for position, (cluster, kind, text) in enumerate(cards):
        workshop.cards.append(
            WorkshopCard(
                cluster=cluster, kind=kind, text=text, votes=rng.randint(0, 9), position=position
            )
        )
    session.flush()
    first_card = workshop.cards[0]
    task = Task(
        title=first_card.text,
        sitting_id=workshop.id,
        group_id=workshop.meeting.groups[0].id,
        assignee_group_id=workshop.meeting.groups[0].id,
        due=date(2027, 3, 31),
        created_at=datetime(2026, 6, 20, 16, tzinfo=UTC),
    )
    session.add(task)
    session.flush()
    first_card.task_id = task.id
