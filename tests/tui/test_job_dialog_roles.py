"""The Versand and the Aufbewahrungsregeln on a shared PostgreSQL database, at 80×24: a login
whose role does not allow the job sees what is due and the rules, and is refused the job with
the German reason however it is asked for (its key, Enter on a row, the button); no
confirmation opens and nothing is decided."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from support.roles import Shared, shared_database
from textual.widgets import DataTable
from tui_support import make_app, move_to, settle

from koordination.db.engine import Database
from koordination.services.privacy.retention import Retention
from koordination.tui.app import KoordinationApp
from koordination.tui.screens.outgoing import OutgoingScreen
from koordination.tui.screens.retention import RetentionScreen

pytestmark = pytest.mark.postgres

#: The day before the AK's December date: reminders are due, approved minutes not sent.
DAY = date(2026, 12, 14)


@pytest.fixture
def shared(
    pg_url: str, pg_cluster: object, templates: object, capsys: pytest.CaptureFixture[str]
) -> Iterator[Shared]:
    yield from shared_database(pg_url, pg_cluster, templates, capsys)


async def _refused(pilot: object, app: KoordinationApp, how: str) -> list[str]:
    """Ask for the job by key or (``#id``) by button; the refusals shown."""
    app.clear_notifications()
    if how.startswith("#"):
        await pilot.click(how)  # type: ignore[attr-defined]
    else:
        await pilot.press(how)  # type: ignore[attr-defined]
    await settle(pilot, app)
    return [n.message for n in app._notifications if n.title == "Nicht erlaubt"]


def _decided(url: str) -> list[bool]:
    db = Database(url)
    try:
        return [state.decided for state in Retention(db).rules()]
    finally:
        db.dispose()


async def test_a_reading_login_sees_what_is_due_and_is_refused_sending(shared: Shared) -> None:
    login, url = shared.login("Lesen")
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        move_to(app, DAY)
        await settle(pilot, app)
        await pilot.press("Q")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, OutgoingScreen)
        assert screen.query_one("#outgoing-table", DataTable).row_count == 6
        for how in ("enter", "Q", "#outgoing-send"):
            shown = await _refused(pilot, app, how)
            assert app.screen is screen, f"{how}: no confirmation opens"
            assert any(
                f"Ihre Anmeldung '{login}' hat die Rolle Lesen" in m
                and "Bitten Sie die Koordinierungsstelle um die Rolle Bearbeiten." in m
                for m in shown
            ), (how, shown)


async def test_an_editing_login_sees_the_rules_and_is_refused_deciding_and_deleting(
    shared: Shared,
) -> None:
    before = _decided(shared.owner_url)
    login, url = shared.login("Bearbeiten")
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("M")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, RetentionScreen)
        assert screen.query_one("#retention-table", DataTable).row_count == len(before)
        # e is an edit the role allows elsewhere: the rules themselves need Datenschutz.
        for how in ("e", "enter", "#retention-edit", "#retention-run", "Z"):
            shown = await _refused(pilot, app, how)
            assert app.screen is screen, f"{how}: no dialog or confirmation opens"
            assert any(
                f"Ihre Anmeldung '{login}' hat die Rolle Bearbeiten" in m
                and "Bitten Sie die Koordinierungsstelle um die Rolle Datenschutz." in m
                for m in shown
            ), (how, shown)
    assert _decided(shared.owner_url) == before
