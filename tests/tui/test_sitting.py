"""A sitting driven like a minute-taker on the demo city: notes, decisions, tasks, attendance,
approval and export."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static
from tui_support import make_app, move_to, settle, text_of

from koordination.db.engine import Database
from koordination.domain.enums import AttendanceStatus, MinutesStatus
from koordination.domain.inputs.sittings import NO_VOTE
from koordination.domain.records.meetings import SittingRecord
from koordination.services.sittings.service import Sittings
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.areas.overview import OverviewArea
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.screens.sitting import NotesArea, SittingScreen

SIZE = (140, 40)
#: The demo's meetings lie in 2026/2027: the app believes it is this day.
TODAY = date(2026, 9, 1)
AK = "AK Stadtteilarbeit"


def stored(url: str, sitting_id: int) -> SittingRecord:
    db = Database(url)
    try:
        return Sittings(db).get(sitting_id)
    finally:
        db.dispose()


def notifications(app: KoordinationApp) -> list[str]:
    """The toasts on screen right now, as the user reads them."""
    return [str(toast.render()) for toast in app.screen.query("Toast").results(Static)]


async def open_sitting(pilot: Any, app: KoordinationApp, day: date) -> SittingScreen:
    """From the Termine area: highlight the AK's date and press Enter."""
    await settle(pilot, app)
    await pilot.press("6")
    await settle(pilot, app)
    area = app.query_one(MeetingsArea)
    index = next(i for i, r in enumerate(area.rows) if r.title == AK and r.start.date() == day)
    area.table.move_cursor(row=index, animate=False)
    area.table.focus()
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, SittingScreen)
    assert screen.record is not None
    return screen


async def goto_item(pilot: Any, app: KoordinationApp, screen: SittingScreen, title: str) -> int:
    """Protokoll tab, the item called ``title`` highlighted; returns its index."""
    await pilot.press("3")
    await settle(pilot, app)
    assert screen.record is not None
    index = next(i for i, item in enumerate(screen.record.items) if item.title == title)
    screen.query_one("#sitting-items", DataTable).move_cursor(row=index, animate=False)
    await settle(pilot, app)
    return index


async def test_enter_in_termine_opens_the_sitting_with_its_agenda(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        assert screen.record.minutes_status == MinutesStatus.ZUR_GENEHMIGUNG
        agenda = screen.query_one("#sitting-agenda", DataTable)
        titles = [agenda.get_row_at(i)[3].plain.strip() for i in range(agenda.row_count)]
        assert titles == [item.title for item in screen.record.items]
        hints = [agenda.get_row_at(i)[5].plain for i in range(agenda.row_count)]
        assert any("ständig" in h for h in hints)
        assert "zur Genehmigung" in text_of(screen.query_one("#sitting-status", Static))
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, SittingScreen)


async def test_fast_typing_is_saved_after_a_pause_not_per_key(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = Sittings.set_notes

    def counting(self: Sittings, item_id: int, text: str) -> None:
        calls.append(text)
        real(self, item_id, text)

    monkeypatch.setattr(Sittings, "set_notes", counting)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        index = await goto_item(pilot, app, screen, "Verschiedenes")
        item = screen.record.items[index]
        await pilot.press("enter")
        notes = screen.query_one(NotesArea)
        assert screen.focused is notes
        notes.move_cursor(notes.document.end)
        typed = "Termin fuer das Stadtteilfest steht fest"
        await pilot.press(*["space" if c == " " else c for c in typed])
        assert notes.text.endswith(typed)
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        await settle(pilot, app)
        assert stored(demo_db, screen.record.id).items[index].notes.endswith(typed)
        # One save after the last key, not one per key.
        assert 1 <= len(calls) <= 2
        assert item.id == screen.notes_item


async def test_leaving_an_item_saves_its_notes_at_once(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        index = await goto_item(pilot, app, screen, "Verschiedenes")
        await pilot.press("enter")
        await pilot.press("ctrl+end", "x", "y", "z", "escape", "up")
        await app.workers.wait_for_complete()
        await settle(pilot, app)
        assert stored(demo_db, screen.record.id).items[index].notes.endswith("xyz")


async def test_decision_needs_a_vote_then_consensus_and_a_task_are_recorded(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        index = await goto_item(pilot, app, screen, "Verschiedenes")
        await pilot.press("ctrl+b")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-wording", Input).value = "Der AK lädt zum Nachbarschaftsfest ein."
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        assert NO_VOTE in text_of(form.query_one("#form-summary", Static))
        form.query_one("#field-how", Select).value = "konsens"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        decision = stored(demo_db, screen.record.id).items[index].decisions[-1]
        assert decision.wording == "Der AK lädt zum Nachbarschaftsfest ein."
        assert decision.consensus
        assert "im Konsens" in text_of(screen.query_one("#sitting-item-results", Static))

        await pilot.press("ctrl+t")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-title", Input).value = "Plakate drucken lassen"
        person = screen.record.attendance[0]
        form.query_one("#field-person_id", Select).value = person.person_id
        form.query_one("#field-due", Input).value = "31.13.2026"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form  # not a date
        form.query_one("#field-due", Input).value = "30.11.2026"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        task = stored(demo_db, screen.record.id).items[index].tasks[-1]
        assert (task.title, task.assignee, task.due) == (
            "Plakate drucken lassen",
            person.name,
            date(2026, 11, 30),
        )
        assert "Plakate drucken lassen" in text_of(
            screen.query_one("#sitting-item-results", Static)
        )


async def test_toggling_attendance_updates_the_sector_counts(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        await pilot.press("2")
        await settle(pilot, app)
        before = text_of(screen.query_one("#sitting-sectors", Static))
        row = next(
            i
            for i, a in enumerate(screen.record.attendance)
            if a.status == AttendanceStatus.ANWESEND and a.sector is not None
        )
        person = screen.record.attendance[row]
        screen.query_one("#sitting-attendance", DataTable).move_cursor(row=row)
        await pilot.press("space")
        await settle(pilot, app)
        after = text_of(screen.query_one("#sitting-sectors", Static))
        assert after != before
        assert stored(demo_db, screen.record.id).attendance[row].status == (
            AttendanceStatus.ABWESEND
        )
        await pilot.press("space")
        await settle(pilot, app)
        assert text_of(screen.query_one("#sitting-sectors", Static)) == before
        # e is Bearbeiten everywhere: here it changes nothing; F marks excused, G a guest.
        await pilot.press("e")
        await settle(pilot, app)
        table = screen.query_one("#sitting-attendance", DataTable)
        assert table.get_row_at(row)[3].plain == "anwesend"
        await pilot.press("F")
        await settle(pilot, app)
        row_cells = table.get_row_at(row)
        assert row_cells[0] == person.name
        assert row_cells[3].plain == "entschuldigt"
        await pilot.press("G")
        await settle(pilot, app)
        assert table.get_row_at(row)[3].plain == "Gast"


async def approve(pilot: Any, app: KoordinationApp, screen: SittingScreen) -> None:
    await pilot.press("ctrl+g")
    await settle(pilot, app)
    form = app.screen
    assert isinstance(form, FormScreen)
    assert form.query_one("#field-by", Input).value == AK
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    assert app.screen is screen


async def test_approving_freezes_the_minutes_and_shows_the_fingerprint(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        await approve(pilot, app, screen)
        record = stored(demo_db, screen.record.id)
        assert record.minutes_status == MinutesStatus.GENEHMIGT
        assert "Protokoll: genehmigt" in text_of(screen.query_one("#sitting-status", Static))
        frozen = screen.query_one("#sitting-frozen", Static)
        assert frozen.display
        assert record.versions[-1].fingerprint in text_of(frozen)
        await pilot.press("3")
        await settle(pilot, app)
        notes = screen.query_one(NotesArea)
        assert notes.read_only
        before = notes.text
        notes.focus()
        await pilot.press("a", "b")
        assert notes.text == before
        # Editing actions are off: no decision form opens.
        await pilot.press("ctrl+b")
        await settle(pilot, app)
        assert app.screen is screen


async def test_approving_a_draft_is_refused_until_it_is_submitted(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 10, 13))
        assert screen.record is not None
        assert screen.record.frozen
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)
        assert "Protokoll: Entwurf" in text_of(screen.query_one("#sitting-status", Static))
        await pilot.press("ctrl+g")
        await settle(pilot, app)
        assert app.screen is screen
        assert any("zuerst zur Genehmigung geben" in n for n in notifications(app))
        assert stored(demo_db, screen.record.id).minutes_status == MinutesStatus.ENTWURF
        await pilot.press("ctrl+f")
        await settle(pilot, app)
        assert stored(demo_db, screen.record.id).minutes_status == (MinutesStatus.ZUR_GENEHMIGUNG)
        await approve(pilot, app, screen)
        record = stored(demo_db, screen.record.id)
        assert [v.number for v in record.versions] == [1, 2]


@pytest.mark.skipif(
    importlib.util.find_spec("koordination.outputs.document.markdown") is None,
    reason="koordination.outputs.document (the format writers) is not there yet",
)
async def test_exporting_approved_minutes_as_markdown_shows_the_fingerprint(
    demo_db: str, tmp_path: Path
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        await approve(pilot, app, screen)
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-document", Select).value = "protokoll"
        dialog.query_one("#export-format", Select).value = "md"
        await settle(pilot, app)
        target = Path(dialog.query_one("#export-path", Input).value)
        assert target.parent == tmp_path / "exports"
        assert target.name == "2026-11-10-ak-stadtteilarbeit-protokoll.md"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        fingerprint = stored(demo_db, screen.record.id).versions[-1].fingerprint
        assert fingerprint in target.read_text(encoding="utf-8")
        assert any("Gespeichert" in n for n in notifications(app))


async def test_overview_shows_open_and_overdue_tasks(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        text = text_of(app.query_one("#overview-tasks", Static))
        assert text.splitlines()[0].startswith("Aufgaben")
        assert "offen" in text
        assert "Fatma Winter: Förderantrag" in text
        assert "überfällig" not in text
        # A week after the first task was due it shows as overdue, at the top.
        move_to(app, date(2026, 11, 22))
        app.query_one(OverviewArea).reload()
        await settle(pilot, app)
        lines = text_of(app.query_one("#overview-tasks", Static)).splitlines()
        assert lines[0] == "Aufgaben  3 offen, 1 überfällig"
        assert lines[1].startswith("15.11.26 Fatma Winter: Förderantrag")
