"""The network picture on SQLite and PostgreSQL, with a small hand-built city: sector balance,
engagement health, who works with whom, and the view of one working group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest

from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    AttendanceStatus,
    DecisionResult,
    GroupKind,
    GroupRole,
    MeasureStatus,
    MeetingKind,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.inputs.fields import FieldInput, GoalInput, MeasureInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import DecisionInput, TaskInput
from koordination.errors import NotFoundError
from koordination.services.directory.service import Directory
from koordination.services.fields.service import ActionFields
from koordination.services.meetings.service import Meetings
from koordination.services.network import Network
from koordination.services.sittings.service import Sittings

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
Z, V, W, S = (
    Sector.ZIVILGESELLSCHAFT,
    Sector.VERWALTUNG,
    Sector.WIRTSCHAFT,
    Sector.WISSENSCHAFT,
)


@dataclass
class City:
    db: Database
    orgs: dict[str, int]
    people: dict[str, int]
    consortium: int
    ak: int
    series: int
    sittings: list[int]
    #: The clock the city was built on: it runs on, so the tests' now lies after the build.
    clock: Clock


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CITY_ZONE)


@pytest.fixture
def city(built_db: Callable[[Callable[[Database], City]], tuple[Database, City]]) -> City:
    """Konsortium (Tafel, Stadt, Sparkasse) and AK Nachbarschaft (Tafel, Bürgerverein,
    Hochschule, a member and a guest without organisation, no administration), three sittings
    of the AK in autumn 2026 at which Dora never came, and an archived group nobody sees (built
    once per run and backend, copied per test)."""
    db, city = built_db(_build_city)
    return replace(city, db=db)


def _build_city(db: Database) -> City:
    clock = Clock.on(TODAY)
    d = Directory(db, clock)
    orgs = {
        name: d.create_organisation(
            OrganisationInput(name=name, sector=sector, kind=OrganisationKind.SONSTIGE)
        ).record.id
        for name, sector in (
            ("Tafel e.V.", Z),
            ("Bürgerverein Nord", Z),
            ("Stadtverwaltung", V),
            ("Sparkasse", W),
            ("Hochschule", S),
            ("Sportverein", Z),
            ("Alter Verein", Z),
        )
    }
    d.set_organisation_archived(d.get_organisation(orgs["Alter Verein"]), True)
    people = {}
    for given, org in (
        ("Anna", "Tafel e.V."),
        ("Bernd", "Stadtverwaltung"),
        ("Clara", "Sparkasse"),
        ("Dora", "Bürgerverein Nord"),
        ("Emil", "Hochschule"),
        ("Fritz", None),
        ("Gerda", "Sportverein"),
        ("Hans", None),
    ):
        pid = d.create_person(PersonInput(given_name=given, family_name="Muster")).record.id
        if org is not None:
            d.add_affiliation(pid, orgs[org], valid_from=date(2020, 1, 1))
        people[given] = pid
    consortium = d.create_group(GroupInput(name="Konsortium", kind=GroupKind.KONSORTIUM)).record.id
    ak = d.create_group(GroupInput(name="AK Nachbarschaft", kind=GroupKind.ARBEITSKREIS)).record.id
    old = d.create_group(GroupInput(name="AK Früher", kind=GroupKind.ARBEITSKREIS)).record
    for name in ("Anna", "Bernd", "Clara"):
        rep = {"Anna": "Tafel e.V.", "Bernd": "Stadtverwaltung", "Clara": "Sparkasse"}[name]
        d.add_membership(
            consortium, people[name], valid_from=date(2023, 1, 1), representing_id=orgs[rep]
        )
    d.add_membership(
        ak, people["Anna"], GroupRole.SPRECHER, date(2024, 1, 1), representing_id=orgs["Tafel e.V."]
    )
    d.add_membership(ak, people["Dora"], valid_from=date(2025, 1, 1))
    d.add_membership(ak, people["Fritz"])
    d.add_membership(ak, people["Hans"], GroupRole.GAST, date(2020, 1, 1))
    d.add_membership(ak, people["Bernd"], valid_from=date(2021, 1, 1), valid_to=date(2023, 12, 31))
    d.add_membership(old.id, people["Bernd"])
    d.set_group_archived(d.get_group(old.id), True)

    meetings = Meetings(db, clock=Clock.fixed(NOW), organizer=("Büro", "buero@example.org"))
    series = meetings.create(
        MeetingInput(
            title="AK Nachbarschaft",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 9, 8, 18),
            end=datetime(2026, 9, 8, 20),
            group_ids=[ak],
            rrule=RecurrenceRule.monthly_on_weekday(2, 1, count=6).to_rrule(),
        )
    ).record
    meetings.invite(series.id, group_ids=[ak])
    minutes = Sittings(db, clock=Clock.fixed(NOW))
    P, E, A = AttendanceStatus.ANWESEND, AttendanceStatus.ENTSCHULDIGT, AttendanceStatus.ABWESEND
    sittings = []
    for n, (day, dora, fritz) in enumerate(
        (
            (_local(2026, 9, 8), A, P),
            (_local(2026, 10, 13), E, A),
            (_local(2026, 11, 10), None, A),
        )
    ):
        if dora is None:
            # Taken off the invitation list: Dora is not even on the attendance list.
            meetings.uninvite(series.id, people["Dora"])
        sitting = minutes.open(series.id, day)
        minutes.set_attendance(sitting.id, people["Anna"], P)
        minutes.set_attendance(sitting.id, people["Fritz"], fritz)
        if dora is not None:
            minutes.set_attendance(sitting.id, people["Dora"], dora)
        if n == 2:
            minutes.set_attendance(sitting.id, people["Emil"], P)
        item = next(i for i in sitting.items if i.title == "Berichte aus der Runde")
        minutes.add_decision(item.id, DecisionInput(f"Beschluss Nr. {n + 1}", consensus=True))
        task = minutes.add_task(
            sitting.id, TaskInput(f"Aufgabe Nr. {n + 1}", person_id=people["Anna"])
        )
        if n == 0:
            minutes.complete_task(task, on=date(2026, 10, 1))
        sittings.append(sitting.id)
        if n == 1:
            # Emil joins after the October sitting.
            d.add_membership(
                ak,
                people["Emil"],
                valid_from=date(2026, 10, 20),
                representing_id=orgs["Hochschule"],
            )
    # December is prepared already (agenda, invitees) but has not taken place.
    minutes.open(series.id, _local(2026, 12, 8))

    fields = ActionFields(db)
    field = fields.create_field(FieldInput("Nachbarschaft stärken", lead_group_id=ak))
    goal = fields.add_goal(field, GoalInput("Jeder Stadtteil hat einen Treffpunkt"))
    fields.add_measure(
        goal,
        MeasureInput(
            "Treffpunkt Nord eröffnen",
            responsible_group_id=ak,
            status=MeasureStatus.LAUFEND,
            progress=40,
            due_on=date(2027, 3, 31),
        ),
    )
    other = fields.create_field(FieldInput("Anerkennung"))
    fields.add_measure(
        fields.add_goal(other, GoalInput("Dank sichtbar machen")),
        MeasureInput("Dankeschön-Abend", responsible_group_id=consortium),
    )
    return City(db, orgs, people, consortium, ak, series.id, sittings, clock)


def _network(city: City) -> Network:
    return Network(city.db, city.clock)


def test_sector_balance_lists_every_active_group_and_the_missing_administration(
    city: City,
) -> None:
    balance = _network(city).sector_balance()
    assert [g.name for g in balance.groups] == ["Konsortium", "AK Nachbarschaft"]
    consortium = balance.consortium
    assert consortium is not None
    assert consortium.per_sector == {Z: 1, V: 1, W: 1}
    assert consortium.missing == ()
    ak = balance.groups[1]
    assert ak.per_sector == {Z: 2, S: 1}
    assert ak.without_sector == 2
    assert ak.members == 5
    assert ak.missing == (V,)
    assert ak.warning == "AK Nachbarschaft: es fehlt Verwaltung."
    assert [g.name for g in balance.unbalanced] == ["AK Nachbarschaft"]
    # Anna sits in both groups for the Tafel and counts once for the network.
    assert balance.network.per_sector == {Z: 2, V: 1, W: 1, S: 1}
    assert balance.network.without_sector == 2
    assert balance.network.missing == ()


def test_engagement_lists_who_missed_three_sittings_newcomers_and_lonely_organisations(
    city: City,
) -> None:
    health = _network(city).engagement(recent_days=90)
    # Dora: absent, excused, then not on the list. Fritz came once; Emil joined too late to
    # have missed three; Anna was always there; Hans is a guest, nobody expects him.
    assert [(m.person_name, m.group_name) for m in health.missed] == [
        ("Dora Muster", "AK Nachbarschaft")
    ]
    dora = health.missed[0]
    assert dora.missed == (date(2026, 9, 8), date(2026, 10, 13), date(2026, 11, 10))
    assert dora.last_present is None
    assert dora.organisation == "Bürgerverein Nord"
    assert [(n.person_name, n.since, n.organisation) for n in health.joined] == [
        ("Emil Muster", date(2026, 10, 20), "Hochschule")
    ]
    # The Sportverein has a contact but takes part in no group; archived ones are left out.
    assert [(o.name, o.people) for o in health.unattached] == [("Sportverein", 1)]


def test_only_the_last_three_sittings_count_and_the_last_visit_is_remembered(
    city: City,
) -> None:
    minutes = Sittings(city.db, clock=Clock.fixed(NOW))
    minutes.set_attendance(city.sittings[0], city.people["Dora"], AttendanceStatus.ANWESEND)
    assert _network(city).engagement().missed == ()
    december = minutes.open(city.series, _local(2026, 12, 8))
    minutes.set_attendance(december.id, city.people["Anna"], AttendanceStatus.ANWESEND)
    later = Network(city.db, Clock.on(date(2026, 12, 20))).engagement()
    assert [(m.person_name, m.missed[0], m.last_present) for m in later.missed] == [
        ("Dora Muster", date(2026, 10, 13), date(2026, 9, 8)),
        ("Fritz Muster", date(2026, 10, 13), date(2026, 9, 8)),
    ]


def test_cooperation_shows_which_organisations_meet_in_which_groups(city: City) -> None:
    coop = _network(city).cooperation()
    names = {c.organisation.name: c for c in coop.organisations}
    everyone = {"Tafel e.V.", "Bürgerverein Nord", "Stadtverwaltung", "Sparkasse", "Hochschule"}
    assert set(names) == everyone
    tafel = names["Tafel e.V."]
    assert tafel.groups == ("AK Nachbarschaft", "Konsortium")
    assert [p.name for p in tafel.partners] == [
        "Bürgerverein Nord",
        "Stadtverwaltung",
        "Sparkasse",
        "Hochschule",
    ]
    assert tafel.partner_sectors == (V, W, S)
    pairs = {(p.first.name, p.second.name): p for p in coop.pairs}
    assert pairs[("Tafel e.V.", "Stadtverwaltung")].groups == ("Konsortium",)
    assert pairs[("Tafel e.V.", "Stadtverwaltung")].cross_sector
    assert not pairs[("Tafel e.V.", "Bürgerverein Nord")].cross_sector
    assert ("Stadtverwaltung", "Hochschule") not in pairs
    assert len(coop.pairs) == 3 + 3  # three in the consortium, three in the AK


def test_group_view_shows_measures_decisions_open_tasks_attendance_and_balance(
    city: City,
) -> None:
    view = _network(city).group_view(city.ak)
    assert view.name == "AK Nachbarschaft"
    assert [(m.title, m.status, m.progress) for m in view.measures] == [
        ("Treffpunkt Nord eröffnen", MeasureStatus.LAUFEND, 40)
    ]
    assert [title for title, _ in view.fields] == ["Nachbarschaft stärken"]
    assert [(d.day, d.wording, d.result, d.vote_text) for d in view.decisions] == [
        (date(2026, 11, 10), "Beschluss Nr. 3", DecisionResult.ANGENOMMEN, "im Konsens"),
        (date(2026, 10, 13), "Beschluss Nr. 2", DecisionResult.ANGENOMMEN, "im Konsens"),
        (date(2026, 9, 8), "Beschluss Nr. 1", DecisionResult.ANGENOMMEN, "im Konsens"),
    ]
    assert [t.title for t in view.open_tasks] == ["Aufgabe Nr. 2", "Aufgabe Nr. 3"]
    # Only the three sittings that took place; December is prepared but lies ahead.
    points = [(p.day, p.present, p.excused, p.absent) for p in view.attendance]
    assert points == [
        (date(2026, 9, 8), 2, 0, 2),
        (date(2026, 10, 13), 1, 1, 2),
        (date(2026, 11, 10), 2, 0, 2),
    ]
    assert view.attendance[2].by_sector == {Z: 1, S: 1}
    assert view.balance.missing == (V,)
    assert _network(city).group_view(city.ak, decisions=1, sittings=1).attendance[0].day == (
        date(2026, 11, 10)
    )


def test_group_view_of_an_unknown_group_says_so(city: City) -> None:
    with pytest.raises(NotFoundError, match=r"Gruppe Nr\. 999"):
        _network(city).group_view(999)
