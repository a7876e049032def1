"""Most search terms need one substring test per row, not two: a stored search text holds each
written word together with its plain spelling, so a term found as written is found in its
plain spelling too, unless it begins with an "e" that folds away ("eß" in "bueß"). The page
walk then tests each row once, which is what a keystroke on a large city waits for.

Checked here: the rule itself, exhaustively on short words and as a property on whole search
texts (also those cut at their bound); the statements a search sends; and the migration that
cuts the long texts of older databases the same way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import product
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import column, event, text
from support.policy import fuzz

from koordination.clock import Clock
from koordination.db import migrations
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.services.directory.search import (
    SEARCH_TEXT_MAX,
    PeopleFilter,
    bounded,
    person_search_text,
    plain_spelling,
    searchable,
    term_matches,
)
from koordination.services.directory.service import Directory

#: Letters whose spellings fold: vowels before "e", runs of s, ß, umlauts, accents.
LETTERS = "aeosußüéx"


def _patterns(term: str) -> list[str]:
    """The substrings the condition for ``term`` tests, as plain strings."""
    condition = term_matches(column("search_text"), term)
    params = condition.compile().params
    found = []
    for value in params.values():
        assert value.startswith("%") and value.endswith("%")
        found.append(value[1:-1].replace("\\%", "%").replace("\\_", "_").replace("\\\\", "\\"))
    return found


def _found(stored: str, term: str) -> bool:
    """What the search promises: the term as written or in its plain spelling."""
    written = term.lower()
    return written in stored or plain_spelling(written) in stored


def _tested(stored: str, term: str) -> bool:
    """What the condition sent to the database tests."""
    return any(p in stored for p in _patterns(term))


def test_every_part_of_every_short_word_is_found_as_the_search_promises() -> None:
    patterns: dict[str, list[str]] = {}
    for length in range(1, 5):
        for letters in product(LETTERS, repeat=length):
            word = "".join(letters)
            stored = searchable(word)
            for start in range(length):
                for end in range(start + 1, length + 1):
                    term = word[start:end]
                    if term not in patterns:
                        patterns[term] = _patterns(term)
                    assert any(p in stored for p in patterns[term]), (word, term)
    # One pattern for most of them: two only where the term begins with a folding "e".
    two = sorted(t for t, p in patterns.items() if len(p) == 2)
    assert two and all(plain_spelling(t[0]) == "e" for t in two)
    assert sum(len(p) == 1 for p in patterns.values()) > 0.8 * len(patterns)


words = st.text(alphabet=LETTERS + "mlrtnbdhäöAÜ.@-", min_size=1, max_size=14)


@fuzz(300)
@given(
    names=st.lists(words, min_size=1, max_size=80),
    start=st.integers(min_value=0, max_value=13),
    length=st.integers(min_value=1, max_value=6),
    pick=st.integers(min_value=0),
)
def test_a_term_is_found_in_a_stored_text_exactly_when_the_search_promises(
    names: list[str], start: int, length: int, pick: int
) -> None:
    stored = person_search_text("", names[0], "", [], names[1:])
    assert len(stored) <= SEARCH_TEXT_MAX
    kept = stored.split()
    word = kept[pick % len(kept)]
    term = word[start : start + length] or word
    assert _tested(stored, term) == _found(stored, term), (stored, term)


def test_a_long_search_text_is_cut_between_words_keeping_each_plain_spelling() -> None:
    organisations = [f"Förderverein{n} Straße{n} Müllerstraße{n}" for n in range(40)]
    full = searchable(" ".join(["Jürgen", "Weiß", *organisations]))
    stored = person_search_text("", "Jürgen", "Weiß", [], organisations)
    assert len(full) > SEARCH_TEXT_MAX >= len(stored) > SEARCH_TEXT_MAX - 60
    kept = stored.split()
    assert set(kept) <= set(full.split())  # whole words only, none cut in two
    assert all(plain_spelling(w) in kept for w in kept)  # each beside its plain spelling
    assert bounded(stored) == stored
    # A text within the bound is stored as before.
    assert person_search_text("", "Jürgen", "Weiß", [], ["Verein"]) == searchable(
        "Jürgen Weiß Verein"
    )


@pytest.fixture
def directory(db: Database) -> Directory:
    return Directory(db, Clock.on(date(2026, 11, 22)))


def _likes(db: Database, directory: Directory, search: str) -> tuple[list[str], list[str]]:
    """The people found, and the LIKE patterns of the page's statement as sent."""
    sent: list[str] = []

    def remember(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if "search_text" in statement:
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        names = [r.name for r in directory.list_people(PeopleFilter(search=search))]
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return names, sent


def test_the_search_sends_one_pattern_for_most_terms_and_finds_the_same_people(
    db: Database, directory: Directory
) -> None:
    for given_name, family in (("Erika", "Müller"), ("Hans", "Mueller"), ("Uwe", "Bueß")):
        directory.create_person(PersonInput(given_name=given_name, family_name=family))
    names, sent = _likes(db, directory, "Mül")
    assert sorted(names) == ["Erika Müller", "Hans Mueller"]
    assert sent[0].count(" LIKE ") == 1 and "ESCAPE" not in sent[0]
    names, sent = _likes(db, directory, "eß")  # as written only: plain "es" is not in "bus"
    assert names == ["Uwe Bueß"]
    assert sent[0].count(" LIKE ") == 2
    directory.create_person(PersonInput(given_name="Ina", family_name="100%_Müller"))
    names, sent = _likes(db, directory, "0%_m")
    assert names == ["Ina 100%_Müller"]
    assert "ESCAPE" in sent[0]


def _upgrade_to(db: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    command.upgrade(cfg, revision)


@pytest.fixture
def old_db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def test_an_older_database_gets_its_long_search_texts_cut_between_words(old_db: Database) -> None:
    db = old_db
    _upgrade_to(db, "0018")
    place = "förderverein forderverein müllerstraße mullerstrase"
    organisations = " ".join(f"{place} {n}" for n in range(30))
    cut = f"jürgen jurgen weiß weis {organisations}"[:SEARCH_TEXT_MAX]  # as 0018 stored it
    assert not cut.endswith(("mullerstrase", " "))
    now = "2025-03-01 09:30:00.000000" if db.is_sqlite else "2025-03-01 09:30:00+00"
    with db.engine.begin() as conn:
        for pid, search_text in ((1, cut), (2, "änne anne müller muller")):
            conn.execute(
                text(
                    "INSERT INTO person (id, salutation, title, given_name, family_name, "
                    "postal_address, notes, preferred_channel, archived, sort_key, search_text, "
                    "version, created_at, updated_at) VALUES (:id, '', '', 'Jürgen', 'Weiß', '', "
                    "'', 'email', :false, 'weiss jurgen', :search, 3, :now, :now)"
                ),
                {"id": pid, "search": search_text, "false": False, "now": now},
            )

    migrations.upgrade(db)

    with db.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, search_text FROM person")).all())
        versions = set(conn.execute(text("SELECT version FROM person")).scalars())
    assert stored[2] == "änne anne müller muller"  # within the bound: as it was
    kept = stored[1].split()
    assert stored[1] == bounded(cut) and len(stored[1]) <= SEARCH_TEXT_MAX
    assert all(plain_spelling(w) in kept for w in kept)
    assert versions == {3}  # only the search text changed: open forms stay current
