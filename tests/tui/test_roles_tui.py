"""A login with the role Lesen on a shared PostgreSQL database: the header names the login and
its role, and an edit is refused with the German reason, at 80×24."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.roles import Shared, shared_database
from tui_support import make_app, settle

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared(
    pg_url: str, pg_cluster: object, templates: object, capsys: pytest.CaptureFixture[str]
) -> Iterator[Shared]:
    yield from shared_database(pg_url, pg_cluster, templates, capsys)


async def test_a_reading_login_sees_its_role_and_is_refused_an_edit(shared: Shared) -> None:
    login, url = shared.login("Lesen")
    people = shared.scalar("SELECT count(*) FROM person")
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.sub_title.startswith(f"Lesen ({login}) · Koordinierungsstelle")
        await pilot.press("2")
        await settle(pilot, app)
        for key in ("n", "e", "delete"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot, app)
            assert len(app.screen_stack) == 1, f"{key}: no form or dialog opens"
            shown = [n.message for n in app._notifications]
            wanted = "Datenschutz" if key == "delete" else "Bearbeiten"
            assert any(
                f"Ihre Anmeldung '{login}' hat die Rolle Lesen" in m
                and f"Bitten Sie die Koordinierungsstelle um die Rolle {wanted}." in m
                for m in shown
            ), (key, shown)
    assert shared.scalar("SELECT count(*) FROM person") == people


async def test_an_editing_login_is_refused_restriction_objection_access_and_erasure(
    shared: Shared,
) -> None:
    login, url = shared.login("Bearbeiten")
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        for key in ("X", "ctrl+w", "U", "delete"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot, app)
            assert len(app.screen_stack) == 1, f"{key}: no form or dialog opens"
            shown = [n.message for n in app._notifications]
            assert any(
                f"Ihre Anmeldung '{login}' hat die Rolle Bearbeiten" in m
                and "Bitten Sie die Koordinierungsstelle um die Rolle Datenschutz." in m
                for m in shown
            ), (key, shown)
    assert shared.scalar("SELECT count(*) FROM person WHERE restricted_at IS NOT NULL") == 0
    assert shared.scalar("SELECT count(*) FROM objection") == 0
