"""Reading the audit trail: who changed what and when, per record or for the whole database.

The trail is written by :mod:`koordination.db.audit`; this module only reads it and puts it
into German (the words are in :mod:`audit_labels`): field names become labels, values are
shown old → new, instants in the city's time, numbers of people, organisations and groups
with their names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from koordination.clock import CITY_ZONE
from koordination.db import audit
from koordination.db.audit import TRACKED
from koordination.db.engine import Database
from koordination.domain.models import AuditEntry, Group, Organisation, Person
from koordination.domain.records.directory import display_name
from koordination.services.privacy.audit_labels import (
    DERIVED,
    action_label,
    column_order,
    enum_label,
    field_label,
    kind_label,
    local_time,
    render_value,
)

#: Columns that hold the number of a person, an organisation or a group: shown with the name.
_REFERENCES = {
    "person_id": "person",
    "chair_id": "person",
    "minute_taker_id": "person",
    "assignee_person_id": "person",
    "responsible_person_id": "person",
    "contact_person_id": "person",
    "organisation_id": "organisation",
    "representing_id": "organisation",
    "group_id": "group",
    "via_group_id": "group",
    "lead_group_id": "group",
    "responsible_group_id": "group",
    "assignee_group_id": "group",
}
_KIND_REFERENCES = {("group", "parent_id"): "group"}

#: Kinds whose entries own other entries (a sitting owns its agenda items, an agenda item
#: its decisions): the trail of a record includes the trails of its parts.
_OWNER_KINDS = frozenset(t.owner[0] for t in TRACKED.values() if t.owner is not None)
#: How far down the parts go: meeting → sitting → agenda item → decision.
_DEPTH = 4


@dataclass(frozen=True)
class FieldChange:
    """One field of one entry. ``paired`` is False for the facts of a summary entry (an import,
    a retention run), which have a value but no "before"."""

    field: str
    label: str
    old: Any
    new: Any
    old_text: str
    new_text: str
    paired: bool = True

    @property
    def text(self) -> str:
        """ "vorher → nachher", or the value alone for a fact."""
        if not self.paired:
            return self.new_text
        return f"{self.old_text} → {self.new_text}"


@dataclass(frozen=True)
class TrailEntry:
    """One change as the faces show it."""

    id: int
    at: datetime
    actor: str
    action: str
    kind: str
    record_id: int | None
    owner_kind: str
    owner_id: int | None
    refs: tuple[str, ...]
    changes: tuple[FieldChange, ...]
    #: The database login that wrote the entry (empty in entries older than the column).
    login: str = ""

    @property
    def when(self) -> str:
        return local_time(self.at)

    @property
    def who(self) -> str:
        """Who changed it: the name the office gave, with the database login when that
        differs ("Datenschutzbeauftragte (anna)")."""
        if not self.login or self.login == self.actor:
            return self.actor
        return f"{self.actor} ({self.login})"

    @property
    def shown_changes(self) -> tuple[FieldChange, ...]:
        """The changes a table shows: without derived columns."""
        return tuple(c for c in self.changes if c.field not in DERIVED)

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def what(self) -> str:
        """ "Person geändert", "Mitgliedschaft angelegt" …"""
        return f"{self.kind_label} {self.action_label}"

    @property
    def subject(self) -> str:
        """The record the entry is about: "Person Nr. 12"."""
        if self.record_id is None:
            return self.kind_label
        return f"{self.kind_label} Nr. {self.record_id}"

    @property
    def owner(self) -> str:
        """The record a coordinator would look at: "Sitzung Nr. 4"."""
        label = kind_label(self.owner_kind)
        return label if self.owner_id is None else f"{label} Nr. {self.owner_id}"


@dataclass(frozen=True)
class TrailQuery:
    """Which entries: of one record (``record``: kind and number, its parts and where it is
    named), of one kind, in a period (aware instants, ``until`` excluded)."""

    record: tuple[str, int] | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    newest_first: bool = False
    limit: int | None = None


def record_act(
    db: Database,
    act: str,
    *,
    person_id: int | None = None,
    requester: str = "",
    facts: dict[str, Any] | None = None,
) -> None:
    """Write an act of data protection into the trail, in its own transaction: an access
    report (``auskunft``, owned by the person) or an export of personal data (``export``).
    With the date, the login and who asked. (An erasure writes its own ``erase`` entry.)

    Called by the services before the result leaves them: on a shared database only the role
    *Datenschutz* may write these entries (koordination.db.roles), so a login without it is
    refused here and gets nothing."""
    with db.session() as session:
        if requester:
            session.info[audit.REQUESTER] = requester
        kind = "person" if person_id is not None else act
        audit.log(session, act, kind, person_id, changes=facts)


class AuditTrail:
    """Reading the trail; every method is one short read transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def entries(self, query: TrailQuery | None = None) -> list[TrailEntry]:
        query = query or TrailQuery()
        with self.db.session() as session:
            stmt = select(AuditEntry)
            if query.record is not None:
                stmt = stmt.where(_record_clause(session, *query.record))
            if query.kind is not None:
                stmt = stmt.where(
                    or_(AuditEntry.kind == query.kind, AuditEntry.owner_kind == query.kind)
                )
            if query.since is not None:
                stmt = stmt.where(AuditEntry.at >= query.since)
            if query.until is not None:
                stmt = stmt.where(AuditEntry.at < query.until)
            if query.newest_first:
                stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            else:
                stmt = stmt.order_by(AuditEntry.at, AuditEntry.id)
            if query.limit is not None:
                stmt = stmt.limit(query.limit)
            rows = list(session.scalars(stmt))
            names = _names(session, rows)
            return [_entry(row, names) for row in rows]

    def of_record(self, kind: str, record_id: int, *, limit: int | None = None) -> list[TrailEntry]:
        """The trail of one record, newest first (what the TUI shows)."""
        return self.entries(TrailQuery(record=(kind, record_id), newest_first=True, limit=limit))


def _record_clause(session: Session, kind: str, record_id: int) -> ColumnElement[bool]:
    """Entries of the record, of its parts (found in the trail itself, so deleted parts are
    included), and entries that name the record in their refs."""
    nodes: dict[str, set[int]] = {kind: {record_id}}
    frontier = {kind: {record_id}}
    for _ in range(_DEPTH):
        found: dict[str, set[int]] = defaultdict(set)
        stmt = (
            select(AuditEntry.kind, AuditEntry.record_id)
            .where(_owned_by(frontier))
            .where(AuditEntry.kind.in_(_OWNER_KINDS), AuditEntry.record_id.is_not(None))
            .distinct()
        )
        for part_kind, part_id in session.execute(stmt):
            if part_id is not None and part_id not in nodes.get(part_kind, set()):
                found[part_kind].add(part_id)
        if not found:
            break
        for part_kind, ids in found.items():
            nodes.setdefault(part_kind, set()).update(ids)
        frontier = dict(found)
    return or_(
        _owned_by(nodes),
        and_(AuditEntry.kind == kind, AuditEntry.record_id == record_id),
        AuditEntry.refs.contains(f" {kind}:{record_id} ", autoescape=True),
    )


def _owned_by(nodes: dict[str, set[int]]) -> ColumnElement[bool]:
    return or_(
        *(
            and_(AuditEntry.owner_kind == kind, AuditEntry.owner_id.in_(sorted(ids)))
            for kind, ids in nodes.items()
        )
    )


def _reference_kind(kind: str, field: str) -> str | None:
    return _KIND_REFERENCES.get((kind, field)) or _REFERENCES.get(field)


def _names(session: Session, rows: Sequence[AuditEntry]) -> dict[tuple[str, int], str]:
    """Today's names of the people, organisations and groups the entries refer to by number."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for field, pair in _loaded(row.changes).items():
            target = _reference_kind(row.kind, field)
            if target is None or not isinstance(pair, list):
                continue
            wanted[target].update(v for v in pair if isinstance(v, int) and v > 0)
    names: dict[tuple[str, int], str] = {}
    for chunk in _chunks(wanted.get("person", set())):
        stmt = select(Person.id, Person.title, Person.given_name, Person.family_name)
        for pid, title, given, family in session.execute(stmt.where(Person.id.in_(chunk))):
            names["person", pid] = display_name(title, given, family)
    for chunk in _chunks(wanted.get("organisation", set())):
        orgs = select(Organisation.id, Organisation.name).where(Organisation.id.in_(chunk))
        for oid, name in session.execute(orgs):
            names["organisation", oid] = name
    for chunk in _chunks(wanted.get("group", set())):
        for gid, name in session.execute(select(Group.id, Group.name).where(Group.id.in_(chunk))):
            names["group", gid] = name
    return names


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _loaded(changes: str) -> dict[str, Any]:
    try:
        value = json.loads(changes or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _entry(row: AuditEntry, names: dict[tuple[str, int], str]) -> TrailEntry:
    changes = []
    for field, value in _loaded(row.changes).items():
        label = field_label(row.kind, field)
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            changes.append(
                FieldChange(
                    field,
                    label,
                    old,
                    new,
                    _shown(row.kind, field, old, names),
                    _shown(row.kind, field, new, names),
                )
            )
        else:
            changes.append(FieldChange(field, label, None, value, "", render_value(value), False))
    order = column_order().get(row.kind, {})
    changes.sort(key=lambda c: (c.paired, order.get(c.field, len(order))))
    return TrailEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        kind=row.kind,
        record_id=row.record_id,
        owner_kind=row.owner_kind,
        owner_id=row.owner_id,
        refs=tuple(row.refs.split()),
        changes=tuple(changes),
        login=row.login or "",
    )


def _shown(kind: str, field: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    if (label := enum_label(kind, field, value)) is not None:
        return label
    target = _reference_kind(kind, field)
    if target is not None and isinstance(value, int) and not isinstance(value, bool):
        name = names.get((target, value))
        return f"{name} (Nr. {value})" if name else f"Nr. {value}"
    return render_value(value)


# ------------------------------------------------------------------------------ export
def entry_json(entry: TrailEntry) -> dict[str, Any]:
    """One entry for scripts: stored values as they are, plus the German words."""
    return {
        "id": entry.id,
        "at": entry.at.astimezone(CITY_ZONE).isoformat(),
        "actor": entry.actor,
        "login": entry.login,
        "action": entry.action,
        "action_label": entry.action_label,
        "kind": entry.kind,
        "kind_label": entry.kind_label,
        "record_id": entry.record_id,
        "owner": {"kind": entry.owner_kind, "id": entry.owner_id},
        "refs": list(entry.refs),
        "changes": {
            c.field: (
                {"label": c.label, "old": c.old, "new": c.new}
                if c.paired
                else {"label": c.label, "value": c.new}
            )
            for c in entry.changes
        },
    }
