"""Dialogs at 80×24: what a dialog reports after it acted is in view, every dialog has its own
footer and compact buttons naming their keys, and search lists leave room for the fields below."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from test_forms import SIZE, footer_keys, in_view
from test_meetings_area import group_id, open_meetings, stored
from test_privacy_tui import _select_anna
from test_survey_kiosk_results import PIN, build_survey
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static
from tui_support import make_app, settle, text_of

from koordination.clock import CITY_ZONE
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import MeetingKind
from koordination.domain.inputs.meetings import MeetingInput
from koordination.services.surveys.service import Surveys
from koordination.tui.areas.erasure import EraseScreen
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.directory import AffiliationScreen, MembershipScreen
from koordination.tui.dialogs.send import SendScreen
from koordination.tui.kiosk import KioskScreen, open_kiosk
from koordination.tui.screens.kiosk_pin import KioskPinDialog
from koordination.tui.screens.survey_results import ComparePickerDialog


async def test_the_send_result_is_in_view_with_the_focus_on_close(demo_db: str) -> None:
    meetings = stored(demo_db)
    meetings.create(
        MeetingInput(
            title="Jugendforum",
            kind=MeetingKind.NETZWERKTREFFEN,
            start=datetime(2026, 9, 24, 17, 0, tzinfo=CITY_ZONE),
            end=datetime(2026, 9, 24, 19, 0, tzinfo=CITY_ZONE),
            room="Jugendzentrum",
            group_ids=[group_id(demo_db, "AK Junges Engagement")],
        )
    )
    meetings.db.dispose()
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        table = area.query_one("#meetings-agenda", DataTable)
        rows = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        area.table.move_cursor(row=next(i for i, r in enumerate(rows) if "Jugendforum" in r))
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, SendScreen)
        assert dialog.offer.plan.deliveries
        await pilot.press("enter")  # Als Dateien speichern
        await settle(pilot, app)
        result = dialog.query_one("#send-result", Static)
        assert "Dateien in" in text_of(result)
        assert in_view(result)
        assert app.focused is dialog.query_one("#close", Button)


def button_labels(dialog: Screen[Any]) -> list[str]:
    """The labels of the dialog's buttons; each one must be a compact one-line button."""
    buttons = list(dialog.query(".dialog-buttons Button").results(Button))
    assert all(b.compact and b.region.height == 1 for b in buttons), buttons
    return [str(b.label) for b in buttons]


def own_footer(dialog: Screen[Any]) -> bool:
    """Whether the dialog shows its own footer (not the one of the screen behind it)."""
    return bool(dialog.query(Footer))


async def test_the_kiosk_pin_dialog_is_a_dialog_with_its_keys_on_its_buttons(
    city_db: str,
) -> None:
    survey = build_survey(city_db)
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        db = Database(city_db)
        assert open_kiosk(app, Core(db), Surveys(db).get(survey.id))
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, KioskPinDialog) and isinstance(dialog, Dialog)
        assert own_footer(dialog)
        assert {"ctrl+s", "escape"} <= footer_keys(app)
        assert button_labels(dialog) == ["Kiosk starten (Strg+S)", "Abbrechen (Esc)"]
        await pilot.press(*PIN, "tab", *PIN, "ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, KioskScreen)
        db.dispose()


async def test_the_comparison_picker_is_a_dialog_and_strg_s_compares(city_db: str) -> None:
    app = make_app(city_db)
    chosen: list[int | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.push_screen(ComparePickerDialog([(3, "Erste"), (5, "Zweite")]), chosen.append)
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, Dialog)
        assert own_footer(dialog)
        assert {"ctrl+s", "escape"} <= footer_keys(app)
        assert button_labels(dialog) == ["Vergleichen (Strg+S)", "Abbrechen (Esc)"]
        await pilot.press("down", "ctrl+s")
        await settle(pilot, app)
        assert chosen == [5]


async def test_the_erase_dialog_has_compact_buttons_naming_their_keys(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await _select_anna(pilot, app)
        await pilot.press("delete")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, EraseScreen)
        assert own_footer(dialog)
        assert button_labels(dialog) == ["Endgültig löschen (Enter)", "Abbrechen (Esc)"]
        assert in_view(dialog.query_one("#erase-confirm"))


async def test_search_lists_in_dialogs_leave_the_fields_below_them_in_view(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2", "plus")
        await settle(pilot, app)
        assert isinstance(app.screen, AffiliationScreen)
        assert in_view(app.screen.query_one("#organisation-picker"))
        assert in_view(app.screen.query_one("#function"))
        await pilot.press("escape", "4", "plus")
        await settle(pilot, app)
        assert isinstance(app.screen, MembershipScreen)
        assert in_view(app.screen.query_one("#person-picker"))
        assert in_view(app.screen.query_one("#role"))
