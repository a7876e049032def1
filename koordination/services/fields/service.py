"""The ActionFields service: the tree of fields, goals and measures, and the use cases on
fields and goals, over measures, indicators and links in the modules beside it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from koordination.domain.inputs.fields import FieldInput, GoalInput
from koordination.domain.models import ActionField, Goal, Group
from koordination.domain.records.fields import FieldRecord, GoalRecord
from koordination.services.fields.indicators import Indicators
from koordination.services.fields.links import Links
from koordination.services.fields.measures import Measures
from koordination.services.fields.records import measure_options, stale


class ActionFields(Measures, Indicators, Links):
    """Use cases of action fields, goals and measures; one transaction per call."""

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
                        .options(*measure_options())
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
                raise stale(f"Das Handlungsfeld „{field.title}“")
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
