"""The Verlauf driven like a user: edit a record, press h, see who changed what."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static
from tui_support import make_app, settle, text_of

from koordination.db.roles import os_user
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.screens.audit import AuditScreen

SIZE = (160, 45)


def rows(screen: AuditScreen) -> list[tuple[str, ...]]:
    table = screen.query_one("#audit-table", DataTable)
    return [tuple(cell.plain for cell in table.get_row_at(i)) for i in range(table.row_count)]


def _with_entry(shown: list[tuple[str, ...]]) -> list[tuple[tuple[str, ...], str]]:
    """Each row with the "Was" of the entry it belongs to (only its first row says it)."""
    out, what = [], ""
    for row in shown:
        what = row[2] or what
        out.append((row, what))
    return out


async def open_history(pilot: object, app: KoordinationApp) -> AuditScreen:
    await pilot.press("h")  # type: ignore[attr-defined]
    await settle(pilot, app)
    assert isinstance(app.screen, AuditScreen)
    return app.screen


async def test_the_history_of_an_organisation_shows_the_edit_just_made(
    city_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_USER", "Petra Koordinatorin")
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        name = app.screen.query_one("#field-name", Input)
        old = name.value
        name.value = "Bürgerverein Altstadt und Neustadt e.V."
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        screen = await open_history(pilot, app)
        title = text_of(screen.query_one("#audit-title", Static))
        assert title == "Verlauf – Organisation: Bürgerverein Altstadt und Neustadt e.V."
        shown = rows(screen)
        when, who, what, field, change = shown[0]  # newest first
        assert (what, field) == ("Organisation geändert", "Name")
        assert change == f"{old} → Bürgerverein Altstadt und Neustadt e.V."
        # The name the office gave, with the login that wrote it (on SQLite the system user).
        assert who == f"Petra Koordinatorin ({os_user()})" and when[2] == when[5] == "."
        # The column is as wide as "Name (login)": nothing of it is cut on the screen.
        wer = screen.query_one("#audit-table", DataTable).ordered_columns[1]
        assert wer.width >= len(who)
        assert ("", "", "", "Sektor", "– → Zivilgesellschaft") in shown  # the creation, below
        # Where others name the organisation: the people who belong to it.
        assert ("Zugehörigkeit angelegt", "Person", "– → Anna Müller (Nr. 1)") in [
            (what, r[3], r[4]) for r, what in _with_entry(shown)
        ]
        status = text_of(screen.query_one("#audit-status", Static))
        assert status.endswith(" Änderungen, neueste zuerst")

        await pilot.press("ctrl+e")
        await settle(pilot, app)
        await pilot.press("ctrl+s")  # the export dialog suggests the file: write it
        await settle(pilot, app)
        exported = Path(os.environ["KOORDINATION_EXPORTS"]) / "verlauf-organisation-1.csv"
        with exported.open(encoding="utf-8-sig", newline="") as fh:
            lines = list(csv.reader(fh, delimiter=";"))
        assert lines[1][2] == "Organisation angelegt"
        assert lines[-1][5:] == ["Name", old, "Bürgerverein Altstadt und Neustadt e.V."]

        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, AuditScreen)


async def test_the_history_of_a_group_lists_its_members_by_name(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        screen = await open_history(pilot, app)
        shown = rows(screen)
        assert any(r[2] == "Mitgliedschaft angelegt" for r in shown)
        assert any(r[3] == "Person" and "Anna Müller (Nr. 1)" in r[4] for r in shown)
        assert "Verlauf – Gruppe:" in text_of(screen.query_one("#audit-title", Static))


async def test_the_history_of_a_meeting_and_of_its_sitting(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        area = app.query_one(MeetingsArea)
        assert area.current_meeting is not None
        screen = await open_history(pilot, app)
        assert any(r[2] == "Termin angelegt" for r in rows(screen))
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("p")  # the sitting of the highlighted date
        await settle(pilot, app)
        screen = await open_history(pilot, app)
        assert "Verlauf – Sitzung:" in text_of(screen.query_one("#audit-title", Static))
        assert any(r[2] == "Tagesordnungspunkt angelegt" for r in rows(screen))
