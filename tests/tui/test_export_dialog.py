"""The one export dialog, driven like a user at 80×24: choose what and the format, change the
path, export; a folder that cannot be written gets a German message and no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_footer import footer_keys
from textual.widgets import Button, Input, Select, Static
from tui_support import make_app, settle, text_of

from koordination.tui.app import KoordinationApp
from koordination.tui.dialogs.export import ExportDialog, PublishDialog

SIZE = (80, 24)


def notifications(app: KoordinationApp) -> list[str]:
    """The toasts on screen right now, as the user reads them."""
    return [str(toast.render()) for toast in app.screen.query("Toast").results(Static)]


async def open_dialog(pilot: object, app: KoordinationApp) -> ExportDialog:
    await settle(pilot, app)
    assert app.core is not None
    dialog = ExportDialog(app.core, ["personen", "gruppen"], None, title="Verzeichnis exportieren")
    app.push_screen(dialog)
    await settle(pilot, app)
    assert app.screen is dialog
    return dialog


async def test_choosing_a_format_and_a_path_writes_the_file_there(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "exports"))
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_dialog(pilot, app)
        path = dialog.query_one("#export-path", Input)
        formats = dialog.query_one("#export-format", Select)
        # The registry's file name in the exports folder, and its formats with German labels.
        assert path.value == str(tmp_path / "exports" / "personen.csv")
        assert "Excel" in text_of(dialog.query_one("#export-hint", Static))
        dialog.query_one("#export-document", Select).value = "gruppen"
        formats.value = "json"
        await settle(pilot, app)
        assert path.value == str(tmp_path / "exports" / "gruppen.json")
        assert not dialog.query_one("#export-hint", Static).display
        # A name of one's own stays; only its ending follows the format.
        target = tmp_path / "woanders" / "meine-gruppen.json"
        path.value = str(target)
        formats.value = "csv"
        await settle(pilot, app)
        assert path.value == str(target.with_suffix(".csv"))
        formats.value = "json"
        await settle(pilot, app)
        assert path.value == str(target)
        # Everything the user needs fits into 80×24, the export button included.
        button = dialog.query_one("#export", Button).region
        assert button.bottom <= SIZE[1] and button.right <= SIZE[0] and button.height > 0
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, ExportDialog)
        assert any(f"2 Einträge nach {target} geschrieben." in n for n in notifications(app))
    assert '"Steuerungsgruppe"' in target.read_text(encoding="utf-8")
    assert not (tmp_path / "exports").exists()


async def test_a_folder_that_cannot_be_written_says_so_in_german_and_writes_nothing(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "exports"))
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_dialog(pilot, app)
        path = dialog.query_one("#export-path", Input)
        problem = dialog.query_one("#export-path-problem", Static)
        path.value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert text_of(problem) == "Bitte eine Zieldatei angeben."
        path.value = str(blocker / "personen.csv")  # a file where a folder should be
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog  # still open, so the path can be corrected
        assert "kann nicht geschrieben werden" in text_of(problem)
        assert "Es wurde nichts verändert." in text_of(problem)
        assert not dialog.query_one("#export", Button).disabled
    assert blocker.read_text() == "kein Ordner"
    before = {p for p in tmp_path.rglob("*")}
    assert not any(p.suffix in (".csv", ".json", ".tmp") for p in before)
    assert not (tmp_path / "exports").exists()


async def test_the_publish_dialog_says_it_publishes(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Organisationen, H: the offers; Strg+E publishes them (the dialog used to say "Exportieren").
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path))
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        for key in ("3", "H", "ctrl+e"):
            await pilot.press(key)
            await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, PublishDialog)
        button = dialog.query_one("#export", Button)
        assert str(button.label) == "Veröffentlichen (Strg+S)"
        assert button.region.bottom <= SIZE[1] and button.region.height > 0
        assert "Strg+S Veröffentlichen" in footer_keys(dialog)
        assert not any("Export" in key for key in footer_keys(dialog))
        target = tmp_path / "website"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, ExportDialog)
        assert any("Veröffentlicht" in n for n in notifications(app))
    assert (target / "index.html").is_file()
