"""The pickers find what the user types the way the lists do: German spellings folded."""

from __future__ import annotations

import pytest

from koordination.services.directory.search import text_matches
from koordination.tui.dialogs.pickers import candidate_search

CANDIDATES = [
    (1, "12.03.2026 Steuerungsgruppe: Frau Müller lädt zum Straßenfest ein"),
    (2, "Herr Mueller schreibt den Bericht"),
    (3, "Schäfer und Krüger planen die Börse"),
    (4, "Ehrenamtsbörse im Rathaus"),
]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("muller", [1, 2]),
        ("MÜLLER bericht", [2]),
        ("schafer kruger", [3]),
        ("borse", [3, 4]),
        ("strassenfest", [1]),
        ("", [1, 2, 3, 4]),
        ("meier", []),
    ],
)
def test_link_picker_finds_german_spellings_like_the_lists(typed: str, found: list[int]) -> None:
    fetch, count = candidate_search(CANDIDATES)
    assert [row.id for row in fetch(typed, 0, 50)] == found
    assert count(typed) == len(found)
    # The same answer as the core's own test, label by label.
    assert found == [i for i, label in CANDIDATES if text_matches(label, typed)]
    assert [row.id for row in fetch(typed, 1, 1)] == found[1:2]
