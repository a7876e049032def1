"""The one import dialog at 80×24, by keyboard: a workbook's sheet is chosen from its names."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from test_forms import choose, in_view
from textual.widgets import Input, Select
from tui_support import make_app, settle

from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory
from koordination.tui.dialogs.transfer import ImportScreen


def two_sheets(tmp_path: Path) -> Path:
    """A workbook as offices send it: notes on the first sheet, the members on the second."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Hinweise"
    notes.append(["Hinweis"])
    notes.append(["Bitte nur das Blatt Mitglieder importieren."])
    members = book.create_sheet("Mitglieder")
    members.append(["Vorname", "Nachname", "E-Mail"])
    members.append(["Zweites", "Blatt", "zweites.blatt@beispiel.de"])
    path = tmp_path / "mitglieder.xlsx"
    book.save(path)
    return path


async def test_import_offers_the_sheets_of_a_workbook_and_reads_the_chosen_one(
    city_db: str, directory: Directory, tmp_path: Path
) -> None:
    path = two_sheets(tmp_path)
    app = make_app(city_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2", "i")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        sheet = dialog.query_one("#import-sheet", Select)
        assert not sheet.parent.display  # type: ignore[union-attr]
        await pilot.press(*str(path))
        await settle(pilot, app)
        # The sheets by name, the first one chosen as the reader would.
        assert [label for label, _v in sheet._options[1:]] == ["Hinweise", "Mitglieder"]
        assert sheet.value == "Hinweise"
        await pilot.press("tab")
        assert app.focused is sheet and in_view(sheet)
        await choose(pilot, sheet, "Mitglieder")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Importiert – neu: 1" in dialog.result_text
        assert dialog.query_one("#import-path", Input).value == str(path)
    assert directory.count_people(PeopleFilter(search="zweites blatt")) == 1
