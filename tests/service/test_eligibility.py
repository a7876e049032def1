"""The eligibility check of the call for cities, on passing and failing cities: what is met,
what is missing, and in which words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import GroupKind, OrganisationKind, Sector
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from koordination.domain.models import CityProfile
from koordination.domain.records.programme import EligibilityReport
from koordination.services.directory.service import Directory
from koordination.services.programme import Programme

TODAY = date(2026, 11, 22)
Z, V, W, S, P = (
    Sector.ZIVILGESELLSCHAFT,
    Sector.VERWALTUNG,
    Sector.WIRTSCHAFT,
    Sector.WISSENSCHAFT,
    Sector.POLITIK,
)
CITY_ACTORS = (("Tafel e.V.", Z), ("Bürgerverein", Z), ("Stadtverwaltung", V), ("Sparkasse", W))


def build_city(
    db: Database,
    *,
    inhabitants: int | None = 52_300,
    actors: Sequence[tuple[str, Sector]] = CITY_ACTORS,
    contact: bool = True,
    principles: bool = True,
    profile: bool = True,
) -> Directory:
    """A city whose consortium has one member for each of ``actors``."""
    d = Directory(db, Clock.on(TODAY))
    group = d.create_group(GroupInput(name="Konsortium", kind=GroupKind.KONSORTIUM)).record.id
    for n, (name, sector) in enumerate(actors):
        org = d.create_organisation(
            OrganisationInput(name=name, sector=sector, kind=OrganisationKind.SONSTIGE)
        ).record.id
        person = d.create_person(
            PersonInput(given_name=f"Person{n}", family_name="Muster")
        ).record.id
        d.add_membership(group, person, representing_id=org)
    anna = d.create_person(
        PersonInput(given_name="Anna", family_name="Beispiel", emails=["anna@example.org"])
    ).record.id
    if profile:
        d.save_city(None, CityProfileInput(name="Beispielstadt", inhabitants=inhabitants))
        with db.session() as session:
            city = session.scalars(select(CityProfile)).one()
            city.contact_person_id = anna if contact else None
            city.principles_accepted_on = date(2026, 3, 12) if principles else None
    return d


def _by_key(report: EligibilityReport) -> dict[str, tuple[bool | None, str]]:
    return {c.key: (c.met, c.detail) for c in report.criteria}


def test_a_city_that_meets_everything_is_eligible_and_every_criterion_says_why(
    db: Database,
) -> None:
    build_city(db)
    report = Programme(db, Clock.on(TODAY)).eligibility()
    assert report.eligible
    assert report.city == "Beispielstadt"
    assert report.missing == ()
    assert _by_key(report) == {
        "einwohner": (True, "52.300 Einwohnerinnen und Einwohner – im Rahmen (10.000–250.000)"),
        "kooperation": (
            True,
            "Zivilgesellschaft: 2 Organisationen, Verwaltung: 1 Organisation wirken in Gruppen mit",
        ),
        "akteure": (
            True,
            "4 Organisationen beteiligt (Zivilgesellschaft 2, Verwaltung 1, Wirtschaft 1) – "
            "mindestens drei Akteure",
        ),
        "wirtschaft": (None, "1 Organisation: Sparkasse (optional)"),
        "wissenschaft": (None, "keine beteiligt (optional)"),
        "ansprechperson": (True, "Feste Ansprechperson: Anna Beispiel (anna@example.org)"),
        "grundsaetze": (True, "Grundsätze des Netzwerks anerkannt am 12.03.2026"),
    }
    assert [c.symbol for c in report.criteria] == ["✓", "✓", "✓", "○", "○", "✓", "✓"]
    assert report.summary == "Alle Voraussetzungen des Programms sind erfüllt."


@pytest.mark.parametrize(
    ("inhabitants", "met", "detail"),
    [
        (9_999, False, "9.999 Einwohnerinnen und Einwohner – zu wenige, mindestens 10.000"),
        (10_000, True, "10.000 Einwohnerinnen und Einwohner – im Rahmen (10.000–250.000)"),
        (250_000, True, "250.000 Einwohnerinnen und Einwohner – im Rahmen (10.000–250.000)"),
        (250_001, False, "250.001 Einwohnerinnen und Einwohner – zu viele, höchstens 250.000"),
        (None, False, "Die Einwohnerzahl fehlt im Stadtprofil – nötig sind 10.000–250.000."),
    ],
)
def test_too_small_and_too_big_cities_are_not_eligible(
    db: Database, inhabitants: int | None, met: bool, detail: str
) -> None:
    build_city(db, inhabitants=inhabitants)
    report = Programme(db, Clock.on(TODAY)).eligibility()
    assert _by_key(report)["einwohner"] == (met, detail)
    assert report.eligible is met


def test_without_the_administration_the_cooperation_is_missing(db: Database) -> None:
    build_city(db, actors=(("Tafel e.V.", Z), ("Bürgerverein", Z), ("Sportverein", Z)))
    report = Programme(db, Clock.on(TODAY)).eligibility()
    assert not report.eligible
    assert _by_key(report)["kooperation"] == (
        False,
        "Zivilgesellschaft: 3 Organisationen, Verwaltung: keine – es fehlt die Verwaltung in "
        "den Gruppen des Netzwerks",
    )
    assert _by_key(report)["akteure"][0] is True
    assert [c.label for c in report.missing] == [
        "Kooperation von Zivilgesellschaft und kommunaler Verwaltung"
    ]


def test_fewer_than_three_actors_are_not_enough_and_politics_does_not_count(
    db: Database,
) -> None:
    build_city(db, actors=(("Tafel e.V.", Z), ("Stadtverwaltung", V), ("Ortsbeirat", P)))
    report = Programme(db, Clock.on(TODAY)).eligibility()
    assert not report.eligible
    assert _by_key(report)["kooperation"][0] is True
    assert _by_key(report)["akteure"] == (
        False,
        "Nur 2 Organisationen beteiligt (Zivilgesellschaft 1, Verwaltung 1) – mindestens drei "
        "Akteure nötig; Politik (1 Organisation) zählt hier nicht mit",
    )


def test_organisations_outside_any_group_are_named_as_the_way_to_fix_it(db: Database) -> None:
    d = build_city(db, actors=())
    d.create_organisation(
        OrganisationInput(name="Tafel e.V.", sector=Z, kind=OrganisationKind.VEREIN)
    )
    report = Programme(db, Clock.on(TODAY)).eligibility()
    met, detail = _by_key(report)["akteure"]
    assert met is False
    assert detail.startswith("Im Verzeichnis steht 1 Organisation, aber keine wirkt in einer")
    assert "Konsortium" in detail
    assert _by_key(report)["kooperation"] == (
        False,
        "Zivilgesellschaft: keine, Verwaltung: keine – es fehlen die Zivilgesellschaft und die "
        "Verwaltung in den Gruppen des Netzwerks",
    )


def test_without_a_fixed_contact_person_or_principles_the_report_says_what_is_missing(
    db: Database,
) -> None:
    build_city(db, contact=False, principles=False)
    report = Programme(db, Clock.on(TODAY)).eligibility()
    assert not report.eligible
    assert _by_key(report)["ansprechperson"] == (
        False,
        "Keine feste Ansprechperson eingetragen – bitte im Stadtprofil eine Person wählen",
    )
    assert _by_key(report)["grundsaetze"] == (
        False,
        "Das Bekenntnis zum Selbstverständnis der Engagierten Städte fehlt – bitte das Datum "
        "des Beschlusses im Stadtprofil eintragen",
    )
    assert [c.label for c in report.missing] == [
        "Feste Ansprechperson",
        "Grundsätze des Netzwerks anerkannt",
    ]
    assert [c.key for c in report.met] == ["einwohner", "kooperation", "akteure"]
    assert [c.key for c in report.optional] == ["wirtschaft", "wissenschaft"]
    assert report.summary == "2 Voraussetzungen sind noch nicht erfüllt."
    data = report.as_dict()
    assert data["eligible"] is False
    assert [c["met"] for c in data["criteria"]] == [True, True, True, None, None, False, False]


def test_an_archived_contact_person_does_not_count(db: Database) -> None:
    d = build_city(db)
    anna = next(r for r in d.list_people() if r.name == "Anna Beispiel")
    d.set_person_archived(d.get_person(anna.id), True)
    report = Programme(db, Clock.on(TODAY)).eligibility()
    met, detail = _by_key(report)["ansprechperson"]
    assert met is False
    assert "Anna Beispiel ist archiviert" in detail


def test_without_a_city_profile_nothing_about_the_city_is_met(db: Database) -> None:
    build_city(db, profile=False)
    report = Programme(db, Clock.on(TODAY)).eligibility()
    assert report.city == ""
    assert {c.key for c in report.missing} == {"einwohner", "ansprechperson", "grundsaetze"}
