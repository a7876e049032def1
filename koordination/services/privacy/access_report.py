"""The access report of one person (Art. 15/20 DSGVO).

The access report is a dict that JSON can hold. Its keys are English and stable, like those of
the other JSON exports, so programs can read it (Art. 20); the German title of every section
is under ``"labels"``, values are German (labels of roles, sectors, statuses). The PDF letter
is built from the same dict, so both always say the same.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import OfferStatus, PrivacyRequestKind
from koordination.domain.models import (
    Attendance,
    AuditEntry,
    Circular,
    CircularRecipient,
    CityProfile,
    ConsentText,
    EngagementOffer,
    Invitation,
    Measure,
    Meeting,
    Objection,
    Organisation,
    Person,
    PrivacyRequest,
    QuestionOption,
    Sitting,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.offers import effective_status
from koordination.services.offers.records import shows_person
from koordination.services.privacy.audit_labels import (
    DERIVED,
    enum_label,
    field_label,
    render_value,
)
from koordination.services.privacy.information import information
from koordination.services.privacy.mentions import (
    NameMask,
    name_mask,
    person_mentions,
)
from koordination.services.privacy.person import erasure_label, load_person
from koordination.services.privacy.report_mentions import (
    AccessReview,
    AmbiguousMention,
    access_review,
    mentions_section,
    sitting_place,
)
from koordination.services.privacy.requests import complete_open

#: What the office checks before sending lives in ``report_mentions``; named here as well, the
#: privacy service reads it beside the report.
__all__ = ["LABELS", "AccessReview", "AmbiguousMention", "access_report", "access_review"]

#: The sections of the access report in their order, with their German titles.
LABELS: dict[str, str] = {
    "profile": "Stammdaten",
    "restriction": "Einschränkung, Archivierung und Herkunft",
    "affiliations": "Zugehörigkeit zu Organisationen",
    "memberships": "Mitgliedschaften in Gruppen",
    "consents": "Einwilligungen mit Verlauf",
    "objections": "Widersprüche (Art. 21 DSGVO)",
    "requests": "Ihre Anfragen nach der DSGVO",
    "invitations": "Einladungen und Rückmeldungen",
    "circulars": "Rundmails der Koordinierungsstelle",
    "attendance": "Anwesenheit bei Sitzungen",
    "sitting_roles": "Sitzungsleitung und Protokollführung",
    "tasks": "Aufgaben",
    "mentions": "Erwähnungen in Tagesordnungen, Protokollen, Aufgaben und Notizen",
    "survey_responses": "Antworten in nicht anonymen Umfragen",
    "measures": "Verantwortung für Maßnahmen",
    "offers": "Kontaktperson von Mitwirkungsmöglichkeiten",
    "city_contact": "Feste Ansprechperson der Stadt",
    "audit": "Änderungsprotokoll mit früheren Werten",
    "information": "Angaben nach Art. 15 DSGVO",
}

REPORT_FORMAT = "koordination-auskunft/2"


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(CITY_ZONE).isoformat(timespec="minutes")
    return value.isoformat()


def _label(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "label", value))


def access_report(
    db: Database, person_id: int, now: datetime, *, requester: str = ""
) -> dict[str, Any]:
    """Everything stored about one person, grouped by kind (see :data:`LABELS`), JSON-ready.
    ``requester``: who asked, noted in the request the report answers."""
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
        report["restriction"] = {
            "restricted_at": _iso(p.restricted_at),
            "restriction_reason": p.restriction_reason,
            "archived": p.archived,
            "archive_reason": p.archive_reason,
            "art14_source": p.art14_source,
            "art14_informed_at": _iso(p.art14_informed_at),
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
        report["consents"] = _consents(session, p)
        report["objections"] = [
            {
                "received_at": _iso(o.received_at),
                "scope": o.scope,
                "reason": o.reason,
                "decided_at": _iso(o.decided_at),
                "outcome": o.outcome,
            }
            for o in session.scalars(
                select(Objection).where(Objection.person_id == p.id).order_by(Objection.id)
            )
        ]
        report["invitations"] = _invitations(session, p.id)
        report["circulars"] = _circulars(session, p.id)
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
                "origin": sitting_place(session, t.sitting_id),
            }
            for t in session.scalars(
                select(Task).where(Task.assignee_person_id == p.id).order_by(Task.id)
            )
        ]
        label = erasure_label(p, created.astimezone(CITY_ZONE).date())
        # After an erasure the label stands where the name stood; it is nobody's mention.
        report["mentions"] = (
            mentions_section(session, p, person_mentions(session, p, label))
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
        report["offers"] = _offers(session, p, created)
        report["city_contact"] = bool(
            session.scalar(
                select(func.count(CityProfile.id)).where(CityProfile.contact_person_id == p.id)
            )
        )
        # The trail's values are the person's own; names of others in old texts are masked.
        report["audit"] = _audit_entries(session, p)
        # This report answers the person's open access requests (Art. 15, 20): done now, in
        # the same transaction; the letter names when they were received.
        complete_open(session, p.id, _ANSWERED, created, requester=requester)
        report["requests"] = _requests(session, p.id)
        report["information"] = information(session, p, report)
        return report


def _offers(session: Session, person: Person, now: datetime) -> list[dict[str, Any]]:
    """The engagement offers naming the person as contact, and whether citizens see their
    name there (only with a current consent to sharing their contact data)."""
    named = shows_person(person, now)
    today = now.astimezone(CITY_ZONE).date()
    found = []
    for offer, organisation in session.execute(
        select(EngagementOffer, Organisation.name)
        .join(Organisation, Organisation.id == EngagementOffer.organisation_id)
        .where(EngagementOffer.contact_person_id == person.id)
        .order_by(EngagementOffer.title, EngagementOffer.id)
    ):
        status = effective_status(offer.status, offer.expires_on, today)
        found.append(
            {
                "title": offer.title,
                "organisation": organisation,
                "status": _label(status),
                "expires_on": _iso(offer.expires_on),
                # Only an open offer is published, and the name only with the consent.
                "published_with_name": named and status == OfferStatus.OFFEN,
            }
        )
    return found


#: The requests an access report answers.
_ANSWERED = (PrivacyRequestKind.AUSKUNFT,)


def _requests(session: Session, person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": _label(r.kind),
            "received_at": _iso(r.received_at),
            "due_on": _iso(r.due_on),
            "completed_at": _iso(r.completed_at),
        }
        for r in session.scalars(
            select(PrivacyRequest)
            .where(PrivacyRequest.person_id == person_id)
            .order_by(PrivacyRequest.received_at, PrivacyRequest.id)
        )
    ]


def _consents(session: Session, person: Person) -> list[dict[str, Any]]:
    """Every consent with what proves it: the catalogue text agreed to (version and wording),
    the channel and the evidence, and how it was withdrawn."""
    ids = {c.text_id for c in person.consents if c.text_id is not None}
    texts = {t.id: t for t in session.scalars(select(ConsentText).where(ConsentText.id.in_(ids)))}
    rows = []
    for c in person.consents:
        text = texts.get(c.text_id) if c.text_id is not None else None
        rows.append(
            {
                "purpose": _label(c.purpose),
                "legal_basis": _label(c.legal_basis),
                "text_version": text.version if text else c.text_version,
                "wording": text.wording if text else "",
                "channel": _label(c.channel),
                "evidence": c.evidence,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "withdrawal_channel": _label(c.withdrawal_channel),
                "state": "widerrufen" if c.withdrawn_at else "gültig",
            }
        )
    return rows


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


def _circulars(session: Session, person_id: int) -> list[dict[str, Any]]:
    """Which circular e-mails were meant for the person, to which address, and how far."""
    return [
        {
            "subject": circular.subject,
            "created_at": _iso(circular.created_at),
            "email": row.email,
            "state": _label(row.state),
            "sent_at": _iso(row.sent_at),
        }
        for row, circular in session.execute(
            select(CircularRecipient, Circular)
            .join(Circular, Circular.id == CircularRecipient.circular_id)
            .where(CircularRecipient.person_id == person_id)
            .order_by(Circular.id)
        )
    ]


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


#: Kinds whose entries are about the person: their values are shown old → new. Entries of
#: other records that merely name the person (a sitting they chaired, the city profile) show
#: which fields changed, not the record's other values.
_OWN_KINDS = frozenset(
    {
        "person",
        "person_email",
        "person_phone",
        "person_tag",
        "consent",
        "affiliation",
        "membership",
        "invitation",
        "attendance",
        "survey_response",
    }
)


#: Columns that only order or mirror others: not worth a line in a letter.
_HIDDEN = DERIVED | {"position"}


def _audit_entries(session: Session, person: Person) -> list[dict[str, Any]]:
    """The trail of changes about the person: when, what, and for their own records the
    values before and after (a note deleted since is in the trail, so it is in the report)."""
    stmt = (
        select(AuditEntry)
        .where(
            or_(
                and_(AuditEntry.owner_kind == "person", AuditEntry.owner_id == person.id),
                and_(AuditEntry.kind == "person", AuditEntry.record_id == person.id),
                AuditEntry.refs.like(f"% person:{person.id} %"),
            )
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    mask: NameMask | None = None
    entries = []
    for e in session.scalars(stmt):
        changes = _loaded(e.changes)
        values = []
        if e.kind in _OWN_KINDS:
            for field, pair in changes.items():
                if field.endswith("_id") or field in _HIDDEN or not isinstance(pair, list):
                    continue
                texts = []
                for value in [*pair, None, None][:2]:
                    text = enum_label(e.kind, field, value) or render_value(value)
                    if isinstance(value, str) and len(value) > 3:
                        mask = mask or name_mask(session, person)
                        text = mask.mask(text, keep=_own_spans(person, text))
                    texts.append(text)
                values.append(
                    {"field": field_label(e.kind, field), "old": texts[0], "new": texts[1]}
                )
        entries.append(
            {
                "at": _iso(e.at),
                "action": audit.ACTIONS.get(e.action, e.action),
                "kind": audit.KIND_LABELS.get(e.kind, e.kind),
                "fields": sorted(changes),
                "changes": values,
            }
        )
    return entries


def _own_spans(person: Person, text: str) -> list[tuple[int, int]]:
    """Where the person's own names stand in a value of their own record (kept unmasked)."""
    words = [w for w in (*person.given_name.split(), *person.family_name.split()) if w]
    return [
        m.span()
        for w in words
        for m in re.finditer(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)
    ]


def _loaded(changes: str) -> dict[str, Any]:
    try:
        value = json.loads(changes or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
