"""Import and export dialogs driven like a user: a German Excel CSV in, a CSV file out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Button, Input, ProgressBar, RadioButton, Select, Static
from tui_support import make_app, settle, table_names, text_of

from koordination.services.directory.search import OrganisationFilter, PeopleFilter
from koordination.services.directory.service import Directory
from koordination.tui.app import KoordinationApp
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.transfer import ImportScreen
from koordination.tui.widgets.lazy_table import LazyTable

SIZE = (140, 40)

# As Excel saves "CSV (Trennzeichen-getrennt)" on a German Windows: cp1252, semicolons, CRLF.
GOOD_PEOPLE = (
    "Vorname;Nachname;E-Mail;Organisation;Sektor\r\n"
    "Jürgen;Größmann;juergen.groessmann@beispiel.de;Tafel Musterstadt e.V.;Zivilgesellschaft\r\n"
)
BAD_PEOPLE = (
    "Vorname;Nachname;E-Mail\r\n"
    "Jürgen;Größmann;juergen.groessmann@beispiel.de\r\n"
    "Änne;Weiß;aenne(at)beispiel\r\n"
)


def excel_csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return path


def notifications(app: KoordinationApp) -> list[str]:
    """The toasts on screen right now, as the user reads them."""
    return [str(toast.render()) for toast in app.screen.query("Toast").results(Static)]


async def open_import(pilot: object, app: KoordinationApp, area_key: str) -> ImportScreen:
    await settle(pilot, app)
    await pilot.press(area_key)  # type: ignore[attr-defined]
    await settle(pilot, app)
    await pilot.press("i")  # type: ignore[attr-defined]
    await settle(pilot, app)
    assert isinstance(app.screen, ImportScreen)
    return app.screen


async def test_import_checks_first_then_the_person_appears_in_the_list(
    city_db: str, directory: Directory, tmp_path: Path
) -> None:
    path = excel_csv(tmp_path, "adressen.csv", GOOD_PEOPLE)
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_import(pilot, app, "2")
        dialog.query_one("#import-path", Input).value = str(path)
        await settle(pilot, app)
        assert text_of(dialog.query_one("#import-path-problem", Static)) == ""

        await pilot.click("#check")
        await settle(pilot, app)
        assert "Probelauf, nichts gespeichert – so würde importiert: neu: 1" in dialog.result_text
        assert "neue Organisationen: 1" in dialog.result_text
        assert directory.count_people(PeopleFilter(search="größmann")) == 0
        bar = dialog.query_one(ProgressBar)
        assert bar.display and bar.percentage == 1

        await pilot.click("#import")
        await settle(pilot, app)
        assert "Importiert – neu: 1" in dialog.result_text
        assert dialog.query_one("#import", Button).disabled  # not twice by accident
        assert any("neu: 1" in n for n in notifications(app))
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, ImportScreen)
        assert "Jürgen Größmann" in table_names(app.query_one("#people-table", LazyTable))
        assert directory.count_people(PeopleFilter(search="größmann")) == 1
        assert directory.count_organisations(OrganisationFilter(search="tafel")) == 1


async def test_import_with_a_bad_row_lists_the_problem_and_imports_nothing(
    city_db: str, directory: Directory, tmp_path: Path
) -> None:
    path = excel_csv(tmp_path, "fehlerhaft.csv", BAD_PEOPLE)
    before = directory.count_people(PeopleFilter())
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_import(pilot, app, "2")
        dialog.query_one("#import-path", Input).value = str(path)
        await pilot.click("#import")
        await settle(pilot, app)
        text = dialog.result_text
        assert "Die Datei wurde nicht importiert: 1 Fehler." in text
        assert "Es wurde nichts importiert." in text
        assert "Zeile 3, Spalte „E-Mail“" in text
        assert "keine gültige E-Mail-Adresse" in text
        assert dialog.query_one("#import-result").has_class("-failed")
        assert not dialog.query_one("#import", Button).disabled  # fix the file, try again
    assert directory.count_people(PeopleFilter()) == before
    assert directory.count_people(PeopleFilter(search="größmann")) == 0


async def test_import_says_in_german_when_the_file_does_not_exist(
    city_db: str, tmp_path: Path
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_import(pilot, app, "2")
        dialog.query_one("#import-path", Input).value = "~/gibt-es-nicht-4711.csv"
        await settle(pilot, app)
        problem = text_of(dialog.query_one("#import-path-problem", Static))
        assert problem == f"Die Datei {Path.home() / 'gibt-es-nicht-4711.csv'} gibt es nicht."
        await pilot.click("#check")
        await settle(pilot, app)
        assert "gibt es nicht" in dialog.result_text


async def test_organisations_import_from_the_palette_updates_existing_ones(
    city_db: str, directory: Directory, tmp_path: Path
) -> None:
    path = excel_csv(
        tmp_path,
        "organisationen.csv",
        "Name;Sektor;Art;E-Mail\r\n"
        "Tafel Musterstadt e.V.;Zivilgesellschaft;Verein;info@tafel.de\r\n"
        "Hochschule Musterstadt;Wissenschaft;Hochschule;info@hs-musterstadt.de\r\n",
    )
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        titles = {title: action for title, _help, action in app.command_entries()}
        assert "Personen importieren (Excel, LibreOffice, CSV)" in titles
        assert "Gruppen ausgeben (CSV, Excel, JSON)" in titles
        await app.run_action(titles["Organisationen importieren (Excel, LibreOffice, CSV)"])
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        dialog.query_one("#import-path", Input).value = str(path)
        await pilot.click("#import")
        await settle(pilot, app)
        assert "Zeile 3" in dialog.result_text  # the Hochschule is there already
        dialog.query_one("#existing-update", RadioButton).value = True
        await pilot.click("#import")
        await settle(pilot, app)
        assert "neu: 1, aktualisiert: 1" in dialog.result_text
        await pilot.press("escape")
        await settle(pilot, app)
        names = table_names(app.query_one("#organisations-table", LazyTable))
        assert "Tafel Musterstadt e.V." in names
    hochschule = directory.list_organisations(OrganisationFilter(search="hochschule"))[0]
    assert hochschule.email == "info@hs-musterstadt.de"


async def test_export_writes_a_csv_that_excel_style_readers_read_back(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "exports"))
    target = tmp_path / "exports" / "personen.csv"
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-path", Input).value == str(target)
        await pilot.click("#export")
        await settle(pilot, app)
        assert not isinstance(app.screen, ExportDialog)
        assert any(f"10 Einträge nach {target} geschrieben." in n for n in notifications(app))
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == 10
    names = {(r[header.index("Vorname")], r[header.index("Nachname")]) for r in body}
    assert ("Anna", "Müller") in names
    emails = {r[header.index("E-Mail")] for r in body}
    # Nobody in this city agreed to share contact data: the export leaves the addresses out.
    assert emails == {""}


async def test_export_as_json_follows_the_format_and_reports_errors_in_german(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path))
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = dialog.query_one("#export-path", Input)
        dialog.query_one("#export-format", Select).value = "json"
        await settle(pilot, app)
        assert path.value == str(tmp_path / "gruppen.json")
        path.value = str(blocker / "gruppen.json")  # a file where a folder should be
        await pilot.click("#export")
        await settle(pilot, app)
        assert app.screen is dialog  # still open, so the path can be corrected
        problem = text_of(dialog.query_one("#export-path-problem", Static))
        assert "kann nicht geschrieben werden" in problem
        path.value = str(tmp_path)  # a folder: the usual file name inside it
        await pilot.press("ctrl+s")  # the failure toast may lie over the button
        await settle(pilot, app)
        written = f"2 Einträge nach {tmp_path / 'gruppen.json'} geschrieben."
        assert any(written in n for n in notifications(app))
    assert '"Steuerungsgruppe"' in (tmp_path / "gruppen.json").read_text(encoding="utf-8")


async def test_export_writes_only_what_the_filtered_list_shows(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path))
    target = tmp_path / "personen.csv"
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        app.query_one("#people-search", Input).value = "stadtwerke"
        await settle(pilot, app)
        app.query_one("#people-table", LazyTable).focus()
        assert table_names(app.query_one("#people-table", LazyTable)) == [
            "David Fischer",
            "Ines Schulz",
        ]
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert text_of(dialog.query_one("#export-scope", Static)) == (
            "Es werden die 2 Einträge der aktuellen Liste exportiert (Suche „stadtwerke“)."
        )
        await pilot.click("#export")
        await settle(pilot, app)
        assert any(f"2 Einträge nach {target} geschrieben." in n for n in notifications(app))
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], rows[1:]
    names = [(r[header.index("Vorname")], r[header.index("Nachname")]) for r in body]
    assert sorted(names) == [("David", "Fischer"), ("Ines", "Schulz")]
    assert {r[header.index("Organisation")] for r in body} == {"Stadtwerke Musterstadt GmbH"}


async def test_export_note_names_every_filter_and_says_all_without_one(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koordination.domain.enums import Sector

    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path))
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        note = app.screen.query_one("#export-scope", Static)
        assert text_of(note) == "Es werden alle 5 Organisationen außer dem Archiv exportiert."
        await pilot.press("escape")
        await settle(pilot, app)
        app.query_one("#organisations-search", Input).value = "musterstadt"
        app.query_one("#organisations-sector", Select).value = Sector.ZIVILGESELLSCHAFT
        await settle(pilot, app)
        app.query_one("#organisations-table", LazyTable).focus()
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        note = app.screen.query_one("#export-scope", Static)
        assert text_of(note) == (
            "Es wird der 1 Eintrag der aktuellen Liste exportiert "
            "(Suche „musterstadt“, Sektor Zivilgesellschaft)."
        )


async def test_an_excel_workbook_goes_in_and_out_through_the_dialogs_at_80x24(
    city_db: str, directory: Directory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook
    from support.spreadsheets import write_xlsx

    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "exports"))
    book = write_xlsx(
        tmp_path / "adressen.xlsx",
        [
            ["Vorname", "Nachname", "E-Mail", "Organisation", "Sektor"],
            ["Jürgen", "Größmann", "jg@beispiel.de", "Tafel Musterstadt e.V.", "Zivilgesellschaft"],
        ],
    )
    app = make_app(city_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await open_import(pilot, app, "2")
        dialog.query_one("#import-path", Input).value = str(book)
        await settle(pilot, app)
        assert text_of(dialog.query_one("#import-path-problem", Static)) == ""
        # By keyboard: at 80x24 the dialog's buttons row sits under its bottom edge.
        dialog.query_one("#import", Button).focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert "Importiert – neu: 1" in dialog.result_text
        await pilot.press("escape")
        await settle(pilot, app)
        assert directory.count_people(PeopleFilter(search="größmann")) == 1

        await pilot.press("ctrl+e")
        await settle(pilot, app)
        export = app.screen
        assert isinstance(export, ExportDialog)
        export.query_one("#export-format", Select).value = "xlsx"
        await settle(pilot, app)
        target = tmp_path / "exports" / "personen.xlsx"
        assert export.query_one("#export-path", Input).value == str(target)
        await pilot.click("#export")
        await settle(pilot, app)
        assert any(f"11 Einträge nach {target} geschrieben." in n for n in notifications(app))
    ws = load_workbook(target).worksheets[0]
    names = {(r[3], r[4]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert ("Jürgen", "Größmann") in names
