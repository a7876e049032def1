"""The command line finds German names in every spelling (`--search muller` finds Müller) and
warns of clashes when a meeting or series is added, without refusing it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.domain.enums import GroupKind, OrganisationKind, Sector
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.services.directory.service import Directory


@pytest.fixture
def city(migrated_sqlite: Callable[..., Path]) -> str:
    path = migrated_sqlite()
    db = Database(str(path))
    try:
        directory = Directory(db)
        for given, family in (("Erika", "Müller"), ("Hans", "Mueller"), ("Anna", "Schmidt")):
            directory.create_person(PersonInput(given_name=given, family_name=family))
        directory.create_organisation(
            OrganisationInput(
                name="Bürgerstiftung Wiesenbrück",
                sector=Sector.ZIVILGESELLSCHAFT,
                kind=OrganisationKind.STIFTUNG,
            )
        )
        for name in ("AK Stadtteilarbeit", "AK Straßenfeste"):
            directory.create_group(GroupInput(name=name, kind=GroupKind.ARBEITSKREIS))
    finally:
        db.dispose()
    return str(path)


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return sorted(row["name"] for row in json.loads(capsys.readouterr().out))


def test_search_muller_finds_mueller_in_people_organisations_and_groups(
    city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    people = ["Erika Müller", "Hans Mueller"]
    assert listed(capsys, "--db", city, "people", "list", "--search", "muller") == people
    assert listed(capsys, "--db", city, "people", "list", "--search", "MÜLLER") == people
    assert listed(capsys, "--db", city, "people", "list", "--search", "mueller erika") == [
        "Erika Müller"
    ]
    orgs = ["Bürgerstiftung Wiesenbrück"]
    assert listed(capsys, "--db", city, "organisations", "list", "--search", "burger") == orgs
    assert listed(capsys, "--db", city, "organisations", "list", "--search", "wiesenbrueck") == (
        orgs
    )
    assert listed(capsys, "--db", city, "groups", "list", "--search", "strassen") == [
        "AK Straßenfeste"
    ]


def test_adding_a_clashing_series_warns_on_stderr_and_still_succeeds(
    city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # 04.03.2031 is a Tuesday, far enough ahead that the date is never in the past.
    base = ["--db", city, "meetings", "add"]
    group = ["--group", "AK Stadtteilarbeit"]
    first = [*base, "AK Stadtteilarbeit", "--start", "04.03.2031 18:00", "--end", "20:00"]
    assert main([*first, *group, "--room", "Saal 2", "--weekly"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Termin Nr. 1 angelegt: Di 04.03.2031 18:00–20:00 AK Stadtteilarbeit")
    assert "Serie: jeden Dienstag" in out
    assert "Achtung" not in err

    second = [*base, "Planung", "--start", "18.03.2031 19:00", "--end", "21:00", *group]
    assert main([*second, "--weekly", "--count", "2"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Termin Nr. 2 angelegt:")
    assert err.splitlines() == [
        "Achtung: Am Di 18.03.2031, 18:00–20:00 trifft sich „AK Stadtteilarbeit“ schon "
        "(gleiche Gruppe).",
        "Achtung: Am Di 25.03.2031, 18:00–20:00 trifft sich „AK Stadtteilarbeit“ schon "
        "(gleiche Gruppe).",
    ]

    # Same room, another group, right after the series: touching is no clash.
    third = [*base, "Chor", "--start", "04.03.2031 20:00", "--end", "22:00", "--room", "saal 2"]
    assert main(third) == 0
    assert "Achtung" not in capsys.readouterr().err

    # Both meetings were saved.
    assert main(["--db", city, "meetings", "list", "--from", "01.03.2031", "--json"]) == 0
    titles = [row["title"] for row in json.loads(capsys.readouterr().out)]
    assert titles.count("Planung") == 2 and "Chor" in titles


def test_adding_a_meeting_with_a_wrong_end_is_refused_in_german_and_saves_nothing(
    city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", city, "meetings", "add", "Planung", "--start", "04.03.2031 18:00"]
    assert main([*args, "--end", "17:00"]) == 1
    assert "Ende: muss nach dem Beginn liegen." in capsys.readouterr().err
    assert main([*args, "--end", "spät"]) == 1
    assert "„spät“ ist kein Zeitpunkt" in capsys.readouterr().err
    assert main(["--db", city, "meetings", "list", "--from", "01.03.2031", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
