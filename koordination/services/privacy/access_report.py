"""The access report of one person (Art. 15/20 DSGVO).

The access report is a dict that JSON can hold. Its keys are English and stable, like those of
the other JSON exports, so programs can read it (Art. 20); the German title of every section
is under ``"labels"``, values are German (labels of roles, sectors, statuses). The PDF letter
is built from the same dict, so both always say the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    CityProfile,
    Decision,
    Invitation,
    Measure,
    Meeting,
    MinutesVersion,
    Person,
    QuestionOption,
    Sitting,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Task,
    WorkshopCard,
)
from koordination.domain.records.directory import display_name
from koordination.services.privacy.mentions import (
    JSON_COLUMNS,
    NOT_SCANNED,
    TABLE_LABELS,
    Mentions,
    person_mentions,
    scan,
)
from koordination.services.privacy.person import erasure_label, load_person

#: The sections of the access report in their order, with their German titles.
LABELS: dict[str, str] = {
    "profile": "Stammdaten",
    "affiliations": "Zugehörigkeit zu Organisationen",
    "memberships": "Mitgliedschaften in Gruppen",
    "consents": "Einwilligungen mit Verlauf",
    "invitations": "Einladungen und Rückmeldungen",
    "attendance": "Anwesenheit bei Sitzungen",
    "sitting_roles": "Sitzungsleitung und Protokollführung",
    "tasks": "Aufgaben",
    "mentions": "Erwähnungen in Tagesordnungen, Protokollen, Aufgaben und Notizen",
    "survey_responses": "Antworten in nicht anonymen Umfragen",
    "measures": "Verantwortung für Maßnahmen",
    "city_contact": "Feste Ansprechperson der Stadt",
    "audit": "Änderungsprotokoll",
    "information": "Angaben nach Art. 15 Abs. 1 DSGVO",
}

REPORT_FORMAT = "koordination-auskunft/1"

#: What the office tells every person along with their data (Art. 15 Abs. 1 lit. a–h DSGVO).
INFORMATION: dict[str, str] = {
    "purposes": (
        "Koordination des Netzwerks Engagierte Stadt: Einladungen zu Sitzungen und Treffen, "
        "Tagesordnungen und Protokolle, Aufgaben, Umfragen und Berichte an das Programm."
    ),
    "legal_bases": (
        "Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO) für die oben genannten Zwecke; die "
        "Mitwirkung in Gremien des Netzwerks (Art. 6 Abs. 1 lit. b und f DSGVO)."
    ),
    "recipients": (
        "Die Mitglieder der Gruppen, in denen Sie mitwirken (Einladungslisten, Protokolle). "
        "Ihre Kontaktdaten erscheinen in offenen Daten nur mit Ihrer Einwilligung "
        "„Kontaktdaten im Netzwerk teilen“."
    ),
    "storage": (
        "Solange Sie im Netzwerk mitwirken; danach nach den Aufbewahrungsregeln der "
        "Koordinierungsstelle. Protokolle bleiben als Gedächtnis des Netzwerks erhalten, "
        "nach einer Löschung ohne Ihren Namen."
    ),
    "source": "Ihre eigenen Angaben und Eintragungen der Koordinierungsstelle.",
    "rights": (
        "Sie können Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung "
        "(Art. 18) und die Übertragung Ihrer Daten (Art. 20) verlangen, der Verarbeitung "
        "widersprechen (Art. 21) und Einwilligungen jederzeit für die Zukunft widerrufen "
        "(Art. 7 Abs. 3). Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren "
        "(Art. 77 DSGVO)."
    ),
}


#: German names of the text columns a mention is found in.
_COLUMN_LABELS = {
    "title": "Titel",
    "description": "Beschreibung",
    "presenter": "Wer",
    "notes": "Notizen",
    "attachments": "Anlagen",
    "wording": "Wortlaut",
    "text": "Text",
    "cluster": "Gruppe",
    "content": "Inhalt",
    "contact": "Kontakt",
    "approved_by": "Genehmigt durch",
    "postal_address": "Anschrift",
    "note": "Notiz",
    "portrait": "Porträt",
    "achievements": "Erfolge",
    "value": "Wert",
}


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(CITY_ZONE).isoformat(timespec="minutes")
    return value.isoformat()


def _label(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "label", value))


def _sitting_place(session: Session, sitting_id: int | None) -> str:
    """How a sitting is named: „AK Stadtteilarbeit am 08.09.2026“ ("" for none)."""
    sitting = session.get(Sitting, sitting_id) if sitting_id is not None else None
    if sitting is None:
        return ""
    return f"{sitting.meeting.title} am {sitting.occurrence.astimezone(CITY_ZONE):%d.%m.%Y}"


#: Records that belong to a sitting, and how to find the sitting from one of them.
_IN_SITTING: dict[str, Any] = {
    "agenda_item": select(AgendaItem.sitting_id).where(AgendaItem.id == bindparam("id")),
    "workshop_card": select(WorkshopCard.sitting_id).where(WorkshopCard.id == bindparam("id")),
    "minutes_version": select(MinutesVersion.sitting_id).where(
        MinutesVersion.id == bindparam("id")
    ),
    "task": select(Task.sitting_id).where(Task.id == bindparam("id")),
    "decision": select(AgendaItem.sitting_id)
    .join(Decision, Decision.item_id == AgendaItem.id)
    .where(Decision.id == bindparam("id")),
}


def _where(session: Session, table: str, row: Mapping[str, Any]) -> str:
    """Where a mention was found, in words the person understands."""
    what = TABLE_LABELS.get(table, table)
    if table in _IN_SITTING:
        place = _sitting_place(session, session.scalar(_IN_SITTING[table], {"id": row["id"]}))
        if table == "minutes_version":
            number = session.scalar(
                select(MinutesVersion.number).where(MinutesVersion.id == row["id"])
            )
            return f"Genehmigtes Protokoll {place}, Fassung {number}"
        if table in ("agenda_item", "task") and row.get("title"):
            what = f"{what} „{row['title']}“"
        return f"{what} ({place})" if place else what
    row_id = row.get("id")
    return f"{what} Nr. {row_id}" if row_id is not None else what


#: The parts of frozen minutes, for saying where in them a mention stands.
_MINUTES_PARTS = {
    "attendance": "Anwesenheitsliste",
    "chair": "Sitzungsleitung",
    "minute_taker": "Protokollführung",
    "items": "Tagesordnung und Protokoll",
    "open_tasks": "Aufgaben",
    "cards": "Werkstattkarten",
}


def _strings(data: Any, part: str = "") -> Iterator[tuple[str, str]]:
    """Every string in JSON data, with the top-level key it stands under."""
    if isinstance(data, str):
        yield part, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, part or str(key))
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, part)


#: The person's own records, with the column naming them: reported in their own sections.
_OWN = {
    "person": "id",
    "person_tag": "person_id",
    "consent": "person_id",
    "affiliation": "person_id",
    "invitation": "person_id",
    "survey_response": "person_id",
}


def _mentions_section(session: Session, person: Person, mentions: Mentions) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for table, row, columns in scan(session, mentions, skip=NOT_SCANNED):
        if table.name in _OWN:
            keys = [c == row[c.name] for c in table.primary_key.columns]
            owner = session.scalar(select(table.c[_OWN[table.name]]).where(*keys))
            if owner == person.id:
                continue
        for column in columns:
            text = row[column]
            if (table.name, column) in JSON_COLUMNS:
                passages = [
                    f"{_MINUTES_PARTS.get(part, part)}: {passage}"
                    for part, value in _strings(json.loads(text))
                    for passage in mentions.excerpts(value)
                ]
            else:
                passages = mentions.excerpts(text)
            found.append(
                {
                    "kind": TABLE_LABELS.get(table.name, table.name),
                    "where": _where(session, table.name, row),
                    "field": _COLUMN_LABELS.get(column, column),
                    "excerpts": list(dict.fromkeys(passages)),
                }
            )
    return found


def access_report(db: Database, person_id: int, now: datetime) -> dict[str, Any]:
    """Everything stored about one person, grouped by kind (see :data:`LABELS`), JSON-ready."""
    created = now
    with db.session() as session:
        p = load_person(session, person_id)
        report: dict[str, Any] = {
            "format": REPORT_FORMAT,
            "created_at": _iso(created),
            "legal_basis": "Art. 15 und Art. 20 DSGVO",
            "person_id": p.id,
            "name": display_name(p.title, p.given_name, p.family_name),
            "labels": dict(LABELS),
        }
        report["profile"] = {
            "id": p.id,
            "salutation": p.salutation,
            "title": p.title,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "emails": [e.address for e in p.emails],
            "phones": [ph.number for ph in p.phones],
            "postal_address": p.postal_address,
            "notes": p.notes,
            "tags": [t.tag for t in p.tags],
            "preferred_channel": _label(p.preferred_channel),
            "archived": p.archived,
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
            "erased_at": _iso(p.erased_at),
        }
        report["affiliations"] = [
            {
                "organisation": a.organisation.name,
                "sector": _label(a.organisation.sector),
                "function": a.function,
                "valid_from": _iso(a.valid_from),
                "valid_to": _iso(a.valid_to),
            }
            for a in p.affiliations
        ]
        report["memberships"] = [
            {
                "group": m.group.name,
                "group_kind": _label(m.group.kind),
                "role": _label(m.role),
                "valid_from": _iso(m.valid_from),
                "valid_to": _iso(m.valid_to),
                "voting_right": m.voting_right,
                "representing": m.representing.name if m.representing else None,
            }
            for m in p.memberships
        ]
        report["consents"] = [
            {
                "purpose": _label(c.purpose),
                "legal_basis": _label(c.legal_basis),
                "text_version": c.text_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "state": "widerrufen" if c.withdrawn_at else "gültig",
            }
            for c in p.consents
        ]
        report["invitations"] = _invitations(session, p.id)
        report["attendance"] = [
            {
                "meeting": meeting.title,
                "date": _iso(sitting.occurrence),
                "status": _label(a.status),
                "organisation": a.organisation,
                "sector": _label(a.sector),
            }
            for a, sitting, meeting in session.execute(
                select(Attendance, Sitting, Meeting)
                .join(Sitting, Sitting.id == Attendance.sitting_id)
                .join(Meeting, Meeting.id == Sitting.meeting_id)
                .where(Attendance.person_id == p.id)
                .order_by(Sitting.occurrence, Attendance.id)
            )
        ]
        roles = []
        for sitting in session.scalars(
            select(Sitting)
            .where(or_(Sitting.chair_id == p.id, Sitting.minute_taker_id == p.id))
            .order_by(Sitting.occurrence)
        ):
            for role, holder in (
                ("Sitzungsleitung", sitting.chair_id),
                ("Protokoll", sitting.minute_taker_id),
            ):
                if holder == p.id:
                    roles.append(
                        {
                            "meeting": sitting.meeting.title,
                            "date": _iso(sitting.occurrence),
                            "role": role,
                        }
                    )
        report["sitting_roles"] = roles
        report["tasks"] = [
            {
                "title": t.title,
                "description": t.description,
                "due": _iso(t.due),
                "done_on": _iso(t.done_on),
                "origin": _sitting_place(session, t.sitting_id),
            }
            for t in session.scalars(
                select(Task).where(Task.assignee_person_id == p.id).order_by(Task.id)
            )
        ]
        label = erasure_label(p, created.astimezone(CITY_ZONE).date())
        # After an erasure the label stands where the name stood; it is nobody's mention.
        report["mentions"] = (
            _mentions_section(session, p, person_mentions(session, p, label))
            if not p.erased_at
            else []
        )
        report["survey_responses"] = _survey_responses(session, p.id)
        report["measures"] = [
            {"title": m.title, "status": _label(m.status), "due": _iso(m.due_on)}
            for m in session.scalars(
                select(Measure).where(Measure.responsible_person_id == p.id).order_by(Measure.id)
            )
        ]
        report["city_contact"] = bool(
            session.scalar(
                select(func.count(CityProfile.id)).where(CityProfile.contact_person_id == p.id)
            )
        )
        report["audit"] = _audit_entries(session, p.id)
        city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
        report["information"] = {
            "controller": _controller(city),
            **INFORMATION,
        }
        return report


def _controller(city: CityProfile | None) -> str:
    if city is None:
        return "Koordinierungsstelle"
    name = city.office_name or f"Koordinierungsstelle {city.name}"
    parts = [name, city.office_address.replace("\n", ", "), city.office_email]
    return ", ".join(part for part in parts if part)


def _invitations(session: Session, person_id: int) -> list[dict[str, Any]]:
    from koordination.domain.models import Group

    rows = []
    for inv in session.scalars(
        select(Invitation)
        .where(Invitation.person_id == person_id)
        .options(selectinload(Invitation.meeting), selectinload(Invitation.responses))
        .order_by(Invitation.id)
    ):
        via = "Gast"
        if inv.via_group_id is not None:
            group = session.get(Group, inv.via_group_id)
            via = group.name if group else "Gruppe"
        rows.append(
            {
                "meeting": inv.meeting.title,
                "start": _iso(inv.meeting.start_at),
                "series": inv.meeting.rrule is not None,
                "via": via,
                "added_at": _iso(inv.added_at),
                "removed_at": _iso(inv.removed_at),
                "sent_at": _iso(inv.sent_at),
                "sent_email": inv.sent_email,
                "responses": [
                    {
                        "date": _iso(r.recurrence_id),
                        "status": _label(r.status),
                        "updated_at": _iso(r.updated_at),
                    }
                    for r in inv.responses
                ],
            }
        )
    return rows


def _survey_responses(session: Session, person_id: int) -> list[dict[str, Any]]:
    rows = []
    for response, survey in session.execute(
        select(SurveyResponse, Survey)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.person_id == person_id)
        .order_by(SurveyResponse.id)
    ):
        answers: dict[int, tuple[str, list[str]]] = {}
        for answer, question, option in session.execute(
            select(SurveyAnswer, SurveyQuestion, QuestionOption)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .outerjoin(QuestionOption, QuestionOption.id == SurveyAnswer.option_id)
            .where(SurveyAnswer.response_id == response.id)
            .order_by(SurveyQuestion.position, SurveyAnswer.id)
        ):
            if option is not None:
                value = option.label
            elif answer.number is not None:
                value = f"{answer.number:g}"
            else:
                value = answer.text or ""
            answers.setdefault(question.id, (question.text, []))[1].append(value)
        rows.append(
            {
                "survey": survey.title,
                "submitted_at": _iso(response.submitted_at),
                "source": _label(response.source),
                "contact": response.contact,
                "answers": [
                    {"question": text, "answer": "; ".join(values)}
                    for text, values in answers.values()
                ],
            }
        )
    return rows


def _audit_entries(session: Session, person_id: int) -> list[dict[str, Any]]:
    """The trail of changes about the person: when, what, which fields (the values are in the
    other sections)."""
    stmt = (
        select(AuditEntry)
        .where(
            or_(
                and_(AuditEntry.owner_kind == "person", AuditEntry.owner_id == person_id),
                and_(AuditEntry.kind == "person", AuditEntry.record_id == person_id),
                AuditEntry.refs.like(f"% person:{person_id} %"),
            )
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        {
            "at": _iso(e.at),
            "action": audit.ACTIONS.get(e.action, e.action),
            "kind": audit.KIND_LABELS.get(e.kind, e.kind),
            "fields": sorted(json.loads(e.changes or "{}")),
        }
        for e in session.scalars(stmt)
    ]
