"""The office's data-protection paperwork, as facts: what the record of processing activities
(Art. 30 DSGVO) and the information text for volunteers (Art. 13/14 DSGVO) say, read from the
controller's data in the city profile, the purposes and bases of :mod:`domain.controller` and
the retention rules as decided. The documents themselves are built in
:mod:`koordination.outputs.builders.privacy_paperwork`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.controller import NO_TRANSFERS, PURPOSES, legal_bases, stored_bases
from koordination.domain.models import AppSetting, Person
from koordination.domain.records.directory import display_name
from koordination.services.directory.city import proposed_processors
from koordination.services.privacy.information import (
    _CATEGORIES,
    AUTOMATED,
    RIGHTS,
    authority_text,
    city_profile,
    controller_text,
    review_points,
)
from koordination.services.privacy.retention_rules import RuleState, states

#: Whose data koordination holds (Art. 30 Abs. 1 lit. c DSGVO).
DATA_SUBJECTS = (
    "Engagierte und Ehrenamtliche im Netzwerk",
    "Ansprechpersonen und Vertretungen von Organisationen (Vereine, Verwaltung, Wirtschaft)",
    "Mitglieder von Gruppen (Konsortium, Arbeitskreise, Projektgruppen)",
    "Gäste von Terminen und Sitzungen",
    "Teilnehmende an Umfragen, soweit sie nicht anonym sind",
    "Beschäftigte der Koordinierungsstelle (als Bearbeitende im Änderungsprotokoll)",
)

#: What the information text says about providing data (Art. 13 Abs. 2 lit. e DSGVO).
PROVISION = (
    "Die Angabe Ihrer Daten ist freiwillig und weder gesetzlich noch vertraglich "
    "vorgeschrieben. Ohne Kontaktdaten können wir Sie allerdings nicht zu Treffen einladen und "
    "nicht über das Netzwerk informieren."
)


@dataclass(frozen=True)
class Purpose:
    label: str
    basis: str
    public_task: bool


@dataclass(frozen=True)
class Paperwork:
    """Everything both documents say, read at one moment."""

    today: date
    city: str
    controller: str
    dpo: str
    authority: str
    purposes: tuple[Purpose, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    recipients: str
    processors: str
    third_countries: str
    periods: tuple[RuleState, ...]
    measures: tuple[str, ...]
    #: The lists imported people came from, for the Art. 14 source (lit. f of Abs. 2).
    art14_sources: tuple[str, ...]
    #: What the office should fill in or decide before the drafts are final.
    open_points: tuple[str, ...]
    rights: str = RIGHTS
    automated: str = AUTOMATED
    provision: str = PROVISION

    @property
    def undecided(self) -> tuple[RuleState, ...]:
        return tuple(p for p in self.periods if not p.decided)


@dataclass(frozen=True)
class Art14Person:
    """Someone whose data came from another organisation's list and who has not been sent
    the information yet (Art. 14 DSGVO)."""

    id: int
    name: str
    source: str


def _measures(db: Database, settings: dict[str, str]) -> tuple[str, ...]:
    from koordination.db.auto_backup import settings_from

    backup = settings_from(settings)
    if backup.enabled:
        daily = (
            f"Tägliche Sicherung beim ersten Start (oder per cron) nach {backup.directory}; die "
            f"neuesten {backup.keep} bleiben, ältere werden gelöscht."
        )
    else:
        daily = (
            "Die tägliche Sicherung ist ausgeschaltet: Sicherungen entstehen nur von Hand "
            "(„koordination db backup“) und vor Upgrades (die neuesten fünf bleiben)."
        )
    if db.is_sqlite:
        access = (
            "Die Daten liegen in einer Datei, die nur das Benutzerkonto der Koordinierungsstelle "
            "lesen kann; wer am Rechner angemeldet ist, sieht alles (eine Person, ein Konto)."
        )
    else:
        access = (
            "Gemeinsame PostgreSQL-Datenbank mit Rollen, die die Datenbank selbst durchsetzt: "
            "Lesen, Bearbeiten, Datenschutz (Auskunft, Löschung, Aufbewahrung, Exporte "
            "personenbezogener Daten); Anmeldungen können auf Gruppen beschränkt werden "
            "(Zeilenrechte). Das Änderungsprotokoll nennt die Datenbank-Anmeldung und ist für "
            "gewöhnliche Rollen nur fortschreibbar."
        )
    return (
        access,
        "Dateien, Exporte und Sicherungen werden nur für das eigene Benutzerkonto lesbar "
        "geschrieben (Rechte 0600, Ordner 0700), vollständig oder gar nicht (kein halber "
        "Stand nach einem Abbruch).",
        daily,
        "Jede Änderung steht mit Zeit, Person und alten/neuen Werten im Änderungsprotokoll; "
        "Auskünfte, Löschungen und Exporte personenbezogener Daten werden dort vermerkt.",
        "Einschränkung der Verarbeitung (Art. 18 DSGVO): eingeschränkte Personen erhalten keine "
        "Einladungen und Rundmails und fehlen in Exporten und offenen Daten; Widersprüche "
        "(Art. 21) werden mit Entscheidung festgehalten.",
        "Löschung (Art. 17 DSGVO) entfernt die Personendaten überall und anonymisiert "
        "Mitgliedschaften und Anwesenheiten; ein Löschverzeichnis ohne Personendaten sorgt "
        "dafür, dass eine zurückgespielte Sicherung die Person nicht zurückbringt.",
        "Einwilligungen werden mit Textfassung, Kanal und Nachweis gespeichert; Kontaktdaten "
        "werden nur mit Einwilligung geteilt oder veröffentlicht.",
        "Einzelne Umfrageantworten werden nur k-anonym (k = 5) ausgegeben: Merkmale werden "
        "vergröbert, bis jede Kombination mindestens fünfmal vorkommt; Freitexte nur auf "
        "ausdrücklichen Wunsch.",
        "Aufbewahrungsfristen werden von der Stelle festgelegt und mit „koordination "
        "retention run“ (auch täglich per cron) angewandt.",
    )


def art14_open(db: Database) -> list[Art14Person]:
    """People imported from another organisation's list who were not informed yet, by
    number."""
    with db.session() as session:
        rows = session.execute(
            select(
                Person.id, Person.title, Person.given_name, Person.family_name, Person.art14_source
            )
            .where(
                Person.art14_source != "",
                Person.art14_informed_at.is_(None),
                Person.erased_at.is_(None),
            )
            .order_by(Person.id)
        )
        return [
            Art14Person(pid, display_name(title, given, family) or f"Nr. {pid}", source)
            for pid, title, given, family, source in rows
        ]


def paperwork(db: Database, clock: Clock = SYSTEM_CLOCK) -> Paperwork:
    """The facts of both documents, read in one transaction."""
    with db.session() as session:
        city = city_profile(session)
        bases = legal_bases(
            stored_bases(city.legal_bases) if city else {}, city.state_law_basis if city else ""
        )
        settings = dict(session.execute(select(AppSetting.key, AppSetting.value)).all())
        periods = tuple(states(session))
        sources = tuple(
            sorted(
                {
                    source
                    for (source,) in session.execute(
                        select(Person.art14_source).where(
                            Person.art14_source != "", Person.erased_at.is_(None)
                        )
                    )
                }
            )
        )
        points = review_points(city)
        undecided = [p.label for p in periods if not p.decided]
        if undecided:
            points.append(
                f"Aufbewahrung: {len(undecided)} von {len(periods)} Fristen nicht festgelegt "
                f"({', '.join(undecided)}); bitte festlegen oder begründen (Übersicht: Taste M)."
            )
        processors = (city.processors.strip() if city else "") or proposed_processors()
        recipients = (city.recipients.strip() if city else "") or (
            "Die Mitglieder der Gruppen, in denen eine Person mitwirkt (Einladungslisten, "
            "Protokolle); weitere Empfänger nur mit Einwilligung."
        )
        return Paperwork(
            today=clock.today(),
            city=city.name if city else "",
            controller=controller_text(city),
            dpo=(city.dpo_contact.strip() if city else ""),
            authority=authority_text(city).replace("\n", ", "),
            purposes=tuple(
                Purpose(PURPOSES[key].label, basis, PURPOSES[key].public_task)
                for key, basis in bases.items()
            ),
            subjects=DATA_SUBJECTS,
            categories=tuple(_CATEGORIES.values()),
            recipients=recipients,
            processors=processors or "keine",
            third_countries=(city.third_country_transfers.strip() if city else "") or NO_TRANSFERS,
            periods=periods,
            measures=_measures(db, settings),
            art14_sources=sources,
            open_points=tuple(points),
        )
