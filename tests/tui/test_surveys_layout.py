"""Umfragen at the user's seat: 80×24, the keys of the one keymap, nothing important cut."""

from __future__ import annotations

from typing import Any

from textual.strip import Strip
from textual.widgets import DataTable
from tui_support import make_app, settle

from koordination.tui.app import KoordinationApp
from koordination.tui.areas.surveys import SurveysArea
from koordination.tui.dialogs.survey import SurveyFormScreen
from koordination.tui.screens.questionnaire import QuestionnaireScreen
from koordination.tui.screens.survey_results import SurveyResultsScreen
from koordination.tui.widgets.bar_chart import BarChart

SMALL = (80, 24)


def screen_lines(app: KoordinationApp) -> list[str]:
    """The terminal's lines as the user sees them."""
    update = app.screen._compositor.render_full_update()
    return ["".join(s.text for s in line) for line in update.strips]  # type: ignore[union-attr]


def widget_lines(widget: Any) -> list[str]:
    strips: list[Strip] = [widget.render_line(y) for y in range(widget.size.height)]
    return [s.text for s in strips]


def column_widths(table: DataTable[Any]) -> dict[str, int]:
    return {str(c.label): c.width for c in table.columns.values()}


async def test_surveys_at_80x24_edit_with_e_results_with_E_titles_and_counts_readable(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await pilot.press("8")
        await settle(pilot, app)
        area = app.query_one(SurveysArea)
        widths = column_widths(area.table)
        # The title keeps at least 18 cells; the audience dropped out for room (the detail
        # under the list names it), the status stays.
        assert widths["Titel"] >= 18 and "Status" in widths and "Zielgruppe" not in widths
        shown = "\n".join(screen_lines(app))
        assert "Bürgerbefragung Engagement" in shown
        assert "Bürgerinnen und Bürger" in shown  # in the detail
        footer = screen_lines(app)[-1]
        assert "Fragebogen" in footer and "e Bearbeiten" in footer and "E Ergebnisse" in footer

        # e: the survey's own form; nothing changed, Esc goes straight back.
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, SurveyFormScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen.query(SurveysArea)

        # Enter: the questionnaire, every question readable at 80 columns.
        await pilot.press("enter")
        await settle(pilot, app)
        editor = app.screen
        assert isinstance(editor, QuestionnaireScreen)
        widths = column_widths(editor.table)
        assert widths["Frage"] >= 36 and "Pflicht" not in widths
        shown = "\n".join(screen_lines(app))
        assert "Fragebogen – Bürgerbefragung Engagement 2026" in shown
        assert "Engagieren Sie sich ehrenamtlich?" in shown
        assert "Wie viele Stunden im Monat etwa?" in shown
        await pilot.press("escape")
        await settle(pilot, app)

        # E: the results; every answer's share and count on the line of its label.
        await pilot.press("E")
        await settle(pilot, app)
        results = app.screen
        assert isinstance(results, SurveyResultsScreen)
        await pilot.pause(0.2)
        await settle(pilot, app)
        chart = results.query(BarChart).first()
        lines = [line for line in widget_lines(chart) if line.strip()]
        assert lines and all(line.rstrip().endswith(")") for line in lines)
        first = next(line for line in lines if line.startswith("unter 18"))
        assert "%" in first and "(" in first
        assert "Wie alt sind Sie?" in "\n".join(screen_lines(app))
