"""Reading the audit trail: who changed what and when, per record or for the whole database.

The trail is written by :mod:`koordination.db.audit`; this module only reads it and puts it
into German: field names become labels, values are shown old → new, instants in the city's
time, numbers of people, organisations and groups with their names.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from koordination.clock import CITY_ZONE
from koordination.db.audit import ACTIONS, ERASED, KIND_LABELS, TRACKED
from koordination.db.engine import Database
from koordination.domain.enums import LabeledEnum
from koordination.domain.models import AuditEntry, Group, Organisation, Person
from koordination.domain.records.directory import display_name
from koordination.errors import KoordinationError

#: German labels of the stored columns; a column not listed is shown by its name.
FIELD_LABELS = {
    "achievements": "Erfolge",
    "actual_value": "Istwert",
    "added_at": "Eingeladen am",
    "address": "Anschrift",
    "address_key": "E-Mail (Suchschlüssel)",
    "anonymous": "Anonym",
    "approved_at": "Genehmigt am",
    "approved_by": "Genehmigt von",
    "archived": "Archiviert",
    "assignee_group_id": "Zuständige Gruppe",
    "assignee_person_id": "Zuständige Person",
    "attachments": "Anlagen",
    "audience": "Zielgruppe",
    "audience_note": "Zielgruppe (Hinweis)",
    "bank_item_id": "Frage der Fragensammlung",
    "breakdown": "Aufschlüsseln nach",
    "bundesland": "Bundesland",
    "cancel_sent_sequence": "Absage verschickt (Fassung)",
    "cancelled": "Abgesagt",
    "chair_id": "Leitung",
    "cluster": "Cluster",
    "code": "Kürzel",
    "condition_option_id": "Bedingung (Antwort)",
    "condition_question_id": "Bedingung (Frage)",
    "consensus": "Im Konsens",
    "contact": "Kontaktdaten",
    "contact_person_id": "Ansprechperson",
    "content": "Inhalt",
    "copied_from_id": "Kopiert von",
    "created_by": "Erstellt von",
    "decision_id": "Beschluss",
    "description": "Beschreibung",
    "done_on": "Erledigt am",
    "done_reported_in_id": "Erledigt gemeldet in Sitzung",
    "due": "Fällig am",
    "due_on": "Fällig am",
    "duration_minutes": "Dauer (Minuten)",
    "email": "E-Mail",
    "enabled": "Eingeschaltet",
    "end_at": "Ende",
    "ended_at": "Ende",
    "ends_on": "Ende",
    "erased_at": "Gelöscht am",
    "external_id": "Externe Nr.",
    "family_name": "Nachname",
    "field_id": "Handlungsfeld",
    "fingerprint": "Prüfsumme",
    "focus": "Schwerpunkte",
    "function": "Funktion",
    "given_at": "Erteilt am",
    "given_name": "Vorname",
    "goal_id": "Ziel",
    "group_id": "Gruppe",
    "guest": "Gast",
    "hashtags": "Hashtags",
    "high_label": "Beschriftung oben",
    "hint": "Hinweis",
    "inhabitants": "Einwohner",
    "introduction": "Einleitung",
    "item_id": "Tagesordnungspunkt",
    "key": "Schlüssel",
    "kind": "Art",
    "label": "Beschriftung",
    "last_end_at": "Letzter Termin endet",
    "lead_group_id": "Federführende Gruppe",
    "legal_basis": "Rechtsgrundlage",
    "low_label": "Beschriftung unten",
    "measure_id": "Maßnahme",
    "measured_on": "Gemessen am",
    "meeting_id": "Termin",
    "minute_taker_id": "Protokoll",
    "minutes_kind": "Protokollart",
    "minutes_status": "Protokollstatus",
    "months": "Monate",
    "name": "Name",
    "network_since": "Im Netzwerk seit",
    "note": "Notiz",
    "notes": "Notizen",
    "number": "Nummer",
    "occurrence": "Termin (ursprünglicher Beginn)",
    "office_address": "Anschrift der Koordinierungsstelle",
    "office_email": "E-Mail der Koordinierungsstelle",
    "office_name": "Name der Koordinierungsstelle",
    "office_phone": "Telefon der Koordinierungsstelle",
    "online_url": "Online-Zugang",
    "options": "Antwortmöglichkeiten",
    "organisation": "Organisation",
    "organisation_id": "Organisation",
    "parent_id": "Übergeordnet",
    "person_id": "Person",
    "phone": "Telefon",
    "portrait": "Porträt",
    "position": "Reihenfolge",
    "postal_address": "Postanschrift",
    "preferred_channel": "Einladungsweg",
    "presenter": "Vortrag",
    "previous_id": "Vorherige Serie",
    "principles_accepted_on": "Grundsätze anerkannt am",
    "progress": "Fortschritt (%)",
    "public": "Öffentlich",
    "purpose": "Zweck",
    "question_id": "Frage",
    "recurrence_id": "Termin (ursprünglicher Beginn)",
    "removed_at": "Von der Liste genommen am",
    "replaces_id": "Ersetzt Frage",
    "representing_id": "Vertritt Organisation",
    "request_sequence": "Einladungsfassung",
    "required": "Pflichtfrage",
    "resources": "Ressourcen",
    "responsible_group_id": "Verantwortliche Gruppe",
    "responsible_person_id": "Verantwortliche Person",
    "result": "Ergebnis",
    "retired": "Ersetzt",
    "role": "Rolle",
    "room": "Raum",
    "rrule": "Wiederholung",
    "salutation": "Anrede",
    "scale_max": "Skala bis",
    "scale_min": "Skala von",
    "section": "Abschnitt",
    "sector": "Sektor",
    "sent_at": "Verschickt am",
    "sent_email": "Verschickt an",
    "sent_sequence": "Verschickte Fassung",
    "sequence": "Fassung",
    "short_name": "Kurzname",
    "sitting_id": "Sitzung",
    "source": "Quelle",
    "stand": "Stand",
    "standing": "Ständiger TOP",
    "start_at": "Beginn",
    "started_at": "Beginn",
    "starts_on": "Beginn",
    "status": "Status",
    "submitted_at": "Abgegeben am",
    "survey_id": "Umfrage",
    "survey_question_id": "Frage einer Umfrage",
    "tag": "Schlagwort",
    "tandem_partner": "Tandempartner",
    "target_value": "Zielwert",
    "task_id": "Aufgabe",
    "text": "Text",
    "text_version": "Fassung des Textes",
    "title": "Titel",
    "type": "Fragetyp",
    "uid": "Kalender-UID",
    "unit": "Einheit",
    "valid_from": "Von",
    "valid_to": "Bis",
    "via_group_id": "Eingeladen über Gruppe",
    "vision": "Vision",
    "votes": "Punkte",
    "votes_abstain": "Enthaltungen",
    "votes_no": "Nein-Stimmen",
    "votes_yes": "Ja-Stimmen",
    "voting_right": "Stimmrecht",
    "website": "Webseite",
    "withdrawn_at": "Widerrufen am",
    "wording": "Wortlaut",
}

#: Where the same column means something else in one kind of record.
KIND_FIELD_LABELS = {
    ("person_email", "address"): "E-Mail-Adresse",
    ("person_phone", "number"): "Telefonnummer",
    ("minutes_version", "number"): "Fassung",
    ("group", "parent_id"): "Übergeordnete Gruppe",
    ("agenda_item", "parent_id"): "Übergeordneter TOP",
    ("retention_rule", "kind"): "Regel",
}

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

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_RECORD = re.compile(r"^\s*([a-z_]+)\s*:\s*(\d+)\s*$")


def field_label(kind: str, field: str) -> str:
    """The German label of a stored column (the column's name when there is none)."""
    return KIND_FIELD_LABELS.get((kind, field)) or FIELD_LABELS.get(field, field)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


#: Actions written by hand beyond the listener's (a retention run).
_MORE_ACTIONS = {"run": "ausgeführt"}


def action_label(action: str) -> str:
    return ACTIONS.get(action) or _MORE_ACTIONS.get(action, action)


def local_time(at: datetime) -> str:
    """An instant as the office reads it: "22.11.2026 14:03" in Europe/Berlin."""
    return at.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")


#: The records a coordinator usually asks about; every other kind of the trail works too.
MAIN_KINDS = (
    "person",
    "organisation",
    "group",
    "meeting",
    "sitting",
    "survey",
    "action_field",
    "measure",
    "city",
    "retention_rule",
)


def known_kinds() -> str:
    """The kinds one can ask the trail about, for help texts and error messages."""
    main = ", ".join(f"{kind} ({KIND_LABELS[kind]})" for kind in MAIN_KINDS)
    more = ", ".join(kind for kind in KIND_LABELS if kind not in MAIN_KINDS)
    return f"{main}; außerdem {more}"


def parse_record(text: str) -> tuple[str, int]:
    """``"person:12"`` → ``("person", 12)``; a German error for anything else."""
    match = _RECORD.match(text or "")
    if match is None:
        raise KoordinationError(
            f"„{text}“ ist keine Angabe eines Eintrags. Bitte ART:NR angeben, z. B. person:12 "
            f"oder group:3. Bekannte Arten: {known_kinds()}."
        )
    kind, number = match.group(1), int(match.group(2))
    if kind not in KIND_LABELS:
        raise KoordinationError(
            f"„{kind}“ ist keine bekannte Art. Bekannte Arten: {known_kinds()}."
        )
    return kind, number


#: Derived columns that only mirror another one: kept in the JSON, left out of tables.
DERIVED = frozenset({"address_key"})


@cache
def _column_order() -> dict[str, dict[str, int]]:
    """kind → column → position in the table: an entry lists fields as the form does."""
    return {
        tracked.kind: {attr.key: i for i, attr in enumerate(inspect(model).column_attrs)}
        for model, tracked in TRACKED.items()
    }


@cache
def _enum_columns() -> dict[tuple[str, str], type[LabeledEnum]]:
    """(kind, column) → the enum stored there: the trail holds values, people read labels."""
    found: dict[tuple[str, str], type[LabeledEnum]] = {}
    for model, tracked in TRACKED.items():
        for attr in inspect(model).column_attrs:
            enum_class = getattr(attr.columns[0].type, "enum_class", None)
            if isinstance(enum_class, type) and issubclass(enum_class, LabeledEnum):
                found[tracked.kind, attr.key] = enum_class
    return found


def _enum_label(kind: str, field: str, value: Any) -> str | None:
    enum_class = _enum_columns().get((kind, field))
    if enum_class is None or not isinstance(value, str):
        return None
    try:
        return enum_class(value).label
    except ValueError:
        return None  # stored as a label already, or a value no longer known


def render_value(value: Any) -> str:
    """A stored value in German: "–" for nothing, ja/nein, dates and instants as in Germany."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if value == ERASED:
            return value
        if _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value).strftime("%d.%m.%Y")
            except ValueError:
                return value
        if _ISO_INSTANT.match(value):
            try:
                instant = datetime.fromisoformat(value)
            except ValueError:
                return value
            if instant.tzinfo is None:
                return instant.strftime("%d.%m.%Y %H:%M")
            return local_time(instant)
        return value
    return json.dumps(value, ensure_ascii=False)


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

    @property
    def when(self) -> str:
        return local_time(self.at)

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
    order = _column_order().get(row.kind, {})
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
    )


def _shown(kind: str, field: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    if (label := _enum_label(kind, field, value)) is not None:
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
