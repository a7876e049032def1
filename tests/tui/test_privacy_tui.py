"""Data protection in the Personen area, driven like a user: the access report written to the
exports folder, erasure only after typing the family name, then the person anonymised."""

from __future__ import annotations

import json
from pathlib import Path

import docx
from test_forms import type_text
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static, Switch
from tui_support import make_app, settle, table_names, text_of

from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import PrivacyRequestKind
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.erasure import ErasedScreen, EraseScreen
from koordination.tui.widgets.lazy_table import LazyTable

SIZE = (140, 40)
# Anna is the only one of the Bürgerverein in the Steuerungsgruppe: the sector alone.
LABEL = "N. N. (Zivilgesellschaft)"


async def _select_anna(pilot: Pilot[int], app: KoordinationApp) -> None:
    await settle(pilot, app)
    await pilot.press("2")
    await settle(pilot, app)
    app.query_one("#people-search", Input).value = "anna"
    await settle(pilot, app)
    app.query_one("#people-table", LazyTable).focus()
    await settle(pilot, app)


async def test_access_report_writes_every_format_and_notes_who_asked(
    city_db: str, tmp_path: Path
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _select_anna(pilot, app)
        await pilot.press("U")
        await settle(pilot, app)
        # Who asked is asked first; Enter goes on to the button.
        assert app.focused is app.screen.query_one("#access-requester", Input)
        await type_text(pilot, "die Person, Brief")
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("ctrl+s")  # every format at once into the exports folder
        await settle(pilot, app)
        await settle(pilot, app)
    exports = tmp_path / "exports"
    written = sorted(p.suffix for p in exports.glob("auskunft-person-*"))
    assert written == [".docx", ".json", ".odt", ".pdf"]
    report = json.loads(next(exports.glob("auskunft-person-*.json")).read_text(encoding="utf-8"))
    assert report["name"] == "Anna Müller"
    assert report["profile"]["emails"] == ["anna.mueller@buergerverein.de"]
    letter = docx.Document(str(next(exports.glob("auskunft-person-*.docx"))))
    assert "Guten Tag Anna Müller," in [p.text for p in letter.paragraphs]
    assert next(exports.glob("auskunft-person-*.pdf")).read_bytes().startswith(b"%PDF")
    core = Core(Database(city_db))
    (request,) = core.privacy_requests.list(open_only=False)
    assert (request.requester, request.done) == ("die Person, Brief", True)
    acts = [e for e in core.audit.entries() if e.action == "auskunft"]
    assert len(acts) == 4  # one per file written
    assert {c.new_text for e in acts for c in e.changes} == {"die Person, Brief"}


async def test_leaving_the_access_dialog_writes_nothing_and_logs_nothing(
    city_db: str, tmp_path: Path
) -> None:
    core = Core(Database(city_db))
    core.privacy_requests.add(PrivacyRequestKind.AUSKUNFT, 1)
    app = make_app(city_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _select_anna(pilot, app)
        await pilot.press("U")
        await settle(pilot, app)
        dialog = app.screen
        # One format: the dialog proposes its file name without building the report.
        dialog.query_one("#export-format", Select).value = "pdf"
        await settle(pilot, app)
        assert dialog.query_one("#export-path", Input).value.endswith(".pdf")
        await pilot.press("escape")
        await settle(pilot, app)
    assert not list((tmp_path / "exports").glob("auskunft-*"))
    assert [e for e in core.audit.entries() if e.action == "auskunft"] == []
    assert [r.done for r in core.privacy_requests.list(open_only=False)] == [False]


async def test_erase_needs_the_family_name_typed_then_anonymises_the_person(
    city_db: str, tmp_path: Path
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await _select_anna(pilot, app)
        table = app.query_one("#people-table", LazyTable)
        assert table_names(table) == ["Anna Müller"]

        # Esc leaves everything as it was.
        await pilot.press("delete")
        await settle(pilot, app)
        assert isinstance(app.screen, EraseScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert table_names(table) == ["Anna Müller"]

        await pilot.press("delete")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, EraseScreen)
        assert "Anna Müller (Nr. 1) endgültig löschen?" in text_of(
            dialog.query_one(".dialog-title", Static)
        )
        # Who asked comes first; Enter there goes on to the confirmation, it never erases.
        assert app.focused is dialog.query_one("#erase-requester", Input)
        await type_text(pilot, "die Person, E-Mail")
        await pilot.press("enter")
        await settle(pilot, app)
        field = dialog.query_one("#erase-confirm", Input)
        assert app.focused is field
        button = dialog.query_one("#erase", Button)
        field.value = "Mül"
        await settle(pilot, app)
        assert button.disabled
        assert "passt noch nicht" in text_of(dialog.query_one("#erase-problem", Static))
        await pilot.press("enter")  # not yet: the dialog stays
        await settle(pilot, app)
        assert app.screen is dialog
        field.value = "Müller"
        await settle(pilot, app)
        assert not button.disabled
        await pilot.press("enter")
        await settle(pilot, app)
        await settle(pilot, app)
        assert not isinstance(app.screen, EraseScreen)
        # What was erased, and which backups still hold her; Esc closes that.
        assert isinstance(app.screen, ErasedScreen)
        await pilot.press("escape")
        await settle(pilot, app)

        # Gone from the list of active people; in the archive only as "N. N. (…)".
        app.query_one("#people-search", Input).value = ""
        await settle(pilot, app)
        assert "Anna Müller" not in table_names(table)
        app.query_one("#people-archived", Switch).value = True
        await settle(pilot, app)
        assert table_names(table) == [LABEL]
        table.focus()
        await settle(pilot, app)
        detail = text_of(app.query_one("#people-detail", Static))
        assert LABEL in detail and "anna.mueller" not in detail
        await pilot.press("delete")  # erased already: refused before any question
        await settle(pilot, app)
        assert not isinstance(app.screen, EraseScreen)

        # The group keeps the seat for the sector, shown with the label.
        await pilot.press("4")
        await settle(pilot, app)
        groups = app.query_one("#groups-table", LazyTable)
        groups.focus()
        groups.cursor_row = table_names(groups).index("Steuerungsgruppe")
        await settle(pilot, app)
        assert LABEL in text_of(app.query_one("#groups-detail", Static))
    data = Path(city_db.removeprefix("sqlite:///")).read_bytes()
    assert b"Anna M\xc3\xbcller" not in data and b"anna.mueller@buergerverein.de" not in data
    core = Core(Database(city_db))
    (erase,) = [e for e in core.audit.entries() if e.action == "erase"]
    assert [(c.label, c.new_text) for c in erase.changes] == [("Anfrage von", "die Person, E-Mail")]
    (request,) = core.privacy_requests.list(open_only=False)
    assert (request.kind, request.requester, request.done) == (
        PrivacyRequestKind.LOESCHUNG,
        "die Person, E-Mail",
        True,
    )


async def test_privacy_actions_are_in_the_command_palette(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        entries = {title: action for title, _help, action in app.command_entries()}
    assert (
        entries["Auskunft nach Art. 15 DSGVO: alle Daten der Person als PDF, DOCX, ODT und JSON"]
        == "app.area_action('people', 'access_report')"
    )
    assert (
        entries["Person löschen nach Art. 17 DSGVO: Personendaten überall entfernen"]
        == "app.area_action('people', 'erase')"
    )
