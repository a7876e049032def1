"""Groups (working groups, committees, networks) and their memberships."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from koordination.domain.enums import (
    GroupKind,
    GroupRole,
    Sector,
    fold,
)
from koordination.domain.inputs.directory import (
    GroupInput,
)
from koordination.domain.inputs.validation import date_order
from koordination.domain.models import (
    Affiliation,
    Group,
    GroupMembership,
    Organisation,
    Person,
)
from koordination.domain.records.directory import (
    GroupRecord,
    GroupRow,
    MembershipRecord,
    Saved,
    display_name,
)
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.directory.records import (
    DirectoryBase,
    changed_labels,
    conflict_error,
    current_at,
)
from koordination.services.directory.search import (
    ALL_GROUPS,
    GroupFilter,
    text_matches,
)

_GROUP_LABELS = {
    "kind": "Art",
    "name": "Name",
    "description": "Beschreibung",
    "parent_id": "Übergeordnete Gruppe",
    "archived": "Archiviert",
}


class Groups(DirectoryBase):
    """Use cases on groups. Every public method is one transaction."""

    # ------------------------------------------------------------------ groups
    def _load_group(self, session: Session, group_id: int) -> Group:
        group = session.scalar(
            select(Group)
            .where(Group.id == group_id)
            .options(
                selectinload(Group.parent),
                selectinload(Group.memberships)
                .selectinload(GroupMembership.person)
                .selectinload(Person.affiliations)
                .selectinload(Affiliation.organisation),
                selectinload(Group.memberships).selectinload(GroupMembership.representing),
            )
        )
        if group is None:
            raise NotFoundError(f"Gruppe Nr. {group_id} wurde nicht gefunden.")
        return group

    def _group_record(self, g: Group) -> GroupRecord:
        today = self.today()
        members = []
        for m in g.memberships:
            p = m.person
            members.append(
                self._membership_record(
                    m, display_name(p.title, p.given_name, p.family_name), self._current_sector(p)
                )
            )
        balance = Counter(m.sector for m in members if m.sector and m.current(today))
        return GroupRecord(
            id=g.id,
            version=g.version,
            kind=g.kind,
            name=g.name,
            description=g.description,
            parent_id=g.parent_id,
            parent_name=g.parent.name if g.parent else "",
            archived=g.archived,
            members=tuple(members),
            sector_balance={s: balance[s] for s in Sector if balance[s]},
        )

    def get_group(self, group_id: int) -> GroupRecord:
        with self.db.session() as session:
            return self._group_record(self._load_group(session, group_id))

    def find_group(self, name_or_id: str) -> GroupRecord | None:
        """A group by its number or (case-tolerant) name."""
        with self.db.session() as session:
            gid: int | None
            if name_or_id.strip().isdigit():
                gid = int(name_or_id)
            else:
                key = fold(name_or_id)
                gid = next(
                    (i for i, n in session.execute(select(Group.id, Group.name)) if fold(n) == key),
                    None,
                )
            if gid is None or session.get(Group, gid) is None:
                return None
            return self._group_record(self._load_group(session, gid))

    def _check_parent(self, session: Session, group_id: int | None, parent_id: int | None) -> None:
        seen = {group_id} if group_id is not None else set()
        current = parent_id
        while current is not None:
            if current in seen:
                raise ValidationError(
                    [
                        FieldError(
                            "Übergeordnete Gruppe", "eine Gruppe kann nicht in sich selbst liegen."
                        )
                    ]
                )
            seen.add(current)
            parent = self._get(session, Group, current, "Gruppe")
            current = parent.parent_id

    def create_group(self, data: GroupInput) -> Saved[GroupRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        with self.db.session() as session:
            self._check_parent(session, None, data.parent_id)
            group = Group(
                kind=data.kind,
                name=data.name.strip(),
                description=data.description.strip(),
                parent_id=data.parent_id,
            )
            session.add(group)
            self._save(session, "Die Gruppe")
            return Saved(self._group_record(self._load_group(session, group.id)))

    def update_group(self, original: GroupRecord, data: GroupInput) -> Saved[GroupRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        with self.db.session() as session:
            group = self._load_group(session, original.id)
            if group.version != original.version:
                raise conflict_error(
                    f"Die Gruppe {original.name}",
                    changed_labels(original, self._group_record(group), _GROUP_LABELS),
                )
            self._check_parent(session, group.id, data.parent_id)
            group.kind = data.kind
            group.name = data.name.strip()
            group.description = data.description.strip()
            group.parent_id = data.parent_id
            group.updated_at = self.clock.now()
            self._save(session, f"Die Gruppe {original.name}")
            session.expire(group, ["parent"])
            return Saved(self._group_record(group))

    def set_group_archived(self, original: GroupRecord, archived: bool) -> GroupRecord:
        with self.db.session() as session:
            group = self._load_group(session, original.id)
            if group.version != original.version:
                raise conflict_error(f"Die Gruppe {original.name}", [])
            group.archived = archived
            self._save(session, f"Die Gruppe {original.name}")
            return self._group_record(group)

    def list_groups(
        self, search: str = "", archived: bool = False, sector: Sector | None = None
    ) -> list[GroupRow]:
        today = self.today()
        members = (
            select(func.count(GroupMembership.id))
            .where(GroupMembership.group_id == Group.id, current_at(GroupMembership, today))
            .scalar_subquery()
        )
        parent = Group.__table__.alias("parent")
        stmt = (
            select(Group.id, Group.kind, Group.name, parent.c.name, members, Group.archived)
            .outerjoin(parent, parent.c.id == Group.parent_id)
            .where(Group.archived == archived)
        )
        if sector is not None:
            stmt = stmt.where(
                exists()
                .where(GroupMembership.group_id == Group.id)
                .where(current_at(GroupMembership, today))
                .where(GroupMembership.representing_id == Organisation.id)
                .where(Organisation.sector == sector)
            )
        with self.db.session() as session:
            rows = [
                GroupRow(gid, kind, name, pname or "", count, arch)
                for gid, kind, name, pname, count, arch in session.execute(stmt)
                # A city has dozens of groups, not thousands: the name is matched here, in
                # every German spelling (Müller, Mueller, Muller), the same on both backends.
                if not search or text_matches(name, search)
            ]
        # The consortium first, then working groups, project groups, networks.
        order = list(GroupKind)
        return sorted(rows, key=lambda r: (order.index(r.kind), fold(r.name)))

    def add_membership(
        self,
        group_id: int,
        person_id: int,
        role: GroupRole = GroupRole.MITGLIED,
        valid_from: date | None = None,
        valid_to: date | None = None,
        voting_right: bool = True,
        representing_id: int | None = None,
    ) -> MembershipRecord:
        if err := date_order("Zeitraum", valid_from, valid_to):
            raise ValidationError([err])
        with self.db.session() as session:
            group = self._get(session, Group, group_id, "Gruppe")
            person = self._load_person(session, person_id)
            rep = (
                self._get(session, Organisation, representing_id, "Organisation")
                if representing_id is not None
                else None
            )
            m = GroupMembership(
                group=group,
                person=person,
                role=role,
                valid_from=valid_from,
                valid_to=valid_to,
                voting_right=voting_right,
                representing=rep,
            )
            session.add(m)
            group.updated_at = self.clock.now()
            self._save(session, f"Die Gruppe {group.name}")
            name = display_name(person.title, person.given_name, person.family_name)
            return self._membership_record(m, name, self._current_sector(person))

    def end_membership(self, membership_id: int, valid_to: date | None = None) -> None:
        end = valid_to or self.today()
        with self.db.session() as session:
            m = self._get(session, GroupMembership, membership_id, "Mitgliedschaft")
            if err := date_order("Zeitraum", m.valid_from, end):
                raise ValidationError([err])
            m.valid_to = end
            m.group.updated_at = self.clock.now()
            self._save(session, f"Die Gruppe {m.group.name}")

    def groups_matching(self, f: GroupFilter = ALL_GROUPS) -> list[GroupRow]:
        """``list_groups`` asked with one filter value (what the group export takes)."""
        return self.list_groups(f.search, f.archived, f.sector)
