"""Documents as Word files (DOCX) with python-docx: letterhead in the page header, fingerprint
and page numbers in the footer of every page, tables with a repeating header row."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from koordination.outputs.document.assets import load_logo
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
    text_bar,
)

FONT = "Calibri"
CONTENT_WIDTH_CM = 16.0
GREY = RGBColor(0x55, 0x55, 0x55)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour[1:].upper())


def render_docx(document: Document) -> bytes:
    doc = new_docx()
    primary = _rgb(document.letterhead.primary_colour)
    _page_setup(doc, primary)
    _letterhead(doc, document, primary)
    _footer(doc, document)

    # Word limits these properties to 255 characters; the full text is in the document itself.
    doc.core_properties.title = document.title[:255]
    doc.core_properties.subject = document.subtitle[:255]
    doc.core_properties.author = document.letterhead.office_name[:255]
    doc.core_properties.language = "de-DE"

    doc.add_paragraph(document.title, style="Title")
    if document.subtitle:
        doc.add_paragraph(document.subtitle, style="Subtitle")
    if document.meta:
        _pairs(doc, document.meta)
    for block in document.blocks:
        _block(doc, block, document)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc: DocxDocument, primary: RGBColor) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.0)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    # German hyphenation and spell checking for the whole document.
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "de-DE")
    rpr.append(lang)
    for name, size in (
        ("Title", 22),
        ("Subtitle", 13),
        ("Heading 1", 15),
        ("Heading 2", 12.5),
        ("Heading 3", 11),
    ):
        font = styles[name].font
        font.name = FONT
        font.size = Pt(size)
        font.color.rgb = primary if name != "Subtitle" else GREY


def _letterhead(doc: DocxDocument, document: Document, primary: RGBColor) -> None:
    head = document.letterhead
    header = doc.sections[0].header
    first = header.paragraphs[0]
    logo = load_logo(head.logo_path)
    if logo is not None:
        first.add_run().add_picture(io.BytesIO(logo.data), height=Cm(1.5))
        first.add_run("  ")
    if head.office_name:
        run = first.add_run(head.office_name)
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = primary
    if head.contact_line:
        contact = header.add_paragraph()
        run = contact.add_run(head.contact_line)
        run.font.size = Pt(8.5)
        run.font.color.rgb = GREY
    _bottom_border(header.paragraphs[-1], head.primary_colour)


def _footer(doc: DocxDocument, document: Document) -> None:
    footer = doc.sections[0].footer
    lines = [t for t in (document.footer, document.fingerprint_line) if t]
    paragraph = footer.paragraphs[0]
    for i, text in enumerate(lines):
        if i:
            paragraph = footer.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
    pages = footer.add_paragraph() if lines else paragraph
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for text, field in (("Seite ", "PAGE"), (" von ", "NUMPAGES")):
        run = pages.add_run(text)
        run.font.size = Pt(8)
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), f" {field} ")
        inner = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "16")
        rpr.append(size)
        inner.append(rpr)
        placeholder = OxmlElement("w:t")
        placeholder.text = "1"
        inner.append(placeholder)
        simple.append(inner)
        pages._p.append(simple)


def _bottom_border(paragraph: DocxParagraph, colour: str, size: str = "12") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", size), ("space", "4"), ("color", colour[1:])):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def _shade(element: BaseOxmlElement, fill: str) -> None:
    """Background colour of a cell (``w:tcPr``) or paragraph (``w:pPr``)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element.append(shd)


def _table(
    doc: DocxDocument,
    headers: tuple[str, ...] | None,
    rows: list[tuple[str, ...]],
    fractions: tuple[float, ...],
    primary: str,
    *,
    bold_first_column: bool = False,
    row_height_cm: float | None = None,
    spacer: bool = True,
) -> DocxTable:
    count = len(fractions)
    table = doc.add_table(rows=0, cols=count)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = [Cm(CONTENT_WIDTH_CM * f) for f in fractions]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    if headers is not None:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, headers, widths, strict=True):
            cell.width = width
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            _shade(cell._tc.get_or_add_tcPr(), primary[1:])
        # The header row repeats on every page the table runs over.
        trpr = table.rows[0]._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))
    for values in rows:
        row = table.add_row()
        if row_height_cm is not None:
            row.height = Cm(row_height_cm)
        for column, (cell, text, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            cell.width = width
            run = cell.paragraphs[0].add_run(text)
            if bold_first_column and column == 0:
                run.bold = True
    if spacer:
        doc.add_paragraph()
    return table


def _pairs(doc: DocxDocument, pairs: tuple[tuple[str, str], ...]) -> None:
    _table(doc, None, list(pairs), (0.3, 0.7), "#000000", bold_first_column=True)


def _block(doc: DocxDocument, block: Block, document: Document) -> None:
    primary = document.letterhead.primary_colour
    match block:
        case Heading(text=text, level=level):
            doc.add_paragraph(" ".join(text.split("\n")), style=f"Heading {level}")
        case Paragraph(text=text):
            doc.add_paragraph(text)
        case BulletList(items=items):
            for item in items:
                doc.add_paragraph(item, style="List Bullet")
        case Table():
            _table(doc, block.headers, list(block.rows), block.fractions(), primary)
        case KeyValue(pairs=pairs):
            _pairs(doc, pairs)
        case SignatureLines():
            sheet = block.as_table()
            _table(
                doc, sheet.headers, list(sheet.rows), sheet.fractions(), primary, row_height_cm=1.1
            )
        case PageBreak():
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        case Note():
            colour = document.letterhead.accent_colour if block.kind == "decision" else primary
            paragraph = doc.add_paragraph()
            if block.label:
                label = paragraph.add_run(f"{block.label}: ")
                label.bold = True
                label.font.color.rgb = _rgb(colour)
            paragraph.add_run(block.text)
            ppr = paragraph._p.get_or_add_pPr()
            borders = OxmlElement("w:pBdr")
            left = OxmlElement("w:left")
            for key, value in (
                ("val", "single"),
                ("sz", "24"),
                ("space", "8"),
                ("color", colour[1:]),
            ):
                left.set(qn(f"w:{key}"), value)
            borders.append(left)
            ppr.append(borders)
            _shade(ppr, "F5F7FA")
            paragraph.paragraph_format.left_indent = Cm(0.3)
        case BarChart():
            _chart(doc, block, document)
        case QuestionBlock():
            _question(doc, block, document)


def _chart(doc: DocxDocument, chart: BarChart, document: Document) -> None:
    """A chart as a table: per series a bar of block characters in the series' colour."""
    if chart.title:
        title = doc.add_paragraph()
        title.paragraph_format.keep_with_next = True
        title.add_run(chart.title).bold = True
    colours = [_rgb(c) for c in series_colours(document.letterhead, chart.series_count)]
    fractions = chart.as_table().fractions()
    primary = document.letterhead.primary_colour
    table = _table(doc, chart.headers, [], fractions, primary, spacer=False)
    widths = [Cm(CONTENT_WIDTH_CM * f) for f in fractions]
    for bar in chart.bars:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        cells[0].paragraphs[0].add_run(bar.label)
        for cell, value, text, colour in zip(
            cells[1:], bar.values, bar.texts, colours, strict=True
        ):
            paragraph = cell.paragraphs[0]
            drawn = text_bar(value)
            if drawn:
                run = paragraph.add_run(drawn + " ")
                run.font.color.rgb = colour
            paragraph.add_run(text)
    caption = doc.add_paragraph()
    if chart.caption:
        run = caption.add_run(chart.caption)
        run.italic = True
        run.font.size = Pt(9)
        run.font.color.rgb = GREY


def _question(doc: DocxDocument, question: QuestionBlock, document: Document) -> None:
    """A questionnaire question: number and text with a hanging indent, tick boxes, lines."""
    indent = Cm(1.0)
    head = doc.add_paragraph()
    head.paragraph_format.left_indent = indent
    head.paragraph_format.first_line_indent = -indent
    head.paragraph_format.space_before = Pt(8)
    number = head.add_run(f"{question.number}\t")
    number.bold = True
    number.font.color.rgb = _rgb(document.letterhead.primary_colour)
    head.add_run(question.text).bold = True
    paragraphs = [head]

    def line(
        text: str = "",
        *,
        size: float | None = None,
        colour: RGBColor | None = None,
        italic: bool = False,
    ) -> DocxParagraph:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.left_indent = indent
        paragraph.paragraph_format.space_after = Pt(2)
        if text:
            run = paragraph.add_run(text)
            run.italic = italic
            if size is not None:
                run.font.size = Pt(size)
            if colour is not None:
                run.font.color.rgb = colour
        paragraphs.append(paragraph)
        return paragraph

    if question.hint:
        line(question.hint, size=9.5, colour=GREY, italic=True)
    if question.remarks:
        line(" · ".join(question.remarks), size=9, colour=_rgb(document.letterhead.accent_colour))
    if question.choice:
        for option in question.options:
            paragraph = line()
            paragraph.paragraph_format.left_indent = Cm(1.7)
            paragraph.paragraph_format.first_line_indent = Cm(-0.7)
            paragraph.add_run(TICK_BOX).font.size = Pt(13)
            paragraph.add_run(f"\t{option}")
    elif question.kind == "scale":
        _scale(doc, question)
    elif question.kind == "text":
        for _ in range(question.lines):
            paragraph = line()
            paragraph.paragraph_format.space_before = Pt(14)
            _bottom_border(paragraph, "#8A96A3", size="4")
    else:
        paragraph = line(f"{question.field_label}: ")
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.add_run("_" * 32).font.color.rgb = GREY
    # The scale's table follows the last paragraph and ends with its own spacing.
    keep = paragraphs if question.kind == "scale" else paragraphs[:-1]
    for paragraph in keep:
        paragraph.paragraph_format.keep_with_next = True
    if question.kind != "scale":
        paragraphs[-1].paragraph_format.space_after = Pt(10)


def _scale(doc: DocxDocument, question: QuestionBlock) -> None:
    """The scale as one borderless row: end label, a tick box under each value, end label."""
    ends = 0.22 if question.low_label or question.high_label else 0.0
    count = len(question.scale)
    width = min((1 - 2 * ends) / count, 0.09)
    cells_text = [
        *([question.low_label] if ends else []),
        *(f"{value}\n{TICK_BOX}" for value in question.scale),
        *([question.high_label] if ends else []),
    ]
    widths = [*([ends] if ends else []), *([width] * count), *([ends] if ends else [])]
    table = doc.add_table(rows=1, cols=len(cells_text))
    table.autofit = False
    for column, (cell, text, fraction) in enumerate(
        zip(table.rows[0].cells, cells_text, widths, strict=True)
    ):
        cell.width = Cm(CONTENT_WIDTH_CM * fraction)
        paragraph = cell.paragraphs[0]
        end = bool(ends) and column in (0, len(cells_text) - 1)
        paragraph.alignment = (
            WD_ALIGN_PARAGRAPH.RIGHT
            if end and column == 0
            else WD_ALIGN_PARAGRAPH.LEFT
            if end
            else WD_ALIGN_PARAGRAPH.CENTER
        )
        run = paragraph.add_run(text)
        run.font.size = Pt(9 if end else 10.5)
    doc.add_paragraph().paragraph_format.space_after = Pt(4)
