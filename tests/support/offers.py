"""A small network with engagement offers, as the office would enter it, for the offers tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose, OrganisationKind, Sector
from koordination.domain.inputs.directory import OrganisationInput, PersonInput
from koordination.domain.inputs.fields import FieldInput
from koordination.domain.inputs.offers import OfferInput, build_offer
from koordination.domain.models import EngagementOffer
from koordination.services.directory.service import Directory
from koordination.services.fields.service import ActionFields
from koordination.services.offers.service import Offers
from support.consents import give_consent

#: The day the tests' office works on.
TODAY = date(2026, 9, 1)


@dataclass(frozen=True)
class Network:
    db: Database
    offers: Offers
    tafel: int
    verein: int
    sharing: int  # a person who consents to sharing their contact data
    private: int  # a person who does not
    field: int


def network(db: Database, today: date = TODAY) -> Network:
    clock = Clock.on(today)
    directory = Directory(db, clock)
    tafel = directory.create_organisation(
        OrganisationInput(
            "Tafel Musterstadt e.V.",
            Sector.ZIVILGESELLSCHAFT,
            OrganisationKind.VEREIN,
            address="Markt 1\n12345 Musterstadt",
            phone="0123 4567-200",
            email="info@tafel.example.org",
        )
    ).record.id
    verein = directory.create_organisation(
        OrganisationInput("Bürgerverein Nordstadt e.V.", Sector.ZIVILGESELLSCHAFT)
    ).record.id
    sharing = directory.create_person(
        PersonInput(
            "Ulrich",
            "Dora",
            "Frau",
            "Dr.",
            emails=["dora.ulrich@example.org"],
            phones=["0123 4567-1001"],
        )
    ).record.id
    private = directory.create_person(
        PersonInput("Keller", "Jona", emails=["jona.keller@example.net"])
    ).record.id
    give_consent(directory, sharing, ConsentPurpose.KONTAKTDATEN_TEILEN)
    field = ActionFields(db).create_field(FieldInput("Junge Menschen gewinnen"))
    return Network(db, Offers(db, clock), tafel, verein, sharing, private, field)


def offer_input(organisation_id: int, **values: object) -> OfferInput:
    """An offer built through the form's rules from text values (defaults: a regular one)."""
    base: dict[str, object] = {
        "organisation_id": organisation_id,
        "title": "Lesepatinnen gesucht",
        "kind": "regelmäßig",
        "district": "Nordstadt",
    }
    data, problems = build_offer({**base, **values})
    assert not problems, problems
    assert data is not None
    return data


def set_confirmed(db: Database, offer_id: int, day: date) -> None:
    """As if the offer was last confirmed on ``day``."""
    from koordination.services.privacy.retention_rules import start_of

    with db.session() as session:
        session.execute(
            update(EngagementOffer)
            .where(EngagementOffer.id == offer_id)
            .values(confirmed_at=start_of(day))
        )
