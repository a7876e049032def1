"""What the retention rules would delete on a day: the people, surveys, dates, trail entries
and files each rule finds (only reads)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from koordination.db import audit
from koordination.domain.enums import MeasureStatus, QuestionType, SurveyStatus
from koordination.domain.inputs.validation import format_date
from koordination.domain.models import (
    Affiliation,
    Attendance,
    AuditEntry,
    CityProfile,
    Consent,
    GroupMembership,
    Invitation,
    Measure,
    Meeting,
    Person,
    Response,
    Sitting,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.services.privacy.retention_rules import (
    PlannedRule,
    RetentionPlan,
    Target,
    chunks,
    city_day,
    counted,
    months_before,
    start_of,
    states,
)

if TYPE_CHECKING:
    from koordination.db.engine import Database

#: Trail entries of these kinds keep their values: the office's own settings, no one's data.
_TRAIL_KEPT = ("retention_rule",)


def plan_for(session: Session, today: date, db: Database | None = None) -> RetentionPlan:
    """What the switched-on rules find on ``today``; a person found by two rules is listed
    under the first. The rules on files look at this computer's folders of ``db`` (none
    without it)."""
    rules = []
    people: _People | None = None
    listed: set[int] = set()
    for state in states(session):
        if not state.enabled:
            continue
        cutoff = months_before(today, state.months)
        if state.kind in ("guests", "inactive_people"):
            people = people or _People(session, today)
            found = people.guests(cutoff) if state.kind == "guests" else people.inactive(cutoff)
            targets = tuple(people.target(pid) for pid in sorted(found - listed))
            listed |= found
        elif state.kind == "survey_contacts":
            targets = _survey_targets(session, cutoff)
        elif state.kind == "survey_answers":
            targets = _free_text_targets(session, cutoff)
        elif state.kind == "invitations":
            targets = _invitation_targets(session, cutoff)
        elif state.kind == "audit_values":
            targets = _trail_targets(session, cutoff)
        else:
            from koordination.services.privacy import retention_files

            targets = retention_files.targets(state.kind, session, db, cutoff)
        rules.append(
            PlannedRule(state.kind, state.title, state.deletes, state.months, cutoff, targets)
        )
    return RetentionPlan(today, tuple(rules))


@dataclass
class _People:
    """Who could be deleted, and when each person was last active (a day in the city)."""

    session: Session
    today: date
    names: dict[int, str] = field(default_factory=dict)
    last: dict[int, date] = field(default_factory=dict)
    #: People with something current: a membership, an open task, a measure, a running
    #: series they are invited to, the city's contact person.
    current: set[int] = field(default_factory=set)
    #: People linked to the network other than by guest invitations (and attendance).
    linked: set[int] = field(default_factory=set)
    guests_invited: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        s = self.session
        stmt = select(
            Person.id, Person.title, Person.given_name, Person.family_name, Person.updated_at
        ).where(Person.erased_at.is_(None))
        for pid, title, given, family, updated in s.execute(stmt):
            self.names[pid] = display_name(title, given, family) or f"Person Nr. {pid}"
            self._bump(pid, updated)
        contacts = self._ids(select(CityProfile.contact_person_id))
        self.current |= contacts
        self.linked |= contacts
        self._memberships()
        self._invitations()
        self._meetings_and_minutes()
        self._other()

    def _bump(self, pid: int | None, value: date | datetime | None) -> None:
        day = city_day(value)
        if pid is None or day is None or pid not in self.names:
            return
        if day > self.last.get(pid, date.min):
            self.last[pid] = day

    def _max(self, person: Any, *columns: Any, where: Any = None) -> None:
        stmt = select(person, *(func.max(c) for c in columns)).group_by(person)
        if where is not None:
            stmt = stmt.where(where)
        for pid, *values in self.session.execute(stmt):
            for value in values:
                self._bump(pid, value)

    def _ids(self, stmt: Any) -> set[int]:
        return {pid for (pid,) in self.session.execute(stmt) if pid is not None}

    def _memberships(self) -> None:
        m, a = GroupMembership, Affiliation
        self._max(m.person_id, m.valid_from, m.valid_to)
        self._max(a.person_id, a.valid_from, a.valid_to)
        self.current |= self._ids(
            select(m.person_id).where(or_(m.valid_to.is_(None), m.valid_to >= self.today))
        )
        self.linked |= self._ids(select(m.person_id)) | self._ids(select(a.person_id))

    def _invitations(self) -> None:
        i = Invitation
        self._max(i.person_id, i.added_at, i.sent_at, i.removed_at)
        joined = select(i.person_id, func.max(Response.updated_at)).join(Response.invitation)
        for pid, value in self.session.execute(joined.group_by(i.person_id)):
            self._bump(pid, value)
        # Still on the list of a meeting: its (last) date counts; a series without a known
        # end keeps everyone on its list current.
        listed = select(i.person_id, func.max(func.coalesce(Meeting.last_end_at, Meeting.end_at)))
        listed = listed.join(i.meeting).where(i.removed_at.is_(None), _bounded())
        for pid, value in self.session.execute(listed.group_by(i.person_id)):
            self._bump(pid, value)
        self.current |= self._ids(
            select(i.person_id).join(i.meeting).where(i.removed_at.is_(None), ~_bounded())
        )
        self.guests_invited = self._ids(select(i.person_id).where(i.guest.is_(True)))
        self.linked |= self._ids(select(i.person_id).where(i.guest.is_(False)))

    def _meetings_and_minutes(self) -> None:
        att = select(Attendance.person_id, func.max(Sitting.occurrence)).join(Attendance.sitting)
        for pid, value in self.session.execute(att.group_by(Attendance.person_id)):
            self._bump(pid, value)
        for role in (Sitting.chair_id, Sitting.minute_taker_id):
            self._max(role, Sitting.occurrence, where=role.is_not(None))
            self.linked |= self._ids(select(role))
        t = Task
        self._max(t.assignee_person_id, t.created_at, t.done_on, t.due)
        self.current |= self._ids(select(t.assignee_person_id).where(t.done_on.is_(None)))
        self.linked |= self._ids(select(t.assignee_person_id))

    def _other(self) -> None:
        self._max(SurveyResponse.person_id, SurveyResponse.submitted_at)
        self.linked |= self._ids(select(SurveyResponse.person_id))
        self._max(Consent.person_id, Consent.given_at, Consent.withdrawn_at)
        responsible = Measure.responsible_person_id
        self.current |= self._ids(
            select(responsible).where(Measure.status != MeasureStatus.ABGESCHLOSSEN)
        )
        self.linked |= self._ids(select(responsible))

    def _quiet_since(self, cutoff: date) -> set[int]:
        return {
            pid
            for pid in self.names
            if pid not in self.current and self.last.get(pid, date.min) < cutoff
        }

    def inactive(self, cutoff: date) -> set[int]:
        return self._quiet_since(cutoff)

    def guests(self, cutoff: date) -> set[int]:
        return (self._quiet_since(cutoff) & self.guests_invited) - self.linked

    def target(self, pid: int) -> Target:
        last = self.last.get(pid)
        since = f", zuletzt aktiv am {format_date(last)}" if last else ""
        return Target("person", pid, f"{self.names[pid]} (Nr. {pid}){since}")


def _bounded() -> ColumnElement[bool]:
    """Meetings whose last date is known: single ones and series with an end."""
    return or_(Meeting.last_end_at.is_not(None), Meeting.rrule.is_(None))


def _ended_before(cutoff: date) -> ColumnElement[bool]:
    instant = start_of(cutoff)
    return or_(
        and_(Meeting.last_end_at.is_not(None), Meeting.last_end_at < instant),
        and_(Meeting.last_end_at.is_(None), Meeting.rrule.is_(None), Meeting.end_at < instant),
    )


def _closed_before(session: Session, cutoff: date) -> dict[int, tuple[str, date]]:
    """Surveys closed before ``cutoff`` (their end date, else their last change): title and
    that day by number."""
    surveys = session.execute(
        select(Survey.id, Survey.title, Survey.ends_on, Survey.updated_at).where(
            Survey.status == SurveyStatus.ABGESCHLOSSEN
        )
    ).all()
    closed = {}
    for sid, title, ends_on, updated in surveys:
        closed_on = ends_on or city_day(updated)
        if closed_on is not None and closed_on < cutoff:
            closed[sid] = (title, closed_on)
    return closed


def _survey_targets(session: Session, cutoff: date) -> tuple[Target, ...]:
    closed = _closed_before(session, cutoff)
    responses: dict[int, list[int]] = defaultdict(list)
    for chunk in chunks(closed):
        stmt = select(SurveyResponse.survey_id, SurveyResponse.id).where(
            SurveyResponse.survey_id.in_(chunk),
            or_(SurveyResponse.contact != "", SurveyResponse.person_id.is_not(None)),
        )
        for sid, rid in session.execute(stmt):
            responses[sid].append(rid)
    targets = []
    for sid in sorted(responses):
        title, closed_on = closed[sid]
        ids = tuple(sorted(responses[sid]))
        targets.append(
            Target(
                "survey",
                sid,
                f"„{title}“ (Nr. {sid}, Ende {format_date(closed_on)}): Kontaktdaten in "
                f"{counted(len(ids), 'Antwort', 'Antworten')}",
                ids,
            )
        )
    return tuple(targets)


def _invitation_targets(session: Session, cutoff: date) -> tuple[Target, ...]:
    stmt = (
        select(Meeting.id, Meeting.title, Meeting.start_at, Meeting.rrule, Invitation.id)
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(_ended_before(cutoff))
        .order_by(Meeting.start_at, Meeting.id, Invitation.id)
    )
    meetings: dict[int, tuple[str, datetime, bool]] = {}
    invitations: dict[int, list[int]] = defaultdict(list)
    for mid, title, start, rrule, iid in session.execute(stmt):
        meetings[mid] = (title, start, bool(rrule))
        invitations[mid].append(iid)
    targets = []
    for mid, (title, start, series) in meetings.items():
        ids = tuple(invitations[mid])
        when = (
            f"Serie ab {format_date(city_day(start))}" if series else format_date(city_day(start))
        )
        targets.append(
            Target(
                "meeting",
                mid,
                f"„{title}“ (Nr. {mid}, {when}): "
                f"{counted(len(ids), 'Einladung', 'Einladungen')} mit Antworten",
                ids,
            )
        )
    return tuple(targets)


def _free_text_targets(session: Session, cutoff: date) -> tuple[Target, ...]:
    """The free-text answers of surveys closed before ``cutoff``, per survey."""
    closed = _closed_before(session, cutoff)
    answers: dict[int, list[int]] = defaultdict(list)
    for chunk in chunks(closed):
        stmt = (
            select(SurveyResponse.survey_id, SurveyAnswer.id)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .where(
                SurveyResponse.survey_id.in_(chunk),
                SurveyQuestion.type == QuestionType.TEXT,
                SurveyAnswer.text.is_not(None),
            )
        )
        for sid, aid in session.execute(stmt):
            answers[sid].append(aid)
    targets = []
    for sid in sorted(answers):
        title, closed_on = closed[sid]
        ids = tuple(sorted(answers[sid]))
        targets.append(
            Target(
                "survey",
                sid,
                f"„{title}“ (Nr. {sid}, Ende {format_date(closed_on)}): "
                f"{counted(len(ids), 'Freitext-Antwort', 'Freitext-Antworten')}",
                ids,
            )
        )
    return tuple(targets)


def blanked_values(changes: str) -> str | None:
    """The trail entry's changes with every old and new value blanked ("[gelöscht]"; an
    empty value stays empty), or ``None`` when no value is left to blank."""
    try:
        values = json.loads(changes or "{}")
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    changed = False
    for name, pair in values.items():
        if isinstance(pair, list) and len(pair) == 2:
            blank = [None if v is None or v == "" else audit.ERASED for v in pair]
            if blank != pair:
                values[name] = blank
                changed = True
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if changed else None


def _trail_targets(session: Session, cutoff: date) -> tuple[Target, ...]:
    """Trail entries older than ``cutoff`` that still hold values, per kind of record."""
    stmt = select(AuditEntry.id, AuditEntry.kind, AuditEntry.changes).where(
        AuditEntry.at < start_of(cutoff),
        AuditEntry.kind.not_in(_TRAIL_KEPT),
        # Values are stored as [old, new] pairs: an entry without a bracket has none.
        AuditEntry.changes.contains("["),
    )
    entries: dict[str, list[int]] = defaultdict(list)
    for entry_id, kind, changes in session.execute(stmt.order_by(AuditEntry.id)):
        if blanked_values(changes) is not None:
            entries[kind].append(entry_id)
    targets = []
    for number, kind in enumerate(sorted(entries), start=1):
        ids = tuple(entries[kind])
        label = audit.KIND_LABELS.get(kind, kind)
        targets.append(
            Target(
                "audit",
                number,
                f"{label}: Werte in {counted(len(ids), 'Eintrag', 'Einträgen')} vor dem "
                f"{format_date(cutoff)}",
                ids,
            )
        )
    return tuple(targets)
