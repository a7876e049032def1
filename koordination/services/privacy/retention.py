"""Retention: how long the office keeps each kind of data, what the rules would delete, and a
run that deletes exactly that.

The rules live in the database, so every coordinator of an office shares them; all are off
until the office decides them: a period in months, or deliberately none with a written reason
(Art. 5 Abs. 1 lit. e, Abs. 2 DSGVO). Nothing is deleted by itself: :meth:`Retention.preview`
only reads, and :meth:`Retention.run` deletes, in one transaction, exactly what the preview
of the same moment lists — a plan confirmed earlier is checked against the data first. The
files a rule deletes go just before that transaction commits. Two runs never overlap: a run
holds a lock (a lock file beside a SQLite file, an advisory lock on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.models import (
    AppSetting,
    AuditEntry,
    Invitation,
    Response,
    RetentionRule,
    SurveyAnswer,
    SurveyResponse,
)
from koordination.errors import ConflictError, FieldError, ValidationError
from koordination.services.privacy import retention_files
from koordination.services.privacy.erasure import compact_storage, erase_in_session
from koordination.services.privacy.retention_plan import blanked_values, plan_for
from koordination.services.privacy.retention_rules import (
    MAX_MONTHS,
    MIN_MONTHS,
    MIN_REASON,
    RULE_KINDS,
    Decision,
    PlannedRule,
    RetentionPlan,
    RetentionReport,
    RuleResult,
    RuleState,
    chunks,
    counted,
    decision_key,
    rule_kind,
    states,
)

#: Progress of a run: (rules done, rules in all).
Progress = Callable[[int, int], None]
#: The key of the PostgreSQL advisory lock a run holds ("koordAuf" in ASCII).
_ADVISORY_KEY = 0x6B6F6F7264417566


class RetentionBusy(ConflictError):
    """Another run of the rules holds the lock."""


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
            return states(session)

    def set_rule(self, kind: str, months: int | None, enabled: bool, reason: str = "") -> RuleState:
        """Switch a rule on (with its period and, if given, why this period) or off;
        ``months`` None keeps the period. Switched off, the rule is undecided again until it
        is switched on or kept without a period (:meth:`keep`)."""
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
            decision = (
                Decision(False, reason.strip(), self.today(), audit.actor_of(session))
                if enabled
                else None
            )
            _decide(session, kind, decision)
            session.flush()
            return next(s for s in states(session) if s.kind == kind)

    def keep(self, kind: str, reason: str) -> RuleState:
        """Decide to keep a kind of data without a period ("unbefristet, weil …"): the rule
        is off and the decision, its reason and date are recorded."""
        rule_kind(kind)
        reason = " ".join(reason.split())
        if len(reason) < MIN_REASON:
            raise ValidationError(
                [
                    FieldError(
                        "Begründung",
                        "Ohne Löschfrist bitte begründen, warum diese Daten unbefristet "
                        f"gebraucht werden (mindestens {MIN_REASON} Zeichen), z. B. "
                        "„unbefristet, weil die Protokolle das Gedächtnis des Netzwerks sind“.",
                    )
                ]
            )
        with self.db.session() as session:
            rule = session.scalar(select(RetentionRule).where(RetentionRule.kind == kind))
            if rule is not None:
                rule.enabled = False
            _decide(session, kind, Decision(True, reason, self.today(), audit.actor_of(session)))
            session.flush()
            return next(s for s in states(session) if s.kind == kind)

    def preview(self, today: date | None = None) -> RetentionPlan:
        """What a run on ``today`` would delete; changes nothing."""
        day = today or self.today()
        with self.db.session() as session:
            plan = plan_for(session, day, self.db)
            session.rollback()
            return plan

    def run(
        self,
        today: date | None = None,
        plan: RetentionPlan | None = None,
        progress: Progress | None = None,
    ) -> RetentionReport:
        """Delete what the rules find, in one transaction, and write it into the audit trail.

        With ``plan`` (the preview the office confirmed), the run refuses when the data no
        longer give the same plan: nothing is deleted that was not shown. After the commit the
        storage is rewritten, so the deleted bytes leave the database files too. A second run
        while one holds the lock is refused (:class:`RetentionBusy`), nothing deleted.
        """
        day = plan.today if plan is not None else today or self.today()
        run = _Run(day, self.clock.now())
        with self._exclusive(), self.db.session() as session:
            current = plan_for(session, day, self.db)
            if plan is not None and plan.keys() != current.keys():
                raise ConflictError(
                    "Seit der Vorschau hat sich an den Daten etwas geändert; es wurde nichts "
                    "gelöscht. Bitte die Vorschau neu ansehen und dann erneut ausführen."
                )
            results = []
            for done, rule in enumerate(current.rules, start=1):
                results.append(run.apply(session, rule))
                if progress is not None:
                    progress(done, len(current.rules))
            _log_run(session, day, tuple(results))
            actor = audit.actor_of(session)
            rules = tuple(states(session))
        if run.tables:
            run.notes.extend(compact_storage(self.db, run.tables))
        return RetentionReport(
            today=day,
            at=self.clock.now(),
            actor=actor,
            results=tuple(results),
            notes=tuple(run.notes),
            rules=rules,
        )

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Held for a whole run: a second run (a cron job, a colleague) is refused."""
        busy = RetentionBusy(
            "Die Aufbewahrungsregeln werden gerade schon ausgeführt (ein anderer Aufruf läuft "
            "noch); es wurde nichts gelöscht. Bitte später erneut versuchen."
        )
        with self.db.alone("aufbewahrung", _ADVISORY_KEY) as only:
            if not only:
                raise busy
            yield


@dataclass
class _Run:
    """One run in progress: what it changed, for the storage rewrite and the report."""

    today: date
    now: datetime
    tables: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def apply(self, session: Session, rule: PlannedRule) -> RuleResult:
        targets = rule.targets
        if rule.kind in ("guests", "inactive_people"):
            for target in targets:
                erased = erase_in_session(session, target.id, today=self.today, now=self.now)
                self.tables |= erased.tables
                self.notes.extend(erased.notes)
            summary = f"{counted(len(targets), 'Person', 'Personen')} gelöscht"
        elif rule.kind == "survey_contacts":
            responses = _clear_survey_contacts(session, rule)
            summary = (
                f"Kontaktdaten aus {counted(responses, 'Antwort', 'Antworten')} in "
                f"{counted(len(targets), 'Umfrage', 'Umfragen')} entfernt"
            )
            if targets:
                self.tables |= {"survey_response", "audit_entry"}
        elif rule.kind == "survey_answers":
            answers = _delete_free_texts(session, rule)
            summary = (
                f"{counted(answers, 'Freitext-Antwort', 'Freitext-Antworten')} aus "
                f"{counted(len(targets), 'Umfrage', 'Umfragen')} gelöscht"
            )
            if targets:
                self.tables |= {"survey_answer"}
        elif rule.kind == "audit_values":
            entries = _blank_old_values(session, rule)
            summary = f"Werte in {counted(entries, 'Eintrag', 'Einträgen')} geleert"
            if targets:
                self.tables |= {"audit_entry"}
        elif RULE_KINDS[rule.kind].files:
            deleted, notes = retention_files.delete(targets)
            self.notes.extend(notes)
            summary = f"{counted(deleted, 'Datei', 'Dateien')} gelöscht"
        else:
            invitations = _delete_invitations(session, rule)
            summary = (
                f"{counted(invitations, 'Einladung', 'Einladungen')} von "
                f"{counted(len(targets), 'Termin', 'Terminen')} gelöscht"
            )
            if targets:
                self.tables |= {"invitation", "response", "audit_entry"}
        return RuleResult(rule.kind, rule.title, summary, targets)


def _clear_survey_contacts(session: Session, rule: PlannedRule) -> int:
    cleared = 0
    for target in rule.targets:
        for chunk in chunks(target.parts):
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


def _delete_free_texts(session: Session, rule: PlannedRule) -> int:
    deleted = 0
    for target in rule.targets:
        for chunk in chunks(target.parts):
            session.execute(
                delete(SurveyAnswer)
                .where(SurveyAnswer.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        audit.log(
            session,
            "update",
            "survey",
            target.id,
            changes={
                "Freitext-Antworten gelöscht": len(target.parts),
                "Aufbewahrungsregel": rule.title,
            },
        )
        deleted += len(target.parts)
    return deleted


def _blank_old_values(session: Session, rule: PlannedRule) -> int:
    """Blank the values of the entries found; the entries stay (who, when, what kind)."""
    blanked = 0
    for target in rule.targets:
        for chunk in chunks(target.parts):
            stmt = select(AuditEntry.id, AuditEntry.changes).where(AuditEntry.id.in_(chunk))
            for entry_id, changes in session.execute(stmt).all():
                values = blanked_values(changes)
                if values is None:
                    continue
                session.execute(
                    update(AuditEntry).where(AuditEntry.id == entry_id).values(changes=values)
                )
                blanked += 1
    return blanked


def _delete_invitations(session: Session, rule: PlannedRule) -> int:
    deleted = 0
    for target in rule.targets:
        statuses: Counter[str] = Counter()
        for chunk in chunks(target.parts):
            stmt = select(Response.status).where(Response.invitation_id.in_(chunk))
            statuses.update(status.label for (status,) in session.execute(stmt))
        for chunk in chunks(target.parts):
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
    for chunk in chunks(ids):
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


def _decide(session: Session, kind: str, decision: Decision | None) -> None:
    """Record the office's decision for ``kind`` (``None``: undecided again), in the trail
    too: who decided what, when and why."""
    key = decision_key(kind)
    row = session.get(AppSetting, key)
    if decision is None:
        if row is not None:
            session.delete(row)
            audit.log(
                session,
                "update",
                "retention_rule",
                None,
                changes={"Regel": rule_kind(kind).label, "Entscheidung": "nicht festgelegt"},
            )
        return
    if row is None:
        session.add(AppSetting(key=key, value=decision.stored()))
    else:
        row.value = decision.stored()
    facts = {
        "Regel": rule_kind(kind).label,
        "Entscheidung": "keine Löschfrist" if decision.keep else "Frist eingeschaltet",
    }
    if decision.reason:
        facts["Begründung"] = decision.reason
    audit.log(session, "update", "retention_rule", None, changes=facts)


def _log_run(session: Session, today: date, results: tuple[RuleResult, ...]) -> None:
    facts: dict[str, Any] = {"Stichtag": today.isoformat()}
    for result in results:
        ids = ", ".join(str(t.id) for t in result.targets)
        facts[result.title] = f"{result.summary}" + (f" (Nr. {ids})" if ids else "")
    if not results:
        facts["Ergebnis"] = "keine Regel eingeschaltet"
    audit.log(session, "run", "retention_rule", None, changes=facts)
