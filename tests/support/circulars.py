"""A small network for the circular (Rundmail) tests: an office with its address, a working
group, organisations of two sectors, and people who each stand for one rule of who receives a
circular and who does not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from koordination.clock import Clock
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import (
    Bundesland,
    ConsentPurpose,
    GroupKind,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from support.consents import give_consent, withdraw_consent

TODAY = date(2026, 11, 22)
OFFICE = "engagiert@wiesenbrueck.example.org"
INFO = ConsentPurpose.INFORMATIONEN
GROUP = "AK Stadtteilarbeit"


@dataclass
class Network:
    core: Core
    #: Person numbers by given name.
    ids: dict[str, int] = field(default_factory=dict)
    #: Addresses by given name.
    emails: dict[str, str] = field(default_factory=dict)


def build_network(db: Database, clock: Clock | None = None) -> Network:
    """The office, the AK Stadtteilarbeit, a Tafel (civil society), Stadtwerke and a bakery
    (business), and ten people:

    ==========  =================================================  ========================
    Monika      Frau Dr. Ulrich, AK, consents                       receives (formal)
    Jona        no form of address, AK, consents                    receives
    Bernd       Herr Weiß, Stadtwerke (Wirtschaft), consents        receives
    Hanna       Frau Berg, Tafel only, consents                     receives (alle, Tafel)
    Clara       AK, consents to invitations only                    keine Einwilligung
    Dora        AK, consented and withdrew                          Einwilligung widerrufen
    Emil        Bäckerei (Wirtschaft), consents, restricted          Verarbeitung eingeschränkt
    Frieda      AK, consents, archived                              archiviert
    Gustav      AK, consents, no e-mail address                     keine E-Mail-Adresse
    Ida         left the AK yesterday, consents                     not in the AK any more
    ==========  =================================================  ========================
    """
    core = Core(db, clock or Clock.on(TODAY))
    directory = core.directory
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Wiesenbrück",
            office_email=OFFICE,
        ),
    )
    group = directory.create_group(GroupInput(name=GROUP, kind=GroupKind.ARBEITSKREIS)).record.id
    orgs = {
        name: directory.create_organisation(
            OrganisationInput(name=name, sector=sector, kind=kind)
        ).record.id
        for name, sector, kind in (
            ("Tafel Wiesenbrück e.V.", Sector.ZIVILGESELLSCHAFT, OrganisationKind.VEREIN),
            ("Stadtwerke Wiesenbrück", Sector.WIRTSCHAFT, OrganisationKind.UNTERNEHMEN),
            ("Bäckerei Korn", Sector.WIRTSCHAFT, OrganisationKind.UNTERNEHMEN),
        )
    }
    network = Network(core)
    people = (
        # given, family, salutation, title, e-mail?, group?, organisation
        ("Monika", "Ulrich", "Frau", "Dr.", True, True, "Tafel Wiesenbrück e.V."),
        ("Jona", "Keller", "", "", True, True, None),
        ("Bernd", "Weiß", "Herr", "", True, False, "Stadtwerke Wiesenbrück"),
        ("Hanna", "Berg", "Frau", "", True, False, "Tafel Wiesenbrück e.V."),
        ("Clara", "Sommer", "Frau", "", True, True, None),
        ("Dora", "Lang", "Frau", "", True, True, None),
        ("Emil", "Roth", "Herr", "", True, False, "Bäckerei Korn"),
        ("Frieda", "Hahn", "Frau", "", True, True, None),
        ("Gustav", "Brand", "Herr", "", False, True, None),
        ("Ida", "Kurz", "Frau", "", True, False, None),
    )
    for given, family, salutation, title, has_email, in_group, org in people:
        email = f"{given.lower()}.{family.lower().replace('ß', 'ss')}@example.org"
        pid = directory.create_person(
            PersonInput(
                family_name=family,
                given_name=given,
                salutation=salutation,
                title=title,
                emails=[email] if has_email else [],
            )
        ).record.id
        network.ids[given] = pid
        network.emails[given] = email
        if in_group:
            directory.add_membership(group, pid)
        if org is not None:
            directory.add_affiliation(pid, orgs[org])
        if given == "Clara":
            give_consent(directory, pid, ConsentPurpose.EINLADUNGEN)
        else:
            consent = give_consent(directory, pid, INFO)
            if given == "Dora":
                withdraw_consent(directory, consent.id)
    directory.add_membership(group, network.ids["Ida"], valid_to=date(2026, 11, 21))
    core.restrictions.restrict(network.ids["Emil"], "Richtigkeit bestritten")
    frieda = directory.get_person(network.ids["Frieda"])
    directory.set_person_archived(frieda, True, "ausgeschieden")
    return network
