"""Rundmails in the interface at 80×24: O (or the palette) opens the history from any area; n
writes one: the fields, one line each, and the text fit at 80×24 without scrolling, the
audience is completed as it is typed, a line under the text says whom it reaches, and F2 shows
the preview (who receives it, the first message, who does not and why) on its own tab; Strg+S
stores it and asks whether to send it now to that many people; sending runs with progress
against a real SMTP server on 127.0.0.1 and the history shows every recipient's state. Closing
the history while it sends stops after the message on its way, and the app goes on."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from snapshot_support import snap
from support.circulars import build_network
from test_forms import type_text
from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea
from tui_support import APP_CLOCKS, make_app, settle, text_of

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.tui.dialogs.form import ConfirmScreen
from koordination.tui.screens.circular_compose import PREVIEW_DELAY, ComposeCircularScreen
from koordination.tui.screens.circulars import CircularsScreen

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@dataclass
class Inbox:
    received: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        'from_email = "engagiert@wiesenbrueck.example.org"\ntimeout = 5\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KOORDINATION_CONFIG", str(config))
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def network_db(built_sqlite: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The circulars' network (tests/support/circulars.py) in a SQLite file, a copy of the one
    built once per run."""
    url = f"sqlite:///{built_sqlite(_build_network)}"
    monkeypatch.setitem(APP_CLOCKS, url, Clock.fixed(NOW))
    return url


def _build_network(db: Database) -> None:
    build_network(db)


async def test_a_circular_is_written_previewed_stored_and_sent_from_the_interface(
    network_db: str, smtp: Inbox
) -> None:
    app = make_app(network_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("O")
        await settle(pilot, app)
        history = app.screen
        assert isinstance(history, CircularsScreen)
        assert "Noch keine Rundmail" in text_of(history.query_one("#circulars-detail", Static))

        await pilot.press("n")
        await settle(pilot, app)
        compose = app.screen
        assert isinstance(compose, ComposeCircularScreen)
        await type_text(pilot, "Helfende für das Stadtteilfest")
        await pilot.press("tab")
        # A mistyped audience is said under the text, in German, whole.
        await type_text(pilot, "grupe:AK")
        await pilot.pause(PREVIEW_DELAY + 0.1)
        await settle(pilot, app)
        line = compose.query_one("#compose-summary", Static)
        assert text_of(line).startswith("„grupe:AK“ ist keine Empfängerangabe. Möglich sind")
        assert text_of(line).endswith("(zum Beispiel „gruppe:AK Stadtteilarbeit“).")
        assert line.has_class("-problem") and line.region.height == 3
        await pilot.press("ctrl+u")
        # The audience is completed from the directory; → takes the suggestion.
        await type_text(pilot, "gruppe:ak")
        await settle(pilot, app)
        await pilot.press("right")
        await type_text(pilot, "; sektor:wirt")
        await settle(pilot, app)
        await pilot.press("right")
        audience = compose.query_one("#compose-audience", Input)
        assert audience.value == "gruppe:AK Stadtteilarbeit; sektor:Wirtschaft"
        await pilot.press("tab", "tab", "tab")  # Anrede, Anhänge, the text
        body = compose.query_one("#compose-body", TextArea)
        assert app.focused is body
        await type_text(pilot, "das **Stadtteilfest** am 12.06. sucht Hilfe.")
        await pilot.pause(PREVIEW_DELAY + 0.1)
        await settle(pilot, app)
        # Every field and the text are in view at 80×24, with the line saying whom it reaches.
        for widget in (audience, body, compose.query_one("#compose-summary", Static)):
            assert widget.region.height > 0 and widget.region.bottom <= 22, widget
        assert body.region.height >= 6
        summary = text_of(compose.query_one("#compose-summary", Static))
        assert summary == "An 3 Personen, 5 nicht berücksichtigt"
        await snap(pilot, app, "circular-compose")

        # F2: the preview on its own tab; F2 again goes back to the text, where the cursor was.
        await pilot.press("f2")
        await settle(pilot, app)
        assert compose.query_one("#compose-tabs", TabbedContent).active == "compose-preview-tab"
        preview_text = compose.query_one("#compose-preview", Static)
        assert preview_text.region.height > 0
        preview = " ".join(text_of(preview_text).split())
        assert "Empfänger: 3" in preview
        assert "Erste Nachricht (an Jona Keller) Betreff: Helfende für das Stadtteilfest" in preview
        assert "Guten Tag Jona Keller," in preview
        assert "keine Einwilligung „Informationen der Koordinierungsstelle erhalten“ (1): " in (
            preview
        )
        assert "Verarbeitung eingeschränkt (Art. 18 DSGVO) (1): Emil Roth" in preview
        assert "Clara Sommer" in preview.partition("Nicht berücksichtigt: 5")[2]
        await snap(pilot, app, "circular-compose-preview")
        await pilot.press("f2")
        await settle(pilot, app)
        assert compose.query_one("#compose-tabs", TabbedContent).active == "compose-write"
        assert app.focused is body
        await type_text(pilot, " Ihre Koordinierungsstelle")
        assert body.text.endswith("Hilfe. Ihre Koordinierungsstelle")
        # The way to save and to leave stays in view at 80×24.
        assert compose.query_one(".dialog-buttons").region.bottom <= 23
        # Esc with something typed asks before throwing it away; "n" goes back to it.
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert text_of(app.screen.query_one(".dialog-title", Static)) == "Änderungen verwerfen?"
        await pilot.press("n")
        await settle(pilot, app)
        assert app.screen is compose and app.focused is body

        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one(".dialog-title", Static)
        assert text_of(question) == "Rundmail Nr. 1 jetzt an 3 Personen senden?"
        assert smtp.received == []  # stored, nothing sent before the answer
        await pilot.press("j")
        await settle(pilot, app)
        assert app.screen is history
        assert sorted(to for to, _ in smtp.received) == [
            ["bernd.weiss@example.org"],
            ["jona.keller@example.org"],
            ["monika.ulrich@example.org"],
        ]
        table = history.query_one("#circulars-table", DataTable)
        assert table.row_count == 1
        assert "3 von 3 gesendet" in str(table.get_row_at(0)[3])
        detail = text_of(history.query_one("#circulars-detail", Static))
        assert "Jona Keller <jona.keller@example.org>: gesendet" in detail
        await snap(pilot, app, "circulars-history")

        # Nothing left to send: S says so and sends nothing more.
        await pilot.press("S")
        await settle(pilot, app)
        assert len(smtp.received) == 3


async def test_the_palette_and_the_help_name_the_circulars(network_db: str) -> None:
    app = make_app(network_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        titles = [title for title, _help, _action in app.command_entries()]
        assert "Rundmails: schreiben, senden, Verlauf" in titles
        assert any(title.startswith("Rundmails (") for title, _keys in app.key_sections())
        await app.run_action("app.open_circulars")
        await settle(pilot, app)
        assert isinstance(app.screen, CircularsScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, CircularsScreen)


async def test_closing_the_history_while_it_sends_stops_after_the_message_on_its_way(
    network_db: str, smtp: Inbox
) -> None:
    from koordination.core import open_core
    from koordination.domain.records.circulars import CircularDraft

    core = open_core(network_db, clock=Clock.fixed(NOW))
    try:
        planned = core.circulars.create(
            CircularDraft("Treffen", "Wir treffen uns.", ("gruppe:AK Stadtteilarbeit",))
        )
    finally:
        core.db.dispose()
    app = make_app(network_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("O")
        await settle(pilot, app)
        history = app.screen
        assert isinstance(history, CircularsScreen)
        # 30 a minute: the first message goes at once, the next two seconds later.
        await pilot.press("S")
        for _ in range(1000):  # up to 20 s on a busy machine; the pace leaves 2 s after it
            await pilot.pause(0.02)
            if smtp.received:
                break
        assert smtp.received, "the first message did not arrive"
        label = text_of(history.query_one("#circulars-progress-label", Static))
        assert label.endswith("(S hält an)")
        await pilot.press("escape")  # the history closes while the worker waits
        await settle(pilot, app)
        assert not isinstance(app.screen, CircularsScreen)
        notices: list[str] = []
        for _ in range(1000):  # the stopped run reports when its worker ends (slow when busy)
            notices = [n.message for n in app._notifications]
            if any("gesendet" in n for n in notices):
                break
            await pilot.pause(0.02)
        assert app.is_running and app.return_code is None
        assert any("1 Nachricht(en) gesendet" in n for n in notices), notices
    assert len(smtp.received) == 1
    core = open_core(network_db, clock=Clock.fixed(NOW))
    try:
        record = core.circulars.get(planned.circular_id or 0)
    finally:
        core.db.dispose()
    assert [r.state.label for r in record.recipients].count("gesendet") == 1
    assert record.open  # the rest waits for S or `rundmail resume`
