"""What a form or an import row hands to the directory (people, organisations, groups, the
city, consents, memberships, affiliations), with its own validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from koordination.clock import CITY_ZONE
from koordination.domain.enums import (
    Bundesland,
    Channel,
    ConsentChannel,
    ConsentPurpose,
    GroupKind,
    GroupRole,
    LegalBasis,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.validation import (
    date_value,
    email_problem,
    phone_problem,
    required,
    required_date,
    website_problem,
)
from koordination.domain.phones import normal_phone
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
            phones=[normal_phone(p) for p in _clean(self.phones)],
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
    #: The controller's data for the data-protection texts (see ``domain/controller.py``).
    controller: str = ""
    dpo_contact: str = ""
    supervisory_authority: str = ""
    state_law_basis: str = ""
    #: purpose key -> legal basis as shown (the defaults included; the service keeps changes).
    legal_bases: dict[str, str] = field(default_factory=dict)
    processors: str = ""
    recipients: str = ""
    third_country_transfers: str = ""

    def problems(self) -> list[FieldError]:
        from koordination.domain.controller import PURPOSES, lit_f_problem

        errors = [e for e in (required("Name der Stadt", self.name),) if e]
        for key, text in self.legal_bases.items():
            if key in PURPOSES and (msg := lit_f_problem(text)):
                errors.append(FieldError(PURPOSES[key].short, msg))
        if msg := lit_f_problem(self.state_law_basis):
            errors.append(FieldError("Landesnorm (lit. e)", msg))
        if self.inhabitants is not None and not 0 < self.inhabitants < 10_000_000:
            errors.append(FieldError("Einwohnerzahl", "muss eine positive Zahl sein."))
        if self.network_since is not None and not 2015 <= self.network_since <= 2100:
            errors.append(
                FieldError("Im Netzwerk seit", "das Programm besteht seit 2015; bitte Jahr prüfen.")
            )
        if self.office_email.strip() and (msg := email_problem(self.office_email.strip())):
            errors.append(FieldError("E-Mail der Koordinierungsstelle", msg))
        if self.office_phone.strip() and (msg := phone_problem(self.office_phone.strip())):
            errors.append(FieldError("Telefon der Koordinierungsstelle", msg))
        return errors


# A consent is provable only with the wording agreed to (a version of the office's catalogue),
# the way it reached the office and where the proof lies (Art. 7 (1) DSGVO).

#: The German field names of a consent, as the faces show them (the CLI maps them to options).
CONSENT_FIELDS = {
    "purpose": "Zweck",
    "version": "Fassung",
    "channel": "Kanal",
    "evidence": "Nachweis",
    "given_at": "Erteilt am",
    "withdrawn_at": "Widerrufen am",
    "wording": "Wortlaut",
    "valid_from": "Gültig ab",
}

_CHANNEL_HINT = f"({', '.join(c.label for c in ConsentChannel)})"


@dataclass(frozen=True)
class ConsentInput:
    """A consent as given: to which catalogue text (purpose and version), how, and the proof."""

    purpose: ConsentPurpose
    version: str
    channel: ConsentChannel
    evidence: str
    given_at: datetime
    legal_basis: LegalBasis = LegalBasis.EINWILLIGUNG


@dataclass(frozen=True)
class WithdrawalInput:
    """A withdrawal of every current consent of one purpose: how it came and when."""

    purpose: ConsentPurpose
    channel: ConsentChannel
    at: datetime


@dataclass(frozen=True)
class ConsentTextInput:
    """One wording of the office's consent catalogue."""

    purpose: ConsentPurpose
    version: str
    wording: str
    valid_from: date


def instant(day: date | None, now: datetime) -> datetime:
    """A calendar day as an instant: now for today, noon in the city otherwise."""
    if day is None or day == now.astimezone(CITY_ZONE).date():
        return now
    return datetime.combine(day, time(12, 0), tzinfo=CITY_ZONE).astimezone(UTC)


def _enum(values: Mapping[str, Any], key: str, cls: type[Any]) -> Any:
    """An enum member, or one parsed from its German label (the command line types text)."""
    value = values.get(key)
    if value is None or isinstance(value, cls):
        return value
    return cls.parse(str(value)) if str(value).strip() else None


def _purpose(values: Mapping[str, Any], problems: list[FieldError]) -> ConsentPurpose | None:
    purpose = _enum(values, "purpose", ConsentPurpose)
    if purpose is None:
        raw = str(values.get("purpose") or "").strip()
        known = ", ".join(p.label for p in ConsentPurpose)
        problems.append(
            FieldError(
                CONSENT_FIELDS["purpose"],
                f"„{raw}“ ist kein Zweck (möglich: {known})."
                if raw
                else "bitte einen Zweck wählen.",
            )
        )
    return purpose


def _channel(
    values: Mapping[str, Any], what: str, problems: list[FieldError]
) -> ConsentChannel | None:
    channel = _enum(values, "channel", ConsentChannel)
    if channel is None:
        raw = str(values.get("channel") or "").strip()
        problems.append(
            FieldError(
                CONSENT_FIELDS["channel"],
                f"„{raw}“ ist kein Kanal {_CHANNEL_HINT}."
                if raw
                else f"bitte angeben, wie {what} kam {_CHANNEL_HINT}.",
            )
        )
    return channel


def _not_future(
    values: Mapping[str, Any], key: str, now: datetime, problems: list[FieldError]
) -> date | None:
    label = CONSENT_FIELDS[key]
    day = date_value(values, key, label, problems)
    if day and day > now.astimezone(CITY_ZONE).date():
        problems.append(FieldError(label, "liegt in der Zukunft."))
    return day


def build_consent(
    values: Mapping[str, Any], now: datetime
) -> tuple[ConsentInput | None, list[FieldError]]:
    """``purpose``, ``version``, ``channel``, ``evidence`` (all required), ``given_at`` (a
    day, default today) and ``legal_basis``. ``now``: the caller's clock (an aware instant);
    a consent is never given in the future."""
    problems: list[FieldError] = []
    purpose = _purpose(values, problems)
    version = str(values.get("version") or "").strip()
    if not version:
        problems.append(
            FieldError(
                CONSENT_FIELDS["version"],
                "bitte die Fassung des Einwilligungstextes angeben, der zugestimmt wurde "
                "(aus dem Katalog der Einwilligungstexte).",
            )
        )
    channel = _channel(values, "die Einwilligung", problems)
    evidence = str(values.get("evidence") or "").strip()
    if not evidence:
        problems.append(
            FieldError(
                CONSENT_FIELDS["evidence"],
                "bitte angeben, wo der Nachweis liegt (z. B. Formular Nr. 12, E-Mail vom "
                "03.02.2026, Gesprächsnotiz).",
            )
        )
    elif len(evidence) > 500:
        problems.append(FieldError(CONSENT_FIELDS["evidence"], "höchstens 500 Zeichen."))
    given = _not_future(values, "given_at", now, problems)
    if problems or purpose is None or channel is None:
        return None, problems
    basis = values.get("legal_basis")
    return (
        ConsentInput(
            purpose,
            version,
            channel,
            evidence,
            instant(given, now),
            basis if isinstance(basis, LegalBasis) else LegalBasis.EINWILLIGUNG,
        ),
        [],
    )


def build_withdrawal(
    values: Mapping[str, Any], now: datetime
) -> tuple[WithdrawalInput | None, list[FieldError]]:
    """``purpose`` and ``channel`` (required) and ``withdrawn_at`` (a day, default today)."""
    problems: list[FieldError] = []
    purpose = _purpose(values, problems)
    channel = _channel(values, "der Widerruf", problems)
    day = _not_future(values, "withdrawn_at", now, problems)
    if problems or purpose is None or channel is None:
        return None, problems
    return WithdrawalInput(purpose, channel, instant(day, now)), []


def build_consent_text(
    values: Mapping[str, Any],
) -> tuple[ConsentTextInput | None, list[FieldError]]:
    """``purpose``, ``version``, ``wording`` and ``valid_from``: all required."""
    problems: list[FieldError] = []
    purpose = _purpose(values, problems)
    version = str(values.get("version") or "").strip()
    if not version:
        problems.append(
            FieldError(CONSENT_FIELDS["version"], "darf nicht leer sein (z. B. 2026-01).")
        )
    elif len(version) > 50:
        problems.append(FieldError(CONSENT_FIELDS["version"], "höchstens 50 Zeichen."))
    wording = str(values.get("wording") or "").strip()
    if not wording:
        problems.append(
            FieldError(
                CONSENT_FIELDS["wording"],
                "darf nicht leer sein: der Text, dem die Person zustimmt.",
            )
        )
    valid_from = required_date(values, "valid_from", CONSENT_FIELDS["valid_from"], problems)
    if problems or purpose is None or valid_from is None:
        return None, problems
    return ConsentTextInput(purpose, version, wording, valid_from), []


@dataclass(frozen=True)
class MembershipInput:
    person_id: int
    role: GroupRole
    representing_id: int | None
    valid_from: date | None


def build_membership(values: Mapping[str, Any]) -> tuple[MembershipInput | None, list[FieldError]]:
    """``person_id``, ``role``, ``representing_id`` and the typed ``since``."""
    problems: list[FieldError] = []
    since = date_value(values, "since", "Seit", problems)
    person_id: int | None = values.get("person_id")
    if person_id is None:
        problems.append(FieldError("Person", "bitte eine Person auswählen."))
    if problems or person_id is None:
        return None, problems
    role, rep = values.get("role"), values.get("representing_id")
    return (
        MembershipInput(
            person_id,
            role if isinstance(role, GroupRole) else GroupRole.MITGLIED,
            rep if isinstance(rep, int) else None,
            since,
        ),
        [],
    )


@dataclass(frozen=True)
class AffiliationInput:
    organisation_id: int
    function: str
    valid_from: date | None


def build_affiliation(
    values: Mapping[str, Any],
) -> tuple[AffiliationInput | None, list[FieldError]]:
    """``organisation_id``, ``function`` and the typed ``since``."""
    problems: list[FieldError] = []
    organisation_id: int | None = values.get("organisation_id")
    if organisation_id is None:
        problems.append(FieldError("Organisation", "bitte eine Organisation auswählen."))
    since = date_value(values, "since", "Seit", problems)
    if problems or organisation_id is None:
        return None, problems
    return AffiliationInput(organisation_id, str(values.get("function") or "").strip(), since), []
