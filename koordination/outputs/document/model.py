"""The document model the services fill and every writer renders: plain frozen dataclasses.

Every string in it is user text. It is cleaned when a block is built (control characters that no
format can hold are dropped, line breaks unified), and each writer escapes it for its own format,
so nothing a user typed can become markup.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ClassVar, Literal

from koordination.errors import KoordinationError
from koordination.outputs.document.text import clean

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

    def as_table(self) -> Table:
        """The list as the table every format prints: number, name, organisation and an
        empty cell to sign in."""
        rows = tuple((*row, "") for row in self.numbered())
        return Table(("Nr.", *self.headers), rows, (6, 32, 32, 30))


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


#: The colours of a chart's series after the letterhead's two: grey and green.
_MORE_SERIES_COLOURS = ("#7f8c8d", "#2e7d4f")

#: Width of a bar drawn with characters (`text_bar`) at 100 %.
TEXT_BAR_WIDTH = 20
_EIGHTHS = " ▏▎▍▌▋▊▉"


def text_bar(share: float | None, width: int = TEXT_BAR_WIDTH) -> str:
    """A bar of block characters for a share of 0–100 % (""  when the value is suppressed):
    ``████████▍`` is 42 % at the default width of 20 characters."""
    if share is None:
        return ""
    eighths = round(max(0.0, min(share, 100.0)) / 100 * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


@dataclass(frozen=True)
class Bar:
    """One category of a `BarChart`: its label and, for each series, the share in per cent
    (0–100; None when the cell is suppressed) and the text beside the bar ("42 % (21)", "< 5")."""

    label: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]

    def __post_init__(self) -> None:
        _clean_fields(self)
        if len(self.values) != len(self.texts):
            raise KoordinationError(
                f"Der Balken „{self.label}“ hat {len(self.values)} Werte, aber "
                f"{len(self.texts)} Beschriftungen."
            )
        shares: list[float | None] = []
        for value in self.values:
            if value is not None and not math.isfinite(value):
                raise KoordinationError(f"Der Balken „{self.label}“ hat keinen gültigen Wert.")
            shares.append(None if value is None else max(0.0, min(float(value), 100.0)))
        object.__setattr__(self, "values", tuple(shares))

    @classmethod
    def single(cls, label: str, share: float | None, text: str) -> Bar:
        """A bar of a chart with one series."""
        return cls(label, (share,), (text,))


@dataclass(frozen=True)
class BarChart:
    """Shares (0–100 %) as horizontal bars, one or more series side by side (e.g.
    organisations and citizens); ``series`` names them for the legend (empty: one series).

    HTML and PDF draw it; Markdown, DOCX and ODT show it as a table of character bars.
    """

    title: str
    bars: tuple[Bar, ...]
    series: tuple[str, ...] = ()
    caption: str = ""
    label_header: str = "Antwort"
    tag: ClassVar[str] = "barchart"

    def __post_init__(self) -> None:
        _clean_fields(self)
        count = self.series_count
        for bar in self.bars:
            if len(bar.values) != count:
                raise KoordinationError(
                    f"Der Balken „{bar.label}“ hat {len(bar.values)} statt {count} Werte."
                )

    @property
    def series_count(self) -> int:
        return max(len(self.series), 1)

    @property
    def headers(self) -> tuple[str, ...]:
        """The header of the chart's table form: label column, one column per series."""
        return (self.label_header, *(self.series or ("Anteil",)))

    def table_rows(self) -> tuple[tuple[str, ...], ...]:
        """The chart as table rows: the label, then per series a character bar and the text."""
        return tuple(
            (
                bar.label,
                *(
                    " ".join(p for p in (text_bar(value), text) if p)
                    for value, text in zip(bar.values, bar.texts, strict=True)
                ),
            )
            for bar in self.bars
        )

    def as_table(self) -> Table:
        label = 0.4 if self.series_count == 1 else 0.34
        rest = (1 - label) / self.series_count
        return Table(self.headers, self.table_rows(), (label, *([rest] * self.series_count)))

    def description(self) -> str:
        """Every value as one line of text, for readers that cannot see the graphic."""
        parts = []
        for bar in self.bars:
            if len(self.series) > 1:
                values = ", ".join(
                    f"{name} {text}" for name, text in zip(self.series, bar.texts, strict=True)
                )
            else:
                values = ", ".join(bar.texts)
            parts.append(f"{bar.label}: {values}")
        return "; ".join(parts)


def series_colours(letterhead: Letterhead, count: int) -> tuple[str, ...]:
    """The fill colour of each series: the letterhead's main colour, its accent, then others."""
    palette = (letterhead.primary_colour, letterhead.accent_colour, *_MORE_SERIES_COLOURS)
    return tuple(palette[i % len(palette)] for i in range(count))


QuestionKind = Literal["single", "multiple", "scale", "yesno", "number", "date", "text"]
QUESTION_KINDS: tuple[str, ...] = ("single", "multiple", "scale", "yesno", "number", "date", "text")

#: An empty tick box, as printed before every option of a questionnaire.
TICK_BOX = "☐"


@dataclass(frozen=True)
class QuestionBlock:
    """One question of a printed questionnaire: number (the code, "F3"), text and hint, tick
    boxes for the options or the scale, lines for a free-text answer, a field for a number or
    a date; ``condition`` says when to answer ("Nur beantworten, wenn F2 = Ja")."""

    number: str
    text: str
    kind: QuestionKind = "single"
    options: tuple[str, ...] = ()
    hint: str = ""
    required: bool = False
    condition: str = ""
    scale: tuple[int, ...] = ()
    low_label: str = ""
    high_label: str = ""
    lines: int = 4
    tag: ClassVar[str] = "question"

    def __post_init__(self) -> None:
        _clean_fields(self)
        if self.kind not in QUESTION_KINDS:
            raise KoordinationError(f"Unbekannte Art von Frage: „{self.kind}“.")
        if self.kind == "yesno" and not self.options:
            object.__setattr__(self, "options", ("Ja", "Nein"))
        if self.kind == "scale" and not self.scale:
            object.__setattr__(self, "scale", (1, 2, 3, 4, 5))
        object.__setattr__(self, "lines", min(max(self.lines, 1), 20))

    @property
    def choice(self) -> bool:
        """Answered by ticking options (single or multiple choice, yes/no)."""
        return self.kind in ("single", "multiple", "yesno")

    @property
    def remarks(self) -> tuple[str, ...]:
        """The condition and the markers printed under the question, in this order."""
        marks = (
            self.condition,
            "Pflichtfrage" if self.required else "",
            "Mehrfachnennung möglich" if self.kind == "multiple" else "",
        )
        return tuple(m for m in marks if m.strip())

    @property
    def field_label(self) -> str:
        """The label of the field for a number or a date ("" for other kinds)."""
        return {"number": "Zahl", "date": "Datum (TT.MM.JJJJ)"}.get(self.kind, "")


Block = (
    Heading
    | Paragraph
    | BulletList
    | Table
    | KeyValue
    | SignatureLines
    | PageBreak
    | Note
    | BarChart
    | QuestionBlock
)


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
