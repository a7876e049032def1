"""Links of a measure to the decisions and tasks that drive it and the survey questions whose
results support it — both ways, with the candidates a picker offers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.domain.enums import DecisionResult
from koordination.domain.models import (
    ActionField,
    AgendaItem,
    Decision,
    Goal,
    Group,
    Measure,
    MeasureLink,
    Person,
    Sitting,
    Survey,
    SurveyQuestion,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.fields import LinkKind, LinkRecord, MeasureRef
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.fields.records import FieldsBase, LinkLabels, short, sitting_label


class Links(FieldsBase):
    """Use cases on a measure's links. Every public method is one transaction."""

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
            return LinkLabels(session, [link]).record(link)

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
            where, _day = sitting_label(sitting)
            result = (
                f" ({decision.result.label})"
                if decision.result is not DecisionResult.ANGENOMMEN
                else ""
            )
            out.append((decision.id, f"{where}: {short(decision.wording, 160)}{result}"))
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
            label = f"{short(t.title, 120)} ({state}"
            label += f"; {who})" if who else ")"
            where, _day = sitting_label(sittings.get(t.sitting_id or 0))
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
        return [(q.id, f"„{survey.title}“, {q.code}: {short(q.text, 140)}") for q, survey in rows]

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
