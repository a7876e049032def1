"""The app's own keys at 80×24: quitting never loses input, area keys stay in the main window,
the command palette speaks German and finds commands by their words."""

from __future__ import annotations

from textual.widgets import Input, Static
from tui_support import make_app, settle

from koordination.tui.commands import NO_MATCHES, PLACEHOLDER, palette_score
from koordination.tui.dialogs.form import ConfirmScreen

SIZE = (80, 24)


class Draft(Static):
    """Stands for any widget holding input: a debounced save and a "changed" flag."""

    def __init__(self) -> None:
        super().__init__("Entwurf")
        self.pending = True
        self.changed = False
        self.flushed = 0

    def unsaved_changes(self) -> bool:
        return self.changed

    def flush_saves(self) -> None:
        self.flushed += 1
        self.pending = False


async def test_ctrl_q_writes_pending_saves_and_quits_when_nothing_else_is_open(
    city_db: str,
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        draft = Draft()
        await app.screen.mount(draft)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert draft.flushed == 1 and not draft.pending
    assert app.return_code == 0


async def test_ctrl_q_asks_before_discarding_unsaved_input(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        draft = Draft()
        draft.changed = True
        await app.screen.mount(draft)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Änderungen verwerfen?" in app.screen.title_text
        await pilot.press("n")  # back: the input is still there, the app still runs
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.is_running and draft in app.screen.query(Draft)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("j")  # now discard on purpose
        await pilot.pause()
    assert app.return_code == 0


async def test_area_keys_switch_areas_only_in_the_main_window(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        search = app.query_one("#people-search", Input)
        search.focus()
        await pilot.press("6")  # typed into the field, not an area switch
        await pilot.pause()
        assert search.value == "6" and app._active_area_id() == "people"
        footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
        assert "Feld verlassen" in footer  # the footer says how to get out
        await pilot.press("escape", "4")  # leave the field, then the digit switches
        await settle(pilot, app)
        assert app._active_area_id() == "groups"
        await pilot.press("2", "n")  # a form over the main window
        await settle(pilot, app)
        form = app.screen
        await pilot.press("6")
        await pilot.pause()
        assert app.screen is form and app._active_area_id() == "people"


async def test_command_palette_speaks_german(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert palette.query_one(Input).placeholder == PLACEHOLDER
        await pilot.press(*"qqqxyz")
        await pilot.pause(1.0)
        shown = " ".join(str(option.prompt) for option in palette.query_one("CommandList")._options)  # type: ignore[attr-defined]
        assert NO_MATCHES in shown


def test_palette_matches_whole_words_not_letter_salad() -> None:
    erase = "Person löschen nach Art. 17 DSGVO"
    assert palette_score("pdf", erase, "Personen, Taste x", here=False) == 0
    assert palette_score("loschen", erase, "", here=False) > 0  # the plain vowel
    assert palette_score("loeschen", erase, "", here=False) > 0  # and the spelled-out one
    assert palette_score("pdf", "Protokoll als PDF ausgeben", "", here=False) > 0
    # The area in front wins a tie; a whole word beats a word's beginning.
    assert palette_score("neu", "Neue Person", "", here=True) > palette_score(
        "neu", "Neue Gruppe", "", here=False
    )
    assert palette_score("person", "Person bearbeiten", "", here=False) > palette_score(
        "pers", "Person bearbeiten", "", here=False
    )
    # Words of the help text count, but less than the title's.
    assert (
        0
        < palette_score("taste", "Neue Person", "Taste n", here=False)
        < palette_score("neue", "Neue Person", "Taste n", here=False)
    )
