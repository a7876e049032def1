"""Shared pieces of the fuzz tests: bounded, reproducible settings, hostile text, German checks
and database snapshots that prove a failed import wrote nothing."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.models import Base

# ---------------------------------------------------------------------------- hostile text

#: Fragments that broke (or could break) a parser, a spreadsheet or a markup format.
FRAGMENTS = (
    "",
    " ",
    ";",
    ",",
    "\t",
    '"',
    "'",
    '""',
    "\r\n",
    "\n",
    "\r",
    "\x00",
    "\x0b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u200b",
    "\u202e",
    "=1+1",
    "+49",
    "-",
    "@SUMME(A1)",
    '=HYPERLINK("http://x","y")',
    "<script>alert(1)</script>",
    "&amp;",
    "**fett**",
    "# Titel",
    "[x](javascript:alert(1))",
    "BEGIN:VCALENDAR",
    "END:VEVENT",
    "mailto:",
    "\\",
    "²",
    "١٢",
    "Ⅻ",
    "٫",
    "ß",
    "Straße",
    "Jürgen",
    "🎉",
    "漢字",
    "0",
    "00",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "None",
    "null",
    "ja",
    "x",
    "31.02.2026",
    "01.01.0001",
    "31.12.9999",
    "29.02.2025",
    "2026-13-01",
)

#: Any character a file or a keyboard can deliver (lone surrogates cannot be stored or encoded).
ANY_CHAR = st.characters(exclude_categories=("Cs",))


def pick(*branches: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of the branches, each about equally often. ``st.one_of`` prefers its simpler
    branches, which left rare the odd values the bugs were found with."""
    return st.integers(min_value=0, max_value=len(branches) - 1).flatmap(lambda i: branches[i])


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text built from hostile fragments and arbitrary characters, or arbitrary text."""
    piece = pick(
        st.sampled_from(FRAGMENTS), st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=8)
    )
    built = st.lists(piece, max_size=6).map("".join).map(lambda t: t[:max_size])
    return pick(built, built, st.text(ANY_CHAR, max_size=max_size))


def long_text() -> st.SearchStrategy[str]:
    """A cell far longer than any field: 5,000 to 20,000 characters."""
    return st.builds(
        lambda part, n: (part * n)[:20_000],
        st.sampled_from(["Donaudampfschiff ", "9", "ä\n", "=", ";"]),
        st.integers(min_value=5_000, max_value=20_000),
    )


# ---------------------------------------------------------------------------- German messages

# What Python, SQLAlchemy and the standard library say when something is not handled: such
# a text in a message means an exception leaked through to the user.
_ENGLISH = re.compile(
    r"Traceback|Error\b|Exception\b|invalid literal|has no attribute|NoneType|codec can't|"
    r"unsupported operand|out of range|not subscriptable|object is not|unexpected keyword|"
    r"too large to convert|Exceeds the limit|\[SQL:|sqlalchemy|psycopg|sqlite3\.|"
    r"is not a valid|does not match format|unconverted data|expected string",
    re.IGNORECASE,
)
# Words one of the German messages contains: a message without any is no German sentence.
_GERMAN = re.compile(
    r"[äöüßÄÖÜ„“]|\b(ist|sind|nicht|kein|keine|keinen|ohne|mit|für|von|bei|der|die|das|den|"
    r"ein|eine|einer|Zeile|Datei|Ordner|Nachricht|Spalte|Antwort|Termin|fehlt|fehlen|bitte|"
    r"erwartet|gibt|liegt|zu|wurde|Fehler|unbekannt|leer|mehr|als|oder|und|nur|schon)\b",
    re.IGNORECASE,
)


def assert_german(message: str, *inputs: str) -> None:
    """The message is German and no leaked exception text. What the user typed and the
    message quotes („…“) is taken out first: it may well contain English words."""
    assert message.strip(), "leere Fehlermeldung"
    bare = re.sub(r"„[^“]*“", "„…“", message, flags=re.DOTALL)
    for text in sorted(inputs, key=len, reverse=True):
        for part in (text, text.strip()):
            if len(part) >= 3:
                bare = bare.replace(part, "…")
    assert not _ENGLISH.search(bare), f"keine deutsche Meldung: {message[:400]!r}"
    assert _GERMAN.search(bare), f"keine deutsche Meldung: {message[:400]!r}"


# ---------------------------------------------------------------------------- databases


@contextmanager
def scratch() -> Iterator[Path]:
    """An empty folder for one example (function-scoped fixtures live across all of them)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        yield Path(folder)


def migrated(path: Path) -> Path:
    """A SQLite file at the newest schema, to copy from for each example."""
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@contextmanager
def copy_of(template: Path, folder: Path) -> Iterator[Database]:
    """A fresh copy of ``template`` in ``folder``: each example starts from the same data."""
    target = folder / "kopie.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    database = Database(f"sqlite:///{target}")
    try:
        yield database
    finally:
        database.dispose()


def dump(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: equal dumps mean nothing was written.
    Read through the driver: the fuzz tests take this snapshot twice per example."""
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        result = {}
        for table in Base.metadata.sorted_tables:
            cursor.execute(f'SELECT * FROM "{table.name}"')
            result[table.name] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
        cursor.close()
        return result
    finally:
        raw.close()
