"""The demo city's action fields, goals and measures, linked to the decisions and tasks in
its minutes and to the results of its surveys."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.domain.enums import MeasureStatus
from koordination.domain.models import (
    ActionField,
    Decision,
    Goal,
    Group,
    Indicator,
    Measure,
    MeasureLink,
    MeasurePartner,
    Organisation,
    SurveyQuestion,
    Task,
)

S = MeasureStatus


def build_fields(session: Session) -> None:
    groups = {g.name: g for g in session.scalars(select(Group))}
    orgs = {o.short_name: o for o in session.scalars(select(Organisation))}
    decisions = {d.wording[:30]: d for d in session.scalars(select(Decision))}
    tasks = {t.title[:30]: t for t in session.scalars(select(Task))}
    need_questions = list(
        session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.text.like("Was braucht das Engagement%"))
            .order_by(SurveyQuestion.id)
        )
    )

    def decision(prefix: str) -> Decision:
        return next(d for key, d in decisions.items() if key.startswith(prefix[:30]))

    def task(prefix: str) -> Task:
        return next(t for key, t in tasks.items() if key.startswith(prefix[:30]))

    quarters = ActionField(
        position=1,
        title="Engagement in den Stadtteilen",
        description="Treffpunkte und Netzwerke der Nachbarschaft in jedem Stadtteil.",
        lead_group_id=groups["AK Stadtteilarbeit"].id,
    )
    young = ActionField(
        position=2,
        title="Junges Engagement",
        description="Jugendliche und junge Erwachsene für Engagement gewinnen.",
        lead_group_id=groups["AK Junges Engagement"].id,
    )
    recognition = ActionField(
        position=3,
        title="Anerkennung und Sichtbarkeit",
        description="Engagement wertschätzen und in der Stadt bekannt machen.",
        lead_group_id=groups["AK Anerkennungskultur"].id,
    )
    session.add_all([quarters, young, recognition])
    session.flush()

    festival = Measure(
        title="Gemeinsames Stadtteilfest im Juni 2027",
        description="Ein Fest aller Stadtteilvereine mit Mitmach-Angeboten.",
        responsible_group_id=groups["AK Stadtteilarbeit"].id,
        starts_on=date(2026, 9, 8),
        due_on=date(2027, 6, 19),
        status=S.LAUFEND,
        progress=35,
        partners=[MeasurePartner(organisation_id=orgs[n].id) for n in ("BV Nordstadt", "Mühlbach")],
        indicators=[
            Indicator(
                position=1,
                name="Beteiligte Vereine",
                unit="Vereine",
                target_value=15,
                actual_value=6,
                measured_on=date(2026, 11, 10),
            ),
        ],
        links=[
            MeasureLink(decision_id=decision("Der AK richtet im Juni 2027").id),
            MeasureLink(task_id=task("Raum für das Stadtteilfest").id),
            MeasureLink(task_id=task("Förderantrag Stadtteilfest").id),
        ],
    )
    meeting_points = Measure(
        title="Treffpunkt Engagement im Südviertel",
        responsible_group_id=groups["AK Stadtteilarbeit"].id,
        starts_on=date(2026, 3, 1),
        due_on=date(2026, 12, 15),
        status=S.LAUFEND,
        progress=70,
        partners=[MeasurePartner(organisation_id=orgs["NBH Süd"].id)],
        links=[
            MeasureLink(
                survey_question_id=need_questions[0].id,
                note="Räume fehlen vielen Vereinen (Umfrage Organisationen)",
            )
        ]
        if need_questions
        else [],
    )
    quarters.goals.append(
        Goal(
            position=1,
            title="Jeder Stadtteil hat einen Treffpunkt für Engagement",
            measures=[meeting_points, festival],
        )
    )
    young.goals.append(
        Goal(
            position=1,
            title="Mehr junge Menschen engagieren sich",
            measures=[
                Measure(
                    title="Engagement-Schnuppertage mit den Schulen",
                    responsible_group_id=groups["AK Junges Engagement"].id,
                    starts_on=date(2026, 6, 20),
                    due_on=date(2027, 3, 31),
                    status=S.GEPLANT,
                    progress=10,
                    partners=[MeasurePartner(organisation_id=orgs["Jugendring"].id)],
                    indicators=[
                        Indicator(
                            position=1,
                            name="Teilnehmende Schulen",
                            unit="Schulen",
                            target_value=6,
                            actual_value=1,
                        ),
                    ],
                )
            ],
        )
    )
    visibility = Measure(
        title="Engagementtag 2027 auf dem Marktplatz",
        responsible_group_id=groups["Konsortium Engagierte Stadt Wiesenbrück"].id,
        starts_on=date(2026, 10, 21),
        due_on=date(2026, 12, 1),
        status=S.LAUFEND,
        progress=20,
        partners=[MeasurePartner(organisation_id=orgs["FWZ"].id)],
        links=[MeasureLink(decision_id=decision("Der Engagementtag findet 2027").id)]
        + (
            [
                MeasureLink(
                    survey_question_id=need_questions[-1].id,
                    note="Sichtbarkeit ist der meistgenannte Bedarf der Bürgerinnen und Bürger",
                )
            ]
            if len(need_questions) > 1
            else []
        ),
    )
    card = Measure(
        title="Ehrenamtskarte: Partnerbetriebe ausweiten",
        responsible_group_id=groups["AK Anerkennungskultur"].id,
        starts_on=date(2025, 1, 1),
        due_on=date(2026, 6, 30),
        status=S.ABGESCHLOSSEN,
        progress=100,
        indicators=[
            Indicator(
                position=1,
                name="Partnerbetriebe",
                unit="Betriebe",
                target_value=30,
                actual_value=34,
                measured_on=date(2026, 6, 30),
            ),
        ],
        links=[MeasureLink(task_id=task("Ehrenamtskarte: Liste der Partnerbetriebe").id)],
    )
    recognition.goals.append(
        Goal(position=1, title="Engagement ist in der Stadt sichtbar", measures=[visibility, card])
    )
    session.flush()
