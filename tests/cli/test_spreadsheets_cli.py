"""Spreadsheets on the command line: `import … DATEI.xlsx --sheet NAME`, `surveys
import-responses` from a LibreOffice file and `export … --format xlsx`, in-process."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import test_survey_import_cli
from openpyxl import load_workbook
from support.spreadsheets import write_ods, write_xlsx

from koordination.cli.main import main

city = test_survey_import_cli.city  # a database file with a running survey
HEADER = ["Vorname", "Nachname", "E-Mail", "Organisation", "Sektor"]
JUERGEN = ["Jürgen", "Weiß", "jw@example.org", "Bürgerverein Süd e.V.", "Zivilgesellschaft"]


def people(db: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["--db", db, "people", "list", "--json"]) == 0
    out = capsys.readouterr().out
    return [p["name"] for p in json.loads(out[out.index("[") :])]


def test_import_people_from_a_named_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "k.sqlite3")
    assert main(["--db", db, "db", "upgrade"]) == 0
    book = write_xlsx(
        tmp_path / "mitglieder.xlsx",
        [HEADER, JUERGEN],
        sheet="Aktive",
        before=[("Deckblatt", [["Mitgliederliste"]], False)],
    )
    assert main(["--db", db, "import", "people", str(book), "--sheet", "Aktive"]) == 0
    assert people(db, capsys) == ["Jürgen Weiß"]


def test_an_unknown_sheet_exits_1_in_german_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "k.sqlite3")
    assert main(["--db", db, "db", "upgrade"]) == 0
    book = write_ods(tmp_path / "mitglieder.ods", [HEADER, JUERGEN])
    assert main(["--db", db, "import", "people", str(book), "--sheet", "Ehemalige"]) == 1
    err = capsys.readouterr().err
    assert "hat kein Tabellenblatt „Ehemalige“. Vorhanden: „Mitglieder“." in err
    assert "Traceback" not in err
    assert people(db, capsys) == []


def test_survey_responses_from_a_libreoffice_file(
    city: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = write_ods(
        tmp_path / "antworten.ods",
        [
            ["Antwort-ID", "Abgeschickt am", "F1 Sektor", "F6 Engagierte", "F7 Gründung"],
            ["A-1", datetime(2026, 9, 14, 10, 22), "Verwaltung", 1250, date(1998, 3, 1)],
        ],
        sheet="Formular",
    )
    assert main(["--db", city, "surveys", "import-responses", "1", str(book)]) == 0
    out = capsys.readouterr().out
    assert "Importiert: 1 Antwort" in out
    assert test_survey_import_cli.responses(city) == 1


def test_export_people_as_a_workbook_names_the_full_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "k.sqlite3")
    assert main(["--db", db, "db", "upgrade"]) == 0
    book = write_xlsx(tmp_path / "mitglieder.xlsx", [HEADER, JUERGEN])
    assert main(["--db", db, "import", "people", str(book)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "export", "people", "--format", "xlsx"]) == 0
    written = tmp_path / "exports" / "personen.xlsx"  # KOORDINATION_EXPORTS of the tests
    assert capsys.readouterr().out.strip() == f"1 Einträge nach {written} geschrieben."
    ws = load_workbook(written).worksheets[0]
    assert [c.value for c in ws[1]][:5] == ["Nr.", "Anrede", "Titel", "Vorname", "Nachname"]
    assert [c.value for c in ws[2]][3:5] == ["Jürgen", "Weiß"]
