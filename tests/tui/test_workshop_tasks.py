"""The demo workshop's cards (new, dot-voted, turned into a task), the Aufgaben area with its
overdue task, and attachments of agenda items — driven like a coordinator on the demo city."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import DataTable, Input, Select, TextArea
from tui_support import make_app, move_to, settle

from koordination.db.engine import Database
from koordination.domain.records.meetings import SittingRecord, TaskRecord
from koordination.services.sittings.service import Sittings
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.areas.tasks import TasksArea
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.screens.sitting import SittingScreen

SIZE = (140, 40)
TODAY = date(2026, 9, 1)
#: The demo's workshop: meeting 6 on 20.06.2026, 8 cards in 3 clusters.
WORKSHOP = 6
WORKSHOP_DAY = date(2026, 6, 20)
OVERDUE = "Förderantrag Stadtteilfest bei der Bürgerstiftung stellen"


def stored(url: str, sitting_id: int) -> SittingRecord:
    db = Database(url)
    try:
        return Sittings(db).get(sitting_id)
    finally:
        db.dispose()


def all_tasks(url: str) -> list[TaskRecord]:
    db = Database(url)
    try:
        return Sittings(db).list_tasks()
    finally:
        db.dispose()


def cell(table: DataTable[Any], row: int, column: int) -> str:
    value = table.get_row_at(row)[column]
    return str(getattr(value, "plain", value))


def card_rows(table: DataTable[Any]) -> list[tuple[str, str]]:
    """(first column, dots column) of every row: cluster headings and cards."""
    return [(cell(table, i, 0).strip(), cell(table, i, 2)) for i in range(table.row_count)]


async def open_meeting(
    pilot: Any, app: KoordinationApp, meeting_id: int, day: date
) -> SittingScreen:
    """From the Termine area, shown from ``day``: highlight the meeting's date and press p."""
    await settle(pilot, app)
    await pilot.press("6")
    await settle(pilot, app)
    area = app.query_one(MeetingsArea)
    area.show_from(day)
    await settle(pilot, app)
    index = next(
        i for i, r in enumerate(area.rows) if r.meeting_id == meeting_id and r.start.date() == day
    )
    area.table.move_cursor(row=index, animate=False)
    area.table.focus()
    await settle(pilot, app)
    await pilot.press("p")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, SittingScreen)
    assert screen.record is not None
    return screen


async def open_workshop(pilot: Any, app: KoordinationApp) -> SittingScreen:
    screen = await open_meeting(pilot, app, WORKSHOP, WORKSHOP_DAY)
    await pilot.press("5")
    await settle(pilot, app)
    assert screen.active_tab == "workshop"
    return screen


async def test_workshop_tab_shows_the_cards_by_cluster_with_their_dots(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workshop(pilot, app)
        rows = card_rows(screen.query_one("#sitting-cards", DataTable))
        headings = [
            text for (text, _dots), card in zip(rows, screen.card_rows, strict=True) if card is None
        ]
        assert sorted(headings) == ["Anerkennung", "Junge Menschen", "Sichtbarkeit"]
        assert len(rows) == 8 + 3
        # The cluster with the most dots first, its best card right under the heading.
        assert rows[0] == ("Sichtbarkeit", "20 Punkte")
        assert rows[1] == ("Viele kennen das Freiwilligenzentrum nicht", "●●●●●●●● 8")


async def test_new_card_voted_up_moves_to_the_top_of_its_cluster(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workshop(pilot, app)
        assert screen.record is not None
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-text", Input).value = "Freiwilligenpreis der Stadt"
        form.query_one("#field-cluster", Input).value = "Anerkennung"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        table = screen.query_one("#sitting-cards", DataTable)
        card = screen.card_rows[table.cursor_row]
        assert card is not None and card.text == "Freiwilligenpreis der Stadt"
        assert card.votes == 0
        for _ in range(5):
            await pilot.press("plus")
            await settle(pilot, app)
        rows = card_rows(table)
        heading = next(i for i, (text, _dots) in enumerate(rows) if text == "Anerkennung")
        # Ehrenamtskarte had the most dots (4); the new card has 5 now.
        assert rows[heading + 1] == ("Freiwilligenpreis der Stadt", "●●●●● 5")
        assert rows[heading + 2][0] == "Ehrenamtskarte wird gut angenommen"
        await pilot.press("minus")
        await settle(pilot, app)
        new = next(c for c in stored(demo_db, screen.record.id).cards if c.id == card.id)
        assert (new.cluster, new.votes) == ("Anerkennung", 4)


async def test_a_card_turned_into_a_task_shows_up_in_the_aufgaben_area(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workshop(pilot, app)
        assert screen.record is not None
        table = screen.query_one("#sitting-cards", DataTable)
        row = next(
            i
            for i, c in enumerate(screen.card_rows)
            if c and c.text == "Monatliche Seite im Stadtanzeiger"
        )
        table.move_cursor(row=row, animate=False)
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        group_name, group_id = screen.groups[0]
        form.query_one("#field-group_id", Select).value = group_id
        form.query_one("#field-due", Input).value = "31.12.2026"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        task = next(t for t in all_tasks(demo_db) if t.title == "Monatliche Seite im Stadtanzeiger")
        assert (task.assignee, task.due) == (group_name, date(2026, 12, 31))
        row = next(i for i, c in enumerate(screen.card_rows) if c and c.task_id == task.id)
        assert cell(table, row, 3) == f"→ Aufgabe Nr. {task.id}"

        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("7")
        await settle(pilot, app)
        tasks = app.query_one(TasksArea)
        titles = [cell(tasks.table, i, 1) for i in range(tasks.table.row_count)]
        assert "Monatliche Seite im Stadtanzeiger" in titles


async def test_aufgaben_shows_the_overdue_task_in_red_and_d_marks_it_done(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        move_to(app, date(2026, 11, 22))
        await pilot.press("7")
        await settle(pilot, app)
        area = app.query_one(TasksArea)
        table = area.table
        # Sorted by due date: the overdue one first, in red.
        assert cell(table, 0, 1) == OVERDUE
        assert cell(table, 0, 5) == "überfällig"
        assert "red" in str(table.get_row_at(0)[0].style)
        assert "red" not in str(table.get_row_at(1)[0].style)
        dues = [area.shown[i].due for i in range(table.row_count)]
        assert dues == sorted(d for d in dues if d is not None)
        table.move_cursor(row=0, animate=False)
        await pilot.press("d")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)
        done = next(t for t in all_tasks(demo_db) if t.title == OVERDUE)
        assert done.done_on == date(2026, 11, 22)
        titles = [cell(table, i, 1) for i in range(table.row_count)]
        assert OVERDUE not in titles  # only open tasks are shown
        await pilot.press("o")
        await settle(pilot, app)
        row = next(i for i in range(table.row_count) if cell(table, i, 1) == OVERDUE)
        assert cell(table, row, 5) == "erledigt 22.11.2026"


async def test_attachments_of_an_agenda_item_are_saved_and_marked(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_meeting(pilot, app, WORKSHOP, WORKSHOP_DAY)
        assert screen.record is not None
        agenda = screen.query_one("#sitting-agenda", DataTable)
        agenda.move_cursor(row=1, animate=False)
        await pilot.press("e")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-attachments", TextArea).load_text(
            "Ablaufplan.pdf\n\nhttps://example.org/werkstatt\n"
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        item = stored(demo_db, screen.record.id).items[1]
        assert item.attachments == ("Ablaufplan.pdf", "https://example.org/werkstatt")
        assert "[2 Anlagen]" in cell(agenda, 1, 5)
        assert "[" not in cell(agenda, 0, 5)
