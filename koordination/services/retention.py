"""Retention: how long the office keeps each kind of data, what the rules would delete, and a
run that deletes exactly that.

The rules live in the database, so every coordinator of an office shares them; all are off
until the office switches them on. Nothing is deleted by itself: :meth:`Retention.preview`
only reads, and :meth:`Retention.run` deletes, in one transaction, exactly what the preview
of the same moment lists — a plan confirmed earlier is checked against the data first.
"""

from __future__ import annotations

import calendar
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import MeasureStatus, SurveyStatus
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
    RetentionRule,
    Sitting,
    Survey,
    SurveyResponse,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.errors import ConflictError, FieldError, ValidationError
from koordination.services import privacy

#: Ids per ``IN (...)`` list: below SQLite's and PostgreSQL's limits on bound parameters.
_CHUNK = 900
MIN_MONTHS = 1
MAX_MONTHS = 600


@dataclass(frozen=True)
class RuleKind:
    """One kind of data the office can set a period for."""

    kind: str
    #: "Gäste nach {dat}": the rule as the office reads it; ``{dat}`` is "12 Monaten" (after
    #: nach/seit), ``{acc}`` "12 Monate" (1 Monat either way).
    title: str
    #: What a run does to what the rule finds, in German.
    deletes: str
    #: Suggested when the office switches the rule on without saying how long.
    default_months: int

    def titled(self, months: int) -> str:
        if months == 1:
            return self.title.format(dat="1 Monat", acc="1 Monat")
        return self.title.format(dat=f"{months} Monaten", acc=f"{months} Monate")


#: The rules in the order a run applies them; a person found by two rules is listed once,
#: under the first.
RULE_KINDS: dict[str, RuleKind] = {
    rule.kind: rule
    for rule in (
        RuleKind(
            "guests",
            "Gäste nach {dat}",
            "Personen, die nur als Gäste zu Terminen eingeladen waren (keine Gruppe, keine "
            "Organisation, keine Aufgabe), werden gelöscht (wie Art. 17 DSGVO): Name und "
            "Kontaktdaten sind danach weg, Anwesenheiten zählen als „N. N.“ weiter.",
            12,
        ),
        RuleKind(
            "inactive_people",
            "Personen ohne Aktivität seit {dat}",
            "Personen ohne aktuelle Gruppenmitgliedschaft und ohne offene Aufgabe, die in "
            "dieser Zeit weder eingeladen waren, teilgenommen, eine Aufgabe hatten, eine "
            "Zugehörigkeit oder Mitgliedschaft begonnen oder beendet haben noch bearbeitet "
            "wurden, werden gelöscht (wie Art. 17 DSGVO). Die Ansprechperson der Stadt "
            "bleibt.",
            24,
        ),
        RuleKind(
            "survey_contacts",
            "Kontaktdaten aus Umfragen {acc} nach Abschluss",
            "In abgeschlossenen Umfragen (Enddatum, sonst letzte Änderung, älter als die "
            "Frist) werden die Kontaktangaben der Antworten geleert und die Verbindung zur "
            "Person gelöst. Die Antworten selbst bleiben für die Auswertung.",
            6,
        ),
        RuleKind(
            "invitations",
            "Einladungslisten {acc} nach dem Termin",
            "Bei Terminen und Serien, die vor der Frist zu Ende gingen, werden Einladungen "
            "und Antworten gelöscht; im Verlauf des Termins bleiben nur die Zahlen "
            "(eingeladen, zugesagt, abgesagt …). Anwesenheit und Protokoll bleiben.",
            24,
        ),
    )
}


def rule_kind(kind: str) -> RuleKind:
    """The rule kind, or a German error naming the known ones."""
    found = RULE_KINDS.get(kind)
    if found is None:
        known = ", ".join(f"{k} ({r.titled(r.default_months)})" for k, r in RULE_KINDS.items())
        raise ValidationError([FieldError("Regel", f"„{kind}“ gibt es nicht. Bekannt: {known}.")])
    return found


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _start_of(day: date) -> datetime:
    """The first instant of a day in the city, as UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE).astimezone(UTC)


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(CITY_ZONE).date()
    return value


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


# ------------------------------------------------------------------------------ records
@dataclass(frozen=True)
class RuleState:
    """A rule as the office set it (or the suggestion, while it was never set)."""

    kind: str
    months: int
    enabled: bool
    #: False while the office never set this rule: ``months`` is then the suggestion.
    stored: bool
    title: str
    deletes: str
    default_months: int


@dataclass(frozen=True)
class Target:
    """One thing a rule deletes: a person, or the contact data of a survey's responses, or
    the invitation list of a meeting (``parts``: the rows concerned)."""

    kind: str
    id: int
    description: str
    parts: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlannedRule:
    kind: str
    title: str
    deletes: str
    months: int
    #: Data older than this day (last activity, closing, meeting end before it) is deleted.
    cutoff: date
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class RetentionPlan:
    """What a run on ``today`` deletes, per switched-on rule."""

    today: date
    rules: tuple[PlannedRule, ...]

    @property
    def empty(self) -> bool:
        return not any(rule.targets for rule in self.rules)

    @property
    def total(self) -> int:
        return sum(len(rule.targets) for rule in self.rules)

    def keys(self) -> frozenset[tuple[str, str, int, tuple[int, ...]]]:
        """What is deleted, without the descriptions: two plans delete the same when these
        are equal."""
        return frozenset(
            (rule.kind, t.kind, t.id, t.parts) for rule in self.rules for t in rule.targets
        )


@dataclass(frozen=True)
class RuleResult:
    kind: str
    title: str
    #: "3 Personen gelöscht", "Kontaktdaten aus 14 Antworten in 2 Umfragen entfernt" …
    summary: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class RetentionReport:
    """What a run did."""

    today: date
    at: datetime
    actor: str
    results: tuple[RuleResult, ...]
    #: What the office still has to do (a measure without a responsible person …).
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(len(r.targets) for r in self.results)

    def lines(self) -> list[str]:
        when = self.at.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")
        head = f"Aufbewahrungsregeln ausgeführt am {when} von {self.actor}."
        if not self.results:
            return [head, "Keine Regel ist eingeschaltet; es wurde nichts gelöscht."]
        return [head, *(f"{r.title}: {r.summary}" for r in self.results), *self.notes]


# ------------------------------------------------------------------------------ the service
class Retention:
    """The office's retention rules: set, preview, run. Every method is one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return self.clock.today()

    def rules(self) -> list[RuleState]:
        """Every rule kind with its setting, in the order a run applies them."""
        with self.db.session() as session:
            return _states(session)

    def set_rule(self, kind: str, months: int | None, enabled: bool) -> RuleState:
        """Switch a rule on (with its period) or off; ``months`` None keeps the period."""
        known = rule_kind(kind)
        if months is not None and not MIN_MONTHS <= months <= MAX_MONTHS:
            raise ValidationError(
                [
                    FieldError(
                        "Monate",
                        f"Bitte eine Zahl von {MIN_MONTHS} bis {MAX_MONTHS} angeben "
                        f"(nicht {months}).",
                    )
                ]
            )
        with self.db.session() as session:
            rule = session.scalar(select(RetentionRule).where(RetentionRule.kind == kind))
            if rule is None:
                rule = RetentionRule(kind=kind, months=months or known.default_months)
                session.add(rule)
            elif months is not None:
                rule.months = months
            rule.enabled = enabled
            session.flush()
            return next(s for s in _states(session) if s.kind == kind)

    def preview(self, today: date | None = None) -> RetentionPlan:
        """What a run on ``today`` would delete; changes nothing."""
        day = today or self.today()
        with self.db.session() as session:
            plan = _plan(session, day)
            session.rollback()
            return plan

    def run(self, today: date | None = None, plan: RetentionPlan | None = None) -> RetentionReport:
        """Delete what the rules find, in one transaction, and write it into the audit trail.

        With ``plan`` (the preview the office confirmed), the run refuses when the data no
        longer give the same plan: nothing is deleted that was not shown. After the commit the
        storage is rewritten, so the deleted bytes leave the database files too.
        """
        day = plan.today if plan is not None else today or self.today()
        run = _Run(day)
        with self.db.session() as session:
            current = _plan(session, day)
            if plan is not None and plan.keys() != current.keys():
                raise ConflictError(
                    "Seit der Vorschau hat sich an den Daten etwas geändert; es wurde nichts "
                    "gelöscht. Bitte die Vorschau neu ansehen und dann erneut ausführen."
                )
            results = tuple(run.apply(session, rule) for rule in current.rules)
            _log_run(session, day, results)
            actor = audit.actor_of(session)
        if run.tables:
            run.notes.extend(privacy.Privacy(self.db, self.clock).compact_storage(run.tables))
        return RetentionReport(
            today=day,
            at=self.clock.now(),
            actor=actor,
            results=results,
            notes=tuple(run.notes),
        )


@dataclass
class _Run:
    """One run in progress: what it changed, for the storage rewrite and the report."""

    today: date
    tables: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def apply(self, session: Session, rule: PlannedRule) -> RuleResult:
        targets = rule.targets
        if rule.kind in ("guests", "inactive_people"):
            for target in targets:
                erased = privacy.erase_in_session(session, target.id, today=self.today)
                self.tables |= erased.tables
                self.notes.extend(erased.notes)
            summary = f"{_count(len(targets), 'Person', 'Personen')} gelöscht"
        elif rule.kind == "survey_contacts":
            responses = _clear_survey_contacts(session, rule)
            summary = (
                f"Kontaktdaten aus {_count(responses, 'Antwort', 'Antworten')} in "
                f"{_count(len(targets), 'Umfrage', 'Umfragen')} entfernt"
            )
            if targets:
                self.tables |= {"survey_response", "audit_entry"}
        else:
            invitations = _delete_invitations(session, rule)
            summary = (
                f"{_count(invitations, 'Einladung', 'Einladungen')} von "
                f"{_count(len(targets), 'Termin', 'Terminen')} gelöscht"
            )
            if targets:
                self.tables |= {"invitation", "response", "audit_entry"}
        return RuleResult(rule.kind, rule.title, summary, targets)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _states(session: Session) -> list[RuleState]:
    stored = {r.kind: r for r in session.scalars(select(RetentionRule))}
    states = []
    for kind, known in RULE_KINDS.items():
        row = stored.get(kind)
        months = row.months if row is not None else known.default_months
        states.append(
            RuleState(
                kind=kind,
                months=months,
                enabled=bool(row is not None and row.enabled),
                stored=row is not None,
                title=known.titled(months),
                deletes=known.deletes,
                default_months=known.default_months,
            )
        )
    return states


# ------------------------------------------------------------------------------ the plan
def _plan(session: Session, today: date) -> RetentionPlan:
    rules = []
    people: _People | None = None
    listed: set[int] = set()
    for state in _states(session):
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
        else:
            targets = _invitation_targets(session, cutoff)
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
        day = _day(value)
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
    instant = _start_of(cutoff)
    return or_(
        and_(Meeting.last_end_at.is_not(None), Meeting.last_end_at < instant),
        and_(Meeting.last_end_at.is_(None), Meeting.rrule.is_(None), Meeting.end_at < instant),
    )


def _survey_targets(session: Session, cutoff: date) -> tuple[Target, ...]:
    surveys = session.execute(
        select(Survey.id, Survey.title, Survey.ends_on, Survey.updated_at).where(
            Survey.status == SurveyStatus.ABGESCHLOSSEN
        )
    ).all()
    closed = {}
    for sid, title, ends_on, updated in surveys:
        closed_on = ends_on or _day(updated)
        if closed_on is not None and closed_on < cutoff:
            closed[sid] = (title, closed_on)
    responses: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(closed):
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
                f"{_count(len(ids), 'Antwort', 'Antworten')}",
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
        when = f"Serie ab {format_date(_day(start))}" if series else format_date(_day(start))
        targets.append(
            Target(
                "meeting",
                mid,
                f"„{title}“ (Nr. {mid}, {when}): "
                f"{_count(len(ids), 'Einladung', 'Einladungen')} mit Antworten",
                ids,
            )
        )
    return tuple(targets)


# ------------------------------------------------------------------------------ acting
def _clear_survey_contacts(session: Session, rule: PlannedRule) -> int:
    cleared = 0
    for target in rule.targets:
        for chunk in _chunks(target.parts):
            session.execute(
                update(SurveyResponse)
                .where(SurveyResponse.id.in_(chunk))
                .values(contact="", person_id=None)
                .execution_options(synchronize_session=False)
            )
        _blank_trail(session, "survey_response", target.parts, ("contact", "person_id"))
        audit.log(
            session,
            "update",
            "survey",
            target.id,
            changes={
                "Kontaktdaten entfernt (Antworten)": len(target.parts),
                "Aufbewahrungsregel": rule.title,
            },
        )
        cleared += len(target.parts)
    return cleared


def _delete_invitations(session: Session, rule: PlannedRule) -> int:
    deleted = 0
    for target in rule.targets:
        statuses: Counter[str] = Counter()
        for chunk in _chunks(target.parts):
            stmt = select(Response.status).where(Response.invitation_id.in_(chunk))
            statuses.update(status.label for (status,) in session.execute(stmt))
        for chunk in _chunks(target.parts):
            # Responses go with their invitation (ON DELETE CASCADE).
            session.execute(
                delete(Invitation)
                .where(Invitation.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        _blank_trail(session, "invitation", target.parts, ("person_id", "sent_email"))
        counts: dict[str, Any] = {"Einladungen": len(target.parts)}
        counts.update({f"Antworten {label}": n for label, n in sorted(statuses.items())})
        counts["Aufbewahrungsregel"] = rule.title
        audit.log(
            session, "delete", "invitation", None, owner=("meeting", target.id), changes=counts
        )
        deleted += len(target.parts)
    return deleted


def _blank_trail(
    session: Session,
    kind: str,
    ids: Iterable[int],
    fields: Iterable[str],
    *,
    cut_links: bool = True,
) -> None:
    """What the trail holds of the deleted values: blanked, and (``cut_links``) the entries
    no longer name the person, so the person's trail does not lead to them."""
    wanted = tuple(fields)
    for chunk in _chunks(ids):
        stmt = select(AuditEntry.id, AuditEntry.changes).where(
            AuditEntry.kind == kind, AuditEntry.record_id.in_(chunk)
        )
        for entry_id, changes in session.execute(stmt).all():
            values = json.loads(changes or "{}")
            for name in wanted:
                pair = values.get(name)
                if isinstance(pair, list) and len(pair) == 2:
                    values[name] = [None if v is None or v == "" else audit.ERASED for v in pair]
            blanked: dict[str, Any] = {
                "changes": json.dumps(values, ensure_ascii=False, sort_keys=True)
            }
            if cut_links:
                blanked["refs"] = ""
            session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(**blanked))


def _log_run(session: Session, today: date, results: tuple[RuleResult, ...]) -> None:
    facts: dict[str, Any] = {"Stichtag": today.isoformat()}
    for result in results:
        ids = ", ".join(str(t.id) for t in result.targets)
        facts[result.title] = f"{result.summary}" + (f" (Nr. {ids})" if ids else "")
    if not results:
        facts["Ergebnis"] = "keine Regel eingeschaltet"
    audit.log(session, "run", "retention_rule", None, changes=facts)
