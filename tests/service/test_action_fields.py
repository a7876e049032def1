"""Action fields → goals → measures on SQLite and PostgreSQL, and the chain from survey
evidence to decision to measure, followed both ways."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from koordination.db.engine import Database
from koordination.domain.enums import MeasureStatus
from koordination.domain.inputs.fields import FieldInput, GoalInput, IndicatorInput, MeasureInput
from koordination.domain.models import Decision, Group, Organisation, SurveyQuestion, Task
from koordination.errors import ConflictError, NotFoundError, ValidationError
from koordination.services.fields.service import ActionFields


@pytest.fixture
def city(demo_city: Database) -> Database:
    return demo_city


def _ids(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            "decision": session.scalars(select(Decision.id).order_by(Decision.id)).first() or 0,
            "task": session.scalars(select(Task.id).order_by(Task.id)).first() or 0,
            "question": session.scalars(
                select(SurveyQuestion.id).where(SurveyQuestion.bank_item_id.is_not(None))
            ).first()
            or 0,
            "group": session.scalars(select(Group.id).order_by(Group.id.desc())).first() or 0,
            "org": session.scalars(select(Organisation.id).order_by(Organisation.id)).first() or 0,
        }


def _measure(db: Database, **kwargs: object) -> tuple[ActionFields, int]:
    fields = ActionFields(db)
    field_id = fields.create_field(FieldInput("Engagement sichtbar machen"))
    goal_id = fields.add_goal(field_id, GoalInput("Mehr Menschen kennen die Angebote"))
    data = MeasureInput("Engagementbörse im Rathausfoyer", **kwargs)  # type: ignore[arg-type]
    measure = fields.add_measure(goal_id, data)
    return fields, measure.id


def test_evidence_decision_and_measure_link_both_ways(city: Database) -> None:
    ids = _ids(city)
    fields, measure_id = _measure(city, responsible_group_id=ids["group"])
    fields.link(measure_id, survey_question_id=ids["question"], note="Sichtbarkeit fehlt")
    fields.link(measure_id, decision_id=ids["decision"])
    fields.link(measure_id, task_id=ids["task"])
    measure = fields.measure(measure_id)
    kinds = [link.kind for link in measure.links]
    assert kinds == ["survey", "decision", "task"]
    survey_link, decision_link, task_link = measure.links
    assert survey_link.label.startswith("Umfrage „") and survey_link.note == "Sichtbarkeit fehlt"
    assert decision_link.label.startswith("Beschluss (") and decision_link.day is not None
    assert task_link.label.startswith("Aufgabe (")
    # And back: from the evidence, the decision and the task to the measure.
    for refs in (
        fields.measures_for_question(ids["question"]),
        fields.measures_for_decision(ids["decision"]),
        fields.measures_for_task(ids["task"]),
    ):
        assert (measure_id, "Engagement sichtbar machen") in [
            (r.measure_id, r.field_title) for r in refs
        ]
    with pytest.raises(ValidationError, match="schon verknüpft"):
        fields.link(measure_id, decision_id=ids["decision"])
    fields.unlink(decision_link.id)
    assert measure_id not in [r.measure_id for r in fields.measures_for_decision(ids["decision"])]


def test_a_measure_carries_partners_indicators_and_finishing_sets_full_progress(
    city: Database,
) -> None:
    ids = _ids(city)
    fields, measure_id = _measure(
        city, partner_ids=(ids["org"],), starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31)
    )
    indicator = fields.add_indicator(
        measure_id,
        IndicatorInput("Neue Engagierte", unit="Personen", target_value=40, actual_value=18),
    )
    assert indicator.share == 45.0
    measure = fields.measure(measure_id)
    assert [p.id for p in measure.partners] == [ids["org"]]
    as_read = MeasureInput.from_record(measure)
    done = fields.update_measure(measure, replace(as_read, status=MeasureStatus.ABGESCHLOSSEN))
    assert done.progress == 100
    with pytest.raises(ConflictError, match="an anderer Stelle geändert"):
        fields.update_measure(measure, replace(as_read, progress=50))
    tree = [f for f in fields.tree() if f.title == "Engagement sichtbar machen"]
    assert tree[-1].goals[0].measures[0].indicators[0].name == "Neue Engagierte"
    assert tree[-1].progress == 100


def test_bad_measure_input_is_refused_in_german_and_changes_nothing(city: Database) -> None:
    fields, measure_id = _measure(city)
    before = fields.measure(measure_id)
    with pytest.raises(ValidationError) as err:
        fields.update_measure(
            before,
            replace(
                MeasureInput.from_record(before),
                title=" ",
                progress=130,
                starts_on=date(2026, 5, 1),
                due_on=date(2026, 4, 1),
            ),
        )
    message = str(err.value)
    assert "Titel: darf nicht leer sein" in message
    assert "Fortschritt" in message and "Zeitraum" in message
    assert fields.measure(measure_id) == before
    with pytest.raises(NotFoundError):
        fields.link(measure_id, decision_id=999_999)


def test_due_measures_and_the_measures_of_a_group(city: Database) -> None:
    ids = _ids(city)
    fields, soon = _measure(city, due_on=date(2026, 12, 1), responsible_group_id=ids["group"])
    goal_id = fields.measure(soon).goal_id
    fields.add_measure(goal_id, MeasureInput("Später", due_on=date(2027, 6, 1)))
    fields.add_measure(
        goal_id, MeasureInput("Ruht", due_on=date(2026, 11, 30), status=MeasureStatus.PAUSIERT)
    )
    due = fields.due_measures(date(2026, 11, 22), within_days=30)
    assert [m.id for m in due if m.goal_id == goal_id] == [soon]
    assert fields.measure(soon).overdue(date(2026, 12, 2))
    of_group = fields.measures_of_group(ids["group"])
    assert [m.id for m in of_group if m.goal_id == goal_id] == [soon]
