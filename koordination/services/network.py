"""The network picture: sector balance, engagement health, who works with whom, and the view
of one working group with its measures, decisions, tasks and attendance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import AttendanceStatus, GroupKind, GroupRole, Sector
from koordination.domain.models import (
    Affiliation,
    AgendaItem,
    Attendance,
    Decision,
    Group,
    GroupMembership,
    Meeting,
    MeetingGroup,
    MeetingOverride,
    Organisation,
    Person,
    Sitting,
)
from koordination.domain.records.directory import GroupRecord, display_name
from koordination.domain.records.fields import MeasureRecord
from koordination.domain.records.meetings import DecisionRecord
from koordination.domain.records.network import (
    AttendancePoint,
    Cooperation,
    CooperationPair,
    EngagementHealth,
    GroupDecision,
    GroupView,
    HeldSitting,
    MissedSittings,
    NetworkBalance,
    NewMember,
    OrganisationCooperation,
    OrganisationRef,
    SectorBalance,
    UnattachedOrganisation,
)
from koordination.services.directory.service import Directory

#: Attendance statuses that mean the person was there.
THERE = (AttendanceStatus.ANWESEND, AttendanceStatus.GAST)

#: How many sittings in a row a member must have missed to be listed.
MISSED_IN_A_ROW = 3

#: Roles nobody expects at every sitting: guests and patrons are never listed as missing.
NOT_EXPECTED = (GroupRole.GAST, GroupRole.SCHIRMHERRSCHAFT)

#: Large id lists go to the database in slices (SQLite limits bound parameters).
_CHUNK = 500


def current_on(model: Any, day: date) -> Any:
    """SQL condition: the row (membership, affiliation) is valid on ``day``."""
    return and_(
        or_(model.valid_from.is_(None), model.valid_from <= day),
        or_(model.valid_to.is_(None), model.valid_to >= day),
    )


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _instant(day: date) -> datetime:
    """Midnight at the start of ``day`` in the city's zone, as a UTC instant."""
    return datetime.combine(day, time(), tzinfo=CITY_ZONE).astimezone(UTC)


def held_sittings(
    session: Session,
    *,
    first: date | None = None,
    last: date | None = None,
    group_id: int | None = None,
) -> list[HeldSitting]:
    """Sittings with someone recorded as present, from ``first`` to ``last`` (both included),
    in date order. A sitting opened early for its agenda, or with no attendance taken,
    does not count as held."""
    there = exists().where(Attendance.sitting_id == Sitting.id, Attendance.status.in_(THERE))
    stmt = (
        select(
            Sitting.id,
            Sitting.meeting_id,
            Sitting.occurrence,
            Sitting.started_at,
            Meeting.title,
            Meeting.kind,
        )
        .join(Meeting, Meeting.id == Sitting.meeting_id)
        .where(there)
    )
    # A moved date may lie a little outside the window of its original date.
    margin = timedelta(days=62)
    if first is not None:
        stmt = stmt.where(Sitting.occurrence >= _instant(first) - margin)
    if last is not None:
        stmt = stmt.where(Sitting.occurrence < _instant(last + timedelta(days=1)) + margin)
    if group_id is not None:
        stmt = stmt.where(
            Sitting.meeting_id.in_(
                select(MeetingGroup.meeting_id).where(MeetingGroup.group_id == group_id)
            )
        )
    rows = session.execute(stmt).all()
    meeting_ids = sorted({r.meeting_id for r in rows})
    groups: dict[int, list[int]] = defaultdict(list)
    moved: dict[tuple[int, datetime], datetime] = {}
    for chunk in _chunks(meeting_ids):
        for meeting_id, gid in session.execute(
            select(MeetingGroup.meeting_id, MeetingGroup.group_id)
            .where(MeetingGroup.meeting_id.in_(chunk))
            .order_by(MeetingGroup.group_id)
        ):
            groups[meeting_id].append(gid)
        for o in session.execute(
            select(
                MeetingOverride.meeting_id, MeetingOverride.recurrence_id, MeetingOverride.start_at
            )
            .where(MeetingOverride.meeting_id.in_(chunk))
            .where(MeetingOverride.start_at.is_not(None))
        ):
            moved[(o.meeting_id, o.recurrence_id.astimezone(UTC))] = o.start_at
    out: list[HeldSitting] = []
    for r in rows:
        moment = r.started_at or moved.get((r.meeting_id, r.occurrence.astimezone(UTC)))
        day = (moment or r.occurrence).astimezone(CITY_ZONE).date()
        if (first is not None and day < first) or (last is not None and day > last):
            continue
        out.append(
            HeldSitting(r.id, r.meeting_id, r.title, r.kind, day, tuple(groups[r.meeting_id]))
        )
    out.sort(key=lambda s: (s.day, s.title, s.id))
    return out


@dataclass(frozen=True)
class CurrentMember:
    """A current membership in an active group, with the organisation the member stands for."""

    group_id: int
    group_name: str
    group_kind: GroupKind
    person_id: int
    person_name: str
    role: GroupRole
    valid_from: date | None
    organisation: OrganisationRef | None


def _balance(group: GroupRecord, day: date) -> SectorBalance:
    """The directory's sector balance of a group, plus the members without a sector."""
    unknown = sum(1 for m in group.members if m.current(day) and m.sector is None)
    return SectorBalance(
        group_id=group.id,
        name=group.name,
        kind=group.kind,
        per_sector=dict(group.sector_balance),
        without_sector=unknown,
    )


def _names(group_ids: Iterable[int], names: dict[int, str]) -> tuple[str, ...]:
    return tuple(sorted((names[g] for g in group_ids), key=str.casefold))


def _sector_order(ref: OrganisationRef) -> tuple[int, str]:
    return list(Sector).index(ref.sector), ref.name.casefold()


class Network:
    """The network as a whole; every public method is one read-only use case."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return self.clock.today()

    # ------------------------------------------------------------------ loading
    @staticmethod
    def organisations(session: Session) -> dict[int, OrganisationRef]:
        """Every organisation that is not archived."""
        return {
            oid: OrganisationRef(oid, name, sector)
            for oid, name, sector in session.execute(
                select(Organisation.id, Organisation.name, Organisation.sector).where(
                    Organisation.archived.is_(False)
                )
            )
        }

    def members(
        self, session: Session, day: date, orgs: dict[int, OrganisationRef]
    ) -> list[CurrentMember]:
        """Current members of active groups (archived people left out), each with the
        organisation they stand for: the one they represent, else their first current one."""
        rows = session.execute(
            select(
                GroupMembership.group_id,
                Group.name,
                Group.kind,
                GroupMembership.person_id,
                Person.title,
                Person.given_name,
                Person.family_name,
                GroupMembership.role,
                GroupMembership.valid_from,
                GroupMembership.representing_id,
            )
            .join(Group, Group.id == GroupMembership.group_id)
            .join(Person, Person.id == GroupMembership.person_id)
            .where(Group.archived.is_(False), Person.archived.is_(False))
            .where(current_on(GroupMembership, day))
            .order_by(GroupMembership.id)
        ).all()
        member_ids = (
            select(GroupMembership.person_id)
            .join(Group, Group.id == GroupMembership.group_id)
            .where(Group.archived.is_(False), current_on(GroupMembership, day))
        )
        first_org: dict[int, int] = {}
        for person_id, affiliated in session.execute(
            select(Affiliation.person_id, Affiliation.organisation_id)
            .where(Affiliation.person_id.in_(member_ids), current_on(Affiliation, day))
            .order_by(Affiliation.id)
        ):
            first_org.setdefault(person_id, affiliated)
        out = []
        for r in rows:
            org_id: int | None = r.representing_id
            if org_id is None:
                org_id = first_org.get(r.person_id)
            out.append(
                CurrentMember(
                    group_id=r.group_id,
                    group_name=r.name,
                    group_kind=r.kind,
                    person_id=r.person_id,
                    person_name=display_name(r.title, r.given_name, r.family_name),
                    role=r.role,
                    valid_from=r.valid_from,
                    organisation=orgs.get(org_id) if org_id is not None else None,
                )
            )
        return out

    # ------------------------------------------------------------------ sector balance
    def sector_balance(self, today: date | None = None) -> NetworkBalance:
        """Members per sector of every active group (consortium first) and of the network
        as a whole, where each person counts once per sector they stand for."""
        day = today or self.today()
        directory = Directory(self.db, Clock.on(day))
        groups = [directory.get_group(row.id) for row in directory.list_groups()]
        people: dict[int, set[Sector | None]] = defaultdict(set)
        for g in groups:
            for m in g.members:
                if m.current(day):
                    people[m.person_id].add(m.sector)
        per_sector: dict[Sector, int] = {}
        for sectors in people.values():
            for s in sectors:
                if s is not None:
                    per_sector[s] = per_sector.get(s, 0) + 1
        network = SectorBalance(
            group_id=None,
            name="Alle Gruppen",
            kind=None,
            per_sector={s: per_sector[s] for s in Sector if s in per_sector},
            without_sector=sum(1 for sectors in people.values() if sectors == {None}),
        )
        return NetworkBalance(network=network, groups=tuple(_balance(g, day) for g in groups))

    # ------------------------------------------------------------------ engagement
    def engagement(self, today: date | None = None, recent_days: int = 90) -> EngagementHealth:
        """Who has missed the last three sittings of their group, who joined a group in the
        last ``recent_days`` days, and which organisations take part in no group."""
        day = today or self.today()
        with self.db.session() as session:
            orgs = self.organisations(session)
            members = self.members(session, day, orgs)
            missed = self._missed(session, day, members)
            since = day - timedelta(days=recent_days)
            joined = sorted(
                (
                    NewMember(
                        person_id=m.person_id,
                        person_name=m.person_name,
                        organisation=m.organisation.name if m.organisation else "",
                        group_id=m.group_id,
                        group_name=m.group_name,
                        role=m.role,
                        since=m.valid_from,
                    )
                    for m in members
                    if m.valid_from is not None and since <= m.valid_from <= day
                ),
                key=lambda n: (-n.since.toordinal(), n.person_name.casefold(), n.group_name),
            )
            in_groups = {m.organisation.id for m in members if m.organisation}
            people: dict[int, int] = defaultdict(int)
            for (org_id,) in session.execute(
                select(Affiliation.organisation_id)
                .join(Person, Person.id == Affiliation.person_id)
                .where(Person.archived.is_(False), current_on(Affiliation, day))
            ):
                people[org_id] += 1
            unattached = [
                UnattachedOrganisation(o.id, o.name, o.sector, people[o.id])
                for o in sorted(orgs.values(), key=_sector_order)
                if o.id not in in_groups
            ]
        return EngagementHealth(
            today=day,
            recent_days=recent_days,
            missed=tuple(missed),
            joined=tuple(joined),
            unattached=tuple(unattached),
        )

    def _missed(
        self, session: Session, day: date, members: Sequence[CurrentMember]
    ) -> list[MissedSittings]:
        by_group: dict[int, list[HeldSitting]] = defaultdict(list)
        for s in held_sittings(session, last=day):
            for gid in s.group_ids:
                by_group[gid].append(s)
        last_three = {
            gid: sittings[-MISSED_IN_A_ROW:]
            for gid, sittings in by_group.items()
            if len(sittings) >= MISSED_IN_A_ROW
        }
        there = self._there(session, sorted({s.id for ss in last_three.values() for s in ss}))
        candidates = [
            m
            for m in members
            if m.group_id in last_three
            and m.role not in NOT_EXPECTED
            # A member only misses what happened while they belonged to the group.
            and (m.valid_from is None or m.valid_from <= last_three[m.group_id][0].day)
            and not any((s.id, m.person_id) in there for s in last_three[m.group_id])
        ]
        # When did they last come? Only the sittings of their own group count.
        earlier = self._there(
            session,
            sorted({s.id for m in candidates for s in by_group[m.group_id]}),
            person_ids={m.person_id for m in candidates},
        )
        out = []
        for m in candidates:
            present = [s.day for s in by_group[m.group_id] if (s.id, m.person_id) in earlier]
            out.append(
                MissedSittings(
                    person_id=m.person_id,
                    person_name=m.person_name,
                    organisation=m.organisation.name if m.organisation else "",
                    group_id=m.group_id,
                    group_name=m.group_name,
                    missed=tuple(s.day for s in last_three[m.group_id]),
                    last_present=max(present, default=None),
                )
            )
        out.sort(key=lambda x: (x.group_name.casefold(), x.person_name.casefold()))
        return out

    @staticmethod
    def _there(
        session: Session, sitting_ids: Sequence[int], person_ids: set[int] | None = None
    ) -> set[tuple[int, int]]:
        """(sitting, person) for everybody recorded as there at those sittings."""
        out: set[tuple[int, int]] = set()
        if person_ids is not None and not person_ids:
            return out
        for chunk in _chunks(sitting_ids):
            for sitting_id, person_id in session.execute(
                select(Attendance.sitting_id, Attendance.person_id).where(
                    Attendance.sitting_id.in_(chunk),
                    Attendance.status.in_(THERE),
                    Attendance.person_id.is_not(None),
                )
            ):
                if person_id is not None and (person_ids is None or person_id in person_ids):
                    out.add((sitting_id, person_id))
        return out

    # ------------------------------------------------------------------ cooperation
    def cooperation(self, today: date | None = None) -> Cooperation:
        """Which organisations meet in which groups: per organisation its groups and the
        organisations it sits with, and every pair with the groups they share."""
        day = today or self.today()
        with self.db.session() as session:
            orgs = self.organisations(session)
            members = self.members(session, day, orgs)
        names = {m.group_id: m.group_name for m in members}
        group_orgs: dict[int, set[int]] = defaultdict(set)
        org_groups: dict[int, set[int]] = defaultdict(set)
        for m in members:
            if m.organisation is not None:
                group_orgs[m.group_id].add(m.organisation.id)
                org_groups[m.organisation.id].add(m.group_id)
        pairs: dict[tuple[int, int], set[int]] = defaultdict(set)
        for gid, ids in group_orgs.items():
            for a, b in combinations(sorted(ids), 2):
                pairs[(a, b)].add(gid)
        partners: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            partners[a].add(b)
            partners[b].add(a)
        per_org = tuple(
            OrganisationCooperation(
                organisation=orgs[oid],
                groups=_names(org_groups[oid], names),
                partners=tuple(sorted((orgs[p] for p in partners[oid]), key=_sector_order)),
            )
            for oid in sorted(org_groups, key=lambda i: orgs[i].name.casefold())
        )
        pair_list = sorted(
            (
                CooperationPair(orgs[a], orgs[b], _names(gids, names))
                for (a, b), gids in pairs.items()
            ),
            key=lambda p: (
                -len(p.groups),
                not p.cross_sector,
                p.first.name.casefold(),
                p.second.name.casefold(),
            ),
        )
        return Cooperation(organisations=per_org, pairs=tuple(pair_list))

    # ------------------------------------------------------------------ one group
    def group_view(
        self,
        group_id: int,
        today: date | None = None,
        *,
        decisions: int = 10,
        sittings: int = 12,
    ) -> GroupView:
        """One group: its measures with status, the latest ``decisions`` decisions, open
        tasks, attendance at its last ``sittings`` sittings and its sector balance."""
        day = today or self.today()
        group = Directory(self.db, Clock.on(day)).get_group(group_id)
        measures = measures_of_group(self.db, group_id)
        from koordination.services.sittings.service import Sittings

        tasks = Sittings(self.db, clock=Clock.on(day)).list_tasks(open_only=True, group_id=group_id)
        with self.db.session() as session:
            recent = self._decisions(session, group_id, decisions)
            held = held_sittings(session, last=day, group_id=group_id)
            points = self._attendance(session, held[-sittings:] if sittings else [])
        return GroupView(
            id=group.id,
            name=group.name,
            kind=group.kind,
            description=group.description,
            today=day,
            balance=_balance(group, day),
            measures=tuple(measures),
            decisions=tuple(recent),
            open_tasks=tuple(tasks),
            attendance=tuple(points),
        )

    @staticmethod
    def _decisions(session: Session, group_id: int, limit: int) -> list[GroupDecision]:
        rows = session.execute(
            select(Decision, Sitting.occurrence, Sitting.started_at, Meeting.title)
            .join(AgendaItem, AgendaItem.id == Decision.item_id)
            .join(Sitting, Sitting.id == AgendaItem.sitting_id)
            .join(Meeting, Meeting.id == Sitting.meeting_id)
            .where(
                Sitting.meeting_id.in_(
                    select(MeetingGroup.meeting_id).where(MeetingGroup.group_id == group_id)
                )
            )
            .order_by(Sitting.occurrence.desc(), AgendaItem.position, Decision.position)
            .limit(limit)
        ).all()
        return [
            GroupDecision(
                id=d.id,
                day=(started or occurrence).astimezone(CITY_ZONE).date(),
                meeting=title,
                wording=d.wording,
                result=d.result,
                vote_text=decision_vote_text(d),
            )
            for d, occurrence, started, title in rows
        ]

    @staticmethod
    def _attendance(session: Session, held: Sequence[HeldSitting]) -> list[AttendancePoint]:
        counts: dict[int, dict[AttendanceStatus, int]] = defaultdict(lambda: defaultdict(int))
        sectors: dict[int, dict[Sector | None, int]] = defaultdict(lambda: defaultdict(int))
        for chunk in _chunks([s.id for s in held]):
            for sitting_id, status, sector in session.execute(
                select(Attendance.sitting_id, Attendance.status, Attendance.sector).where(
                    Attendance.sitting_id.in_(chunk)
                )
            ):
                counts[sitting_id][status] += 1
                if status in THERE:
                    sectors[sitting_id][sector] += 1
        return [
            AttendancePoint(
                sitting_id=s.id,
                day=s.day,
                title=s.title,
                present=counts[s.id][AttendanceStatus.ANWESEND],
                guests=counts[s.id][AttendanceStatus.GAST],
                excused=counts[s.id][AttendanceStatus.ENTSCHULDIGT],
                absent=counts[s.id][AttendanceStatus.ABWESEND],
                by_sector=dict(sectors[s.id]),
            )
            for s in held
        ]


def decision_vote_text(d: Decision) -> str:
    """``im Konsens`` or ``Ja 9 · Nein 0 · Enthaltung 1``, as the minutes say it."""
    return DecisionRecord(
        d.id, d.wording, d.consensus, d.votes_yes, d.votes_no, d.votes_abstain, d.result
    ).vote_text


def measures_of_group(db: Database, group_id: int) -> list[MeasureRecord]:
    """Measures the group is responsible for, or of action fields it leads."""
    from koordination.services.fields.service import ActionFields

    return ActionFields(db).measures_of_group(group_id)
