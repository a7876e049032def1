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
