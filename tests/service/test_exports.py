"""Table exports: CSV that German Excel opens safely and the importer reads back, and JSON."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from support.consents import give_consent, import_people

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.enums import Channel, ConsentPurpose, GroupKind, GroupRole, Sector
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.records.directory import ExportedPerson, PersonRecord
from koordination.errors import KoordinationError
from koordination.outputs.builders import directory as tables
from koordination.outputs.builders.directory import (
    export_groups,
    export_organisations,
    export_people,
    group_row_json,
    organisation_row_json,
    person_row_json,
)
from koordination.outputs.registry import DIRECTORY_TABLES, export_table
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory
from koordination.services.tables.reader import read_table

TODAY = date(2026, 11, 22)


@pytest.fixture
def city(db: Database) -> Directory:
    """A small network: two organisations, two groups, three people with everything set."""
    d = Directory(db, Clock.on(TODAY))
    tafel = d.create_organisation(
        OrganisationInput(
            name="Tafel Musterstadt e.V.",
            sector=Sector.ZIVILGESELLSCHAFT,
            short_name="Tafel",
            address="Hauptstraße 5\n12345 Musterstadt",
            phone="+49 341 1234",
            email="info@tafel.de",
            website="https://tafel.de",
            notes="Ausgabe dienstags",
        )
    ).record
    amt = d.create_organisation(
        OrganisationInput(name="Stadt Musterstadt, Sozialamt", sector=Sector.VERWALTUNG)
    ).record
    ak = d.create_group(GroupInput(name="AK Jugend", kind=GroupKind.ARBEITSKREIS)).record
    steuer = d.create_group(GroupInput(name="Steuerungsgruppe", kind=GroupKind.KONSORTIUM)).record
    juergen = d.create_person(
        PersonInput(
            family_name="Weiß",
            given_name="Jürgen",
            salutation="Herr",
            title="Dr.",
            emails=["juergen@tafel.de", "jw@example.org"],
            phones=["+49 170 1234567", "0341 55"],
            postal_address="Ringstraße 1\n04109 Leipzig",
            notes="spricht Türkisch; mag Kaffee",
            tags=["Ehrenamt", "Presse"],
            preferred_channel=Channel.POST,
        )
    ).record
    d.add_affiliation(juergen.id, tafel.id, "Vorsitz")
    d.add_membership(ak.id, juergen.id, GroupRole.SPRECHER, valid_from=date(2024, 2, 1))
    d.add_membership(steuer.id, juergen.id, GroupRole.MITGLIED, valid_from=date(2025, 1, 15))
    give_consent(
        d,
        juergen.id,
        ConsentPurpose.EINLADUNGEN,
        given_at=datetime(2026, 3, 30, 23, 30, tzinfo=UTC),
    )
    give_consent(
        d, juergen.id, ConsentPurpose.FOTOS, given_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    )
    # Contact data goes into an export only with this consent (test_consent_outputs.py).
    give_consent(
        d,
        juergen.id,
        ConsentPurpose.KONTAKTDATEN_TEILEN,
        given_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
    )
    renate = d.create_person(
        PersonInput(family_name="Schäfer", given_name="Renate", emails=["r@musterstadt.de"])
    ).record
    d.add_affiliation(renate.id, amt.id, "Sozialdezernentin")
    d.add_membership(ak.id, renate.id, GroupRole.MITGLIED)
    give_consent(
        d,
        renate.id,
        ConsentPurpose.KONTAKTDATEN_TEILEN,
        given_at=datetime(2026, 5, 4, 8, 0, tzinfo=UTC),
    )
    d.create_person(
        PersonInput(family_name='=HYPERLINK("http://evil.example","Klick")', given_name="@SUM(1)")
    )
    return d


def test_people_csv_is_utf8_bom_semicolon_crlf_with_german_headers(
    city: Directory, tmp_path: Path
) -> None:
    target = tmp_path / "personen.csv"
    assert export_people(city, "csv", target) == 3
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNr.;Anrede;Titel;Vorname;Nachname;E-Mail;Telefon;")
    assert raw.count(b"\r\n") >= 4
    header, rows = read_table(target)
    assert header == list(tables.PEOPLE_HEADER)
    weiss = next(dict(zip(header, r.cells, strict=True)) for r in rows if r.cells[4] == "Weiß")
    # 23:30 UTC on the 30th is already the 31st in Berlin.
    assert weiss["Einwilligung am"] == "31.03.2026; 02.04.2026; 02.04.2026"
    assert weiss["Einwilligung"] == "Einladungen, Fotos, Kontaktdaten im Netzwerk teilen"
    assert weiss["Gruppe"] == "AK Jugend; Steuerungsgruppe"
    assert weiss["Rolle"] == "Sprecher:in; Mitglied"
    assert weiss["Mitglied seit"] == "01.02.2024; 15.01.2025"
    assert weiss["Sektor"] == "Zivilgesellschaft"
    assert weiss["Anschrift"] == "Ringstraße 1\n04109 Leipzig"


def test_formula_cells_get_an_apostrophe_so_excel_cannot_run_them(
    city: Directory, tmp_path: Path
) -> None:
    target = tmp_path / "personen.csv"
    export_people(city, "csv", target)
    _header, rows = read_table(target)
    evil = next(r.cells for r in rows if "HYPERLINK" in r.cells[4])
    assert evil[4] == '\'=HYPERLINK("http://evil.example","Klick")'
    assert evil[3] == "'@SUM(1)"
    weiss = next(r.cells for r in rows if r.cells[4] == "Weiß")
    # Numbers are shown as dialled in Germany: no + in front, so no apostrophe needed.
    assert weiss[6] == "0170 1234567, 0341 55"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.cells)


def test_exported_file_is_private(city: Directory, tmp_path: Path) -> None:
    for kind in DIRECTORY_TABLES:
        for fmt in ("csv", "json"):
            target = tmp_path / f"{kind}.{fmt}"
            export_table(city, kind, fmt, target)
            assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_export_leaves_no_partial_file_and_keeps_the_old_one(
    city: Directory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "personen.csv"
    target.parent.mkdir()
    target.write_text("alte Datei")
    calls = iter(range(100))

    def broken(p: ExportedPerson) -> list[str]:
        if next(calls) == 1:
            raise RuntimeError("disk on fire")
        return [p.family_name]

    monkeypatch.setattr(tables, "person_csv_row", broken)
    with pytest.raises(RuntimeError):
        export_people(city, "csv", target)
    assert target.read_text() == "alte Datei"
    assert sorted(p.name for p in target.parent.iterdir()) == ["personen.csv"]


def test_unwritable_target_is_a_german_error(city: Directory, tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("")
    with pytest.raises(KoordinationError, match="kann nicht geschrieben werden"):
        export_people(city, "csv", blocker / "personen.csv")


def test_unknown_format_and_kind_are_german_errors(city: Directory, tmp_path: Path) -> None:
    with pytest.raises(KoordinationError, match="Format „ods“"):
        export_people(city, "ods", tmp_path / "x.ods")
    with pytest.raises(KoordinationError, match="kann nicht exportiert werden"):
        export_table(city, "meetings", "csv", tmp_path / "x.csv")


def test_json_exports_have_the_list_shape(city: Directory, tmp_path: Path) -> None:
    export_people(city, "json", tmp_path / "p.json")
    export_organisations(city, "json", tmp_path / "o.json")
    export_groups(city, "json", tmp_path / "g.json")
    assert json.loads((tmp_path / "p.json").read_text("utf-8")) == [
        person_row_json(r) for r in city.list_people()
    ]
    assert json.loads((tmp_path / "o.json").read_text("utf-8")) == [
        organisation_row_json(r) for r in city.list_organisations()
    ]
    groups = json.loads((tmp_path / "g.json").read_text("utf-8"))
    assert groups == [group_row_json(g) for g in city.list_groups()]
    weiss = next(
        p for p in json.loads((tmp_path / "p.json").read_text("utf-8")) if "Weiß" in p["name"]
    )
    assert weiss["sector"] == "Zivilgesellschaft"
    assert weiss["groups"] == ["AK Jugend", "Steuerungsgruppe"]
    assert weiss["emails"] == ["juergen@tafel.de", "jw@example.org"]


def test_empty_json_export_is_an_empty_array(db: Database, tmp_path: Path) -> None:
    assert export_people(Directory(db), "json", tmp_path / "p.json") == 0
    assert json.loads((tmp_path / "p.json").read_text()) == []


def test_export_reports_progress_page_wise(
    city: Directory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "PAGE", 2)
    calls: list[tuple[int, int]] = []
    export_people(city, "csv", tmp_path / "p.csv", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 3), (2, 3), (3, 3)]


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(str(tmp_path / "andere.sqlite3"))
    upgrade(database)
    yield database
    database.dispose()


def _comparable(p: PersonRecord) -> tuple[object, ...]:
    return (
        p.salutation,
        p.title,
        p.given_name,
        p.family_name,
        p.emails,
        p.phones,
        p.postal_address,
        p.notes,
        p.tags,
        p.preferred_channel,
        tuple((a.organisation_name, a.sector, a.function) for a in p.affiliations),
        tuple((m.group_name, m.role, m.valid_from) for m in p.memberships),
        tuple(
            (c.purpose, c.given_at.astimezone(tables.CITY_ZONE).date())
            for c in p.consents
            if c.active
        ),
    )


def test_export_then_import_gives_the_same_people(
    city: Directory, other_db: Database, tmp_path: Path
) -> None:
    export_people(city, "csv", tmp_path / "personen.csv")
    export_organisations(city, "csv", tmp_path / "organisationen.csv")
    other = Directory(other_db, Clock.on(TODAY))
    for g in city.list_groups():
        other.create_group(GroupInput(name=g.name, kind=g.kind))
    assert Imports(other_db).organisations(tmp_path / "organisationen.csv").created == 2
    report = import_people(
        Imports(other_db, Clock.on(TODAY)), tmp_path / "personen.csv", ConsentPurpose
    )
    assert (report.created, report.memberships_created) == (3, 3)
    assert report.organisations_created == 0
    assert report.warnings == ()

    def everyone(d: Directory) -> list[tuple[object, ...]]:
        return sorted(_comparable(d.get_person(r.id)) for r in d.list_people())

    assert everyone(other) == everyone(city)
    originals = {o.name: city.get_organisation(o.id) for o in city.list_organisations()}
    for row in other.list_organisations():
        copy, original = other.get_organisation(row.id), originals[row.name]
        assert (copy.short_name, copy.sector, copy.kind, copy.address, copy.phone) == (
            original.short_name,
            original.sector,
            original.kind,
            original.address,
            original.phone,
        )
        assert (copy.email, copy.website, copy.notes) == (
            original.email,
            original.website,
            original.notes,
        )


def test_reimporting_an_export_into_the_same_database_updates_nobody_twice(
    city: Directory, tmp_path: Path
) -> None:
    export_people(city, "csv", tmp_path / "personen.csv")
    report = Imports(city.db, Clock.on(TODAY)).people(tmp_path / "personen.csv", existing="skip")
    # Everybody is known: by e-mail, and the one without an e-mail by the export's Nr. column.
    assert (report.created, report.skipped) == (0, 3)


def test_groups_csv(city: Directory, tmp_path: Path) -> None:
    assert export_groups(city, "csv", tmp_path / "g.csv") == 2
    header, rows = read_table(tmp_path / "g.csv")
    assert header == ["Nr.", "Art", "Name", "Übergeordnete Gruppe", "Mitglieder"]
    assert {r.cells[2]: r.cells[4] for r in rows} == {"AK Jugend": "2", "Steuerungsgruppe": "1"}


def test_exporters_package_does_not_import_textual() -> None:
    code = "import sys, koordination.outputs.registry; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
