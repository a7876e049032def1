"""Documents as PDF with fpdf2 and an embedded Unicode TrueType font (DejaVu Sans by default).

The standard PDF fonts know Latin-1 only; minutes carry names such as Yılmaz or Łukasz, so a TTF
font is embedded (subset). fpdf2 writes every string as glyph ids of that font: user text can never
become PDF syntax. The fingerprint and page numbers are in the footer of every page.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import MethodReturnValue, TableCellFillMode, XPos, YPos
from fpdf.util import Padding

from koordination.errors import KoordinationError
from koordination.outputs.document.assets import Logo, load_logo
from koordination.outputs.document.model import (
    TICK_BOX,
    BarChart,
    Block,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Note,
    PageBreak,
    Paragraph,
    QuestionBlock,
    SignatureLines,
    Table,
    series_colours,
)

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
    for block, following in zip(document.blocks, (*document.blocks[1:], None), strict=True):
        if isinstance(block, Heading) and isinstance(following, Heading):
            # A heading straight over another (a Stadtteil, then its first offer) goes to the
            # next page with it rather than stay alone at the foot of this one.
            pdf.keep_space(_heading_height(block) + _heading_height(following) + 2 * LINE)
        _block(pdf, block)
    return bytes(pdf.output())


#: Type size (pt) and space before (mm) of each heading level.
HEADINGS = {1: (14, 5.0), 2: (12, 3.5), 3: (10.5, 2.5)}


def _heading_height(heading: Heading) -> float:
    size, before = HEADINGS[heading.level]
    return before + size * 0.5


# fpdf2 cannot split a table row over pages; a cell longer than this many lines is continued
# in the next row. The lines are counted as fpdf2 itself wraps them in the current font, so a
# word longer than a line (it breaks inside the word) is counted right too.
CELL_LINES = 25
#: Horizontal padding of a cell on both sides together, at least (see the tables below).
CELL_PADDING_MM = 4


def _cell_chunks(pdf: _PDF, text: str, width_mm: float) -> list[str]:
    """``text`` in pieces that each fit a table row of a column ``width_mm`` wide."""
    if len(text) < 40 and "\n" not in text:
        return [text]  # fits any column we make; measuring every short cell is slow
    lines = pdf.multi_cell(max(width_mm, 5), 1, text, dry_run=True, output=MethodReturnValue.LINES)
    if not isinstance(lines, list) or len(lines) <= CELL_LINES:
        return [text]
    return ["\n".join(lines[i : i + CELL_LINES]) for i in range(0, len(lines), CELL_LINES)]


def _split_rows(
    pdf: _PDF, row: tuple[str, ...], fractions: tuple[float, ...]
) -> list[tuple[str, ...]]:
    """One row, or several when a cell is too long for one page (the others stay empty)."""
    parts = [
        _cell_chunks(pdf, text, pdf.epw * f - CELL_PADDING_MM)
        for text, f in zip(row, fractions, strict=True)
    ]
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
            size, before = HEADINGS[level]
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
            sheet = block.as_table()
            _table(pdf, sheet.headers, list(sheet.rows), sheet.fractions(), min_row_height=10)
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
        case BarChart():
            _chart(pdf, block)
        case QuestionBlock():
            _question(pdf, block)


def _line_count(pdf: _PDF, width: float, height: float, text: str) -> int:
    """How many lines ``text`` takes in a multi_cell of ``width`` mm (current font)."""
    lines = pdf.multi_cell(width, height, text, dry_run=True, output=MethodReturnValue.LINES)
    return max(len(lines), 1) if isinstance(lines, list) else 1


# Bar charts, in mm: labels left of the axis, bars right of it, the value text after each bar.
CHART_LABEL_SHARE = 0.36
CHART_VALUE_SPACE = 30.0
CHART_BAR = 4.2
CHART_BAR_GAP = 0.8
CHART_LINE = 3.8
CHART_ROW_GAP = 2.2
CHART_LABEL_CHARS = 160  # longer labels are shortened in the picture (the table has them whole)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart(pdf: _PDF, chart: BarChart) -> None:
    """A bar chart drawn as vector graphics: one filled rectangle per shown value."""
    colours = [_hex(c) for c in series_colours(pdf.document.letterhead, chart.series_count)]
    x0 = pdf.l_margin
    label_width = pdf.epw * CHART_LABEL_SHARE
    bar_x = x0 + label_width + 2.5
    area = pdf.epw - label_width - 2.5 - CHART_VALUE_SPACE
    count = chart.series_count
    bars_height = count * CHART_BAR + (count - 1) * CHART_BAR_GAP
    pdf._body_font()
    pdf.set_font(FAMILY, "", 8.5)
    rows: list[tuple[str, int, float]] = []
    for bar in chart.bars:
        label = _short(bar.label, CHART_LABEL_CHARS)
        lines = _line_count(pdf, label_width, CHART_LINE, label)
        rows.append((label, lines, max(lines * CHART_LINE, bars_height) + CHART_ROW_GAP))
    head = (7.0 if chart.title else 0.0) + (6.0 if len(chart.series) > 1 else 0.0)
    pdf.keep_space(min(head + sum(r[2] for r in rows), 90.0) + 4)
    if chart.title:
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(0, LINE, chart.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    if len(chart.series) > 1:
        _legend(pdf, chart.series, colours, bar_x)
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_draw_color(138, 150, 163)
    top = pdf.get_y()
    for bar, (label, lines, height) in zip(chart.bars, rows, strict=True):
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.line(bar_x, top, bar_x, pdf.get_y())
            pdf.add_page()
            pdf.set_font(FAMILY, "", 8.5)
            pdf.set_draw_color(138, 150, 163)
            top = pdf.get_y()
        y = pdf.get_y()
        inner = height - CHART_ROW_GAP
        pdf.set_xy(x0, y + (inner - lines * CHART_LINE) / 2)
        pdf.multi_cell(label_width, CHART_LINE, label, align="R")
        first = y + (inner - bars_height) / 2
        for i, (value, text) in enumerate(zip(bar.values, bar.texts, strict=True)):
            bar_y = first + i * (CHART_BAR + CHART_BAR_GAP)
            width = area * (value or 0.0) / 100
            if value is not None and width > 0:
                pdf.set_fill_color(*colours[i])
                pdf.rect(bar_x, bar_y, width, CHART_BAR, style="F")
            pdf.set_xy(bar_x + width + 1.2, bar_y)
            pdf.cell(CHART_VALUE_SPACE - 1.2, CHART_BAR, text)
        pdf.set_xy(x0, y + height)
    pdf.line(bar_x, top, bar_x, pdf.get_y() - CHART_ROW_GAP / 2)
    if chart.caption:
        pdf.set_font(FAMILY, "I", 8.5)
        pdf.set_text_color(*_hex(GREY))
        pdf.multi_cell(0, 4, chart.caption, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf._body_font()
    pdf.ln(3)


def _legend(
    pdf: _PDF, names: tuple[str, ...], colours: list[tuple[int, int, int]], start: float
) -> None:
    pdf.set_font(FAMILY, "", 8.5)
    x, y = start, pdf.get_y()
    for name, colour in zip(names, colours, strict=True):
        short = _short(name, 50)
        width = pdf.get_string_width(short) + 10
        if x + width > pdf.w - pdf.r_margin and x > start:
            x, y = start, y + 5
        pdf.set_fill_color(*colour)
        pdf.rect(x, y + 0.9, 3, 3, style="F")
        pdf.set_xy(x + 4.2, y)
        pdf.cell(width - 4.2, 4.8, short)
        x += width
    pdf.set_xy(pdf.l_margin, y + 6)


# Printed questions, in mm: the number hangs in the margin of the question's text.
QUESTION_INDENT = 10.0
OPTION_LINE = 5.6
ANSWER_LINE = 8.5


def _tick_box(pdf: _PDF, x: float, y: float, width: float = 6.0, align: str = "L") -> None:
    """An empty box to tick: the font's ☐ when it has one, else a drawn square."""
    pdf.set_font(FAMILY, "", 13)
    if ord(TICK_BOX) in getattr(pdf.current_font, "cmap", {}):
        pdf.set_xy(x, y - 0.4)
        pdf.cell(width, OPTION_LINE, TICK_BOX, align=align)
    else:
        left = x if align == "L" else x + (width - 3.4) / 2
        pdf.set_draw_color(60, 60, 60)
        pdf.rect(left, y + 1, 3.4, 3.4)
    pdf._body_font()


def _question(pdf: _PDF, question: QuestionBlock) -> None:
    """A questionnaire question with its tick boxes, scale row, answer lines or field."""
    x = pdf.l_margin + QUESTION_INDENT
    width = pdf.epw - QUESTION_INDENT
    pdf.set_font(FAMILY, "B", 10.5)
    estimate = _line_count(pdf, width, LINE, question.text) * LINE + 4
    estimate += (LINE if question.hint else 0) + (LINE if question.remarks else 0)
    if question.choice:
        estimate += min(len(question.options), 6) * OPTION_LINE
    elif question.kind == "text":
        estimate += min(question.lines, 4) * ANSWER_LINE
    else:
        estimate += 12
    pdf.ln(1.5)
    pdf.keep_space(min(estimate, 110.0))
    top = pdf.get_y()
    pdf.set_text_color(*pdf.primary)
    pdf.set_xy(pdf.l_margin, top)
    pdf.cell(QUESTION_INDENT, LINE, question.number)
    pdf.set_text_color(26, 26, 26)
    pdf.set_xy(x, top)
    pdf.multi_cell(width, LINE, question.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if question.hint:
        pdf.set_font(FAMILY, "I", 9)
        pdf.set_text_color(68, 68, 68)
        pdf.set_x(x)
        pdf.multi_cell(width, 4.4, question.hint, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if question.remarks:
        pdf.set_font(FAMILY, "", 8.5)
        pdf.set_text_color(*pdf.accent)
        pdf.set_x(x)
        pdf.multi_cell(
            width, 4.2, " · ".join(question.remarks), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf._body_font()
    pdf.ln(1)
    if question.choice:
        for option in question.options:
            pdf.keep_space(OPTION_LINE)
            y = pdf.get_y()
            _tick_box(pdf, x, y)
            pdf.set_xy(x + 7, y)
            pdf.multi_cell(
                width - 7, OPTION_LINE, option, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
    elif question.kind == "scale":
        _scale(pdf, question, x, width)
    elif question.kind == "text":
        pdf.set_draw_color(138, 150, 163)
        for _ in range(question.lines):
            pdf.keep_space(ANSWER_LINE)
            y = pdf.get_y() + ANSWER_LINE
            pdf.line(x, y, pdf.w - pdf.r_margin, y)
            pdf.set_y(y)
        pdf.ln(1)
    else:
        y = pdf.get_y() + 1
        pdf.set_xy(x, y)
        label = f"{question.field_label}:"
        pdf.cell(pdf.get_string_width(label) + 2, 6, label)
        pdf.set_draw_color(138, 150, 163)
        start = pdf.get_x()
        pdf.line(start, y + 5.5, start + 60, y + 5.5)
        pdf.set_xy(pdf.l_margin, y + 7)
    pdf._body_font()
    pdf.ln(4)


def _scale(pdf: _PDF, question: QuestionBlock, x: float, width: float) -> None:
    """Values over their tick boxes in one row, the end labels left and right of them."""
    low = 36.0 if question.low_label else 0.0
    high = 36.0 if question.high_label else 0.0
    count = len(question.scale)
    cell = min(11.0, (width - low - high - 4) / count)
    pdf.keep_space(16)
    y = pdf.get_y()
    bottom = y + 11.5
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(68, 68, 68)
    if low:
        pdf.set_xy(x, y + 5)
        pdf.multi_cell(low - 2, 3.6, question.low_label, align="R")
        bottom = max(bottom, pdf.get_y())
    first = x + low
    for i, value in enumerate(question.scale):
        pdf.set_font(FAMILY, "", 9)
        pdf.set_text_color(26, 26, 26)
        pdf.set_xy(first + i * cell, y)
        pdf.cell(cell, 4.5, str(value), align="C")
        _tick_box(pdf, first + i * cell, y + 4.8, cell, align="C")
    if high:
        pdf.set_font(FAMILY, "", 8.5)
        pdf.set_text_color(68, 68, 68)
        pdf.set_xy(first + count * cell + 2, y + 5)
        pdf.multi_cell(high, 3.6, question.high_label, align="L")
        bottom = max(bottom, pdf.get_y())
    pdf._body_font()
    pdf.set_xy(pdf.l_margin, bottom + 1)
