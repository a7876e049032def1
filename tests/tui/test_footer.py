"""The footer at 80×24: every key it shows is whole, and F1 and the palette's key stay in view,
in the main window, the sitting and a form; the list areas show their own keys."""

from __future__ import annotations

import itertools
from typing import Any

from textual.screen import Screen
from textual.widgets._footer import FooterKey
from tui_support import make_app, settle

from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.directory import MembershipScreen
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.screens.sitting import SittingScreen

SIZE = (80, 24)


def footer_keys(screen: Screen[Any], size: tuple[int, int] = SIZE) -> list[str]:
    """The keys the screen's footer shows, each as it reads; checks each is whole and inside."""
    shown: list[str] = []
    for key in screen.query(FooterKey):
        if not key.display:
            continue
        text = str(key.render())
        words = [key.key_display, key.description] if key.description else [key.key_display]
        assert text.split() == " ".join(words).split(), text
        region = key.region
        assert region.width == len(text), (text, region)
        assert region.x >= 0 and region.right <= size[0], (text, region)
        shown.append(" ".join(words))
    regions = sorted(k.region for k in screen.query(FooterKey) if k.display)
    for left, right in itertools.pairwise(regions):
        assert left.right <= right.x  # no key covers another
    return shown


def assert_help_and_palette(shown: list[str]) -> None:
    assert shown[-2:] == ["F1 Hilfe", "Strg+P Befehle"]


async def test_footer_shows_whole_keys_in_meetings_sitting_and_form(demo_db: str) -> None:
    app: KoordinationApp = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        shown = footer_keys(app.screen)
        assert shown[0] == "p Sitzung"
        assert_help_and_palette(shown)

        area = app.query_one(MeetingsArea)
        area.table.move_cursor(row=1, animate=False)
        area.table.focus()
        await settle(pilot, app)
        await pilot.press("enter")  # the selected meeting's sitting
        await settle(pilot, app)
        assert isinstance(app.screen, SittingScreen)
        assert_help_and_palette(footer_keys(app.screen))
        await pilot.press("escape")
        await settle(pilot, app)

        await pilot.press("n")  # a new meeting's form
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        shown = footer_keys(app.screen)
        assert "Strg+S Speichern" in shown
        assert_help_and_palette(shown)


async def test_organisations_footer_shows_the_offers_key_at_80_columns(demo_db: str) -> None:
    # "z Archiv zeigen" does not fit after the daily keys; it used to hide the shorter
    # "H Angebote" behind it, the key the help names for the Mitwirkungsmöglichkeiten.
    app: KoordinationApp = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        shown = footer_keys(app.screen)
        assert shown == [
            "n Neu", "e Bearbeiten", "/ Suchen", "H Angebote", "x Archivieren",
            "F1 Hilfe", "Strg+P Befehle",
        ]  # fmt: skip
        await pilot.press("H")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "OffersScreen"


async def test_list_areas_show_their_own_keys_before_archiving_at_80_columns(demo_db: str) -> None:
    # Every list shares Neu, Bearbeiten and Suchen; after them comes what the area is for:
    # recording a consent in Personen, adding and ending a membership in Gruppen. Archivieren
    # (rarer, and named by F1 and the palette) gives way to them; at 120 columns all show.
    app: KoordinationApp = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        shown = footer_keys(app.screen)
        assert shown == [
            "n Neu", "e Bearbeiten", "/ Suchen", "w Einwilligung",
            "F1 Hilfe", "Strg+P Befehle",
        ]  # fmt: skip

        await pilot.press("4")
        await settle(pilot, app)
        shown = footer_keys(app.screen)
        assert shown == [
            "n Neu", "e Bearbeiten", "/ Suchen", "+ Mitglied +", "− Mitglied −",
            "F1 Hilfe", "Strg+P Befehle",
        ]  # fmt: skip

        await pilot.resize_terminal(120, 40)
        await settle(pilot, app)
        shown = footer_keys(app.screen, (120, 40))
        assert shown[:7] == [
            "n Neu", "e Bearbeiten", "/ Suchen", "+ Mitglied +", "− Mitglied −",
            "x Archivieren", "z Archiv zeigen",
        ]  # fmt: skip

        await pilot.press("+")  # the footer's key does what it says
        await settle(pilot, app)
        assert isinstance(app.screen, MembershipScreen)
