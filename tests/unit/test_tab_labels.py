"""The area tabs at the terminal's width: all ten fit, the active one spelled out (or short like
the others where that names every tab), and the names run from the left, never a named tab
after bare digits (at 80×24 the Termine area showed "7 Aufg.  8  9  0 Netz"); at 80 columns
every area is named."""

from __future__ import annotations

import pytest

from koordination.tui.areas.shell import AREA_SPECS, SHORT, TAB_PADDING, tab_labels


@pytest.mark.parametrize("width", [59, 79, 99, 119])
@pytest.mark.parametrize("active", [spec.id for spec in AREA_SPECS])
def test_the_tabs_fit_and_are_named_from_the_left(active: str, width: int) -> None:
    labels = tab_labels(active, width)
    assert sum(len(text) + TAB_PADDING for text in labels.values()) <= width
    titles = {spec.id: f"{spec.key} {spec.title}" for spec in AREA_SPECS}
    every_named = all(" " in text for text in labels.values())
    short = {spec.id: f"{spec.key} {SHORT[spec.id]}" for spec in AREA_SPECS}
    assert labels[active] == titles[active] or (
        every_named and labels[active] in (short[active], short[active].rstrip("."))
    )
    if width >= 79:
        assert every_named, labels
    named = [" " in text for area_id, text in labels.items() if area_id != active]
    assert named == sorted(named, reverse=True), labels


def test_at_80_columns_the_overview_names_all_ten_tabs() -> None:
    assert list(tab_labels("overview", 79).values()) == [
        "1 Übersicht", "2 Pers", "3 Org", "4 Grup", "5 Stadt", "6 Term", "7 Aufg",
        "8 Umfr", "9 Felder", "0 Netz",
    ]  # fmt: skip
