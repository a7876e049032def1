"""CSV import as offices have it: Excel and LibreOffice files, all rows or none, clear errors."""

from __future__ import annotations

import itertools
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from support.consents import import_people
from support.policy import fuzz

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose, GroupKind, GroupRole, Sector
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.models import Organisation, Person
from koordination.errors import ImportFailed
from koordination.services.directory.imports.report import ImportReport
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.search import PeopleFilter, person_search_text, person_sort_key
from koordination.services.directory.service import Directory
from koordination.services.tables.reader import read_table

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
TODAY = date(2026, 11, 22)


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    """A file as a spreadsheet program writes it (line ends, encoding, BOM)."""
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def people(db: Database) -> list[str]:
    return [r.name for r in Directory(db).list_people(PeopleFilter())]


def count(db: Database, model: type[Person] | type[Organisation]) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------------------- file formats


def test_german_excel_file_cp1252_semicolon_imports_umlauts_and_dates(db: Database) -> None:
    report = import_people(
        Imports(db, Clock.on(TODAY)), FIXTURES / "excel_deutsch_cp1252.csv", ConsentPurpose
    )
    assert report.created == 2
    directory = Directory(db)
    juergen = directory.get_person(directory.list_people(PeopleFilter(search="weiß"))[0].id)
    assert (juergen.given_name, juergen.family_name) == ("Jürgen", "Weiß")
    assert juergen.emails == ("juergen.weiss@tafel-musterstadt.de",)
    assert juergen.affiliations[0].organisation_name == "Tafel Musterstadt e.V."
    assert juergen.affiliations[0].sector == Sector.ZIVILGESELLSCHAFT
    assert juergen.affiliations[0].function == "Vorsitz"
    consent = juergen.consents[0]
    assert consent.purpose == ConsentPurpose.EINLADUNGEN
    assert consent.given_at.date() == date(2026, 3, 31)
    assert juergen.postal_address == "Hauptstraße 5\n12345 Musterstadt"


def test_excel_utf8_with_bom_reads_first_header_without_bom(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "bom.csv",
        "Nachname;Vorname;E-Mail\nÖztürk;Ayşe;ayse@example.org\n",
        encoding="utf-8-sig",
    )
    headers, _rows = read_table(path)
    assert headers[0] == "Nachname"
    assert Imports(db).people(path).created == 1
    assert people(db) == ["Ayşe Öztürk"]


def test_libreoffice_utf8_comma_with_quoted_cells(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "lo.csv",
        "Vorname,Nachname,E-Mail,Organisation,Sektor\n"
        'Claudia,"Müller, geb. Schmidt",c.mueller@example.org,"Stadt Musterstadt, Amt 50",'
        "Verwaltung\n",
        newline="\n",
    )
    assert Imports(db).people(path).created == 1
    record = Directory(db).get_person(Directory(db).list_people()[0].id)
    assert record.family_name == "Müller, geb. Schmidt"
    assert record.affiliations[0].organisation_name == "Stadt Musterstadt, Amt 50"
    assert record.affiliations[0].sector == Sector.VERWALTUNG


def test_libreoffice_utf8_semicolon(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "lo.csv", "Vorname;Nachname;Tel.\nJens;Wolf;0341 123456\n", newline="\n"
    )
    assert Imports(db).people(path).created == 1
    assert Directory(db).get_person(Directory(db).list_people()[0].id).phones == ("0341 123456",)


def test_quoted_cell_with_line_break_and_line_numbers_of_later_rows(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "multi.csv",
        "Nachname;Vorname;Notizen;E-Mail\n"
        'Klein;Lea;"erste Zeile\nzweite Zeile";lea@example.org\n'
        "Groß;Uwe;;kein-at-zeichen\n",
    )
    with pytest.raises(ImportFailed) as err:
        Imports(db).people(path)
    (problem,) = err.value.problems
    # Header is line 1, Lea's record spans lines 2-3, so Uwe starts on file line 4.
    assert (problem.line, problem.column) == (4, "E-Mail")
    path.write_bytes(path.read_bytes().replace(b"kein-at-zeichen", b"uwe@example.org"))
    Imports(db).people(path)
    lea = Directory(db).list_people(PeopleFilter(search="lea"))[0]
    assert Directory(db).get_person(lea.id).notes == "erste Zeile\nzweite Zeile"


def test_tab_separated_and_excel_sep_hint(db: Database, tmp_path: Path) -> None:
    tab = write(tmp_path / "tab.csv", "Nachname\tVorname\nBraun\tVera\n")
    assert Imports(db).people(tab).created == 1
    sep = write(tmp_path / "sep.csv", "sep=,\nNachname,Vorname\nLange,Nils\n")
    assert Imports(db).people(sep).created == 1
    assert sorted(people(db)) == ["Nils Lange", "Vera Braun"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "ist leer"),
        (b"\r\n\r\n", "ist leer"),
        (b"\x00\x01\x02\x03binary\x00junk\xff\xfe", "keine Textdatei"),
        (b"PK\x03\x04rest-of-a-zip", "Excel- oder LibreOffice-Tabelle"),
        ("Jürgen;Weiß;j@example.org\n".encode(), "keine erkennbare Kopfzeile"),
        (b"Vorname;E-Mail\nAnna;anna@example.org\n", "keine Spalte „Nachname“"),
    ],
)
def test_unusable_files_are_refused_with_a_german_message(
    db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "kaputt.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        Imports(db).people(path)
    assert count(db, Person) == 0


def test_missing_file_is_a_german_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="gibt es nicht"):
        Imports(db).people(tmp_path / "fehlt.csv")


def test_header_spellings_multiple_email_columns_and_unknown_columns(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "h.csv",
        "FAMILIENNAME;vorname;Email;E-Mail 2;Handy;Lieblingsfarbe;Straße;PLZ;Ort\n"
        "Koch;Peter;peter@example.org;p.koch@example.org, pk@example.org;0170 1234567;"
        "blau;Ringstr. 1;04109;Leipzig\n",
    )
    report = Imports(db).people(path)
    assert report.warnings == (
        "Die Spalte „Lieblingsfarbe“ ist unbekannt und wird nicht importiert.",
    )
    record = Directory(db).get_person(Directory(db).list_people()[0].id)
    assert record.emails == ("peter@example.org", "p.koch@example.org", "pk@example.org")
    assert record.phones == ("0170 1234567",)
    assert record.postal_address == "Ringstr. 1\n04109 Leipzig"


def test_title_lines_above_the_header_are_skipped(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "titel.csv",
        "Teilnehmerliste AK Jugend;;\n;;\nNachname;Vorname;E-Mail\nBauer;Tanja;\n",
    )
    report = Imports(db).people(path)
    assert report.created == 1
    assert any("Zeile 1 steht über der Kopfzeile" in w for w in report.warnings)


# ---------------------------------------------------------------------------- all or nothing


def test_one_bad_row_imports_nothing_and_names_line_and_column(db: Database) -> None:
    with pytest.raises(ImportFailed) as err:
        Imports(db).people(FIXTURES / "eine_fehlerhafte_zeile.csv")
    assert count(db, Person) == 0
    assert count(db, Organisation) == 0
    assert [(p.line, p.column) for p in err.value.problems] == [(4, "E-Mail")]
    assert str(err.value).startswith("Die Datei wurde nicht importiert: 1 Fehler.")
    assert "Zeile 4, Spalte „E-Mail“: „anna.at.example.org“ ist keine gültige" in str(err.value)


def test_every_problem_is_listed_not_just_the_first(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "v.csv",
        "Nachname;E-Mail;Telefon;Sektor;Organisation;Einwilligung;Einwilligung am\n"
        ";a@example.org;;;;;\n"
        "X;a@example.org;abc;;;;\n"
        "Y;y@example.org;;Mond;Neuer Verein;;\n"
        "Z;z@example.org;;;Noch ein Verein;Fotos;31.12.2099\n"
        "W;w@example.org;;;;vielleicht;\n",
    )
    with pytest.raises(ImportFailed) as err:
        Imports(db, Clock.on(TODAY)).people(path)
    found = {(p.line, p.column, p.reason.split(" ")[0]) for p in err.value.problems}
    assert (2, "Nachname", "Der") in found
    assert (3, "E-Mail", "Die") in found  # same e-mail as line 2
    assert (3, "Telefon", "„abc“") in found
    assert (4, "Sektor", "„Mond“") in found
    assert (5, "Sektor", "Die") in found  # new organisation without a sector
    assert (5, "Einwilligung am", "Das") in found  # in the future
    assert (6, "Einwilligung", "„vielleicht“") in found
    assert err.value.message.startswith(f"Die Datei wurde nicht importiert: {len(found)} Fehler.")


def test_unknown_group_is_an_error_naming_the_group(db: Database, tmp_path: Path) -> None:
    Directory(db).create_group(GroupInput(name="AK Jugend", kind=GroupKind.ARBEITSKREIS))
    path = write(
        tmp_path / "g.csv",
        "Nachname;Gruppe\nVogel;ak jugend\nJäger;AK Jugend, AK Senioren\n",
    )
    with pytest.raises(ImportFailed) as err:
        Imports(db).people(path)
    (problem,) = err.value.problems
    assert (problem.line, problem.column) == (3, "Gruppe")
    assert "„AK Senioren“ gibt es nicht" in problem.reason
    assert count(db, Person) == 0


def test_groups_roles_and_dates_become_memberships(db: Database, tmp_path: Path) -> None:
    directory = Directory(db)
    jugend = directory.create_group(GroupInput(name="AK Jugend")).record
    directory.create_group(GroupInput(name="Steuerungsgruppe", kind=GroupKind.KONSORTIUM))
    path = write(
        tmp_path / "g.csv",
        "Nachname;Organisation;Sektor;AK;Rolle;Mitglied seit\n"
        'Vogel;Jugendring;Zivilgesellschaft;"AK Jugend; Steuerungsgruppe";Sprecherin;'
        '"01.02.2024; 2025-03-01"\n',
    )
    report = Imports(db).people(path)
    assert report.memberships_created == 2
    assert report.organisations_created == 1
    group = directory.get_group(jugend.id)
    (member,) = group.members
    assert member.role == GroupRole.SPRECHER
    assert member.valid_from == date(2024, 2, 1)
    assert member.representing_name == "Jugendring"
    assert group.sector_balance == {Sector.ZIVILGESELLSCHAFT: 1}


def test_membership_end_before_start_is_an_error(db: Database, tmp_path: Path) -> None:
    Directory(db).create_group(GroupInput(name="AK Jugend"))
    path = write(
        tmp_path / "g.csv", "Nachname;Gruppe;Von;Bis\nVogel;AK Jugend;01.02.2025;01.01.2025\n"
    )
    with pytest.raises(ImportFailed, match="liegt vor dem Beginn"):
        Imports(db).people(path)


# ---------------------------------------------------------------------------- organisations


def test_new_organisations_get_the_files_sector_and_are_linked(db: Database) -> None:
    Directory(db).create_organisation(
        OrganisationInput(name="Stadtverwaltung Musterstadt", sector=Sector.VERWALTUNG)
    )
    report = Imports(db).people(FIXTURES / "organisationen_und_sektoren.csv")
    assert (report.created, report.organisations_created) == (4, 2)
    directory = Directory(db)
    orgs = {o.name: o for o in directory.list_organisations()}
    assert set(orgs) == {"Stadtverwaltung Musterstadt", "Bürgerstiftung", "Kulturverein Süd"}
    assert orgs["Bürgerstiftung"].sector == Sector.ZIVILGESELLSCHAFT
    assert orgs["Kulturverein Süd"].sector == Sector.ZIVILGESELLSCHAFT
    assert orgs["Bürgerstiftung"].people == 2  # second row spells it "bürgerstiftung"
    assert orgs["Stadtverwaltung Musterstadt"].people == 1
    # An existing organisation keeps its sector; the import says so.
    assert any("Stadtverwaltung Musterstadt ist als Verwaltung" in w for w in report.warnings)


def test_dry_run_reports_and_writes_nothing(db: Database) -> None:
    report = Imports(db).people(FIXTURES / "organisationen_und_sektoren.csv", dry_run=True)
    assert report == ImportReport(created=4, organisations_created=3, warnings=(), dry_run=True)
    assert count(db, Person) == 0
    assert count(db, Organisation) == 0


def test_progress_is_reported_up_to_the_total(db: Database, tmp_path: Path) -> None:
    lines = ["Nachname;E-Mail"] + [f"N{i};n{i}@example.org" for i in range(2500)]
    path = write(tmp_path / "p.csv", "\n".join(lines) + "\n")
    calls: list[tuple[int, int]] = []
    Imports(db).people(path, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (5000, 5000)
    assert len(calls) >= 4
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))


# ---------------------------------------------------------------------------- existing e-mails


@pytest.fixture
def anna(db: Database) -> int:
    directory = Directory(db)
    org = directory.create_organisation(
        OrganisationInput(name="Tafel", sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    person = directory.create_person(
        PersonInput(family_name="Schulz", given_name="Anna", emails=["Anna@Example.org"])
    ).record
    directory.add_affiliation(person.id, org.id, "Kasse")
    return person.id


def _update_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "u.csv",
        "Nachname;Vorname;E-Mail;Telefon;Organisation;Sektor;Schlagworte\n"
        "Schulz-Meyer;Anna;anna@example.org, a.schulz@example.org;0341 1;Tafel;;Ehrenamt\n"
        "Neu;Nina;nina@example.org;;Tafel;;\n",
    )


def test_existing_email_with_error_names_the_person_and_the_options(
    db: Database, anna: int, tmp_path: Path
) -> None:
    with pytest.raises(ImportFailed) as err:
        Imports(db).people(_update_file(tmp_path))
    (problem,) = err.value.problems
    assert problem.line == 2
    assert f"Anna Schulz (Nr. {anna})" in problem.reason
    assert "„aktualisieren“ oder „überspringen“" in problem.reason
    assert count(db, Person) == 1


def test_existing_email_with_update_fills_in_that_person(
    db: Database, anna: int, tmp_path: Path
) -> None:
    before = Directory(db).get_person(anna).version
    report = Imports(db).people(_update_file(tmp_path), existing="update")
    assert (report.created, report.updated, report.skipped) == (1, 1, 0)
    record = Directory(db).get_person(anna)
    assert record.family_name == "Schulz-Meyer"
    assert record.emails == ("Anna@Example.org", "a.schulz@example.org")
    assert record.phones == ("0341 1",)
    assert record.tags == ("Ehrenamt",)
    assert len(record.affiliations) == 1  # already at the Tafel: not added twice
    assert record.version == before + 1
    assert (
        "schulz-meyer"
        in Directory(db).list_people(PeopleFilter(search="schulz-meyer"))[0].name.lower()
    )


def test_existing_email_with_skip_leaves_that_person_alone(
    db: Database, anna: int, tmp_path: Path
) -> None:
    report = Imports(db).people(_update_file(tmp_path), existing="skip")
    assert (report.created, report.updated, report.skipped) == (1, 0, 1)
    assert Directory(db).get_person(anna).family_name == "Schulz"
    assert count(db, Person) == 2


def test_same_email_twice_in_the_file_is_an_error(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "Nachname;E-Mail\nA;x@example.org\nB;X@example.org\n")
    with pytest.raises(ImportFailed, match="steht schon in Zeile 2"):
        Imports(db).people(path)


# ---------------------------------------------------------------------------- denormalised columns


def test_sort_key_and_search_text_match_the_directory_helpers(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.csv",
        "Titel;Vorname;Nachname;E-Mail;Organisation;Sektor\n"
        "Dr.;Jürgen;Weiß;JW@Example.org;Caritas Süd;Zivilgesellschaft\n",
    )
    Imports(db).people(path)
    with db.session() as session:
        person = session.scalars(select(Person)).one()
        assert person.sort_key == person_sort_key("Weiß", "Jürgen")
        assert person.search_text == person_search_text(
            "Dr.", "Jürgen", "Weiß", ["JW@Example.org"], ["Caritas Süd"]
        )
        assert person.version == 1
        org = session.scalars(select(Organisation)).one()
        assert org.name_key == "caritassued"
        assert org.search_text == "caritas süd sud"
    # A person created by the import is found like one created in the form.
    assert Directory(db).list_people(PeopleFilter(search="caritas"))[0].name == "Dr. Jürgen Weiß"


def test_the_import_leaves_the_database_usable_for_normal_saves(
    db: Database, tmp_path: Path
) -> None:
    """Explicit ids must not confuse the id sequence (PostgreSQL) or later ORM inserts."""
    Imports(db).people(write(tmp_path / "a.csv", "Nachname;E-Mail\nA;a@example.org\n"))
    saved = Directory(db).create_person(PersonInput(family_name="B", emails=["b@example.org"]))
    Imports(db).people(write(tmp_path / "c.csv", "Nachname;E-Mail\nC;c@example.org\n"))
    assert sorted(people(db)) == ["A", "B", "C"]
    assert saved.record.id != 1


# ---------------------------------------------------------------------------- organisations file


def test_import_organisations_with_existing_error_update_skip(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "o.csv",
        "Name;Kurzname;Sektor;Art;Straße;PLZ;Ort;Telefon;E-Mail;Homepage;Bemerkungen\n"
        "Bürgerstiftung Musterstadt;BSM;ZG;Stiftung;Markt 1;12345;Musterstadt;0341 2;"
        "info@bsm.de;www.bsm.de;gegründet 2001\n"
        "Stadtverwaltung;;Kommune;Kommunalverwaltung;;;;;;;\n",
    )
    assert Imports(db).organisations(path).created == 2
    orgs = {o.name: o for o in Directory(db).list_organisations()}
    record = Directory(db).get_organisation(orgs["Bürgerstiftung Musterstadt"].id)
    assert (record.short_name, record.sector, record.address) == (
        "BSM",
        Sector.ZIVILGESELLSCHAFT,
        "Markt 1\n12345 Musterstadt",
    )
    assert record.website == "www.bsm.de"
    with pytest.raises(ImportFailed, match="gibt es schon"):
        Imports(db).organisations(path)
    assert Imports(db).organisations(path, existing="skip").skipped == 2
    changed = write(tmp_path / "o2.csv", "Name;Telefon\nbürgerstiftung musterstadt;0341 999\n")
    assert Imports(db).organisations(changed, existing="update").updated == 1
    again = Directory(db).get_organisation(record.id)
    assert (again.phone, again.short_name, again.version) == ("0341 999", "BSM", 2)


def test_import_organisations_needs_a_sector_for_new_ones(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", "Organisation;Art\nNeuer Verein;Verein\nZweiter;Quatsch\n")
    with pytest.raises(ImportFailed) as err:
        Imports(db).organisations(path)
    reasons = {(p.line, p.column): p.reason for p in err.value.problems}
    assert "Sektor" in reasons[(2, "Sektor")]
    assert "keine Art" in reasons[(3, "Art")]
    assert count(db, Organisation) == 0


# ---------------------------------------------------------------------------- robustness


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@fuzz(60)
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=5))
def test_random_cells_never_crash_the_importer(
    db: Database, tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    text = "Nachname;Vorname;E-Mail;Sektor;Organisation\n" + "\n".join(
        ";".join(c.replace(";", ",") for c in row) for row in rows
    )
    path = folder / "zufall.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        report = Imports(db).people(path, dry_run=True)
    except ImportFailed as exc:
        assert exc.message.startswith(("Die Datei", "Zeile"))
        assert exc.message.isprintable() or "\n" in exc.message
    else:
        assert report.dry_run
    os.unlink(path)


def test_export_then_import_with_update_duplicates_nobody(db: Database, tmp_path: Path) -> None:
    """People without an e-mail come back as themselves through the export's Nr. column."""
    from koordination.domain.inputs.directory import PersonInput
    from koordination.outputs.registry import export_table
    from koordination.services.directory.service import Directory

    directory = Directory(db)
    directory.create_person(PersonInput(given_name="Jürgen", family_name="Weiß"))
    directory.create_person(
        PersonInput(given_name="Anna", family_name="Schäfer", emails=["anna@example.org"])
    )
    target = tmp_path / "personen.csv"
    export_table(directory, "people", "csv", target)
    with pytest.raises(ImportFailed, match="gibt es schon"):
        Imports(db).people(target)
    report = Imports(db).people(target, existing="update")
    assert (report.created, report.updated) == (0, 2)
    assert directory.count_people() == 2


def test_a_row_without_email_matching_a_known_name_is_not_added_silently(
    db: Database, tmp_path: Path
) -> None:
    from koordination.domain.inputs.directory import PersonInput
    from koordination.services.directory.service import Directory

    Directory(db).create_person(PersonInput(given_name="Jürgen", family_name="Weiß"))
    path = tmp_path / "liste.csv"
    path.write_bytes("Vorname;Nachname\r\nJürgen;Weiß\r\n".encode("cp1252"))
    with pytest.raises(ImportFailed) as err:
        Imports(db).people(path)
    assert "Jürgen Weiß (Nr. 1) gibt es schon" in str(err.value)
    assert Imports(db).people(path, existing="skip").skipped == 1
