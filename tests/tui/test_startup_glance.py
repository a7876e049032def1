"""On a SQLite file the Übersicht's figures are painted before the core is open: the first
useful frame imports neither SQLAlchemy nor the models, the core loads after it, and a key
pressed meanwhile is not lost (its area loads once the core is open; other keys are typed
again, in order, once the window stands)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest
from textual.widgets import Input, Static, TabbedContent
from tui_support import APP_CLOCKS, QuietApp, make_app, settle

import koordination.core
from koordination.clock import SYSTEM_CLOCK
from koordination.tui.app import KoordinationApp
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.widgets.lazy_table import LazyTable

SMALL = (80, 24)


def test_the_figures_are_painted_before_sqlalchemy_and_the_models_are_imported(
    demo_db: str,
) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from textual.widgets import Static, TabbedContent
        from koordination.tui.app import KoordinationApp

        seen = {{}}

        class Probe(KoordinationApp):
            def _show_glance(self, glance):
                super()._show_glance(glance)
                seen["modules"] = sorted(sys.modules)
                seen["core"] = self.core is not None
                seen["sectors"] = str(self.query_one("#overview-sectors", Static).content)

        async def main():
            app = Probe({demo_db!r})
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(400):
                    await pilot.pause(0.02)
                    if app.core is not None:
                        break
                await app.workers.wait_for_complete()
            print(json.dumps(seen))

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["core"] is False
    assert "Gesamt" in seen["sectors"]
    modules = set(seen["modules"])
    for absent in (
        "sqlalchemy",
        "alembic",
        "koordination.domain.models",
        "koordination.services",
        "tomllib",
    ):
        assert absent not in modules, absent


@pytest.fixture
def held_core(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The core opens only once the returned event is set (the figures come first anyway)."""
    release = threading.Event()
    real_open_core = koordination.core.open_core

    def held_open_core(*args: Any, **kwargs: Any) -> koordination.core.Core:
        release.wait(timeout=60)
        return real_open_core(*args, **kwargs)

    monkeypatch.setattr(koordination.core, "open_core", held_open_core)
    return release


async def glance_shown(pilot: Any, app: KoordinationApp) -> None:
    for _ in range(500):
        await pilot.pause(0.02)
        shell = app.query("#shell")
        if app.glance is not None and shell and shell.first().display:
            return
    raise AssertionError("Die Zahlen der Übersicht erschienen nicht vor dem Kern.")


def sectors(app: KoordinationApp) -> str:
    return str(app.query_one("#overview-sectors", Static).content)


async def test_a_key_pressed_before_the_core_is_open_reaches_its_area(
    demo_db: str, held_core: threading.Event
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await glance_shown(pilot, app)
        assert app.core is None
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one("#areas", TabbedContent).active == "tab-people"
        held_core.set()
        await settle(pilot, app)
        people = app.area("people")
        assert people is not None and people.core is app.core and people.active
        assert app.query_one("#people-table", LazyTable).row_count > 100
        assert app._startup_done  # the collector back on, the other areas prepared


async def test_the_core_paints_the_figures_of_the_glance_again(
    demo_db: str, held_core: threading.Event
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await glance_shown(pilot, app)
        first = sectors(app)
        assert "Gesamt" in first and app.core is None
        held_core.set()
        await settle(pilot, app)
        assert app.core is not None and app.area("overview").overview is not None
        assert sectors(app) == first


async def test_an_area_key_pressed_before_the_tabs_exist_is_not_lost(
    demo_db: str, held_core: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without figures from the file (PostgreSQL, a file to upgrade) the splash stands until
    # the tabs are mounted behind it: a key pressed then is shown once they stand.
    monkeypatch.setattr(koordination.core, "first_glance", lambda *args: None)

    class Early(QuietApp):
        async def _mount_shell(self) -> None:
            await self.action_show_area("organisations")  # the key, before the tabs stand
            await super()._mount_shell()

    app = Early(demo_db, APP_CLOCKS.get(demo_db, SYSTEM_CLOCK))
    async with app.run_test(size=SMALL) as pilot:
        for _ in range(500):
            await pilot.pause(0.02)
            if app._shell_mounted:
                break
        assert app.glance is None and app.core is None
        assert app.query_one("#areas", TabbedContent).active == "tab-organisations"
        held_core.set()
        await settle(pilot, app)
        organisations = app.area("organisations")
        assert organisations is not None and organisations.active
        assert organisations.core is app.core


async def test_keys_typed_before_the_core_is_open_are_typed_again_in_order(
    demo_db: str, held_core: threading.Event
) -> None:
    # "2n" and a word typed while the figures stand: Personen at once, then (once the core is
    # open) a new person's form with the word in its first field. The "n" used to be lost.
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await glance_shown(pilot, app)
        for key in ("2", "n", "H", "e", "r", "r"):
            await pilot.press(key)
        await pilot.pause()
        assert app.core is None
        assert app.query_one("#areas", TabbedContent).active == "tab-people"
        assert not isinstance(app.screen, FormScreen)  # nothing to open a form with yet
        held_core.set()
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "Person anlegen" in str(form.query_one(".dialog-title", Static).content)
        assert isinstance(app.focused, Input) and app.focused.value == "Herr"
        await pilot.press("escape", "j")  # typed now: they act at once
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert app.early_keys.held is None
    people = app.area("people")
    assert people is not None and people.active


async def test_keys_typed_before_the_tabs_exist_are_typed_again_in_order(
    demo_db: str, held_core: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without figures from the file the splash stands until the core is open: "3n" typed then
    # shows Organisationen and a new organisation's form once the window stands.
    monkeypatch.setattr(koordination.core, "first_glance", lambda *args: None)
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.core is None
        for key in ("3", "n"):
            await pilot.press(key)
        held_core.set()
        await settle(pilot, app)
        assert app.query_one("#areas", TabbedContent).active == "tab-organisations"
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "Organisation anlegen" in str(form.query_one(".dialog-title", Static).content)
