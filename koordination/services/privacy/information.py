"""The information every access report carries (Art. 15 Abs. 1 lit. a-h and Abs. 2 DSGVO), from
the controller's data in the city profile and the retention rules as actually set: nothing
here is a constant the office cannot change, and nothing claims more than is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.domain.authorities import proposed_authority
from koordination.domain.controller import (
    NO_TRANSFERS,
    PURPOSES,
    legal_bases,
    stored_bases,
)
from koordination.domain.models import CityProfile, Person
from koordination.services.directory.city import proposed_processors
from koordination.services.privacy.retention_rules import states

#: The keys of the information block in their order, with the German headings the letter uses.
INFORMATION_LABELS: dict[str, str] = {
    "controller": "Verantwortliche Stelle",
    "dpo": "Datenschutzbeauftragte Person",
    "purposes": "Zwecke und Rechtsgrundlagen (Art. 15 Abs. 1 lit. a DSGVO)",
    "categories": "Kategorien personenbezogener Daten (lit. b)",
    "recipients": "Empfänger (lit. c)",
    "storage": "Speicherdauer (lit. d)",
    "rights": "Ihre Rechte (lit. e)",
    "complaint": "Beschwerderecht bei der Aufsichtsbehörde (lit. f)",
    "source": "Herkunft der Daten (lit. g)",
    "automated_decisions": "Automatisierte Entscheidungen (lit. h)",
    "third_countries": "Übermittlung in Drittländer (Art. 15 Abs. 2 DSGVO)",
}

#: The categories of data, named after the report's sections that hold them.
_CATEGORIES: dict[str, str] = {
    "profile": "Name, Anrede und Titel",
    "contact": "Kontaktdaten (E-Mail, Telefon, Anschrift)",
    "notes": "Notizen der Koordinierungsstelle",
    "affiliations": "Zugehörigkeit zu Organisationen und Funktion",
    "memberships": "Mitwirkung in Gruppen des Netzwerks",
    "consents": "Einwilligungen und Widerrufe",
    "invitations": "Einladungen und Rückmeldungen",
    "attendance": "Anwesenheit bei Sitzungen",
    "sitting_roles": "Sitzungsleitung und Protokollführung",
    "tasks": "Aufgaben",
    "mentions": "Erwähnungen in Tagesordnungen, Protokollen und Notizen",
    "survey_responses": "Antworten in Umfragen",
    "measures": "Verantwortung für Maßnahmen",
    "offers": "Nennung als Kontaktperson von Mitwirkungsmöglichkeiten",
    "objections": "Widersprüche",
    "requests": "Ihre Anfragen nach der DSGVO",
    "audit": "Änderungsprotokoll",
}

RIGHTS = (
    "Sie können Berichtigung unrichtiger Daten (Art. 16 DSGVO), Löschung (Art. 17), "
    "Einschränkung der Verarbeitung (Art. 18) und die Übertragung Ihrer Daten (Art. 20) "
    "verlangen. Der Verarbeitung zur Erfüllung der öffentlichen Aufgabe (lit. e) können Sie "
    "aus Gründen, die sich aus Ihrer besonderen Situation ergeben, jederzeit widersprechen "
    "(Art. 21 DSGVO). Einwilligungen können Sie jederzeit für die Zukunft widerrufen (Art. 7 "
    "Abs. 3 DSGVO); die bis dahin erfolgte Verarbeitung bleibt rechtmäßig."
)
AUTOMATED = (
    "Es findet keine automatisierte Entscheidungsfindung einschließlich Profiling statt "
    "(Art. 22 DSGVO)."
)
OWN_SOURCE = (
    "Ihre Daten stammen von Ihnen selbst (Formulare, E-Mails, Gespräche, Rückmeldungen) und "
    "aus Eintragungen der Koordinierungsstelle bei Sitzungen und Treffen."
)
#: Said when the office never set a retention rule, or switched every one off.
NO_PERIOD = (
    "Für Ihre Daten ist keine Frist festgelegt: Die Koordinierungsstelle hat noch keine "
    "Aufbewahrungsfrist beschlossen. Ihre Daten bleiben gespeichert, bis Sie die Löschung "
    "verlangen, die Daten für die Netzwerkarbeit nicht mehr erforderlich sind oder eine Frist "
    "festgelegt wird."
)


def city_profile(session: Session) -> CityProfile | None:
    return session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))


def controller_text(city: CityProfile | None) -> str:
    """The controller as the office entered it, else the office's name and address."""
    if city is None:
        return "Koordinierungsstelle"
    if city.controller.strip():
        return city.controller.strip()
    name = city.office_name or f"Koordinierungsstelle {city.name}"
    parts = [name, city.office_address.replace("\n", ", "), city.office_email]
    return ", ".join(part for part in parts if part)


def authority_text(city: CityProfile | None) -> str:
    """The supervisory authority entered, else the one of the city's Bundesland."""
    if city is None:
        return ""
    return city.supervisory_authority.strip() or proposed_authority(city.bundesland)


def storage_text(session: Session) -> str:
    """The retention periods as switched on; honest when there is none."""
    on = [s for s in states(session) if s.enabled]
    if not on:
        return NO_PERIOD
    rules = "; ".join(s.title for s in on)
    return (
        f"Es gelten diese Aufbewahrungsfristen: {rules}. Danach werden die betroffenen Daten "
        "gelöscht. Für alle anderen Daten ist keine Frist festgelegt; sie bleiben gespeichert, "
        "bis Sie die Löschung verlangen oder die Daten für die Netzwerkarbeit nicht mehr "
        "erforderlich sind."
    )


def categories(report: Mapping[str, Any]) -> list[str]:
    """The categories of data actually held about the person (from the report's sections)."""
    profile = report["profile"]
    present = {key for key in _CATEGORIES if report.get(key)}
    present.add("profile")
    if profile["emails"] or profile["phones"] or profile["postal_address"]:
        present.add("contact")
    if profile["notes"]:
        present.add("notes")
    return [label for key, label in _CATEGORIES.items() if key in present]


def information(session: Session, person: Person, report: Mapping[str, Any]) -> dict[str, Any]:
    """The information block of one person's report, JSON-ready, keys as
    :data:`INFORMATION_LABELS`."""
    city = city_profile(session)
    stored = stored_bases(city.legal_bases) if city else {}
    bases = legal_bases(stored, city.state_law_basis if city else "")
    recipients = city.recipients.strip() if city else ""
    # Servers in the delivery settings are processors whether or not the office wrote them
    # down: the letter names them then (the review says they are only proposed).
    processors = (city.processors.strip() if city else "") or proposed_processors()
    authority = authority_text(city)
    source = (
        f"Ihre Daten wurden nicht bei Ihnen erhoben (Art. 14 DSGVO), sondern stammen aus: "
        f"{person.art14_source}."
        if person.art14_source
        else OWN_SOURCE
    )
    return {
        "controller": controller_text(city),
        "dpo": (city.dpo_contact.strip() if city else "") or "",
        "purposes": [
            {"key": key, "purpose": PURPOSES[key].label, "legal_basis": basis}
            for key, basis in bases.items()
        ],
        "categories": categories(report),
        "recipients": {
            "recipients": recipients
            or "Die Mitglieder der Gruppen, in denen Sie mitwirken (Einladungslisten, "
            "Protokolle); weitere Empfänger nur mit Ihrer Einwilligung.",
            "processors": processors or "keine",
        },
        "storage": storage_text(session),
        "rights": RIGHTS,
        "complaint": (
            "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 "
            "DSGVO), insbesondere bei der für die Koordinierungsstelle zuständigen: "
            f"{authority.replace(chr(10), ', ')}."
            if authority
            else "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren "
            "(Art. 77 DSGVO)."
        ),
        "source": source,
        "automated_decisions": AUTOMATED,
        "third_countries": (city.third_country_transfers.strip() if city else "") or NO_TRANSFERS,
    }


def review_points(city: CityProfile | None) -> list[str]:
    """What the office should fill in before a letter goes out: the controller's data that
    is missing or only proposed."""
    points = []
    if city is None:
        return ["Das Stadtprofil fehlt: Verantwortliche Stelle und Aufsichtsbehörde eintragen."]
    if not city.controller.strip():
        points.append(
            "Verantwortliche Stelle fehlt im Stadtprofil; der Brief nennt die Koordinierungsstelle."
        )
    if not city.dpo_contact.strip():
        points.append("Kontakt der/des Datenschutzbeauftragten fehlt im Stadtprofil.")
    if not city.supervisory_authority.strip():
        points.append(
            "Aufsichtsbehörde nicht eingetragen; der Brief nennt den Vorschlag zum Bundesland."
            if city.bundesland
            else "Aufsichtsbehörde und Bundesland fehlen im Stadtprofil."
        )
    if not city.processors.strip() and proposed_processors():
        points.append(
            "Auftragsverarbeiter nicht eingetragen; der Brief nennt die Server aus den "
            "Einstellungen (Stadtprofil: y trägt sie ein)."
        )
    if not city.state_law_basis.strip():
        points.append(
            "Landesnorm für die öffentliche Aufgabe (lit. e) fehlt im Stadtprofil; der Brief "
            "enthält dort einen Platzhalter."
        )
    return points
