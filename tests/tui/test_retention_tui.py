"""The retention rules in the interface at 80×24: the Übersicht warns while periods are
undecided and M (or the palette) opens the rules; a period or a reasoned "keine Löschung" is
decided in a dialog that says what is missing; the warning counts down and goes once all are
decided; a run deletes what the preview shows only after a confirmation."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from snapshot_support import snap
from test_forms import type_text
from textual.widgets import DataTable, Static
from tui_support import make_app, settle, text_of

from koordination.db.engine import Database
from koordination.paths import exports_dir
from koordination.services.privacy.retention import Retention
from koordination.services.privacy.retention_rules import RULE_KINDS
from koordination.tui.dialogs.form import ConfirmScreen
from koordination.tui.screens.retention import RetentionScreen, RuleDialog


def _card(app: object) -> str:
    card = app.query_one("#overview-privacy", Static)  # type: ignore[attr-defined]
    return " ".join(text_of(card).split()) if card.display else ""


def _states(url: str) -> dict[str, object]:
    db = Database(url)
    try:
        return {s.kind: s for s in Retention(db).rules()}
    finally:
        db.dispose()


async def test_the_warning_leads_to_the_rules_where_each_period_is_decided(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert "Aufbewahrung: 8 von 8 Fristen nicht festgelegt" in _card(app)
        await pilot.press("M")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, RetentionScreen)
        table = screen.query_one("#retention-table", DataTable)
        assert table.row_count == len(RULE_KINDS)
        assert "8 von 8 nicht festgelegt" in text_of(screen.query_one("#retention-title", Static))
        assert "Keine Regel ist eingeschaltet" in text_of(
            screen.query_one("#retention-preview", Static)
        )
        # Everything of the first screen fits: the table, the rule, the buttons.
        assert screen.query_one(".dialog-buttons").region.bottom <= 23
        await snap(pilot, app, "retention-rules")

        # Guests: 12 months.
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, RuleDialog)
        months = app.screen.query_one("#rule-months")
        assert app.focused is months
        await pilot.press("end", "backspace", "backspace", "backspace")  # the suggestion goes
        await settle(pilot, app)
        assert "Monate: bitte eine Zahl" in text_of(app.screen.query_one("#rule-problem", Static))
        await type_text(pilot, "12")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, RetentionScreen)

        # Backups: kept without deletion, which needs a reason.
        table.move_cursor(row=list(RULE_KINDS).index("backups"))
        await pilot.press("e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, RuleDialog)
        await pilot.click("#mode-keep")
        await settle(pilot, app)
        assert "Begründung: bitte sagen" in text_of(dialog.query_one("#rule-problem", Static))
        await pilot.click("#rule-reason")
        await type_text(pilot, "unbefristet, weil das Rechenzentrum sie nach 90 Tagen löscht")
        await settle(pilot, app)
        await snap(pilot, app, "retention-rule-keep")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "6 von 8 nicht festgelegt" in text_of(screen.query_one("#retention-title", Static))
        await pilot.press("escape")
        await settle(pilot, app)
        assert "Aufbewahrung: 6 von 8 Fristen nicht festgelegt" in _card(app)

    states = _states(demo_db)
    assert (states["guests"].enabled, states["guests"].months) == (True, 12)  # type: ignore[attr-defined]
    assert states["backups"].status == "unbefristet"  # type: ignore[attr-defined]
    assert states["backups"].reason.startswith("unbefristet, weil")  # type: ignore[attr-defined]


async def test_all_decided_the_warning_goes_and_a_run_deletes_after_confirmation(
    demo_db: str,
) -> None:
    db = Database(demo_db)
    retention = Retention(db)
    for kind in RULE_KINDS:
        if kind != "exports":
            retention.keep(kind, "unbefristet, weil der Test es so festlegt")
    retention.set_rule("exports", 6, True)
    db.dispose()
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "personen-2019.csv"
    old.write_text("Name;E-Mail\n", encoding="utf-8")
    stamp = datetime(2019, 5, 1, tzinfo=UTC).timestamp()
    os.utime(old, (stamp, stamp))

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert "Aufbewahrung" not in _card(app)
        # The palette finds the rules too.
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await type_text(pilot, "Aufbewahrungsfristen")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, RetentionScreen)
        preview = text_of(screen.query_one("#retention-preview", Static))
        assert "personen-2019.csv" in preview
        await pilot.press("Z")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing is deleted
        await settle(pilot, app)
        assert old.exists()
        await pilot.press("Z")
        await settle(pilot, app)
        await pilot.press("j")
        await settle(pilot, app)
        assert not old.exists()
        assert "Nichts zu löschen." in text_of(screen.query_one("#retention-preview", Static))
