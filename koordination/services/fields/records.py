"""The action fields' shared ground: loading fields, goals and measures, the German messages,
and the records of measures with their partners, indicators and the labels of their links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE
from koordination.db.engine import Database
from koordination.domain.models import (
    ActionField,
    AgendaItem,
    Decision,
    Goal,
    Group,
    Measure,
    MeasureLink,
    Organisation,
    Person,
    Sitting,
    Survey,
    SurveyQuestion,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.fields import (
    IndicatorRecord,
    LinkRecord,
    MeasureRecord,
    PartnerRecord,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError


def stale(what: str) -> ConflictError:
    return ConflictError(
        f"{what} wurde inzwischen an anderer Stelle geändert. Ihre Änderungen wurden nicht "
        "gespeichert. Bitte neu laden und erneut bearbeiten."
    )


def short(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def sitting_label(sitting: Sitting | None) -> tuple[str, date | None]:
    if sitting is None:
        return "", None
    day = sitting.occurrence.astimezone(CITY_ZONE).date()
    return f"{day:%d.%m.%Y}, {sitting.meeting.title}", day


class LinkLabels:
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
            where, day = sitting_label(decision.item.sitting)
            label = f"Beschluss ({where}): {short(decision.wording)}"
            return LinkRecord(
                link.id, link.measure_id, "decision", decision.id, label, day, link.note
            )
        if link.task_id is not None:
            task = self.tasks[link.task_id]
            sitting = self.session.get(Sitting, task.sitting_id) if task.sitting_id else None
            where, day = sitting_label(sitting)
            state = f"erledigt am {task.done_on:%d.%m.%Y}" if task.done_on else "offen"
            due = f", fällig {task.due:%d.%m.%Y}" if task.due and not task.done_on else ""
            label = f"Aufgabe ({state}{due}): {short(task.title)}"
            if where:
                label += f" – aus {where}"
            return LinkRecord(link.id, link.measure_id, "task", task.id, label, day, link.note)
        assert link.survey_question_id is not None
        question = self.questions[link.survey_question_id]
        survey = self.surveys[question.survey_id]
        label = f"Umfrage „{survey.title}“, {question.code}: {short(question.text)}"
        return LinkRecord(
            link.id, link.measure_id, "survey", question.id, label, survey.ends_on, link.note
        )


def measure_options() -> Any:
    return (
        selectinload(Measure.partners),
        selectinload(Measure.indicators),
        selectinload(Measure.links),
        selectinload(Measure.goal).selectinload(Goal.field),
    )


class FieldsBase:
    """What every part of the action fields shares: the database, loading a field, goal or
    measure with the German messages, and turning measures into records."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
        labels = LinkLabels(session, [lk for m in measures for lk in m.links])
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
            select(Measure).where(Measure.id == measure_id).options(*measure_options())
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
