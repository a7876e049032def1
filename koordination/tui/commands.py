"""The command palette: every action of the app, in German, found by whole words first."""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from koordination.domain.enums import fold

if TYPE_CHECKING:
    from koordination.tui.app import KoordinationApp

PLACEHOLDER = "Befehl suchen …"
NO_MATCHES = "Kein Befehl gefunden"

_WORD = re.compile(r"\w+")


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of ``text`` in both foldings: "löschen" gives "loschen" and "loeschen"."""
    found: list[str] = []
    for word in _WORD.findall(text.casefold()):
        found += {_plain(word), fold(word)}
    return found


def palette_score(query: str, title: str, help_text: str, *, here: bool) -> float:
    """How well ``query`` names a command: every word of the query must begin a word of the
    title (or, weaker, of the help text); a letter salad ("pdf" in "Person löschen nach Art.
    17 DSGVO") is no match. Commands of the area in front win a tie."""
    wanted = words(query)
    if not wanted:
        return 0.0
    title_words = words(title)
    help_words = words(help_text)

    def begins(term: str, pool: list[str]) -> bool:
        return any(w.startswith(term) for w in pool)

    if all(begins(term, title_words) for term in wanted):
        score = 0.7
        if all(term in title_words for term in wanted):
            score += 0.1  # whole words beat prefixes
        if title_words and title_words[0].startswith(wanted[0]):
            score += 0.05
    elif all(begins(term, title_words + help_words) for term in wanted):
        score = 0.4
    else:
        return 0.0
    return min(1.0, score + (0.1 if here else 0.0))


class KoordinationCommands(Provider):
    """Lists ``KoordinationApp.command_entries()``: title, help text and the action to run."""

    def _entries(self) -> list[tuple[str, str, str]]:
        return cast("KoordinationApp", self.app).command_entries()

    def _here(self) -> str:
        return cast("KoordinationApp", self.app).palette_context()

    async def discover(self) -> Hits:
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        here = self._here()
        for title, help_text, action in self._entries():
            score = palette_score(query, title, help_text, here=bool(here) and here in action)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action),
                    help=help_text,
                )


class GermanCommandPalette(CommandPalette):
    """Textual's palette, speaking German: placeholder and "nothing found"."""

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual writes its "No matches found" from inside this method; the German
        # line is added the same way, after the same pause.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(NO_MATCHES, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
