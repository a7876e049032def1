"""Giving and withdrawing consents in tests the way the office does: to a wording of the
catalogue (one per purpose is made on first use), with a channel and an evidence reference."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentChannel, ConsentPurpose, GroupRole, LegalBasis
from koordination.domain.inputs.directory import (
    ConsentInput,
    ConsentTextInput,
    PersonInput,
    WithdrawalInput,
)
from koordination.domain.models import Consent
from koordination.domain.records.directory import ConsentRecord
from koordination.services.consent_texts import Consents
from koordination.services.directory.imports.report import ImportReport
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory

#: The catalogue version the helpers give consents to; valid long before any test's dates.
VERSION = "T-1"
VALID_FROM = date(2000, 1, 1)


class OnDatabase(Protocol):
    """A service (``Directory``, ``Core`` …) that knows its database and clock."""

    db: Database
    clock: Clock


def consents_of(service: OnDatabase) -> Consents:
    return Consents(service.db, service.clock)


def catalogue_text(service: OnDatabase, purpose: ConsentPurpose, version: str = VERSION) -> None:
    """The wording ``version`` of ``purpose`` in the catalogue (made when missing)."""
    consents = consents_of(service)
    if not any(t.version == version for t in consents.texts(purpose)):
        wording = f"Ich willige ein: {purpose.label} (Testfassung {version})."
        consents.add_text(ConsentTextInput(purpose, version, wording, VALID_FROM))


def give_consent(
    service: OnDatabase,
    person_id: int,
    purpose: ConsentPurpose,
    legal_basis: LegalBasis = LegalBasis.EINWILLIGUNG,
    *,
    given_at: datetime | None = None,
    version: str = VERSION,
    channel: ConsentChannel = ConsentChannel.FORMULAR,
    evidence: str = "Formular im Ordner Einwilligungen",
) -> ConsentRecord:
    catalogue_text(service, purpose, version)
    data = ConsentInput(
        purpose, version, channel, evidence, given_at or service.clock.now(), legal_basis
    )
    return consents_of(service).give(person_id, data)


def withdraw_consent(
    service: OnDatabase,
    consent_id: int,
    at: datetime | None = None,
    channel: ConsentChannel = ConsentChannel.EMAIL,
) -> ConsentRecord:
    """Withdraw the purpose of the consent ``consent_id`` (every current row of it)."""
    with service.db.session() as session:
        person_id, purpose = session.execute(
            select(Consent.person_id, Consent.purpose).where(Consent.id == consent_id)
        ).one()
    ended = consents_of(service).withdraw(
        person_id, WithdrawalInput(purpose, channel, at or service.clock.now())
    )
    return next((c for c in ended if c.id == consent_id), ended[0])


def import_people(
    imports: Imports,
    path: Path,
    purposes: Iterable[ConsentPurpose] = (ConsentPurpose.EINLADUNGEN,),
    **kw: Any,
) -> ImportReport:
    """``imports.people`` as the office runs it on a list whose consent cells agree to the
    catalogue's test wording of ``purposes`` (made when missing), named for the import."""
    named = {}
    for purpose in purposes:
        catalogue_text(imports, purpose)
        named[purpose] = VERSION
    return imports.people(path, consents=named, **kw)


def add_people(directory: Directory, count: int, *, sharing: int | None = None) -> None:
    """``count`` more people with a whole record: an address, a phone, a tag, a function in
    the first organisation, a seat in the first group; the first ``sharing`` of them (all by
    default) agree to share their contact data."""
    org = directory.list_organisations()[0]
    group = directory.list_groups()[0]
    for n in range(count):
        person = directory.create_person(
            PersonInput(
                given_name="Zusatz",
                family_name=f"Person {n}",
                emails=[f"zusatz.{n}@example.org"],
                phones=["0561 123456"],
                tags=["Zusatz"],
            )
        ).record
        directory.add_affiliation(person.id, org.id, "Ehrenamt")
        directory.add_membership(group.id, person.id, GroupRole.MITGLIED)
        if sharing is None or n < sharing:
            give_consent(directory, person.id, ConsentPurpose.KONTAKTDATEN_TEILEN)
