"""The document model the services fill and every writer renders: plain frozen dataclasses.

Every string in it is user text. It is cleaned when a block is built (control characters that no
format can hold are dropped, line breaks unified), and each writer escapes it for its own format,
so nothing a user typed can become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ClassVar, Literal

from koordination.documents.text import clean
from koordination.errors import KoordinationError

NoteKind = Literal["info", "decision", "task", "warning"]

#: The label a highlighted box carries unless it names its own.
NOTE_LABELS: dict[str, str] = {
    "info": "Hinweis",
    "decision": "Beschluss",
    "task": "Aufgabe",
    "warning": "Achtung",
}

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _clean_fields(obj: object) -> None:
    """Clean every str, tuple of str and tuple of tuples of str in a frozen dataclass."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        object.__setattr__(obj, f.name, _cleaned(value))


def _cleaned(value: object) -> object:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, tuple | list):
        return tuple(_cleaned(v) for v in value)
    return value


def _colour(value: str, what: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise KoordinationError(
            f"Die {what} „{value}“ ist keine Farbe der Form #1f4e79 (sechs Hex-Ziffern)."
        )
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.lower()


@dataclass(frozen=True)
class Letterhead:
    """The office's letterhead: name, address, contact, logo (PNG or JPEG) and colours."""

    office_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    logo_path: Path | None = None
    primary_colour: str = "#1f4e79"
    accent_colour: str = "#c55a11"

    def __post_init__(self) -> None:
        _clean_fields(self)
        object.__setattr__(self, "primary_colour", _colour(self.primary_colour, "Hauptfarbe"))
        object.__setattr__(self, "accent_colour", _colour(self.accent_colour, "Akzentfarbe"))

    @property
    def contact_line(self) -> str:
        """Address, phone and e-mail on one line, as a letterhead shows them."""
        parts = [", ".join(line.strip() for line in self.address.split("\n") if line.strip())]
        parts = [p for p in parts if p]
        if self.phone:
            parts.append(f"Tel. {self.phone}")
        if self.email:
            parts.append(self.email)
        return " · ".join(parts)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    tag: ClassVar[str] = "heading"

    def __post_init__(self) -> None:
        _clean_fields(self)
        object.__setattr__(self, "level", min(max(self.level, 1), 3))


@dataclass(frozen=True)
class Paragraph:
    """Plain text; its line breaks are kept."""

    text: str
    tag: ClassVar[str] = "paragraph"

    def __post_init__(self) -> None:
        _clean_fields(self)


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    tag: ClassVar[str] = "bullets"

    def __post_init__(self) -> None:
        _clean_fields(self)


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths (any positive numbers)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    tag: ClassVar[str] = "table"

    def __post_init__(self) -> None:
        _clean_fields(self)
        count = len(self.headers)
        if count == 0:
            raise KoordinationError("Eine Tabelle braucht mindestens eine Spalte.")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != count:
                raise KoordinationError(
                    f"Zeile {number} der Tabelle hat {len(row)} statt {count} Zellen."
                )
        if self.widths is not None and (
            len(self.widths) != count or any(w <= 0 for w in self.widths)
        ):
            raise KoordinationError("Die Spaltenbreiten passen nicht zu den Spalten der Tabelle.")

    def fractions(self) -> tuple[float, ...]:
        """Column widths as fractions of the whole width (equal when none were given)."""
        widths = self.widths or tuple(1.0 for _ in self.headers)
        total = sum(widths)
        return tuple(w / total for w in widths)


@dataclass(frozen=True)
class KeyValue:
    """Label–value pairs, e.g. date, place and chair in the head of minutes."""

    pairs: tuple[tuple[str, str], ...]
    tag: ClassVar[str] = "keyvalue"

    def __post_init__(self) -> None:
        _clean_fields(self)


@dataclass(frozen=True)
class SignatureLines:
    """A sign-in list (Teilnehmendenliste): name and organisation per row, a column to sign;
    ``blank`` empty rows follow for people who come unannounced."""

    rows: tuple[tuple[str, str], ...]
    blank: int = 0
    headers: tuple[str, str, str] = ("Name", "Organisation", "Unterschrift")
    tag: ClassVar[str] = "signatures"

    def __post_init__(self) -> None:
        _clean_fields(self)

    def numbered(self) -> list[tuple[str, str, str]]:
        """Every row (the blank ones too) as (number, name, organisation)."""
        filled = [(str(i), n, o) for i, (n, o) in enumerate(self.rows, start=1)]
        start = len(filled) + 1
        return filled + [(str(i), "", "") for i in range(start, start + max(self.blank, 0))]


@dataclass(frozen=True)
class PageBreak:
    tag: ClassVar[str] = "pagebreak"


@dataclass(frozen=True)
class Note:
    """A highlighted box such as a decision; ``title`` None means the label of its ``kind``."""

    text: str
    kind: NoteKind = "info"
    title: str | None = None
    tag: ClassVar[str] = "note"

    def __post_init__(self) -> None:
        _clean_fields(self)
        if self.kind not in NOTE_LABELS:
            raise KoordinationError(f"Unbekannte Art von Hinweis: „{self.kind}“.")

    @property
    def label(self) -> str:
        return NOTE_LABELS[self.kind] if self.title is None else self.title


Block = Heading | Paragraph | BulletList | Table | KeyValue | SignatureLines | PageBreak | Note


@dataclass(frozen=True)
class Document:
    """One document (minutes, invitation letter, sign-in list, workshop report)."""

    title: str
    subtitle: str = ""
    meta: tuple[tuple[str, str], ...] = ()
    blocks: tuple[Block, ...] = ()
    letterhead: Letterhead = field(default_factory=Letterhead)
    fingerprint: str | None = None
    footer: str = ""

    def __post_init__(self) -> None:
        _clean_fields(self)

    @property
    def fingerprint_line(self) -> str:
        """``Prüfsumme (SHA-256): …`` — shown on every page — or "" without a fingerprint."""
        return f"Prüfsumme (SHA-256): {self.fingerprint}" if self.fingerprint else ""
