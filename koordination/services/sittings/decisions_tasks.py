"""Decisions taken under a TOP and tasks (who does what by when), done or carried forward."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from koordination.domain.inputs.sittings import DecisionInput, TaskInput
from koordination.domain.models import Decision, Group, Person, Task
from koordination.domain.records.meetings import TaskRecord
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.sittings.records import SittingsBase


class DecisionsAndTasks(SittingsBase):
    """Use cases on decisions and tasks. Every public method is one transaction."""

    def add_decision(self, item_id: int, data: DecisionInput) -> None:
        """A decision under a TOP: its exact wording, and the votes or consensus."""
        wording, consensus = data.wording, data.consensus
        yes, no, abstain = data.yes, data.no, data.abstain
        errors = []
        if not wording.strip():
            errors.append(FieldError("Beschluss", "Bitte den genauen Wortlaut eintragen."))
        if not consensus and yes is None:
            errors.append(
                FieldError("Abstimmung", "Bitte Ja/Nein/Enthaltung eintragen oder Konsens wählen.")
            )
        if any(v is not None and v < 0 for v in (yes, no, abstain)):
            errors.append(FieldError("Abstimmung", "Stimmen können nicht negativ sein."))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as session:
            item = self._item_of(session, item_id)
            item.decisions.append(
                Decision(
                    wording=wording.strip(),
                    consensus=consensus,
                    votes_yes=None if consensus else yes,
                    votes_no=None if consensus else (no or 0),
                    votes_abstain=None if consensus else (abstain or 0),
                    result=data.result,
                    position=len(item.decisions),
                )
            )

    def add_task(self, sitting_id: int, data: TaskInput, *, item_id: int | None = None) -> int:
        """Who does what by when: a person or a group, from the sitting or one of its TOPs
        (``item_id``). Returns the task's number."""
        title, person_id, group_id = data.title, data.person_id, data.group_id
        errors = []
        if not title.strip():
            errors.append(FieldError("Aufgabe", "Bitte beschreiben, was zu tun ist."))
        if (person_id is None) == (group_id is None):
            errors.append(FieldError("Wer", "Bitte genau eine Person oder eine Gruppe wählen."))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            if person_id is not None and session.get(Person, person_id) is None:
                raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
            if group_id is not None and session.get(Group, group_id) is None:
                raise NotFoundError(f"Gruppe Nr. {group_id} wurde nicht gefunden.")
            groups = sitting.meeting.groups
            task = Task(
                title=title.strip(),
                description=data.description.strip(),
                sitting_id=sitting.id,
                item_id=item_id,
                group_id=groups[0].id if groups else group_id,
                assignee_person_id=person_id,
                assignee_group_id=group_id,
                due=data.due,
                created_at=self.now(),
            )
            session.add(task)
            session.flush()
            return task.id

    def complete_task(
        self, task_id: int, *, on: date | None = None, reported_in: int | None = None
    ) -> None:
        """Mark a task done; records the date and the sitting where it was reported."""
        with self.db.session() as session:
            task = session.get(Task, task_id)
            if task is None:
                raise NotFoundError(f"Aufgabe Nr. {task_id} wurde nicht gefunden.")
            if task.done_on is not None:
                raise ValidationError(
                    [FieldError("Aufgabe", f"ist schon erledigt (am {task.done_on:%d.%m.%Y}).")]
                )
            if reported_in is not None:
                self._editable(session, reported_in)
            task.done_on = on or self.today()
            task.done_reported_in_id = reported_in

    def list_tasks(
        self,
        *,
        open_only: bool = False,
        group_id: int | None = None,
        person_id: int | None = None,
    ) -> list[TaskRecord]:
        with self.db.session() as session:
            stmt = select(Task).order_by(
                Task.done_on.is_not(None), Task.due.is_(None), Task.due, Task.id
            )
            if open_only:
                stmt = stmt.where(Task.done_on.is_(None))
            if group_id is not None:
                stmt = stmt.where(
                    (Task.group_id == group_id) | (Task.assignee_group_id == group_id)
                )
            if person_id is not None:
                stmt = stmt.where(Task.assignee_person_id == person_id)
            return [self._task(session, t) for t in session.scalars(stmt)]
