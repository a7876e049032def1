"""Screens compared as Textual draws them: SVG screenshots at 80×24 and 120×40.

The stored pictures live in tests/tui/snapshots/; `make snapshots` (KOORDINATION_SNAPSHOTS=update)
draws them anew after a deliberate change, to be looked at before they are committed. A failing
comparison leaves the picture it got beside the stored one (``*.neu.svg``) for a side-by-side look.
One app run takes many pictures (resizing between them): starting an app per picture would cost
the suite a minute.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, Tabs, TextArea
from tui_support import settle

from koordination.tui.app import KoordinationApp

SNAPSHOTS = Path(__file__).with_name("snapshots")
#: The export folder the dialogs show: the same in every run (each test's own temporary folder
#: would change the pictures); nothing is written there, the tests leave before exporting.
SHOWN_EXPORTS = "/home/koordinierung/Exporte"
SIZES = ((80, 24), (120, 40))
UPDATE = os.environ.get("KOORDINATION_SNAPSHOTS") == "update"

# Rich numbers its SVG classes by a hash of the whole picture; the hash says nothing a reader
# needs and would make every small change rewrite every line.
_HASHED_ID = re.compile(r"terminal-\d+")


def _normalised(svg: str) -> str:
    return _HASHED_ID.sub("terminal", svg)


def check(got: str, name: str, folder: Path = SNAPSHOTS) -> None:
    """Compare the picture ``got`` with the stored picture ``name`` (in ``folder``)."""
    stored = folder / f"{name}.svg"
    fresh = folder / f"{name}.neu.svg"
    if UPDATE:
        folder.mkdir(exist_ok=True)
        stored.write_text(got, encoding="utf-8")
        fresh.unlink(missing_ok=True)
        return
    if not stored.exists():
        raise AssertionError(
            f"Kein gespeichertes Bild {stored.name}: mit `make snapshots` zeichnen und ansehen."
        )
    if stored.read_text(encoding="utf-8") != got:
        fresh.write_text(got, encoding="utf-8")
        raise AssertionError(
            f"Der Bildschirm {name} sieht anders aus als gespeichert: {stored} und {fresh} "
            "vergleichen; gewollt: `make snapshots`."
        )
    fresh.unlink(missing_ok=True)


async def steady_picture(
    pilot: object, app: KoordinationApp, name: str, title: str | None = None
) -> str:
    """The screen as an SVG once it stopped changing: some widgets settle one refresh after a
    resize (the tabs' underline follows its tab), which no worker or message queue tells."""
    for field in app.screen.query("Input, TextArea"):
        if isinstance(field, Input | TextArea):
            field.cursor_blink = False  # a blinking cursor would be there or not by chance
    # A notice fades after seconds: whether it is still there would be a matter of timing.
    app.clear_notifications()
    # Textual's Tabs move their underline when a tab is relabelled (the area tabs are, on every
    # resize) but measure the tab before its new width is laid out, now and then: the line is
    # left under the old place. Placed again here, so a picture shows the layout, not the race.
    for screen in app.screen_stack:  # the area tabs show under a dialog too
        for tabs in screen.query(Tabs):
            tabs._highlight_active(animate=False)
    last = ""
    for _ in range(20):
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        got = _normalised(app.export_screenshot(title=title or name))
        if got == last:
            return got
        last = got
    raise AssertionError(f"Der Bildschirm {name} kommt nicht zur Ruhe.")


async def snap(pilot: object, app: KoordinationApp, name: str) -> None:
    """Pictures of the current screen at both sizes (``name-80x24``, ``name-120x40``); the
    terminal is left at 80×24, where the user's next keys are pressed."""
    for width, height in (*SIZES[1:], SIZES[0]):
        await pilot.resize_terminal(width, height)  # type: ignore[attr-defined]
        await settle(pilot, app)
        picture = f"{name}-{width}x{height}"
        check(await steady_picture(pilot, app, picture), picture)


def fixed_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dialogs that offer a file name show the same folder in every run."""
    monkeypatch.setenv("KOORDINATION_EXPORTS", SHOWN_EXPORTS)


async def press(pilot: object, app: KoordinationApp, *keys: str) -> None:
    """Press ``keys`` as the user does and wait until the app has done what they ask."""
    await pilot.press(*keys)  # type: ignore[attr-defined]
    await settle(pilot, app)


async def opens(
    pilot: object, app: KoordinationApp, keys: tuple[str, ...], kind: type[Screen[Any]]
) -> Screen[Any]:
    """Press ``keys`` and insist that they open a ``kind`` screen (a key that moved to another
    meaning shows here, not as a picture of the wrong screen)."""
    await press(pilot, app, *keys)
    screen = app.screen
    assert isinstance(screen, kind), f"{'+'.join(keys)} öffnet {type(screen).__name__}"
    return screen
