"""Plain frozen records of the network picture: sector balance, engagement health,
cooperation between organisations and the view of one working group."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from koordination.domain.enums import (
    CORE_SECTORS,
    DecisionResult,
    GroupKind,
    GroupRole,
    MeetingKind,
    Sector,
)
from koordination.domain.records.fields import MeasureRecord
from koordination.domain.records.meetings import TaskRecord


def sector_list(sectors: tuple[Sector, ...]) -> str:
    """``Zivilgesellschaft und Verwaltung``: labels joined the way a sentence lists them."""
    labels = [s.label for s in sectors]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " und " + labels[-1]


@dataclass(frozen=True)
class SectorBalance:
    """Current members of one group (or of all groups together) per sector."""

    group_id: int | None
    name: str
    kind: GroupKind | None
    #: Current members with a known sector, per sector (sectors without members left out).
    per_sector: dict[Sector, int] = field(default_factory=dict)
    #: Current members whose sector is not known (no organisation).
    without_sector: int = 0

    @property
    def members(self) -> int:
        return sum(self.per_sector.values()) + self.without_sector

    @property
    def missing(self) -> tuple[Sector, ...]:
        """The core sectors (civil society, administration) nobody stands for."""
        return tuple(s for s in CORE_SECTORS if not self.per_sector.get(s))

    @property
    def absent_sectors(self) -> tuple[Sector, ...]:
        """Every sector nobody stands for, core or not."""
        return tuple(s for s in Sector if not self.per_sector.get(s))

    @property
    def warning(self) -> str:
        """German warning when a core sector is missing, else ""."""
        if not self.missing:
            return ""
        return f"{self.name}: es fehlt {sector_list(self.missing)}."


@dataclass(frozen=True)
class NetworkBalance:
    """The sector balance of the whole network and of each active group, consortium first."""

    network: SectorBalance
    groups: tuple[SectorBalance, ...]

    @property
    def consortium(self) -> SectorBalance | None:
        return next((g for g in self.groups if g.kind is GroupKind.KONSORTIUM), None)

    @property
    def unbalanced(self) -> tuple[SectorBalance, ...]:
        """Groups where a core sector is missing."""
        return tuple(g for g in self.groups if g.missing)


@dataclass(frozen=True)
class OrganisationRef:
    id: int
    name: str
    sector: Sector


@dataclass(frozen=True)
class MissedSittings:
    """A current member who was not there at the group's last three sittings."""

    person_id: int
    person_name: str
    organisation: str
    group_id: int
    group_name: str
    #: The dates of the three sittings missed, oldest first.
    missed: tuple[date, ...]
    #: The last sitting of the group the person attended, if any.
    last_present: date | None


@dataclass(frozen=True)
class NewMember:
    person_id: int
    person_name: str
    organisation: str
    group_id: int
    group_name: str
    role: GroupRole
    since: date


@dataclass(frozen=True)
class UnattachedOrganisation:
    """An organisation of the directory that takes part in no group."""

    id: int
    name: str
    sector: Sector
    #: People currently working there, as the directory knows them.
    people: int


@dataclass(frozen=True)
class EngagementHealth:
    today: date
    recent_days: int
    missed: tuple[MissedSittings, ...]
    joined: tuple[NewMember, ...]
    unattached: tuple[UnattachedOrganisation, ...]


@dataclass(frozen=True)
class OrganisationCooperation:
    """One organisation: the groups it takes part in and the organisations it meets there."""

    organisation: OrganisationRef
    groups: tuple[str, ...]
    partners: tuple[OrganisationRef, ...]

    @property
    def partner_sectors(self) -> tuple[Sector, ...]:
        """Sectors of the partners other than the organisation's own."""
        found = {p.sector for p in self.partners} - {self.organisation.sector}
        return tuple(s for s in Sector if s in found)


@dataclass(frozen=True)
class CooperationPair:
    """Two organisations that sit together in one or more groups."""

    first: OrganisationRef
    second: OrganisationRef
    groups: tuple[str, ...]

    @property
    def cross_sector(self) -> bool:
        return self.first.sector is not self.second.sector


@dataclass(frozen=True)
class Cooperation:
    #: Organisations in groups, by name.
    organisations: tuple[OrganisationCooperation, ...]
    #: Pairs, most shared groups first.
    pairs: tuple[CooperationPair, ...]


@dataclass(frozen=True)
class GroupDecision:
    id: int
    day: date
    meeting: str
    wording: str
    result: DecisionResult
    vote_text: str


@dataclass(frozen=True)
class AttendancePoint:
    """Attendance at one sitting of a group."""

    sitting_id: int
    day: date
    title: str
    present: int
    guests: int
    excused: int
    absent: int
    #: People there (present and guests) per sector; None for those without a sector.
    by_sector: dict[Sector | None, int] = field(default_factory=dict)

    @property
    def there(self) -> int:
        return self.present + self.guests

    @property
    def listed(self) -> int:
        return self.present + self.guests + self.excused + self.absent


@dataclass(frozen=True)
class GroupView:
    """One working group at a glance."""

    id: int
    name: str
    kind: GroupKind
    description: str
    today: date
    balance: SectorBalance
    #: Measures the group is responsible for or whose action field it leads.
    measures: tuple[MeasureRecord, ...]
    decisions: tuple[GroupDecision, ...]
    open_tasks: tuple[TaskRecord, ...]
    #: The group's sittings up to today, oldest first.
    attendance: tuple[AttendancePoint, ...]

    @property
    def fields(self) -> tuple[tuple[str, tuple[MeasureRecord, ...]], ...]:
        """The measures per action field, fields in the order they first appear."""
        out: dict[str, list[MeasureRecord]] = {}
        for m in self.measures:
            out.setdefault(m.field_title, []).append(m)
        return tuple((title, tuple(ms)) for title, ms in out.items())

    @property
    def overdue_tasks(self) -> tuple[TaskRecord, ...]:
        return tuple(t for t in self.open_tasks if t.overdue(self.today))


@dataclass(frozen=True)
class HeldSitting:
    """A sitting that took place: at least one person is recorded as there."""

    id: int
    meeting_id: int
    title: str
    kind: MeetingKind
    #: The day it took place (a moved date counts on the day it was moved to).
    day: date
    group_ids: tuple[int, ...]
