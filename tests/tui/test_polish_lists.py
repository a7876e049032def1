"""Aufgaben and Netzwerk tables at the user's seat: whole titles and names at 80×24 (columns
drop out first), nothing that fits cut at 120×40; Esc leaves a Stadtprofil field."""

from __future__ import annotations

from typing import Any

from test_lists import screen_lines
from textual.widgets import DataTable, Input, TextArea
from tui_support import make_app, settle

from koordination.services.directory.service import Directory
from koordination.tui.areas.city import CityArea
from koordination.tui.areas.network import BALANCE_COLUMNS, NetworkArea
from koordination.tui.areas.tasks import TasksArea

SMALL = (80, 24)
LARGE = (120, 40)


def column_keys(table: DataTable[Any]) -> list[str]:
    return [str(key.value) for key in table.columns]


async def test_at_80_columns_task_titles_are_whole_and_dropped_columns_show_below(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await settle(pilot, app)
        area = app.query_one(TasksArea)
        shown = "\n".join(screen_lines(app))
        assert area.shown
        for task in area.shown:
            assert task.title in shown, shown
        # Who comes first in the line under the table, then the other dropped columns.
        hidden = "\n".join(screen_lines(app)[-5:])
        assert "Wer: Fatma Winter" in hidden and "Stand: offen" in hidden, hidden


async def test_network_tables_keep_names_at_80_and_cut_nothing_at_120(demo_db: str) -> None:
    for size in (SMALL, LARGE):
        app = make_app(demo_db)
        async with app.run_test(size=size) as pilot:
            await settle(pilot, app)
            await pilot.press("0")
            await settle(pilot, app)
            area = app.query_one(NetworkArea)
            assert area.balance is not None and area.cooperation is not None
            balance = app.query_one("#network-balance", DataTable)
            shown = "\n".join(screen_lines(app))
            for group in area.balance.groups:
                # 80 columns: the longest name may lose its end, never below 30 cells.
                assert group.name[:30] in shown, shown
            await pilot.press("greater_than_sign", "greater_than_sign")
            await settle(pilot, app)
            orgs = app.query_one("#network-orgs", DataTable)
            lines = screen_lines(app)
            names = [o.organisation.name for o in area.cooperation.organisations]
            visible = [name for name in names if any(name in line for line in lines)]
            assert len(visible) >= 4, "\n".join(lines)
            if size == SMALL:
                # The counts go first (the detail names groups and partners), the sector stays.
                assert column_keys(orgs) == ["name", "sector"]
                assert "ohne" not in column_keys(balance)
            else:
                assert column_keys(orgs) == ["name", "sector", "groups", "partners", "sectors"]
                assert "Sektoren" in "\n".join(lines)
                assert len(column_keys(balance)) == len(BALANCE_COLUMNS)
                assert "Konsortium Engagierte Stadt Wiesenbrück" in shown


async def test_stadtprofil_shown_takes_no_typing_so_digits_switch_areas(
    city_db: str, directory: Directory
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        area = app.query_one(CityArea)
        assert not isinstance(app.focused, Input | TextArea)
        await pilot.press("6")
        await settle(pilot, app)
        assert app._active_area_id() == "meetings"
        assert "6 Termine" in screen_lines(app)[1]
        city = directory.get_city()
        assert city is not None and city.name == "Musterstadt"
        assert not area.unsaved_changes()


async def test_stadtprofil_e_edits_esc_leaves_and_a_digit_in_a_field_is_text(
    city_db: str,
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        area = app.query_one(CityArea)
        name = area.form.values()["name"]
        await pilot.press("e")  # Bearbeiten: into the first field
        await settle(pilot, app)
        assert isinstance(app.focused, Input) and app.focused.id == "field-name"
        await pilot.press("end", "6")  # in a field a digit is text, and the footer says so
        await settle(pilot, app)
        assert area.form.values()["name"] == name + "6"
        footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
        assert "Feld verlassen" in footer
        await pilot.press("backspace", "escape")
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        assert area.form.values()["name"] == name and not area.unsaved_changes()
        assert app._active_area_id() == "meetings"
