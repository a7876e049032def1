"""Plain frozen records of what the open-data export (OParl) may show, read in one
transaction by :mod:`koordination.services.open_data` and turned into OParl objects by
:mod:`koordination.outputs.oparl`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from koordination.domain.enums import (
    DecisionResult,
    GroupKind,
    GroupRole,
    MeetingKind,
    MeetingStatus,
    OrganisationKind,
    Sector,
)

if TYPE_CHECKING:
    # Only named here: the service builds the event, the output expands it.
    from koordination.calendar.events import Event


@dataclass(frozen=True)
class CityData:
    id: int
    name: str
    office_name: str
    office_email: str
    office_address: str


@dataclass(frozen=True)
class GroupData:
    id: int
    kind: GroupKind
    name: str
    parent_id: int | None
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class OrganisationData:
    id: int
    name: str
    short_name: str
    sector: Sector
    kind: OrganisationKind
    website: str
    archived: bool
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class GroupMembershipData:
    id: int
    group_id: int
    #: Just the number: the membership names its person only when a ``SharedPerson`` with
    #: this id exists, that is when the person consented.
    person_id: int
    role: GroupRole
    valid_from: date | None
    valid_to: date | None
    voting_right: bool
    representing_id: int | None


@dataclass(frozen=True)
class SharedPerson:
    """A person whose current consent allows publishing them and their contact data."""

    id: int
    salutation: str
    title: str
    given_name: str
    family_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class AffiliationData:
    """An affiliation of a person in ``shared`` (others are not read)."""

    id: int
    person_id: int
    organisation_id: int
    function: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class MeetingData:
    """A public meeting or series; ``event`` expands into its dates."""

    id: int
    kind: MeetingKind
    status: MeetingStatus
    event: Event
    group_ids: tuple[int, ...]
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class ItemData:
    id: int
    parent_id: int | None
    title: str
    public: bool
    #: (wording, result) of the decisions, only read for approved minutes.
    decisions: tuple[tuple[str, DecisionResult], ...]


@dataclass(frozen=True)
class SittingData:
    id: int
    meeting_id: int
    occurrence: datetime
    approved: bool
    started_at: datetime | None
    ended_at: datetime | None
    items: tuple[ItemData, ...]


@dataclass(frozen=True)
class OParlSource:
    """Everything the export is built from, read in one transaction."""

    city: CityData
    groups: tuple[GroupData, ...]
    organisations: tuple[OrganisationData, ...]
    memberships: tuple[GroupMembershipData, ...]
    shared: tuple[SharedPerson, ...]
    affiliations: tuple[AffiliationData, ...]
    meetings: tuple[MeetingData, ...]
    sittings: tuple[SittingData, ...]
    #: The moment it was read (consents were asked about then); its day in the city's zone
    #: bounds how far series are expanded.
    read_at: datetime
