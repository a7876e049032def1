"""Columns of a narrow table: low priorities drop out first, a title keeps its minimum."""

from __future__ import annotations

from koordination.tui.widgets.column_fit import FitColumn, fit_columns

COLUMNS = [
    FitColumn("day", "Tag", 11, min_width=9),
    FitColumn("time", "Zeit", 11),
    FitColumn("title", "Termin", 30, min_width=18, grow=True),
    FitColumn("place", "Ort", 20, min_width=16, priority=2),
    FitColumn("status", "Status", 10, priority=1),
]


def test_narrow_tables_drop_place_then_status_and_keep_the_title() -> None:
    narrow = fit_columns(COLUMNS, 47)
    assert list(narrow) == ["day", "time", "title"]
    assert narrow["title"] >= 18
    middle = fit_columns(COLUMNS, 62)
    assert list(middle) == ["day", "time", "title", "status"]
    assert middle["status"] == 10
    wide = fit_columns(COLUMNS, 120)
    assert list(wide) == ["day", "time", "title", "place", "status"]
    assert wide["day"] == 11 and wide["place"] == 20
    assert sum(wide.values()) + 2 * len(wide) == 120


TASKS = [
    FitColumn("due", "Fällig", 10),
    FitColumn("title", "Aufgabe", 44, min_width=18, grow=True),
    FitColumn("assignee", "Wer", 24, min_width=12, priority=1),
    FitColumn("group", "Gruppe", 24, min_width=12, priority=3),
    FitColumn("origin", "Aus", 30, min_width=12, priority=4),
    FitColumn("state", "Stand", 19, min_width=10, priority=2),
]


def test_a_title_that_could_be_whole_drops_the_droppable_columns_instead_of_being_cut() -> None:
    needs = {"due": 10, "title": 58, "assignee": 27, "group": 26, "origin": 35, "state": 19}
    # 80 columns: the whole title, not the others' preferred widths and a 21-cell title.
    narrow = fit_columns(TASKS, 75, needs)
    assert list(narrow) == ["due", "title"] and narrow["title"] >= 58
    # Wider: who, then state come back at their minimum before the title is cut.
    middle = fit_columns(TASKS, 100, needs)
    assert list(middle) == ["due", "title", "assignee", "state"]
    assert middle["title"] >= 58 and middle["assignee"] >= 12
    assert sum(middle.values()) + 2 * len(middle) == 100
    # Short titles leave the room to the other columns, up to what their text needs.
    short = fit_columns(TASKS, 100, {**needs, "title": 20})
    assert list(short) == ["due", "title", "assignee", "group", "origin", "state"]
    assert short["title"] == 20 and short["assignee"] == 24
    # Too narrow for the whole title: it keeps its minimum and takes the rest.
    tiny = fit_columns(TASKS, 40, needs)
    assert list(tiny) == ["due", "title"] and tiny["title"] == 40 - 12 - 2
