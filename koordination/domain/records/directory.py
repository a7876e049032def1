"""Plain frozen records handed from the services to the TUI, the CLI and the exporters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, NamedTuple, TypeVar

from koordination.domain.enums import (
    CORE_SECTORS,
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


def is_current(valid_from: date | None, valid_to: date | None, today: date) -> bool:
    return (valid_from is None or valid_from <= today) and (valid_to is None or valid_to >= today)


@dataclass(frozen=True)
class CityProfileRecord:
    id: int
    version: int
    name: str
    bundesland: Bundesland | None
    inhabitants: int | None
    network_since: int | None
    tandem_partner: str
    portrait: str
    focus: str
    vision: str
    achievements: str
    resources: str
    hashtags: str
    office_name: str
    office_address: str
    office_phone: str
    office_email: str
    contact_person_id: int | None = None
    principles_accepted_on: date | None = None
    #: The contact person's name, for showing (the id is what is saved).
    contact_person: str = ""
    #: The controller's data (Art. 13-15, 30 DSGVO); ``legal_bases`` holds every purpose's
    #: basis, the defaults included (see ``domain/controller.py``).
    controller: str = ""
    dpo_contact: str = ""
    supervisory_authority: str = ""
    state_law_basis: str = ""
    legal_bases: dict[str, str] = field(default_factory=dict)
    processors: str = ""
    recipients: str = ""
    third_country_transfers: str = ""


@dataclass(frozen=True)
class OrganisationRecord:
    id: int
    version: int
    name: str
    short_name: str
    sector: Sector
    kind: OrganisationKind
    address: str
    phone: str
    email: str
    website: str
    notes: str
    archived: bool
    people: tuple[AffiliationRecord, ...] = ()
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsentRecord:
    id: int
    purpose: ConsentPurpose
    legal_basis: LegalBasis
    text_version: str
    given_at: datetime
    withdrawn_at: datetime | None
    #: How it reached the office and where its proof lies (None/"" for consents recorded
    #: before the catalogue of consent texts).
    channel: ConsentChannel | None = None
    evidence: str = ""
    withdrawal_channel: ConsentChannel | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True)
class AffiliationRecord:
    id: int
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    sector: Sector
    function: str
    valid_from: date | None
    valid_to: date | None

    def current(self, today: date) -> bool:
        return is_current(self.valid_from, self.valid_to, today)


@dataclass(frozen=True)
class MembershipRecord:
    id: int
    group_id: int
    group_name: str
    person_id: int
    person_name: str
    role: GroupRole
    valid_from: date | None
    valid_to: date | None
    voting_right: bool
    representing_id: int | None
    representing_name: str
    #: The sector the member stands for: the organisation represented, else their current one.
    sector: Sector | None

    def current(self, today: date) -> bool:
        return is_current(self.valid_from, self.valid_to, today)


@dataclass(frozen=True)
class ObjectionRecord:
    """An objection to processing (Art. 21 DSGVO) and, once decided, the outcome."""

    id: int
    person_id: int
    received_at: datetime
    scope: str
    reason: str
    decided_at: datetime | None
    outcome: str


@dataclass(frozen=True)
class PersonRecord:
    id: int
    version: int
    salutation: str
    title: str
    given_name: str
    family_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    postal_address: str
    notes: str
    tags: tuple[str, ...]
    preferred_channel: Channel
    archived: bool
    affiliations: tuple[AffiliationRecord, ...] = ()
    memberships: tuple[MembershipRecord, ...] = ()
    consents: tuple[ConsentRecord, ...] = ()
    #: Restriction of processing (Art. 18 DSGVO): since when, and why; ``None`` when none.
    restricted_at: datetime | None = None
    restriction_reason: str = ""
    archive_reason: str = ""
    #: Objections (Art. 21 DSGVO), oldest first.
    objections: tuple[ObjectionRecord, ...] = ()
    #: Where the data came from when not from the person (an imported list, Art. 14 DSGVO),
    #: and when the office sent them the information it owes them.
    art14_source: str = ""
    art14_informed_at: datetime | None = None

    @property
    def art14_open(self) -> bool:
        """Whether the Art. 14 information is still owed ("Art. 14 Information offen")."""
        return bool(self.art14_source) and self.art14_informed_at is None

    @property
    def display_name(self) -> str:
        return display_name(self.title, self.given_name, self.family_name)

    def has_consent(self, purpose: ConsentPurpose) -> bool:
        return any(c.purpose == purpose and c.active for c in self.consents)


def display_name(title: str, given_name: str, family_name: str) -> str:
    """How a person is shown everywhere. An erased person (Art. 17 DSGVO) keeps only a family
    name, :func:`erased_name`, so they read "N. N. (Zivilgesellschaft, Tafel e.V.)" here too."""
    return " ".join(part for part in (title, given_name, family_name) if part)


#: What stands where an erased person's name stood.
ERASED_NAME = "N. N."


def erased_name(sector: Sector | None, organisation: str) -> str:
    """The name an erased person is shown with: "N. N. (Zivilgesellschaft, Tafel e.V.)",
    from the sector and organisation they belonged to (so statistics stay readable)."""
    parts = [part for part in (sector.label if sector else "", organisation.strip()) if part]
    return f"{ERASED_NAME} ({', '.join(parts)})" if parts else ERASED_NAME


@dataclass(frozen=True)
class PersonRow:
    """One line of the people list: enough to show and filter, nothing lazy."""

    id: int
    name: str
    emails: tuple[str, ...]
    organisation: str
    sector: Sector | None
    groups: tuple[str, ...]
    archived: bool
    #: Restriction of processing (Art. 18 DSGVO): shown in the list, left out of exports.
    restricted: bool = False


class ExportedPerson(NamedTuple):
    """One person as a table export writes them, built 100,000 times for a city (a tuple: a
    frozen record costs several times as much to make): the sharing rule applied (contact data
    and notes are empty without a current consent "Kontaktdaten im Netzwerk teilen") and only
    what holds on the export's day."""

    id: int
    salutation: str
    title: str
    given_name: str
    family_name: str
    emails: Sequence[str]
    #: As the office dials them (``phones.shown_phone``).
    phones: Sequence[str]
    postal_address: str
    notes: str
    tags: Sequence[str]
    preferred_channel: Channel
    #: The first current affiliation (in the order they were made): organisation, function and
    #: sector; ``None`` without one.
    affiliation: tuple[str, str, Sector] | None
    #: The current memberships in the order they were made: group, role, member since.
    memberships: Sequence[tuple[str, GroupRole, date | None]]
    #: The consents not withdrawn, in the order they were given: purpose and when.
    consents: Sequence[tuple[ConsentPurpose, datetime]]


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    short_name: str
    sector: Sector
    kind: OrganisationKind
    email: str
    people: int
    archived: bool


@dataclass(frozen=True)
class GroupRow:
    id: int
    kind: GroupKind
    name: str
    parent_name: str
    members: int
    archived: bool


@dataclass(frozen=True)
class GroupRecord:
    id: int
    version: int
    kind: GroupKind
    name: str
    description: str
    parent_id: int | None
    parent_name: str
    archived: bool
    members: tuple[MembershipRecord, ...] = ()
    #: Current members per sector (members without a known sector are not counted).
    sector_balance: dict[Sector, int] = field(default_factory=dict)

    @property
    def missing_core_sectors(self) -> tuple[Sector, ...]:
        return tuple(s for s in CORE_SECTORS if not self.sector_balance.get(s))


@dataclass(frozen=True)
class Overview:
    city: CityProfileRecord | None
    people_per_sector: dict[Sector | None, int]
    organisations_per_sector: dict[Sector, int]
    groups: tuple[GroupRow, ...]
    people_total: int
    organisations_total: int


T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """The result of a save: the record as stored, plus warnings (likely duplicates)."""

    record: T
    warnings: tuple[str, ...] = ()
