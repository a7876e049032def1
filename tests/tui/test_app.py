"""The TUI driven like a user: keys and typing in, what the screen shows asserted."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from test_forms import type_text
from textual.widgets import Input, Select, Static, Switch
from tui_support import make_app, settle, table_names, text_of

from koordination.clock import SYSTEM_CLOCK
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory
from koordination.tui.dialogs.common import ErrorScreen, HelpScreen
from koordination.tui.dialogs.directory import AffiliationScreen
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.widgets.lazy_table import LazyTable

SIZE = (140, 40)


def test_importing_the_app_does_not_import_the_database_layer() -> None:
    code = (
        "import sys, koordination.tui.app\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'koordination.services', 'koordination.db')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_overview_shows_city_sectors_and_groups(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app.sub_title == "Koordinierungsstelle Musterstadt"
        city = text_of(app.query_one("#overview-city", Static))
        assert city.splitlines() == [
            "Musterstadt",
            "  Bundesland        Niedersachsen",
            "  Einwohner         48.200",
            "  Im Netzwerk seit  2019",
            "  Tandempartner     Beispielhausen",
            "  Schwerpunkt       Engagement junger Menschen",
        ]
        sectors = text_of(app.query_one("#overview-sectors", Static))
        assert sectors.splitlines() == [
            "Sektor              Pers.   Org.",
            "Zivilgesellschaft       4      2",
            "Verwaltung              2      1",
            "Wirtschaft              2      1",
            "Wissenschaft            2      1",
            "Politik                 0      0",
            "Gesamt                 10      5",
        ]
        # Half of an 80-column screen: no figure wraps onto a line of its own.
        assert max(len(line) for line in sectors.splitlines()) <= 33
        groups = text_of(app.query_one("#overview-groups", Static)).splitlines()
        assert groups[1].split() == ["Steuerungsgruppe", "Konsortium/Steuerungsgruppe", "3"]
        assert groups[2].split() == ["AK", "Wirtschaft", "und", "Wissen", "Arbeitskreis", "2"]


async def test_search_filters_the_people_list_as_you_type(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        assert len(table_names(table)) == 10
        await pilot.press("slash")
        await pilot.press("s", "c", "h")
        await settle(pilot, app)
        names = table_names(table)
        assert {"Bernd Schmidt", "Clara Schneider", "Ines Schulz", "David Fischer"} <= set(names)
        assert "Anna Müller" not in names and "Greta Wagner" not in names
        await pilot.press("n", "e")
        await settle(pilot, app)
        assert table_names(table) == ["Clara Schneider"]
        assert "1 Personen" in text_of(app.query_one("#people-status", Static))
        detail = text_of(app.query_one("#people-detail", Static))
        assert "clara@freiwilligenagentur.de" in detail
        assert "Freiwilligenagentur Musterstadt" in detail
        # The organisation is searchable too.
        app.query_one("#people-search", Input).value = "stadtwerke"
        await settle(pilot, app)
        assert table_names(table) == ["David Fischer", "Ines Schulz"]


async def test_sector_filter_narrows_the_list(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        from koordination.domain.enums import Sector

        app.query_one("#people-sector", Select).value = Sector.VERWALTUNG
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        assert table_names(table) == ["Bernd Schmidt", "Greta Wagner"]


async def test_add_person_shows_german_error_then_saves(city_db: str, directory: Directory) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-given_name", Input).value = "Zoe"
        form.query_one("#field-family_name", Input).value = "Zander"
        form.query_one("#field-emails", Input).value = "zoe(at)example"
        await settle(pilot, app)
        problem = text_of(form.query_one("#problem-emails", Static))
        assert "keine gültige E-Mail-Adresse" in problem
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form  # not saved, still open
        assert directory.count_people(PeopleFilter(search="zander")) == 0
        assert "Bitte korrigieren" in text_of(form.query_one("#form-summary", Static))

        form.query_one("#field-emails", Input).value = "zoe@example.org"
        await settle(pilot, app)
        assert text_of(form.query_one("#problem-emails", Static)) == ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert directory.count_people(PeopleFilter(search="zander")) == 1
        table = app.query_one("#people-table", LazyTable)
        assert "Zoe Zander" in table_names(table)
        assert "Zoe Zander" in text_of(app.query_one("#people-detail", Static))


async def test_duplicate_warning_before_saving(city_db: str, directory: Directory) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        app.screen.query_one("#field-given_name", Input).value = "Anna"
        app.screen.query_one("#field-family_name", Input).value = "Müller"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Es gibt schon eine Person Anna Müller" in "\n".join(app.screen.lines)
        await pilot.click("#no")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)  # back to the form, input kept
        assert app.screen.query_one("#field-family_name", Input).value == "Müller"
        assert directory.count_people(PeopleFilter(search="anna müller")) == 1


async def test_edit_person_saves_changes(city_db: str, directory: Directory) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        app.query_one("#people-search", Input).value = "wagner"
        await settle(pilot, app)
        app.query_one("#people-table", LazyTable).focus()
        await pilot.press("e")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-family_name", Input).value == "Wagner"
        form.query_one("#field-title", Input).value = "Dr."
        form.query_one("#field-phones", Input).value = "0511 123456"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Dr. Greta Wagner" in text_of(app.query_one("#people-detail", Static))
        assert "0511 123456" in text_of(app.query_one("#people-detail", Static))
        row = directory.list_people(PeopleFilter(search="wagner"))[0]
        assert directory.get_person(row.id).phones == ("0511 123456",)


async def test_archive_asks_says_how_to_restore_and_the_person_comes_back(
    city_db: str, directory: Directory
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        assert table_names(table)[0] == "Hans Becker"
        await pilot.press("x")
        await settle(pilot, app)
        # x asks for the reason first and says how to bring the person back.
        assert isinstance(app.screen, FormScreen)
        question = " ".join(text_of(s) for s in app.screen.query(Static))
        assert "Person archivieren" in question and "Hans Becker" in question
        assert "Wiederherstellen im Archiv (z)" in question
        await pilot.press("ctrl+s")  # without a reason nothing is archived
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        assert "bitte angeben" in " ".join(text_of(s) for s in app.screen.query(Static))
        await pilot.press("escape")  # leaving: nothing happens
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert table_names(table)[0] == "Hans Becker"
        await pilot.press("x")
        await settle(pilot, app)
        await type_text(pilot, "verzogen")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Hans Becker" not in table_names(table)
        assert len(table_names(table)) == 9
        await pilot.press("z")  # show the archive
        await settle(pilot, app)
        assert app.query_one("#people-archived", Switch).value is True
        assert table_names(table) == ["Hans Becker"]
        detail = text_of(app.query_one("#people-detail", Static))
        assert "archiviert" in detail and "Archiviert: verzogen" in detail
        await pilot.press("x")  # restore: no question, nothing is lost by it
        await settle(pilot, app)
        assert table_names(table) == []
        await pilot.press("z")
        await settle(pilot, app)
        assert "Hans Becker" in table_names(table)
        assert directory.count_people(PeopleFilter(archived=True)) == 0


async def test_consent_recorded_and_withdrawn(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        app.query_one("#people-search", Input).value = "anna"
        await settle(pilot, app)
        app.query_one("#people-table", LazyTable).focus()
        detail = app.query_one("#people-detail", Static)
        assert "Einladungen: erteilt am" in text_of(detail)
        from koordination.domain.enums import ConsentChannel

        await pilot.press("W")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")  # without the channel the withdrawal is not saved
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-channel", Select).value = ConsentChannel.MUENDLICH
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Einladungen: widerrufen am" in text_of(detail)
        assert "Widerruf: mündlich" in text_of(detail)
        await pilot.press("w")
        await settle(pilot, app)
        texts = app.screen.query_one("#field-text", Select)
        (photos,) = [v for label, v in texts._options if label.startswith("Fotos")]
        texts.value = photos
        app.screen.query_one("#field-channel", Select).value = ConsentChannel.EMAIL
        app.screen.query_one("#field-evidence", Input).value = "E-Mail vom 02.05.2026"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Fotos: erteilt am" in text_of(detail)
        assert "Fassung T-1, E-Mail, E-Mail vom 02.05.2026" in text_of(detail)


async def test_group_detail_shows_balance_and_missing_sector_warning(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        table = app.query_one("#groups-table", LazyTable)
        assert table_names(table) == ["Steuerungsgruppe", "AK Wirtschaft und Wissen"]
        warning = app.query_one("#groups-warning", Static)
        assert not warning.display  # the steering group has both core sectors
        detail = text_of(app.query_one("#groups-detail", Static))
        assert "Zivilgesellschaft    1" in detail
        assert "Verwaltung           1" in detail
        assert "Anna Müller (Sprecher:in, für Bürgerverein Altstadt e.V.)" in detail
        await pilot.press("down")
        await settle(pilot, app)
        detail = text_of(app.query_one("#groups-detail", Static))
        assert "Wirtschaft           1" in detail
        assert warning.display
        assert "Es fehlt Zivilgesellschaft und Verwaltung" in text_of(warning)


async def test_group_member_added_and_ended(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        await pilot.press("down")
        await settle(pilot, app)
        await pilot.press("plus")
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#person-search", Input).value = "wagner"
        screen.query_one("#since", Input).value = ""
        await settle(pilot, app)
        picker = screen.query_one("#person-picker", LazyTable)
        assert table_names(picker) == ["Greta Wagner"]
        orgs = screen.query_one("#representing", Select)
        orgs.value = next(v for label, v in orgs._options if "Bürgerbüro" in str(label))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        detail = text_of(app.query_one("#groups-detail", Static))
        assert "Greta Wagner (Mitglied, für Stadt Musterstadt – Bürgerbüro)" in detail
        assert "Es fehlt Zivilgesellschaft." in text_of(app.query_one("#groups-warning", Static))
        await pilot.press("minus")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        members = form.query_one("#field-id", Select)
        members.value = next(v for label, v in members._options if "Greta" in str(label))
        yesterday = SYSTEM_CLOCK.today() - timedelta(days=1)
        form.query_one("#field-at", Input).value = yesterday.strftime("%d.%m.%Y")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        detail = text_of(app.query_one("#groups-detail", Static))
        assert "Mitglieder (2)" in detail
        assert "Frühere Mitglieder" in detail


async def test_city_profile_edit_saves(city_db: str, directory: Directory) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        name = app.query_one("#field-inhabitants", Input)
        assert name.value == "48200"
        name.value = "viele"
        await settle(pilot, app)
        assert "ganze Zahl" in text_of(app.query_one("#problem-inhabitants", Static))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert directory.get_city().inhabitants == 48200  # type: ignore[union-attr]
        name.value = "49.100"
        app.query_one("#field-name", Input).value = "Neu-Musterstadt"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        city = directory.get_city()
        assert city is not None
        assert (city.name, city.inhabitants) == ("Neu-Musterstadt", 49100)
        assert app.sub_title == "Koordinierungsstelle Neu-Musterstadt"


async def test_organisation_created_from_form(city_db: str, directory: Directory) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        form.query_one("#field-name", Input).value = "Tafel Musterstadt e.V."
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "bitte einen Sektor wählen" in text_of(form.query_one("#problem-sector", Static))
        from koordination.domain.enums import Sector

        form.query_one("#field-sector", Select).value = Sector.ZIVILGESELLSCHAFT
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Tafel Musterstadt e.V." in table_names(
            app.query_one("#organisations-table", LazyTable)
        )


async def test_help_screen_lists_keys_in_german(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        text = text_of(app.screen.query_one("#help-text", Static))
        for expected in (
            "Person anlegen",
            "Einwilligung widerrufen",
            "Mitglied hinzufügen",
            "Hilfe",
        ):
            assert expected in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_lists_german_actions(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        titles = [t for t, _h, _a in app.command_entries()]
        assert {"Person anlegen", "Personen: Suche", "Archiv zeigen (Personen)"} <= set(titles)
        await app.run_action("app.area_action('people', 'new')")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        assert app.query_one("#areas").active == "tab-people"  # type: ignore[attr-defined]


async def test_corrupt_database_shows_german_error(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.sqlite3"
    garbage = b"\x00\x13garbage, not a database" * 100
    path.write_bytes(garbage)
    app = make_app(f"sqlite:///{path}")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        message = text_of(app.screen.query_one("#error-message", Static))
        assert "keine koordination-Datenbank oder sie ist beschädigt" in message
        assert "Traceback" not in message
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 1
    assert path.read_bytes() == garbage


async def test_person_assigned_to_an_organisation_and_the_affiliation_ended(
    city_db: str, directory: Directory
) -> None:
    greta = directory.list_people(PeopleFilter(search="wagner"))[0].id
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        app.query_one("#people-search", Input).value = "wagner"
        await settle(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        table.focus()
        await pilot.press("plus")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, AffiliationScreen)
        dialog.query_one("#organisation-search", Input).value = "hochschule"
        await settle(pilot, app)
        picker = dialog.query_one("#organisation-picker", LazyTable)
        assert table_names(picker) == ["Hochschule Musterstadt"]
        dialog.query_one("#function", Input).value = "Beirat"
        dialog.query_one("#since", Input).value = "31.02.2024"
        await settle(pilot, app)
        # Checked as you type, in German; saving is refused.
        problem = text_of(dialog.query_one("#since-problem", Static))
        assert "„31.02.2024“ ist kein Datum" in problem
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert "Bitte korrigieren" in text_of(dialog.query_one("#affiliation-problem", Static))
        assert len(directory.get_person(greta).affiliations) == 1

        dialog.query_one("#since", Input).value = "01.03.2024"
        await settle(pilot, app)
        assert text_of(dialog.query_one("#since-problem", Static)) == ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, AffiliationScreen)
        detail = app.query_one("#people-detail", Static)
        assert "Hochschule Musterstadt (Beirat, Wissenschaft, seit 01.03.2024)" in text_of(detail)
        saved = [a for a in directory.get_person(greta).affiliations if a.function == "Beirat"]
        assert [(a.organisation_name, a.valid_from) for a in saved] == [
            ("Hochschule Musterstadt", date(2024, 3, 1))
        ]

        # End the old affiliation: first before it began (refused), then yesterday.
        await pilot.press("minus")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        choice = form.query_one("#field-id", Select)
        choice.value = next(v for label, v in choice._options if "Bürgerbüro" in str(label))
        form.query_one("#field-at", Input).value = "31.12.2019"
        await settle(pilot, app)
        assert "liegt vor dem Beginn (01.01.2020)" in text_of(form.query_one("#problem-at", Static))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        yesterday = SYSTEM_CLOCK.today() - timedelta(days=1)
        form.query_one("#field-at", Input).value = yesterday.strftime("%d.%m.%Y")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        lines = text_of(detail).splitlines()
        old = next(line for line in lines if "Bürgerbüro" in line)
        assert old.endswith("(beendet)")
        # The list's organisation column follows: the current affiliation is the new one.
        row = table.row_at(table.cursor_row)
        assert row is not None and row.cells[1] == "Hochschule Musterstadt"

        # End the new one as of today (the default): marked as ended, kept as history.
        await pilot.press("minus")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        new = next(line for line in text_of(detail).splitlines() if "Hochschule" in line)
        assert new.endswith("(beendet)")
        assert f"01.03.2024 – {SYSTEM_CLOCK.today():%d.%m.%Y}" in new
    ended = {a.organisation_name: a.valid_to for a in directory.get_person(greta).affiliations}
    assert ended == {
        "Stadt Musterstadt – Bürgerbüro": yesterday,
        "Hochschule Musterstadt": SYSTEM_CLOCK.today(),
    }


async def test_detail_lines_wrap_under_their_own_text(city_db: str, directory: Directory) -> None:
    app = make_app(city_db)
    async with app.run_test(size=(90, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        app.query_one("#people-search", Input).value = "fischer"
        await settle(pilot, app)
        detail = app.query_one("#people-detail", Static)
        width = detail.content_region.width
        lines = [strip.text.rstrip() for strip in detail.render_lines(detail.region.reset_offset)]
        first = next(i for i, line in enumerate(lines) if line.startswith("  • Stadtwerke"))
        assert (
            len("  • Stadtwerke Musterstadt GmbH (Mitglied, Wirtschaft, seit 01.01.2020)") > width
        )
        # The continuation starts under the text, not at the left edge.
        assert lines[first + 1].startswith("    ") and lines[first + 1].strip()
