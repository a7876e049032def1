"""The change history (Änderungsprotokoll) as a table: one CSV row per changed field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from koordination.outputs.table import csv_file

CSV_HEADER = ("Zeit", "Wer", "Was", "Eintrag", "Gehört zu", "Feld", "vorher", "nachher")


class ChangeLike(Protocol):
    """What a row reads of one changed field (an ``audit_trail.FieldChange``)."""

    @property
    def label(self) -> str: ...
    @property
    def old(self) -> Any: ...
    @property
    def new(self) -> Any: ...
    @property
    def old_text(self) -> str: ...
    @property
    def new_text(self) -> str: ...
    @property
    def paired(self) -> bool: ...


class EntryLike(Protocol):
    """What a row reads of one entry of the trail (an ``audit_trail.TrailEntry``)."""

    @property
    def when(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def what(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def shown_changes(self) -> Sequence[ChangeLike]: ...


def csv_rows(entries: Iterable[EntryLike]) -> Iterable[list[str]]:
    """One row per changed field (one row for an entry without fields), full values."""
    for e in entries:
        head = [e.when, e.actor, e.what, e.subject, e.owner]
        if not e.shown_changes:
            yield [*head, "", "", ""]
        for c in e.shown_changes:
            # A spreadsheet gets an empty cell for "nothing", not the dash the screen shows.
            old = c.old_text if c.paired and c.old not in (None, "") else ""
            new = c.new_text if c.new not in (None, "") else ""
            yield [*head, c.label, old, new]


def write_csv(entries: Iterable[EntryLike], target: Path | str) -> int:
    """The trail as a CSV file for Excel or LibreOffice (the one dialect); returns the number
    of entries written."""
    count = 0
    with csv_file(target, CSV_HEADER) as out:
        for entry in entries:
            count += 1
            out.rows(csv_rows([entry]))
    return count
