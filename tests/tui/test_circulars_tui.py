"""Rundmails in the interface at 80×24: O (or the palette) opens the history from any area; n
writes one, and the preview says who receives it, who does not and why, and shows the first
message; Strg+S stores it and asks whether to send now; sending runs with progress against a
real SMTP server on 127.0.0.1 and the history shows every recipient's state."""

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
from textual.widgets import DataTable, Static, TextArea
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
def network_db(migrated_sqlite: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    path = migrated_sqlite()
    db = Database(str(path))
    try:
        build_network(db)
    finally:
        db.dispose()
    url = f"sqlite:///{path}"
    monkeypatch.setitem(APP_CLOCKS, url, Clock.fixed(NOW))
    return url


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
        await type_text(pilot, "gruppe:AK Stadtteilarbeit; sektor:Wirtschaft")
        body = compose.query_one("#compose-body", TextArea)
        body.text = "das **Stadtteilfest** am 12.06. sucht Hilfe.\n\nIhre Koordinierungsstelle"
        await pilot.pause(PREVIEW_DELAY + 0.1)
        await settle(pilot, app)
        preview = " ".join(text_of(compose.query_one("#compose-preview", Static)).split())
        assert "Empfänger: 3" in preview
        assert "Clara Sommer: keine Einwilligung „Informationen der Koordinierungsstelle" in preview
        assert "Emil Roth: Verarbeitung eingeschränkt (Art. 18 DSGVO)" in preview
        assert "Erste Nachricht (an Jona Keller) Betreff: Helfende für das Stadtteilfest" in preview
        assert "Guten Tag Jona Keller," in preview
        # The way to save and to leave stays in view at 80×24.
        assert compose.query_one(".dialog-buttons").region.bottom <= 23
        await snap(pilot, app, "circular-compose")

        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
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
