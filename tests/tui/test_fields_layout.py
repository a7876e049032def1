"""Handlungsfelder at the user's seat: 80×24, the keys of the one keymap."""

from __future__ import annotations

from textual.widgets import Static
from tui_support import make_app, settle, text_of

from koordination.tui.app import KoordinationApp
from koordination.tui.areas.fields import FieldsArea
from koordination.tui.dialogs.form import FormScreen

SMALL = (80, 24)


def screen_lines(app: KoordinationApp) -> list[str]:
    update = app.screen._compositor.render_full_update()
    return ["".join(s.text for s in line) for line in update.strips]  # type: ignore[union-attr]


async def test_fields_at_80x24_show_tree_over_detail_and_e_edits_the_entry(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("9")
        await settle(pilot, app)
        area = app.query_one(FieldsArea)
        # Narrow: the detail sits under the tree, both on screen.
        tree, detail = area.field_tree, area.query_one("#fields-detail")
        assert detail.region.y >= tree.region.bottom and detail.region.bottom <= 23
        shown = "\n".join(screen_lines(app))
        assert "Engagement in den Stadtteilen" in shown and "Federführend" in shown
        footer = screen_lines(app)[-1]
        assert "e Bearbeiten" in footer and "V Verknüpfen" in footer

        await pilot.press("down", "down")
        await settle(pilot, app)
        text = text_of(area.query_one("#fields-detail-text", Static))
        assert "e: bearbeiten" in text and "#: Kennzahl" in text
        await pilot.press("e")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "Maßnahme bearbeiten – Treffpunkt Engagement im Südviertel" in "\n".join(
            screen_lines(app)
        )
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen.query(FieldsArea)
