"""Finding people, organisations and groups: the list filters, search terms and the
search and sort keys stored beside each row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import or_

from koordination.domain.enums import (
    Sector,
    fold,
)


@dataclass(frozen=True)
class PeopleFilter:
    search: str = ""
    sector: Sector | None = None
    group_id: int | None = None
    tag: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class OrganisationFilter:
    search: str = ""
    sector: Sector | None = None
    group_id: int | None = None
    archived: bool = False


@dataclass(frozen=True)
class GroupFilter:
    """What :meth:`Directory.list_groups` is asked for, as one value (the export takes it)."""

    search: str = ""
    sector: Sector | None = None
    archived: bool = False


#: The unfiltered lists (defaults of the list methods; the filters are frozen, so one each).
ALL_PEOPLE = PeopleFilter()
ALL_ORGANISATIONS = OrganisationFilter()
ALL_GROUPS = GroupFilter()


def search_terms(text: str) -> list[str]:
    return [t for t in text.lower().split() if t]


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---------------------------------------------------------------- German spellings
# "Müller", "Mueller" and "Muller" are one name to the people who search for it; "Strauß",
# "Strauss" and "Straus" too. Every word of a search text is stored as written (lower case)
# and, when it differs, in one plain spelling: umlauts and other accents without their marks,
# ae/oe/ue as a/o/u, ß and any run of s as one s. A search term matches either the written
# words or, in its own plain spelling, the plain ones; so every spelling finds every other, and
# the search stays a substring test on the stored column (the covering index stays in use).
_SPELLED_OUT = re.compile(r"ae|oe|ue")
_ESSES = re.compile(r"s{2,}")


def plain_spelling(word: str) -> str:
    """``word`` (lower case) in the plain spelling search compares: "müller", "mueller" and
    "muller" all become "muller", "strauß" and "strauss" become "straus"."""
    if word.isascii() and not ("ae" in word or "oe" in word or "ue" in word or "ss" in word):
        return word  # most words: nothing to fold (tested inline, imports call this a lot)
    return _folded(word)


@lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    if not word.isascii():
        word = word.replace("ß", "ss")
        word = "".join(
            ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
        )
    return _ESSES.sub("s", _SPELLED_OUT.sub(lambda m: m.group(0)[0], word))


def searchable(text: str) -> str:
    """The text a search looks in: each word in lower case, followed by its plain spelling
    when that differs and is not there yet. Applying it twice changes nothing."""
    words = text.lower().split()
    plains = [plain_spelling(w) for w in words]
    if plains == words:
        return " ".join(words)  # the common case, kept fast for imports of whole cities
    seen = set(words)
    out: list[str] = []
    for word, plain in zip(words, plains, strict=True):
        out.append(word)
        if plain not in seen:
            seen.add(plain)
            out.append(plain)
    return " ".join(out)


def term_matches(column: Any, term: str) -> Any:
    """The SQL condition that ``column`` (a stored :func:`searchable` text) holds ``term``,
    as written or in its plain spelling.

    A stored text holds every written word's plain spelling too, and a term found inside a
    written word is found in that word's plain spelling, in the term's own plain spelling,
    unless the term begins with the "e" of an "ae", "oe" or "ue" that folds away ("eß" in
    "bueß", plain "bus"). So most terms need one pattern, not two: the search walks the list
    with one substring test per row instead of two."""
    written = term.lower()
    plain = plain_spelling(written)
    if plain == written or plain_spelling(written[:1])[:1] not in ("e", ""):
        return _contains(column, plain)
    return or_(_contains(column, written), _contains(column, plain))


def _contains(column: Any, term: str) -> Any:
    """``column LIKE '%term%'``; with an escape character only when the term needs one (SQLite
    tests a pattern with ESCAPE measurably slower)."""
    if "%" in term or "_" in term or "\\" in term:
        return column.like(like_pattern(term), escape="\\")
    return column.like(f"%{term}%")


def text_matches(text: str, search: str) -> bool:
    """Whether ``text`` holds every term of ``search``, as :func:`term_matches` tests in SQL
    (for the short lists filtered in Python, such as groups)."""
    stored = searchable(text)
    return all(t in stored or plain_spelling(t) in stored for t in search_terms(search))


def person_sort_key(family_name: str, given_name: str) -> str:
    return f"{fold(family_name)} {fold(given_name)}"


def person_search_text(
    title: str, given: str, family: str, emails: Iterable[str], organisations: Iterable[str]
) -> str:
    text = searchable(" ".join([title, given, family, *emails, *organisations]))
    # Bounded so that it fits a B-tree index entry on PostgreSQL (about 2,700 bytes).
    return text if len(text) <= SEARCH_TEXT_MAX else bounded(text)


SEARCH_TEXT_MAX = 600


def bounded(text: str) -> str:
    """A :func:`searchable` text cut to at most :data:`SEARCH_TEXT_MAX` characters at a word's
    end, each written word kept only together with its plain spelling (see
    :func:`term_matches`, which relies on it); a word that repeats is kept once."""
    out: list[str] = []
    kept: set[str] = set()
    size = -1  # the spaces between the words
    for word in text.split():
        if word in kept:
            continue
        plain = plain_spelling(word)
        words = (word,) if plain == word or plain in kept else (word, plain)
        grown = size + sum(len(w) + 1 for w in words)
        if grown > SEARCH_TEXT_MAX:
            break
        out.extend(words)
        kept.update(words)
        size = grown
    return " ".join(out)


def email_key(address: str) -> str:
    return address.strip().lower()


def organisation_search_text(name: str, short_name: str, email: str) -> str:
    return searchable(" ".join((name, short_name, email)))
