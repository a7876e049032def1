"""Documents as PDF with fpdf2 and an embedded Unicode TrueType font (DejaVu Sans by default).

The standard PDF fonts know Latin-1 only; minutes carry names such as Yılmaz or Łukasz, so a TTF
font is embedded (subset). fpdf2 writes every string as glyph ids of that font: user text can never
become PDF syntax. The fingerprint and page numbers are in the footer of every page.
"""

from __future__ import annotations

import io
import logging
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, XPos, YPos
from fpdf.util import Padding

from koordination.documents.assets import Logo, load_logo
from koordination.documents.model import (
    Block,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Note,
    PageBreak,
    Paragraph,
    SignatureLines,
    Table,
)
from koordination.errors import KoordinationError

FAMILY = "Dokument"
GREY = "#555555"
LINE = 5.0  # mm per line of body text
PAGE_COUNT = "\x00nb\x00"


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    italic: Path


# Where the common systems keep a TrueType font that covers the Latin scripts of Europe and Turkey:
# DejaVu Sans (Debian/Ubuntu: fonts-dejavu-core; Fedora; Arch), else Liberation Sans, else Arial.
_CANDIDATES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        (
            "/usr/share/fonts/truetype/dejavu",
            "/usr/share/fonts/dejavu-sans-fonts",
            "/usr/share/fonts/dejavu",
            "/usr/share/fonts/TTF",
            "/usr/local/share/fonts/dejavu",
            "/usr/local/share/fonts",
            "/opt/homebrew/share/fonts",
            str(Path.home() / ".local/share/fonts"),
            str(Path.home() / "Library/Fonts"),
        ),
    ),
    (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf",
        ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/liberation-sans"),
    ),
    ("arial.ttf", "arialbd.ttf", "ariali.ttf", (os.path.expandvars(r"%WINDIR%\Fonts"),)),
    (
        "Arial.ttf",
        "Arial Bold.ttf",
        "Arial Italic.ttf",
        ("/System/Library/Fonts/Supplemental", "/Library/Fonts"),
    ),
)

MISSING_FONT = (
    "Für die PDF-Ausgabe fehlt eine Unicode-Schrift (DejaVu Sans, Liberation Sans oder Arial). "
    "Unter Debian oder Ubuntu: „sudo apt install fonts-dejavu-core“; oder den Ordner mit "
    "DejaVuSans.ttf, DejaVuSans-Bold.ttf und DejaVuSans-Oblique.ttf in KOORDINATION_PDF_FONTS "
    "angeben."
)


def find_fonts() -> FontFiles:
    """The font files for PDFs; ``KOORDINATION_PDF_FONTS`` names a folder holding DejaVu Sans."""
    override = os.environ.get("KOORDINATION_PDF_FONTS")
    candidates = list(_CANDIDATES)
    if override:
        candidates = [(*candidates[0][:3], (override,))]
    for regular, bold, italic, folders in candidates:
        for folder in folders:
            base = Path(folder)
            files = FontFiles(base / regular, base / bold, base / italic)
            if files.regular.is_file() and files.bold.is_file():
                if not files.italic.is_file():
                    files = FontFiles(files.regular, files.bold, files.regular)
                return files
    raise KoordinationError(MISSING_FONT)


def _hex(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _tint(colour: str, amount: float) -> tuple[int, int, int]:
    """``colour`` mixed with white (``amount`` 0.9 = very light)."""
    return tuple(round(c + (255 - c) * amount) for c in _hex(colour))  # type: ignore[return-value]


class _PDF(FPDF):
    def __init__(self, document: Document, logo: Logo | None, fonts: FontFiles) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.document = document
        self.logo = logo
        self.primary = _hex(document.letterhead.primary_colour)
        self.accent = _hex(document.letterhead.accent_colour)
        for style, path in (("", fonts.regular), ("B", fonts.bold), ("I", fonts.italic)):
            self.add_font(FAMILY, style, str(path))
        # "{nb}" in user text must stay literal: the alias for the page count is a string that
        # cleaned user text can never hold (it has NUL characters).
        self.alias_nb_pages(PAGE_COUNT)
        self.set_margins(20, 36, 20)
        self.set_auto_page_break(True, margin=24)
        self.set_title(document.title)
        self.set_subject(document.subtitle)
        self.set_author(document.letterhead.office_name)
        self.set_creator("koordination")
        self.set_lang("de-DE")
        self.set_font(FAMILY, size=10)

    def header(self) -> None:
        head = self.document.letterhead
        x = self.l_margin
        if self.logo is not None:
            width, height = self.logo.size_mm(14)
            self.image(io.BytesIO(self.logo.data), x=x, y=12, h=height)
            x += width + 5
        self.set_xy(x, 13)
        if head.office_name:
            self.set_font(FAMILY, "B", 12)
            self.set_text_color(*self.primary)
            self.cell(0, 6, head.office_name, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_x(x)
        if head.contact_line:
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*_hex(GREY))
            self.multi_cell(0, 4, head.contact_line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*self.primary)
        self.set_line_width(0.6)
        line_y = max(self.get_y() + 2, 28)
        self.line(self.l_margin, line_y, self.w - self.r_margin, line_y)
        self.set_line_width(0.2)
        self.set_xy(self.l_margin, line_y + 6)
        self._body_font()

    def footer(self) -> None:
        self.set_y(-20)
        self.set_draw_color(184, 194, 204)
        self.line(self.l_margin, self.get_y() - 1, self.w - self.r_margin, self.get_y() - 1)
        self.set_text_color(*_hex(GREY))
        self.set_font(FAMILY, "", 7.5)
        for text in (self.document.footer, self.document.fingerprint_line):
            if text:
                self.multi_cell(0, 3.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 3.6, f"Seite {self.page_no()} von {PAGE_COUNT}", align="R")
        self._body_font()

    def _body_font(self) -> None:
        self.set_font(FAMILY, "", 10)
        self.set_text_color(26, 26, 26)
        self.set_draw_color(0, 0, 0)
        self.set_fill_color(255, 255, 255)

    def keep_space(self, height: float) -> None:
        """A new page unless ``height`` mm fit on this one (headings stay with their text)."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def render_pdf(document: Document) -> bytes:
    fonts = find_fonts()
    pdf = _PDF(document, load_logo(document.letterhead.logo_path), fonts)
    # fpdf2 reports glyphs missing from the font (emoji, CJK) through logging; they are left out.
    logging.getLogger("fpdf").setLevel(logging.ERROR)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 19)
    pdf.set_text_color(*pdf.primary)
    pdf.multi_cell(0, 8.5, document.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.subtitle:
        pdf.ln(1)
        pdf.set_font(FAMILY, "", 12.5)
        pdf.set_text_color(*_hex(GREY))
        pdf.multi_cell(0, 6, document.subtitle, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf._body_font()
    pdf.ln(4)
    if document.meta:
        _pairs(pdf, document.meta, shaded=True)
    for block in document.blocks:
        _block(pdf, block)
    return bytes(pdf.output())


# fpdf2 cannot split a table row over pages; a cell longer than this many (estimated) lines is
# continued in the next row. Widths are estimated with a wide average glyph, to stay safe.
CELL_LINES = 25
GLYPH_MM = 2.6


def _cell_chunks(text: str, width_mm: float) -> list[str]:
    """``text`` in pieces that each fit a table row of a column ``width_mm`` wide."""
    per_line = max(int(width_mm / GLYPH_MM), 4)
    if len(text) <= per_line * 4 and text.count("\n") < 4:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for line in text.split("\n"):
        pieces = textwrap.wrap(line, per_line, break_on_hyphens=False) or [""]
        if len(pieces) > CELL_LINES:
            # A very long line: cut it into whole-row parts (its spacing may be simplified).
            for start in range(0, len(pieces), CELL_LINES):
                if current:
                    chunks.append("\n".join(current))
                    current, used = [], 0
                chunks.append(" ".join(pieces[start : start + CELL_LINES]))
            continue
        if used + len(pieces) > CELL_LINES and current:
            chunks.append("\n".join(current))
            current, used = [], 0
        current.append(line)
        used += len(pieces)
    if current:
        chunks.append("\n".join(current))
    return chunks or [""]


def _split_rows(
    pdf: _PDF, row: tuple[str, ...], fractions: tuple[float, ...]
) -> list[tuple[str, ...]]:
    """One row, or several when a cell is too long for one page (the others stay empty)."""
    parts = [_cell_chunks(text, pdf.epw * f - 3) for text, f in zip(row, fractions, strict=True)]
    height = max(len(p) for p in parts)
    return [tuple(p[i] if i < len(p) else "" for p in parts) for i in range(height)]


def _pairs(pdf: _PDF, pairs: tuple[tuple[str, str], ...], *, shaded: bool = False) -> None:
    pdf._body_font()
    label = FontFace(family=FAMILY, emphasis="BOLD")
    with pdf.table(
        col_widths=(0.28, 0.72),
        first_row_as_headings=False,
        borders_layout="NONE",
        cell_fill_color=_tint(pdf.document.letterhead.primary_colour, 0.93) if shaded else None,
        cell_fill_mode=TableCellFillMode.ALL if shaded else TableCellFillMode.NONE,
        line_height=LINE,
        text_align="LEFT",
        padding=(0.8, 2),
        v_align="TOP",
    ) as table:
        for pair in pairs:
            for key, value in _split_rows(pdf, pair, (0.28, 0.72)):
                row = table.row()
                row.cell(key, style=label)
                row.cell(value)
    pdf.ln(3)


def _table(
    pdf: _PDF,
    headers: tuple[str, ...],
    rows: list[tuple[str, ...]],
    fractions: tuple[float, ...],
    *,
    min_row_height: float | None = None,
) -> None:
    pdf.keep_space(18)
    pdf._body_font()
    pdf.set_font(FAMILY, "", 9)
    heading = FontFace(
        family=FAMILY, emphasis="BOLD", color=(255, 255, 255), fill_color=pdf.primary
    )
    pdf.set_draw_color(184, 194, 204)
    with pdf.table(
        col_widths=fractions,
        headings_style=heading,
        cell_fill_color=_tint(pdf.document.letterhead.primary_colour, 0.95),
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        line_height=4.4,
        text_align="LEFT",
        padding=(1, 1.5),
        v_align="TOP",
        repeat_headings=1,
        min_row_height=min_row_height,
    ) as table:
        for values in _split_rows(pdf, headers, fractions)[:1]:
            table.row(values)
        for row in rows:
            for values in _split_rows(pdf, row, fractions):
                table.row(values)
    pdf._body_font()
    pdf.ln(3)


def _block(pdf: _PDF, block: Block) -> None:
    width = pdf.epw
    match block:
        case Heading(text=text, level=level):
            size, before = {1: (14, 5.0), 2: (12, 3.5), 3: (10.5, 2.5)}[level]
            pdf.ln(before)
            pdf.keep_space(size * 0.5 + 2 * LINE)
            pdf.set_font(FAMILY, "B", size)
            pdf.set_text_color(*pdf.primary)
            pdf.multi_cell(
                0,
                size * 0.5,
                " ".join(text.split("\n")),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf._body_font()
            pdf.ln(1.5)
        case Paragraph(text=text):
            pdf.multi_cell(0, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        case BulletList(items=items):
            for item in items:
                pdf.set_x(pdf.l_margin + 2)
                pdf.cell(4, LINE, "•")
                pdf.multi_cell(
                    width - 6, LINE, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
            pdf.ln(2)
        case Table():
            _table(pdf, block.headers, list(block.rows), block.fractions())
        case KeyValue(pairs=pairs):
            _pairs(pdf, pairs)
        case SignatureLines():
            _table(
                pdf,
                ("Nr.", *block.headers),
                [(*row, "") for row in block.numbered()],
                (0.06, 0.32, 0.32, 0.30),
                min_row_height=10,
            )
        case PageBreak():
            pdf.add_page()
        case Note():
            head = pdf.document.letterhead
            hex_colour = head.accent_colour if block.kind == "decision" else head.primary_colour
            colour = _hex(hex_colour)
            pdf.keep_space(3 * LINE)
            pdf.set_fill_color(*_tint(hex_colour, 0.92))
            page, top = pdf.page, pdf.get_y()
            pdf.set_x(pdf.l_margin + 1.2)
            if block.label:
                pdf.set_font(FAMILY, "B", 10)
                pdf.set_text_color(*colour)
                pdf.multi_cell(
                    width - 1.2,
                    LINE,
                    block.label,
                    fill=True,
                    align="L",
                    padding=Padding(1.5, 3, 0, 3),
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )
                pdf._body_font()
                pdf.set_x(pdf.l_margin + 1.2)
            pdf.multi_cell(
                width - 1.2,
                LINE,
                block.text,
                fill=True,
                align="L",
                padding=Padding(0.5, 3, 1.5, 3),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            if pdf.page == page:
                pdf.set_fill_color(*colour)
                pdf.rect(pdf.l_margin, top, 1.2, pdf.get_y() - top, style="F")
            pdf._body_font()
            pdf.ln(3)
