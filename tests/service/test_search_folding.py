"""Search that fits German names, on SQLite and PostgreSQL: "muller", "mueller" and "Müller"
find one another in people, organisations and groups, and older databases learn it on upgrade."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from koordination.clock import Clock
from koordination.db import migrations
from koordination.db.engine import Database
from koordination.domain.enums import GroupKind, OrganisationKind, Sector
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.services.directory.search import (
    OrganisationFilter,
    PeopleFilter,
    plain_spelling,
    searchable,
)
from koordination.services.directory.service import Directory


@pytest.fixture
def directory(db: Database) -> Directory:
    return Directory(db, Clock.on(date(2026, 11, 22)))


def _people(directory: Directory, search: str) -> list[str]:
    return sorted(r.name for r in directory.list_people(PeopleFilter(search=search)))


@pytest.fixture
def people(built_db: Callable[..., tuple[Database, Clock]]) -> Directory:
    """Seven people whose names are spelled with and without umlauts, built once per run and
    backend and copied per test."""
    db, clock = built_db(_build_people)
    return Directory(db, clock)


def _build_people(db: Database) -> Clock:
    clock = Clock.on(date(2026, 11, 22))
    directory = Directory(db, clock)
    for given, family, email in (
        ("Erika", "Müller", "erika@example.org"),
        ("Hans", "Mueller", "hm@example.net"),
        ("Anna", "Schäfer", "anna.schaefer@example.org"),
        ("Bernd", "Krüger", ""),
        ("Jörg", "Möller", ""),
        ("Clara", "Strauß", "c.strauss@example.org"),
        ("Manuel", "Meier", ""),
    ):
        data = PersonInput(given_name=given, family_name=family, emails=[email] if email else [])
        directory.create_person(data)
    return clock


@pytest.mark.parametrize("typed", ["muller", "mueller", "Müller", "MÜLLER", "MUELLER", "müll"])
def test_every_spelling_of_mueller_finds_both_muellers(people: Directory, typed: str) -> None:
    assert _people(people, typed) == ["Erika Müller", "Hans Mueller"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("schafer", ["Anna Schäfer"]),
        ("schaefer", ["Anna Schäfer"]),
        ("SCHÄFER", ["Anna Schäfer"]),
        ("kruger", ["Bernd Krüger"]),
        ("krueger", ["Bernd Krüger"]),
        ("moller", ["Jörg Möller"]),
        ("jorg", ["Jörg Möller"]),
        ("strauss", ["Clara Strauß"]),
        ("straus", ["Clara Strauß"]),
        ("Strauß", ["Clara Strauß"]),
    ],
)
def test_plain_vowels_and_spelled_out_umlauts_find_the_umlaut_names(
    people: Directory, typed: str, found: list[str]
) -> None:
    assert _people(people, typed) == found


def test_other_search_behaviour_stays(people: Directory) -> None:
    # Parts of words and e-mail addresses, several terms all required, wildcards taken literally.
    assert _people(people, "manuel") == ["Manuel Meier"]
    assert _people(people, "nuel") == ["Manuel Meier"]
    assert _people(people, "example.net") == ["Hans Mueller"]
    assert _people(people, "anna.schaefer@") == ["Anna Schäfer"]
    assert _people(people, "muller erika") == ["Erika Müller"]
    assert _people(people, "muller clara") == []
    assert _people(people, "50%_") == []
    assert people.count_people(PeopleFilter(search="muller")) == 2


def test_organisations_are_found_in_every_spelling(directory: Directory) -> None:
    for name in ("Bürgerstiftung Süd", "Kulturverein Mühle e.V.", "Sportverein Grün-Weiß"):
        kind = OrganisationKind.VEREIN
        directory.create_organisation(
            OrganisationInput(name=name, sector=Sector.ZIVILGESELLSCHAFT, kind=kind)
        )

    def found(search: str) -> list[str]:
        rows = directory.list_organisations(OrganisationFilter(search=search))
        return sorted(r.name for r in rows)

    assert found("burgerstiftung") == ["Bürgerstiftung Süd"]
    assert found("buergerstiftung sued") == ["Bürgerstiftung Süd"]
    assert found("muhle") == ["Kulturverein Mühle e.V."]
    assert found("gruen-weiss") == ["Sportverein Grün-Weiß"]
    assert found("verein") == ["Kulturverein Mühle e.V.", "Sportverein Grün-Weiß"]


def test_groups_are_found_in_every_spelling(directory: Directory) -> None:
    for name in ("AK Bürgerbeteiligung", "AK Straßenfeste", "Steuerungsgruppe"):
        directory.create_group(GroupInput(name=name, kind=GroupKind.ARBEITSKREIS))

    def found(search: str) -> list[str]:
        return [r.name for r in directory.list_groups(search=search)]

    assert found("burgerbeteiligung") == ["AK Bürgerbeteiligung"]
    assert found("BUERGER") == ["AK Bürgerbeteiligung"]
    assert found("strassenfeste") == ["AK Straßenfeste"]
    assert found("strasen") == ["AK Straßenfeste"]
    assert found("ak feste") == ["AK Straßenfeste"]
    assert found("") == ["AK Bürgerbeteiligung", "AK Straßenfeste", "Steuerungsgruppe"]


def test_search_text_holds_each_word_as_written_and_in_its_plain_spelling() -> None:
    assert plain_spelling("müller") == plain_spelling("mueller") == "muller"
    assert plain_spelling("strauß") == plain_spelling("strauss") == "straus"
    assert plain_spelling("josé") == "jose"
    assert searchable("Dr. Jürgen Weiß jw@example.org") == (
        "dr. jürgen jurgen weiß weis jw@example.org"
    )
    assert searchable(searchable("Hans Mueller")) == searchable("Hans Mueller")


def _upgrade_to(db: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    command.upgrade(cfg, revision)


def test_an_older_database_finds_plain_spellings_after_the_upgrade(db_url: str) -> None:
    db = Database(db_url)
    try:
        _upgrade_to(db, "0009")
        now = "2025-03-01 09:30:00.000000" if db.is_sqlite else "2025-03-01 09:30:00+00"
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO person (id, salutation, title, given_name, family_name, "
                    "postal_address, notes, preferred_channel, archived, sort_key, search_text, "
                    "version, created_at, updated_at) VALUES "
                    "(1, '', '', 'Änne', 'Müller', '', '', 'email', :false, 'muller anne', "
                    "'änne müller', 3, :now, :now), "
                    "(2, '', '', 'Hans', 'Mueller', '', '', 'email', :false, 'mueller hans', "
                    "'hans mueller', 1, :now, :now)"
                ),
                {"false": False, "now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO organisation (id, name, name_key, short_name, sector, kind, "
                    "address, phone, email, website, notes, archived, search_text, version, "
                    "created_at, updated_at) VALUES (1, 'Bürgerstiftung', 'buergerstiftung', "
                    "'', 'zivilgesellschaft', 'stiftung', '', '', '', '', '', :false, "
                    "'bürgerstiftung  ', 1, :now, :now)"
                ),
                {"false": False, "now": now},
            )

        migrations.upgrade(db)

        directory = Directory(db, Clock.on(date(2026, 11, 22)))
        assert _people(directory, "muller") == ["Hans Mueller", "Änne Müller"]
        assert _people(directory, "müller") == ["Hans Mueller", "Änne Müller"]
        assert _people(directory, "anne") == ["Änne Müller"]
        orgs = directory.list_organisations(OrganisationFilter(search="burgerstiftung"))
        assert [o.name for o in orgs] == ["Bürgerstiftung"]
        # Only the search text changed: the record's version (open forms) stays.
        assert directory.get_person(1).version == 3
    finally:
        db.dispose()
