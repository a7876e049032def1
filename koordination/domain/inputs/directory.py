"""What a form or an import row hands to the services, with its own validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from koordination.domain.enums import (
    Bundesland,
    Channel,
    GroupKind,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.validation import (
    email_problem,
    phone_problem,
    required,
    website_problem,
)
from koordination.errors import FieldError


def _clean(values: list[str]) -> list[str]:
    seen: list[str] = []
    for v in (v.strip() for v in values):
        if v and v.lower() not in (s.lower() for s in seen):
            seen.append(v)
    return seen


@dataclass
class PersonInput:
    family_name: str = ""
    given_name: str = ""
    salutation: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    postal_address: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    preferred_channel: Channel = Channel.EMAIL

    def normalised(self) -> PersonInput:
        return PersonInput(
            family_name=self.family_name.strip(),
            given_name=self.given_name.strip(),
            salutation=self.salutation.strip(),
            title=self.title.strip(),
            emails=_clean(self.emails),
            phones=_clean(self.phones),
            postal_address=self.postal_address.strip(),
            notes=self.notes.strip(),
            tags=_clean(self.tags),
            preferred_channel=self.preferred_channel,
        )

    def problems(self) -> list[FieldError]:
        errors: list[FieldError] = []
        if not self.family_name.strip():
            errors.append(FieldError("Nachname", "darf nicht leer sein."))
        for address in _clean(self.emails):
            if msg := email_problem(address):
                errors.append(FieldError("E-Mail", msg))
        for number in _clean(self.phones):
            if msg := phone_problem(number):
                errors.append(FieldError("Telefon", msg))
        if self.preferred_channel == Channel.POST and not self.postal_address.strip():
            errors.append(
                FieldError("Einladungsweg", "Post gewählt, aber keine Postanschrift angegeben.")
            )
        return errors


@dataclass
class OrganisationInput:
    name: str = ""
    sector: Sector | None = None
    kind: OrganisationKind = OrganisationKind.SONSTIGE
    short_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    notes: str = ""

    def problems(self) -> list[FieldError]:
        errors = [e for e in (required("Name", self.name),) if e]
        if self.sector is None:
            errors.append(FieldError("Sektor", "bitte einen Sektor wählen."))
        if self.email.strip() and (msg := email_problem(self.email.strip())):
            errors.append(FieldError("E-Mail", msg))
        if self.phone.strip() and (msg := phone_problem(self.phone.strip())):
            errors.append(FieldError("Telefon", msg))
        if self.website.strip() and (msg := website_problem(self.website.strip())):
            errors.append(FieldError("Webseite", msg))
        return errors


@dataclass
class GroupInput:
    name: str = ""
    kind: GroupKind = GroupKind.ARBEITSKREIS
    description: str = ""
    parent_id: int | None = None

    def problems(self) -> list[FieldError]:
        return [e for e in (required("Name", self.name),) if e]


@dataclass
class CityProfileInput:
    name: str = ""
    bundesland: Bundesland | None = None
    inhabitants: int | None = None
    network_since: int | None = None
    tandem_partner: str = ""
    portrait: str = ""
    focus: str = ""
    vision: str = ""
    achievements: str = ""
    resources: str = ""
    hashtags: str = ""
    office_name: str = ""
    office_address: str = ""
    office_phone: str = ""
    office_email: str = ""
    #: The programme asks for one fixed contact person and a commitment to its principles.
    contact_person_id: int | None = None
    principles_accepted_on: date | None = None

    def problems(self) -> list[FieldError]:
        errors = [e for e in (required("Name der Stadt", self.name),) if e]
        if self.inhabitants is not None and not 0 < self.inhabitants < 10_000_000:
            errors.append(FieldError("Einwohnerzahl", "muss eine positive Zahl sein."))
        if self.network_since is not None and not 2015 <= self.network_since <= 2100:
            errors.append(
                FieldError("Im Netzwerk seit", "das Programm besteht seit 2015; bitte Jahr prüfen.")
            )
        if self.office_email.strip() and (msg := email_problem(self.office_email.strip())):
            errors.append(FieldError("E-Mail der Koordinierungsstelle", msg))
        return errors
