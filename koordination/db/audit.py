"""The audit trail: who changed what and when, written in the same transaction as the change.

One mechanism for every service: a session listener looks at what a flush creates, changes
and deletes, and writes one entry per record with the changed fields (old → new). An entry
belongs to an *owner* — the record a coordinator would look at (a person's e-mail belongs to
the person, an agenda item to its sitting) — and names other records it touches in ``refs``
("person:12"), so the trail of a person also shows the groups they joined.

Values of other records are never copied into an entry, only their numbers: erasing a person
then only has to blank the entries the person owns (see :func:`scrub`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import NO_VALUE

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.roles import PRIVACY_ACTS, os_user
from koordination.domain import models as m
from koordination.domain.models import AuditEntry

#: Fields that change by themselves or only mirror others; not worth an entry.
_SKIPPED = {"version", "created_at", "updated_at", "search_text", "sort_key", "name_key"}

#: Actions as stored; the faces show the German words.
ACTIONS = {
    "create": "angelegt",
    "update": "geändert",
    "delete": "gelöscht",
    "erase": "gelöscht (Art. 17 DSGVO)",
    "import": "importiert",
    "run": "ausgeführt",
    # Acts of data protection (see koordination.db.roles.PRIVACY_ACTS) and role changes
    "auskunft": "Auskunft erteilt (Art. 15 DSGVO)",
    "export": "personenbezogen exportiert",
    "grant": "Rolle vergeben",
    "revoke": "Rolle entzogen",
}

ERASED = "[gelöscht]"

#: The key of ``Session.info`` naming who asked for a privacy act (a person, their
#: representative): :func:`log` writes it into the act's entry.
REQUESTER = "requester"


@dataclass(frozen=True)
class Tracked:
    """How a model appears in the trail: its kind, and how to find its owner and refs."""

    kind: str
    owner: tuple[str, str] | None = None  # (owner kind, attribute holding the owner's id)
    refs: tuple[tuple[str, str], ...] = ()  # (kind, attribute holding the id)


TRACKED: dict[type[Any], Tracked] = {
    m.CityProfile: Tracked("city", refs=(("person", "contact_person_id"),)),
    m.Person: Tracked("person"),
    m.PersonEmail: Tracked("person_email", ("person", "person_id")),
    m.PersonPhone: Tracked("person_phone", ("person", "person_id")),
    m.PersonTag: Tracked("person_tag", ("person", "person_id")),
    m.Consent: Tracked("consent", ("person", "person_id")),
    m.Affiliation: Tracked(
        "affiliation", ("person", "person_id"), (("organisation", "organisation_id"),)
    ),
    m.Organisation: Tracked("organisation"),
    m.Group: Tracked("group"),
    m.GroupMembership: Tracked(
        "membership",
        ("group", "group_id"),
        (("person", "person_id"), ("organisation", "representing_id")),
    ),
    m.Meeting: Tracked("meeting"),
    m.MeetingGroup: Tracked("meeting_group", ("meeting", "meeting_id"), (("group", "group_id"),)),
    m.MeetingOverride: Tracked("meeting_override", ("meeting", "meeting_id")),
    m.Invitation: Tracked("invitation", ("meeting", "meeting_id"), (("person", "person_id"),)),
    m.Sitting: Tracked(
        "sitting",
        ("meeting", "meeting_id"),
        (("person", "chair_id"), ("person", "minute_taker_id")),
    ),
    m.AgendaItem: Tracked("agenda_item", ("sitting", "sitting_id")),
    m.Attendance: Tracked("attendance", ("sitting", "sitting_id"), (("person", "person_id"),)),
    m.Decision: Tracked("decision", ("agenda_item", "item_id")),
    m.Task: Tracked(
        "task",
        ("sitting", "sitting_id"),
        (("person", "assignee_person_id"), ("group", "group_id")),
    ),
    m.MinutesVersion: Tracked("minutes_version", ("sitting", "sitting_id")),
    m.WorkshopCard: Tracked("workshop_card", ("sitting", "sitting_id")),
    m.Survey: Tracked("survey"),
    m.QuestionBankItem: Tracked("bank_question"),
    m.SurveyQuestion: Tracked("survey_question", ("survey", "survey_id")),
    m.QuestionOption: Tracked("question_option", ("survey_question", "question_id")),
    m.SurveyResponse: Tracked(
        "survey_response", ("survey", "survey_id"), (("person", "person_id"),)
    ),
    m.SurveySnapshot: Tracked("survey_snapshot", ("survey", "survey_id")),
    m.ActionField: Tracked("action_field", refs=(("group", "lead_group_id"),)),
    m.Goal: Tracked("goal", ("action_field", "field_id")),
    m.Measure: Tracked(
        "measure",
        ("goal", "goal_id"),
        (("group", "responsible_group_id"), ("person", "responsible_person_id")),
    ),
    m.MeasurePartner: Tracked(
        "measure_partner", ("measure", "measure_id"), (("organisation", "organisation_id"),)
    ),
    m.Indicator: Tracked("indicator", ("measure", "measure_id")),
    m.MeasureLink: Tracked("measure_link", ("measure", "measure_id")),
    m.RetentionRule: Tracked("retention_rule"),
    m.Objection: Tracked("objection", ("person", "person_id")),
    m.EngagementOffer: Tracked(
        "offer",
        refs=(
            ("organisation", "organisation_id"),
            ("person", "contact_person_id"),
            ("action_field", "action_field_id"),
        ),
    ),
    m.EngagementOfferTag: Tracked("offer_tag", ("offer", "offer_id")),
}

#: German names of the kinds, for the faces.
KIND_LABELS = {
    "city": "Stadtprofil",
    "person": "Person",
    "person_email": "E-Mail-Adresse",
    "person_phone": "Telefonnummer",
    "person_tag": "Schlagwort",
    "consent": "Einwilligung",
    "objection": "Widerspruch (Art. 21 DSGVO)",
    "affiliation": "Zugehörigkeit",
    "organisation": "Organisation",
    "group": "Gruppe",
    "membership": "Mitgliedschaft",
    "meeting": "Termin",
    "meeting_group": "Gruppe des Termins",
    "meeting_override": "Änderung eines Serientermins",
    "invitation": "Einladung",
    "sitting": "Sitzung",
    "agenda_item": "Tagesordnungspunkt",
    "attendance": "Anwesenheit",
    "decision": "Beschluss",
    "task": "Aufgabe",
    "minutes_version": "genehmigtes Protokoll",
    "workshop_card": "Werkstattkarte",
    "survey": "Umfrage",
    "bank_question": "Frage der Fragensammlung",
    "survey_question": "Frage",
    "question_option": "Antwortmöglichkeit",
    "survey_response": "Umfrageantwort",
    "survey_snapshot": "veröffentlichter Stand",
    "action_field": "Handlungsfeld",
    "goal": "Ziel",
    "measure": "Maßnahme",
    "measure_partner": "Partner einer Maßnahme",
    "indicator": "Kennzahl",
    "measure_link": "Verknüpfung einer Maßnahme",
    "retention_rule": "Aufbewahrungsregel",
    "offer": "Mitwirkungsmöglichkeit",
    "offer_tag": "Passt für (Mitwirkungsmöglichkeit)",
    "export": "Export",
    "login": "Datenbank-Anmeldung",
}


def _plain(value: Any) -> Any:
    """A value as JSON can hold it: enums by label, dates and instants in ISO form."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _columns(obj: Any) -> Iterable[str]:
    for attr in inspect(type(obj)).column_attrs:
        if attr.key not in _SKIPPED and attr.key != "id":
            yield attr.key


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if action == "update":
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old is NO_VALUE or old == new:
                continue
            out[key] = [_plain(old), _plain(new)]
        else:
            value = state.attrs[key].loaded_value
            if value is NO_VALUE or value is None or value == "":
                continue
            out[key] = [None, _plain(value)] if action == "create" else [_plain(value), None]
    return out


def _entry(obj: Any, action: str, actor: str, login: str, at: datetime) -> dict[str, Any] | None:
    tracked = TRACKED.get(type(obj))
    if tracked is None:
        return None
    changes = _changes(obj, action)
    if action == "update" and not changes:
        return None
    record_id = getattr(obj, "id", None)  # link tables have a composite key
    owner_kind, owner_id = tracked.kind, record_id
    if tracked.owner is not None:
        owner_kind, attribute = tracked.owner
        owner_id = getattr(obj, attribute)
    refs = " ".join(
        f"{kind}:{getattr(obj, attribute)}"
        for kind, attribute in tracked.refs
        if getattr(obj, attribute, None) is not None
    )
    return {
        "at": at,
        "actor": actor,
        "login": login,
        "action": action,
        "kind": tracked.kind,
        "record_id": record_id,
        "owner_kind": owner_kind,
        "owner_id": owner_id,
        "refs": f" {refs} " if refs else "",
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
    }


def actor_of(session: Session) -> str:
    actor = session.info.get("actor")
    return str(actor) if actor else os_user()


def login_of(session: Session) -> str:
    """The database login that writes: ``session_user`` on PostgreSQL (asked once per
    connection), the operating-system user on SQLite (a file has no logins)."""
    conn = session.connection()
    login = conn.info.get(_LOGIN)
    if login is None:
        if conn.dialect.name == "postgresql":
            login = str(conn.exec_driver_sql("SELECT session_user").scalar())
        else:
            login = os_user()
        conn.info[_LOGIN] = login
    return str(login)


_LOGIN = "koordination_login"


def now_of(session: Session) -> datetime:
    """The moment of a change, from the clock of the database the session belongs to."""
    clock = session.info.get("clock")
    return clock.now() if isinstance(clock, Clock) else SYSTEM_CLOCK.now()


@event.listens_for(Session, "after_flush")
def _record(session: Session, _context: Any) -> None:
    if session.info.get("audit_off"):
        return
    actor = actor_of(session)
    login = login_of(session)
    at = now_of(session)
    rows = [
        row
        for action, objects in (
            ("create", session.new),
            ("update", session.dirty),
            ("delete", session.deleted),
        )
        for obj in objects
        if (row := _entry(obj, action, actor, login, at)) is not None
    ]
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def log(
    session: Session,
    action: str,
    kind: str,
    record_id: int | None,
    *,
    owner: tuple[str, int | None] | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Write one entry by hand: for bulk imports (one entry for the whole file) and erasure."""
    owner_kind, owner_id = owner or (kind, record_id)
    if action in PRIVACY_ACTS and (requester := session.info.get(REQUESTER)):
        changes = {**(changes or {}), "Anfrage von": str(requester)}
    session.execute(
        insert(AuditEntry).values(
            at=now_of(session),
            actor=actor_of(session),
            login=login_of(session),
            action=action,
            kind=kind,
            record_id=record_id,
            owner_kind=owner_kind,
            owner_id=owner_id,
            refs="",
            changes=json.dumps(changes or {}, ensure_ascii=False, sort_keys=True),
        )
    )


def scrub(session: Session, kind: str, record_id: int) -> int:
    """Keep the facts of a record's trail (who, when, what kind of change) but blank every
    value: for an erased person. Returns how many entries were blanked."""
    entries = session.execute(
        select(AuditEntry.id, AuditEntry.changes).where(
            or_(
                (AuditEntry.owner_kind == kind) & (AuditEntry.owner_id == record_id),
                (AuditEntry.kind == kind) & (AuditEntry.record_id == record_id),
            )
        )
    ).all()
    for entry_id, changes in entries:
        blanked = {key: _blank(value) for key, value in json.loads(changes).items()}
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == entry_id)
            .values(changes=json.dumps(blanked, ensure_ascii=False, sort_keys=True))
        )
    return len(entries)


def _blank(value: Any) -> Any:
    """A change's value pair with both sides blanked (an empty side stays empty); the fact of
    a summary entry or a privacy act ("Anfrage von": "…") blanked whole."""
    if isinstance(value, list) and len(value) == 2:
        return [None if side is None else ERASED for side in value]
    return None if value in (None, "") else ERASED
