"""Provable consent in the interface at 80×24: the import dialog takes a list's "ja" only with
a catalogue wording chosen, the people it brings show "Art. 14 Information offen" until Y
marks it sent, and D shows the catalogue where n adds a wording."""

from __future__ import annotations

from pathlib import Path

from test_forms import fill
from textual.widgets import Input, Select
from tui_support import make_app, settle, text_of

from koordination.domain.enums import ConsentChannel, ConsentPurpose
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory
from koordination.tui.dialogs.directory import ConsentTextsScreen
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.dialogs.transfer import ImportScreen
from koordination.tui.widgets.lazy_table import LazyTable

SIZE = (80, 24)
LIST = "Vorname;Nachname;E-Mail;Einwilligung\nBea;Berg;bea.berg@example.org;ja\n"


async def test_import_needs_the_wording_then_flags_art14_until_marked_sent(
    city_db: str, directory: Directory, tmp_path: Path
) -> None:
    path = tmp_path / "jugendring.csv"
    path.write_text(LIST, encoding="utf-8")
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        dialog.query_one("#import-path", Input).value = str(path)
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "keine Fassung aus dem Katalog der Einwilligungstexte" in dialog.result_text
        assert "Importdialog: Einwilligungstext" in dialog.result_text
        assert directory.count_people(PeopleFilter(search="berg")) == 0

        texts = dialog.query_one("#import-consent", Select)
        (invitations,) = [v for label, v in texts._options if label.startswith("Einladungen")]
        texts.value = invitations
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Importiert – neu: 1" in dialog.result_text
        await pilot.press("escape")
        await settle(pilot, app)

        (row,) = directory.list_people(PeopleFilter(search="berg"))
        bea = directory.get_person(row.id)
        assert [(c.channel, c.evidence, c.text_version) for c in bea.consents] == [
            (ConsentChannel.IMPORT, "jugendring.csv", invitations.version)
        ]
        app.query_one("#people-search", Input).value = "berg"
        await settle(pilot, app)
        app.query_one("#people-table", LazyTable).focus()
        detail = app.query_one("#people-detail")
        assert "Art. 14 Information offen" in text_of(detail)
        assert "Daten aus: jugendring.csv" in text_of(detail)
        await pilot.press("Y")
        await settle(pilot, app)
        assert "Art. 14 Information offen" not in text_of(detail)
        assert "informiert am" in text_of(detail)
    assert not directory.get_person(row.id).art14_open


async def test_the_catalogue_is_shown_and_a_new_wording_added_by_keyboard(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("D")
        await settle(pilot, app)
        assert isinstance(app.screen, ConsentTextsScreen)
        shown = text_of(app.screen.query_one("#consent-texts Static"))
        assert "Einladungen, Fassung T-1 (ab 01.01.2000)" in shown
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(
            pilot,
            app,
            {
                "purpose": ConsentPurpose.OFFENE_DATEN,
                "version": "2026-01",
                "valid_from": "01.01.2026",
                "wording": "Mein Name darf in den offenen Daten stehen.",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConsentTextsScreen)
        shown = text_of(app.screen.query_one("#consent-texts Static"))
        assert "Veröffentlichung in offenen Daten, Fassung 2026-01 (ab 01.01.2026)" in shown
        assert "Mein Name darf in den offenen Daten stehen." in shown
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConsentTextsScreen)
