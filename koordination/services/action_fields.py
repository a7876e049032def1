"""Action fields (Handlungsfelder) → goals → measures, with partners, indicators and the links
to the decisions, tasks and survey results that drive and support them — both ways."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE
from koordination.db.engine import Database
from koordination.domain.enums import DecisionResult, MeasureStatus
from koordination.domain.inputs.fields import FieldInput, GoalInput, IndicatorInput, MeasureInput
from koordination.domain.inputs.validation import date_order
from koordination.domain.models import (
    ActionField,
    AgendaItem,
    Decision,
    Goal,
    Group,
    Indicator,
    Measure,
    MeasureLink,
    MeasurePartner,
    Organisation,
    Person,
    Sitting,
    Survey,
    SurveyQuestion,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkKind,
    LinkRecord,
    MeasureRecord,
    MeasureRef,
    PartnerRecord,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError

_MEASURE_FIELDS = (
    "title",
    "description",
    "responsible_group_id",
    "responsible_person_id",
    "starts_on",
    "due_on",
    "status",
    "progress",
)


def _stale(what: str) -> ConflictError:
    return ConflictError(
        f"{what} wurde inzwischen an anderer Stelle geändert. Ihre Änderungen wurden nicht "
        "gespeichert. Bitte neu laden und erneut bearbeiten."
    )


def _short(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _sitting_label(sitting: Sitting | None) -> tuple[str, date | None]:
    if sitting is None:
        return "", None
    day = sitting.occurrence.astimezone(CITY_ZONE).date()
    return f"{day:%d.%m.%Y}, {sitting.meeting.title}", day


class _Labels:
    """Names of what links point to, read once per call."""

    def __init__(self, session: Session, links: Sequence[MeasureLink]) -> None:
        decision_ids = {lk.decision_id for lk in links if lk.decision_id}
        task_ids = {lk.task_id for lk in links if lk.task_id}
        question_ids = {lk.survey_question_id for lk in links if lk.survey_question_id}
        self.decisions = {
            d.id: d
            for d in session.scalars(
                select(Decision)
                .where(Decision.id.in_(decision_ids))
                .options(selectinload(Decision.item).selectinload(AgendaItem.sitting))
            )
        }
        self.tasks = {t.id: t for t in session.scalars(select(Task).where(Task.id.in_(task_ids)))}
        self.questions = {
            q.id: q
            for q in session.scalars(
                select(SurveyQuestion).where(SurveyQuestion.id.in_(question_ids))
            )
        }
        self.surveys = {
            s.id: s
            for s in session.scalars(
                select(Survey).where(Survey.id.in_({q.survey_id for q in self.questions.values()}))
            )
        }
        self.session = session

    def record(self, link: MeasureLink) -> LinkRecord:
        if link.decision_id is not None:
            decision = self.decisions[link.decision_id]
            where, day = _sitting_label(decision.item.sitting)
            label = f"Beschluss ({where}): {_short(decision.wording)}"
            return LinkRecord(
                link.id, link.measure_id, "decision", decision.id, label, day, link.note
            )
        if link.task_id is not None:
            task = self.tasks[link.task_id]
            sitting = self.session.get(Sitting, task.sitting_id) if task.sitting_id else None
            where, day = _sitting_label(sitting)
            state = f"erledigt am {task.done_on:%d.%m.%Y}" if task.done_on else "offen"
            due = f", fällig {task.due:%d.%m.%Y}" if task.due and not task.done_on else ""
            label = f"Aufgabe ({state}{due}): {_short(task.title)}"
            if where:
                label += f" – aus {where}"
            return LinkRecord(link.id, link.measure_id, "task", task.id, label, day, link.note)
        assert link.survey_question_id is not None
        question = self.questions[link.survey_question_id]
        survey = self.surveys[question.survey_id]
        label = f"Umfrage „{survey.title}“, {question.code}: {_short(question.text)}"
        return LinkRecord(
            link.id, link.measure_id, "survey", question.id, label, survey.ends_on, link.note
        )


def _measure_options() -> Any:
    return (
        selectinload(Measure.partners),
        selectinload(Measure.indicators),
        selectinload(Measure.links),
        selectinload(Measure.goal).selectinload(Goal.field),
    )


class ActionFields:
    """Use cases of action fields, goals and measures; one transaction per call."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------- reading

    def _measure_records(
        self, session: Session, measures: Sequence[Measure]
    ) -> dict[int, MeasureRecord]:
        groups = {
            g.id: g.name
            for g in session.scalars(
                select(Group).where(
                    Group.id.in_(
                        {m.responsible_group_id for m in measures if m.responsible_group_id}
                    )
                )
            )
        }
        people = {
            p.id: display_name(p.title, p.given_name, p.family_name)
            for p in session.scalars(
                select(Person).where(
                    Person.id.in_(
                        {m.responsible_person_id for m in measures if m.responsible_person_id}
                    )
                )
            )
        }
        org_ids = {p.organisation_id for m in measures for p in m.partners}
        orgs = {
            o.id: o
            for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
        }
        labels = _Labels(session, [lk for m in measures for lk in m.links])
        out: dict[int, MeasureRecord] = {}
        for m in measures:
            partners = sorted(
                (
                    PartnerRecord(o.id, o.name, o.sector)
                    for o in (orgs[p.organisation_id] for p in m.partners)
                ),
                key=lambda p: p.name.casefold(),
            )
            out[m.id] = MeasureRecord(
                id=m.id,
                version=m.version,
                goal_id=m.goal_id,
                field_id=m.goal.field_id,
                field_title=m.goal.field.title,
                goal_title=m.goal.title,
                title=m.title,
                description=m.description,
                responsible_group_id=m.responsible_group_id,
                responsible_group=groups.get(m.responsible_group_id or 0, ""),
                responsible_person_id=m.responsible_person_id,
                responsible_person=people.get(m.responsible_person_id or 0, ""),
                starts_on=m.starts_on,
                due_on=m.due_on,
                status=m.status,
                progress=m.progress,
                partners=tuple(partners),
                indicators=tuple(
                    IndicatorRecord(
                        i.id, i.name, i.unit, i.target_value, i.actual_value, i.measured_on
                    )
                    for i in m.indicators
                ),
                links=tuple(labels.record(lk) for lk in m.links),
            )
        return out

    def tree(self, *, include_archived: bool = False) -> list[FieldRecord]:
        """Every action field with its goals and their measures, in order."""
        with self.db.session() as session:
            query = select(ActionField).order_by(ActionField.position, ActionField.id)
            if not include_archived:
                query = query.where(ActionField.archived.is_(False))
            fields = list(
                session.scalars(
                    query.options(
                        selectinload(ActionField.goals)
                        .selectinload(Goal.measures)
                        .options(*_measure_options())
                    )
                )
            )
            measures = [m for f in fields for g in f.goals for m in g.measures]
            records = self._measure_records(session, measures)
            leads = {
                g.id: g.name
                for g in session.scalars(
                    select(Group).where(
                        Group.id.in_({f.lead_group_id for f in fields if f.lead_group_id})
                    )
                )
            }
            return [
                FieldRecord(
                    id=f.id,
                    version=f.version,
                    position=f.position,
                    title=f.title,
                    description=f.description,
                    lead_group_id=f.lead_group_id,
                    lead_group=leads.get(f.lead_group_id or 0, ""),
                    archived=f.archived,
                    goals=tuple(
                        GoalRecord(
                            g.id,
                            g.field_id,
                            g.position,
                            g.title,
                            g.description,
                            tuple(records[m.id] for m in g.measures),
                        )
                        for g in f.goals
                    ),
                )
                for f in fields
            ]

    def measure(self, measure_id: int) -> MeasureRecord:
        with self.db.session() as session:
            measure = self._measure(session, measure_id)
            return self._measure_records(session, [measure])[measure.id]

    def _select_measures(self, session: Session, *conditions: Any) -> list[MeasureRecord]:
        measures = list(
            session.scalars(
                select(Measure)
                .join(Goal)
                .join(ActionField)
                .where(ActionField.archived.is_(False), *conditions)
                .order_by(Measure.due_on, Measure.id)
                .options(*_measure_options())
            )
        )
        records = self._measure_records(session, measures)
        return [records[m.id] for m in measures]

    def measures_of_group(self, group_id: int) -> list[MeasureRecord]:
        """Measures the group is responsible for, and those of fields it leads."""
        with self.db.session() as session:
            return self._select_measures(
                session,
                (Measure.responsible_group_id == group_id)
                | (ActionField.lead_group_id == group_id),
            )

    def due_measures(self, today: date, within_days: int = 30) -> list[MeasureRecord]:
        """Measures not finished or paused whose due date is past or within ``within_days``."""
        with self.db.session() as session:
            return self._select_measures(
                session,
                Measure.due_on.is_not(None),
                Measure.due_on <= today + timedelta(days=within_days),
                Measure.status.in_([MeasureStatus.GEPLANT, MeasureStatus.LAUFEND]),
            )

    # ------------------------------------------------------------- fields and goals

    @staticmethod
    def _field(session: Session, field_id: int) -> ActionField:
        field = session.get(ActionField, field_id)
        if field is None:
            raise NotFoundError(f"Das Handlungsfeld Nr. {field_id} gibt es nicht (mehr).")
        return field

    @staticmethod
    def _goal(session: Session, goal_id: int) -> Goal:
        goal = session.get(Goal, goal_id)
        if goal is None:
            raise NotFoundError(f"Das Ziel Nr. {goal_id} gibt es nicht (mehr).")
        return goal

    @staticmethod
    def _measure(session: Session, measure_id: int) -> Measure:
        measure = session.scalar(
            select(Measure).where(Measure.id == measure_id).options(*_measure_options())
        )
        if measure is None:
            raise NotFoundError(f"Die Maßnahme Nr. {measure_id} gibt es nicht (mehr).")
        return measure

    @staticmethod
    def _title(value: str, label: str = "Titel") -> str:
        if not value.strip():
            raise ValidationError([FieldError(label, "darf nicht leer sein.")])
        return value.strip()

    @staticmethod
    def _check_group(session: Session, group_id: int | None) -> None:
        if group_id is not None and session.get(Group, group_id) is None:
            raise ValidationError(
                [FieldError("Gruppe", f"Die Gruppe Nr. {group_id} gibt es nicht.")]
            )

    def create_field(self, data: FieldInput) -> int:
        """A new action field at the end of the list; returns its number."""
        with self.db.session() as session:
            self._check_group(session, data.lead_group_id)
            position = max(session.scalars(select(ActionField.position)), default=0) + 1
            field = ActionField(
                title=self._title(data.title),
                description=data.description.strip(),
                lead_group_id=data.lead_group_id,
                position=position,
            )
            session.add(field)
            session.flush()
            return field.id

    def update_field(self, original: FieldRecord, data: FieldInput) -> None:
        """Save what ``data`` changes against ``original``, unless the field changed since."""
        changes = data.changes(original)
        with self.db.session() as session:
            field = self._field(session, original.id)
            if field.version != original.version:
                raise _stale(f"Das Handlungsfeld „{field.title}“")
            if "title" in changes:
                changes["title"] = self._title(changes["title"])
            self._check_group(session, changes.get("lead_group_id"))
            for name, value in changes.items():
                setattr(field, name, value.strip() if isinstance(value, str) else value)

    def delete_field(self, field_id: int) -> None:
        with self.db.session() as session:
            session.delete(self._field(session, field_id))

    def add_goal(self, field_id: int, data: GoalInput) -> int:
        """A new goal at the end of the field's goals; returns its number."""
        with self.db.session() as session:
            field = self._field(session, field_id)
            goal = Goal(
                title=self._title(data.title),
                description=data.description.strip(),
                position=max((g.position for g in field.goals), default=0) + 1,
            )
            field.goals.append(goal)
            session.flush()
            return goal.id

    def update_goal(self, original: GoalRecord, data: GoalInput) -> None:
        with self.db.session() as session:
            goal = self._goal(session, original.id)
            goal.title = self._title(data.title)
            goal.description = data.description.strip()

    def delete_goal(self, goal_id: int) -> None:
        with self.db.session() as session:
            session.delete(self._goal(session, goal_id))

    # ------------------------------------------------------------- measures

    def _check_measure(self, session: Session, values: dict[str, Any]) -> None:
        problems: list[FieldError] = []
        if not str(values.get("title", "")).strip():
            problems.append(FieldError("Titel", "darf nicht leer sein."))
        progress = values.get("progress", 0)
        if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
            problems.append(
                FieldError("Fortschritt", "ist eine ganze Zahl von 0 bis 100 (Prozent).")
            )
        order = date_order("Zeitraum", values.get("starts_on"), values.get("due_on"))
        if order:
            problems.append(order)
        group_id = values.get("responsible_group_id")
        if group_id is not None and session.get(Group, group_id) is None:
            problems.append(FieldError("Verantwortliche Gruppe", f"Nr. {group_id} gibt es nicht."))
        person_id = values.get("responsible_person_id")
        if person_id is not None and session.get(Person, person_id) is None:
            problems.append(FieldError("Verantwortliche Person", f"Nr. {person_id} gibt es nicht."))
        if problems:
            raise ValidationError(problems)

    def add_measure(self, goal_id: int, data: MeasureInput) -> MeasureRecord:
        """A new measure at the end of the goal's measures. A finished one is at 100 %."""
        values = {
            "title": data.title,
            "description": data.description,
            "responsible_group_id": data.responsible_group_id,
            "responsible_person_id": data.responsible_person_id,
            "starts_on": data.starts_on,
            "due_on": data.due_on,
            "status": data.status,
            "progress": 100 if data.status is MeasureStatus.ABGESCHLOSSEN else data.progress,
        }
        with self.db.session() as session:
            goal = self._goal(session, goal_id)
            self._check_measure(session, values)
            measure = Measure(
                **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()},
                position=max((m.position for m in goal.measures), default=0) + 1,
            )
            goal.measures.append(measure)
            session.flush()
            self._set_partners(session, measure, data.partner_ids)
            session.flush()
            measure = self._measure(session, measure.id)
            return self._measure_records(session, [measure])[measure.id]

    def update_measure(self, original: MeasureRecord, data: MeasureInput) -> MeasureRecord:
        """Save what ``data`` changes against ``original``, unless the measure changed since.
        Finishing it sets progress to 100 %."""
        changes = data.changes(original)
        with self.db.session() as session:
            measure = self._measure(session, original.id)
            if measure.version != original.version:
                raise _stale(f"Die Maßnahme „{measure.title}“")
            partner_ids = changes.pop("partner_ids", None)
            if changes.get("status") is MeasureStatus.ABGESCHLOSSEN:
                changes["progress"] = 100
            values = {name: getattr(measure, name) for name in _MEASURE_FIELDS} | changes
            self._check_measure(session, values)
            for name, value in changes.items():
                setattr(measure, name, value.strip() if isinstance(value, str) else value)
            if partner_ids is not None:
                self._set_partners(session, measure, partner_ids)
            session.flush()
            measure = self._measure(session, original.id)
            return self._measure_records(session, [measure])[measure.id]

    @staticmethod
    def _set_partners(session: Session, measure: Measure, partner_ids: Sequence[int]) -> None:
        wanted = list(dict.fromkeys(partner_ids))
        known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(wanted))))
        missing = [str(i) for i in wanted if i not in known]
        if missing:
            raise ValidationError(
                [FieldError("Partner", f"Organisation Nr. {', '.join(missing)} gibt es nicht.")]
            )
        measure.partners[:] = [
            next((p for p in measure.partners if p.organisation_id == oid), None)
            or MeasurePartner(organisation_id=oid)
            for oid in wanted
        ]

    def delete_measure(self, measure_id: int) -> None:
        with self.db.session() as session:
            session.delete(self._measure(session, measure_id))

    # ------------------------------------------------------------- indicators

    def add_indicator(self, measure_id: int, data: IndicatorInput) -> IndicatorRecord:
        """A new indicator at the end of the measure's indicators."""
        self._check_indicator(data)
        with self.db.session() as session:
            measure = self._measure(session, measure_id)
            indicator = Indicator(position=len(measure.indicators) + 1)
            measure.indicators.append(indicator)
            return self._save_indicator(session, indicator, data)

    def update_indicator(self, original: IndicatorRecord, data: IndicatorInput) -> IndicatorRecord:
        self._check_indicator(data)
        with self.db.session() as session:
            indicator = session.get(Indicator, original.id)
            if indicator is None:
                raise NotFoundError(f"Die Kennzahl Nr. {original.id} gibt es nicht (mehr).")
            return self._save_indicator(session, indicator, data)

    def _check_indicator(self, data: IndicatorInput) -> None:
        self._title(data.name, "Kennzahl")
        for label, value in (("Zielwert", data.target_value), ("Istwert", data.actual_value)):
            if value is not None and value < 0:
                raise ValidationError([FieldError(label, "darf nicht negativ sein.")])

    def _save_indicator(
        self, session: Session, indicator: Indicator, data: IndicatorInput
    ) -> IndicatorRecord:
        indicator.name = data.name.strip()
        indicator.unit = data.unit.strip()
        indicator.target_value = data.target_value
        indicator.actual_value = data.actual_value
        indicator.measured_on = data.measured_on
        session.flush()
        return IndicatorRecord(
            indicator.id,
            indicator.name,
            indicator.unit,
            data.target_value,
            data.actual_value,
            data.measured_on,
        )

    def delete_indicator(self, indicator_id: int) -> None:
        with self.db.session() as session:
            indicator = session.get(Indicator, indicator_id)
            if indicator is None:
                raise NotFoundError(f"Die Kennzahl Nr. {indicator_id} gibt es nicht (mehr).")
            session.delete(indicator)

    # ------------------------------------------------------------- links

    def link(
        self,
        measure_id: int,
        *,
        decision_id: int | None = None,
        task_id: int | None = None,
        survey_question_id: int | None = None,
        note: str = "",
    ) -> LinkRecord:
        """Link a decision or task that drives the measure, or a survey question whose
        results support it. Exactly one target; the same target is linked once."""
        targets = [t for t in (decision_id, task_id, survey_question_id) if t is not None]
        if len(targets) != 1:
            raise ValidationError(
                [FieldError("Verknüpfung", "Genau ein Beschluss, eine Aufgabe oder eine Frage.")]
            )
        with self.db.session() as session:
            measure = self._measure(session, measure_id)
            for model, target, what in (
                (Decision, decision_id, "den Beschluss"),
                (Task, task_id, "die Aufgabe"),
                (SurveyQuestion, survey_question_id, "die Umfragefrage"),
            ):
                if target is not None and session.get(model, target) is None:
                    raise NotFoundError(f"Nr. {target} gibt es nicht: {what} bitte prüfen.")
            for existing in measure.links:
                if (existing.decision_id, existing.task_id, existing.survey_question_id) == (
                    decision_id,
                    task_id,
                    survey_question_id,
                ):
                    raise ValidationError(
                        [FieldError("Verknüpfung", "ist mit dieser Maßnahme schon verknüpft.")]
                    )
            link = MeasureLink(
                decision_id=decision_id,
                task_id=task_id,
                survey_question_id=survey_question_id,
                note=note.strip(),
            )
            measure.links.append(link)
            session.flush()
            return _Labels(session, [link]).record(link)

    def unlink(self, link_id: int) -> None:
        with self.db.session() as session:
            link = session.get(MeasureLink, link_id)
            if link is None:
                raise NotFoundError(f"Die Verknüpfung Nr. {link_id} gibt es nicht (mehr).")
            session.delete(link)

    def link_candidates(self, kind: LinkKind) -> list[tuple[int, str]]:
        """What a measure can be linked to, as (id, label), for a picker: decisions (newest
        sitting first) with date, meeting and wording; tasks (open ones first, by due date)
        with their state and origin; current questions of the surveys (newest survey first)."""
        with self.db.session() as session:
            if kind == "decision":
                return self._decision_candidates(session)
            if kind == "task":
                return self._task_candidates(session)
            if kind == "survey":
                return self._question_candidates(session)
        raise ValueError(f"unknown link kind: {kind!r}")

    @staticmethod
    def _decision_candidates(session: Session) -> list[tuple[int, str]]:
        rows = session.execute(
            select(Decision, Sitting)
            .join(AgendaItem, AgendaItem.id == Decision.item_id)
            .join(Sitting, Sitting.id == AgendaItem.sitting_id)
            .order_by(Sitting.occurrence.desc(), AgendaItem.position, Decision.position)
            .options(selectinload(Sitting.meeting))
        ).all()
        out = []
        for decision, sitting in rows:
            where, _day = _sitting_label(sitting)
            result = (
                f" ({decision.result.label})"
                if decision.result is not DecisionResult.ANGENOMMEN
                else ""
            )
            out.append((decision.id, f"{where}: {_short(decision.wording, 160)}{result}"))
        return out

    @staticmethod
    def _task_candidates(session: Session) -> list[tuple[int, str]]:
        tasks = list(
            session.scalars(
                select(Task).order_by(
                    Task.done_on.is_not(None),
                    Task.done_on.desc(),
                    Task.due.is_(None),
                    Task.due,
                    Task.id.desc(),
                )
            )
        )
        people = {
            p.id: display_name(p.title, p.given_name, p.family_name)
            for p in session.scalars(
                select(Person).where(
                    Person.id.in_({t.assignee_person_id for t in tasks if t.assignee_person_id})
                )
            )
        }
        groups = {
            g.id: g.name
            for g in session.scalars(
                select(Group).where(
                    Group.id.in_({t.assignee_group_id for t in tasks if t.assignee_group_id})
                )
            )
        }
        sittings = {
            s.id: s
            for s in session.scalars(
                select(Sitting)
                .where(Sitting.id.in_({t.sitting_id for t in tasks if t.sitting_id}))
                .options(selectinload(Sitting.meeting))
            )
        }
        out = []
        for t in tasks:
            if t.done_on:
                state = f"erledigt am {t.done_on:%d.%m.%Y}"
            else:
                state = f"offen, fällig {t.due:%d.%m.%Y}" if t.due else "offen"
            who = people.get(t.assignee_person_id or 0) or groups.get(t.assignee_group_id or 0)
            label = f"{_short(t.title, 120)} ({state}"
            label += f"; {who})" if who else ")"
            where, _day = _sitting_label(sittings.get(t.sitting_id or 0))
            if where:
                label += f" – aus {where}"
            out.append((t.id, label))
        return out

    @staticmethod
    def _question_candidates(session: Session) -> list[tuple[int, str]]:
        rows = session.execute(
            select(SurveyQuestion, Survey)
            .join(Survey, Survey.id == SurveyQuestion.survey_id)
            .where(SurveyQuestion.retired.is_(False))
            .order_by(Survey.id.desc(), SurveyQuestion.position, SurveyQuestion.id)
        ).all()
        return [(q.id, f"„{survey.title}“, {q.code}: {_short(q.text, 140)}") for q, survey in rows]

    def _refs(self, session: Session, condition: Any) -> list[MeasureRef]:
        rows = session.execute(
            select(MeasureLink, Measure, Goal, ActionField)
            .join(Measure, Measure.id == MeasureLink.measure_id)
            .join(Goal, Goal.id == Measure.goal_id)
            .join(ActionField, ActionField.id == Goal.field_id)
            .where(condition)
            .order_by(ActionField.position, Goal.position, Measure.position, Measure.id)
        )
        return [
            MeasureRef(m.id, m.title, f.title, g.title, m.status, lk.id, lk.note)
            for lk, m, g, f in rows
        ]

    def measures_for_decision(self, decision_id: int) -> list[MeasureRef]:
        """The measures a decision drives: the way from the minutes to the action."""
        with self.db.session() as session:
            return self._refs(session, MeasureLink.decision_id == decision_id)

    def measures_for_task(self, task_id: int) -> list[MeasureRef]:
        with self.db.session() as session:
            return self._refs(session, MeasureLink.task_id == task_id)

    def measures_for_question(self, question_id: int) -> list[MeasureRef]:
        """The measures a survey question's results support."""
        with self.db.session() as session:
            return self._refs(session, MeasureLink.survey_question_id == question_id)
