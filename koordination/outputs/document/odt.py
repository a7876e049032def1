"""Documents as OpenDocument text (ODT) with odfdo, the exchange format of German administration.

The styles are named common styles (Dokumenttitel, Hinweis, …) so an office can restyle a document
in LibreOffice; letterhead in the page header, fingerprint and page numbers in the page footer.
"""

from __future__ import annotations

import io

from odfdo import (
    Cell,
    Column,
    Element,
    Frame,
    Header,
    List,
    ListItem,
    Row,
    Span,
    StyleMasterPage,
    VarPageCount,
    VarPageNumber,
)
from odfdo import Document as OdfDocument
from odfdo import Paragraph as OdfParagraph
from odfdo import Table as OdfTable

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

CONTENT_WIDTH_CM = 17.0
FONT = "Liberation Sans"


def _survey_styles(primary: str, accent: str, series: tuple[str, ...]) -> list[str]:
    """Styles of charts and questionnaire questions (validated colours and constants only)."""
    indent = 'fo:margin-left="1cm" fo:margin-bottom="0.05cm" fo:keep-with-next="always"'
    return [
        '<style:style style:name="K_Diagrammtitel" style:display-name="Diagrammtitel" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-top="0.2cm" fo:keep-with-next="always"/>'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
        '<style:style style:name="K_Bildunterschrift" style:display-name="Diagrammlegende" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-top="0.1cm" fo:margin-bottom="0.3cm"/>'
        '<style:text-properties fo:font-size="9pt" fo:font-style="italic" '
        'fo:color="#555555"/></style:style>',
        *(
            f'<style:style style:name="K_Balken_{i}" style:display-name="Balken {i}" '
            f'style:family="text"><style:text-properties fo:color="{colour}"/></style:style>'
            for i, colour in enumerate(series, start=1)
        ),
        '<style:style style:name="K_Frage" style:display-name="Frage" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.1cm" '
        'fo:margin-left="1cm" fo:text-indent="-1cm" fo:keep-with-next="always">'
        '<style:tab-stops><style:tab-stop style:position="0cm"/></style:tab-stops>'
        "</style:paragraph-properties>"
        '<style:text-properties fo:font-weight="bold"/></style:style>',
        f'<style:style style:name="K_Fragennummer" style:display-name="Fragennummer" '
        f'style:family="text"><style:text-properties fo:color="{primary}"/></style:style>',
        '<style:style style:name="K_Fragenhinweis" style:display-name="Hinweis zur Frage" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        f"<style:paragraph-properties {indent}/>"
        '<style:text-properties fo:font-size="9.5pt" fo:font-style="italic" '
        'fo:color="#444444"/></style:style>',
        f'<style:style style:name="K_Fragenvermerk" style:display-name="Vermerk zur Frage" '
        f'style:family="paragraph" style:parent-style-name="Standard">'
        f"<style:paragraph-properties {indent}/>"
        f'<style:text-properties fo:font-size="9pt" fo:color="{accent}"/></style:style>',
        '<style:style style:name="K_Antwort" style:display-name="Antwortmöglichkeit" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-left="1.7cm" fo:text-indent="-0.7cm" '
        'fo:margin-bottom="0.1cm" fo:keep-with-next="always">'
        '<style:tab-stops><style:tab-stop style:position="0cm"/></style:tab-stops>'
        "</style:paragraph-properties></style:style>",
        '<style:style style:name="K_Kaestchen" style:display-name="Ankreuzkästchen" '
        'style:family="text"><style:text-properties fo:font-size="13pt"/></style:style>',
        '<style:style style:name="K_Antwortzeile" style:display-name="Antwortzeile" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-left="1cm" fo:margin-top="0.45cm" '
        'fo:margin-bottom="0cm" fo:border-bottom="0.5pt solid #8a96a3" '
        'fo:keep-with-next="always"/></style:style>',
        '<style:style style:name="K_Skalenwert" style:display-name="Skalenwert" '
        'style:family="paragraph" style:parent-style-name="K_Zelle">'
        '<style:paragraph-properties fo:text-align="center"/></style:style>',
        '<style:style style:name="K_Skalenende_links" style:display-name="Skalenende links" '
        'style:family="paragraph" style:parent-style-name="K_Zelle">'
        '<style:paragraph-properties fo:text-align="end"/>'
        '<style:text-properties fo:font-size="9pt" fo:color="#444444"/></style:style>',
        '<style:style style:name="K_Skalenende_rechts" style:display-name="Skalenende rechts" '
        'style:family="paragraph" style:parent-style-name="K_Zelle">'
        '<style:text-properties fo:font-size="9pt" fo:color="#444444"/></style:style>',
        '<style:style style:name="K_Fragenende" style:display-name="Abstand nach Frage" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-bottom="0.2cm"/></style:style>',
    ]


def _styles(primary: str, accent: str) -> list[str]:
    """The common styles as ODF XML; values are validated colours and constants only."""
    text = f'style:font-name="{FONT}" fo:language="de" fo:country="DE"'
    return [
        f'<style:style style:name="Standard" style:family="paragraph" style:class="text">'
        f'<style:paragraph-properties fo:margin-bottom="0.15cm"/>'
        f'<style:text-properties {text} fo:font-size="10.5pt"/></style:style>',
        f'<style:style style:name="K_Titel" style:display-name="Dokumenttitel" '
        f'style:family="paragraph" style:parent-style-name="Standard">'
        f'<style:paragraph-properties fo:margin-bottom="0.1cm"/>'
        f'<style:text-properties fo:font-size="20pt" fo:font-weight="bold" '
        f'fo:color="{primary}"/></style:style>',
        '<style:style style:name="K_Untertitel" style:display-name="Untertitel" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-bottom="0.4cm"/>'
        '<style:text-properties fo:font-size="13pt" fo:color="#555555"/></style:style>',
        *(
            f'<style:style style:name="K_Ueberschrift_{level}" '
            f'style:display-name="Überschrift {level}" style:family="paragraph" '
            f'style:parent-style-name="Standard" style:default-outline-level="{level}">'
            f'<style:paragraph-properties fo:margin-top="{margin}" fo:margin-bottom="0.15cm" '
            f'fo:keep-with-next="always"/>'
            f'<style:text-properties fo:font-size="{size}" fo:font-weight="bold" '
            f'fo:color="{primary}"/></style:style>'
            for level, size, margin in (
                (1, "15pt", "0.5cm"),
                (2, "12.5pt", "0.4cm"),
                (3, "11pt", "0.3cm"),
            )
        ),
        '<style:style style:name="K_Zelle" style:display-name="Tabelleninhalt" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-bottom="0cm"/>'
        '<style:text-properties fo:font-size="9.5pt"/></style:style>',
        '<style:style style:name="K_Zelle_Fett" style:display-name="Tabellenbeschriftung" '
        'style:family="paragraph" style:parent-style-name="K_Zelle">'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
        '<style:style style:name="K_Kopfzelle" style:display-name="Tabellenkopf" '
        'style:family="paragraph" style:parent-style-name="K_Zelle">'
        '<style:text-properties fo:font-weight="bold" fo:color="#ffffff"/></style:style>',
        *(
            f'<style:style style:name="K_Hinweis_{kind}" style:display-name="Hinweis {kind}" '
            f'style:family="paragraph" style:parent-style-name="Standard">'
            f'<style:paragraph-properties fo:background-color="{background}" '
            f'fo:border-left="0.1cm solid {colour}" fo:padding="0.2cm" '
            f'fo:margin-top="0.2cm" fo:margin-bottom="0.3cm" fo:keep-together="always"/>'
            f"</style:style>"
            for kind, colour, background in (
                ("info", primary, "#f5f7fa"),
                ("decision", accent, "#fdf3ec"),
                ("task", primary, "#f5f7fa"),
                ("warning", "#b45309", "#fff4e5"),
            )
        ),
        f'<style:style style:name="K_Hinweistitel" style:display-name="Hinweistitel" '
        f'style:family="text"><style:text-properties fo:font-weight="bold" '
        f'fo:color="{primary}"/></style:style>',
        '<style:style style:name="K_Briefkopf" style:display-name="Briefkopf" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        f'<style:paragraph-properties fo:border-bottom="0.06cm solid {primary}" '
        'fo:padding-bottom="0.15cm"/>'
        '<style:text-properties fo:font-size="8.5pt" fo:color="#555555"/></style:style>',
        '<style:style style:name="K_Amt" style:display-name="Name der Stelle" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-bottom="0cm"/>'
        f'<style:text-properties fo:font-size="12pt" fo:font-weight="bold" '
        f'fo:color="{primary}"/></style:style>',
        '<style:style style:name="K_Fusszeile" style:display-name="Fußzeile" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:margin-bottom="0cm"/>'
        '<style:text-properties fo:font-size="8pt" fo:color="#555555"/></style:style>',
        '<style:style style:name="K_Seitenzahl" style:display-name="Seitenzahl" '
        'style:family="paragraph" style:parent-style-name="K_Fusszeile">'
        '<style:paragraph-properties fo:text-align="end"/></style:style>',
        '<style:style style:name="K_Seitenumbruch" style:display-name="Seitenumbruch" '
        'style:family="paragraph" style:parent-style-name="Standard">'
        '<style:paragraph-properties fo:break-after="page"/></style:style>',
    ]


def _automatic_styles(primary: str) -> list[str]:
    return [
        '<style:style style:name="K_Tabelle" style:family="table">'
        f'<style:table-properties style:width="{CONTENT_WIDTH_CM}cm" table:align="left" '
        'fo:margin-bottom="0.3cm"/></style:style>',
        '<style:style style:name="K_Zellrahmen" style:family="table-cell">'
        '<style:table-cell-properties fo:border="0.5pt solid #b8c2cc" fo:padding="0.1cm"/>'
        "</style:style>",
        '<style:style style:name="K_Kopfzellrahmen" style:family="table-cell">'
        f'<style:table-cell-properties fo:background-color="{primary}" '
        'fo:border="0.5pt solid #b8c2cc" fo:padding="0.1cm"/></style:style>',
        '<style:style style:name="K_Unterschriftzeile" style:family="table-row">'
        '<style:table-row-properties style:min-row-height="1.1cm"/></style:style>',
        '<style:style style:name="K_Skala" style:family="table">'
        '<style:table-properties style:width="12cm" table:align="left" fo:margin-left="1cm" '
        'fo:margin-bottom="0.2cm"/></style:style>',
        '<style:style style:name="K_Skalenzelle" style:family="table-cell">'
        '<style:table-cell-properties fo:border="none" fo:padding="0.05cm" '
        'style:vertical-align="bottom"/></style:style>',
    ]


class _Writer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.doc = OdfDocument("text")
        self.body = self.doc.body
        self.body.clear()
        self.tables = 0
        self.column_styles: dict[int, str] = {}
        head = document.letterhead
        self.series = series_colours(head, 4)
        for xml in _styles(head.primary_colour, head.accent_colour):
            self.doc.insert_style(xml)
        for xml in _survey_styles(head.primary_colour, head.accent_colour, self.series):
            self.doc.insert_style(xml)
        for xml in _automatic_styles(head.primary_colour):
            self.doc.insert_style(xml, automatic=True)
        self._unnumbered_outline()

    def _unnumbered_outline(self) -> None:
        """Headings carry their own numbers ("TOP 1", "F1"): the template's outline numbering
        ("1.", "1.1.") would put a second one in front of each in LibreOffice."""
        outline = self.doc.styles.get_element("//text:outline-style")
        if outline is None:
            return
        for level in outline.children:
            for name in (
                "loext:num-list-format",
                "style:num-suffix",
                "style:num-prefix",
                "text:display-levels",
                "text:style-name",
            ):
                if level.get_attribute(name) is not None:
                    level.del_attribute(name)
            level.set_attribute("style:num-format", "")

    def render(self) -> bytes:
        document = self.document
        self._page_header()
        self._page_footer()
        meta = self.doc.meta
        meta.title = document.title
        meta.subject = document.subtitle
        meta.language = "de-DE"
        self.body.append(OdfParagraph(document.title, style="K_Titel"))
        if document.subtitle:
            self.body.append(OdfParagraph(document.subtitle, style="K_Untertitel"))
        if document.meta:
            self._pairs(document.meta)
        for block in document.blocks:
            self._block(block)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _page_header(self) -> None:
        head = self.document.letterhead
        logo = load_logo(head.logo_path)
        content: list[Element | str] = []
        name = OdfParagraph(head.office_name, style="K_Amt")
        if logo is not None:
            url = self.doc.add_file(io.BytesIO(logo.data))
            width, height = logo.size_mm(15)
            frame = Frame.image_frame(
                url, size=(f"{width:.1f}mm", f"{height:.1f}mm"), anchor_type="as-char"
            )
            name = OdfParagraph(style="K_Amt")
            name.append(frame)
            name.append(f"  {head.office_name}")
        if head.office_name or logo is not None:
            content.append(name)
        content.append(OdfParagraph(head.contact_line, style="K_Briefkopf"))
        self._master().set_page_header(content)

    def _page_footer(self) -> None:
        content: list[Element | str] = [
            OdfParagraph(text, style="K_Fusszeile")
            for text in (self.document.footer, self.document.fingerprint_line)
            if text
        ]
        pages = OdfParagraph("Seite ", style="K_Seitenzahl")
        pages.append(VarPageNumber(select_page="current"))
        pages.append(" von ")
        pages.append(VarPageCount())
        content.append(pages)
        self._master().set_page_footer(content)

    def _master(self) -> StyleMasterPage:
        master = self.doc.get_style("master-page", "Standard")
        assert isinstance(master, StyleMasterPage)
        return master

    def _column_style(self, fraction: float) -> str:
        width = round(CONTENT_WIDTH_CM * fraction * 100)  # in 1/100 cm, shared between tables
        name = self.column_styles.get(width)
        if name is None:
            name = f"K_Spalte_{width}"
            self.doc.insert_style(
                f'<style:style style:name="{name}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{width / 100:.2f}cm"/>'
                "</style:style>",
                automatic=True,
            )
            self.column_styles[width] = name
        return name

    def _table(
        self,
        headers: tuple[str, ...] | None,
        rows: list[tuple[str, ...]],
        fractions: tuple[float, ...],
        *,
        bold_first_column: bool = False,
        row_style: str | None = None,
    ) -> None:
        self.tables += 1
        table = OdfTable(f"Tabelle{self.tables}", style="K_Tabelle")
        for fraction in fractions:
            table.append(Column(style=self._column_style(fraction)))
        if headers is not None:
            header_rows = Element.from_tag("table:table-header-rows")
            header_rows.append(self._row(headers, "K_Kopfzellrahmen", "K_Kopfzelle"))
            table.append(header_rows)
        for values in rows:
            row = self._row(values, "K_Zellrahmen", "K_Zelle", bold_first=bold_first_column)
            if row_style:
                row.style = row_style
            table.append(row)
        self.body.append(table)

    @staticmethod
    def _row(
        values: tuple[str, ...], cell_style: str, text_style: str, *, bold_first: bool = False
    ) -> Row:
        row = Row()
        for column, text in enumerate(values):
            cell = Cell(style=cell_style)
            style = "K_Zelle_Fett" if bold_first and column == 0 else text_style
            cell.append(OdfParagraph(text, style=style))
            row.append(cell)
        return row

    def _pairs(self, pairs: tuple[tuple[str, str], ...]) -> None:
        self._table(None, list(pairs), (0.3, 0.7), bold_first_column=True)

    def _block(self, block: Block) -> None:
        match block:
            case Heading(text=text, level=level):
                heading = Header(level, " ".join(text.split("\n")))
                # Set afterwards: odfdo's Header(style=...) drops it, and LibreOffice then
                # shows its own "Heading 2" (italic) instead of ours.
                heading.style = f"K_Ueberschrift_{level}"
                self.body.append(heading)
            case Paragraph(text=text):
                self.body.append(OdfParagraph(text))
            case BulletList(items=items):
                bullets = List(style="List_20_1")
                for item in items:
                    bullets.append(ListItem(OdfParagraph(item)))
                self.body.append(bullets)
            case Table():
                self._table(block.headers, list(block.rows), block.fractions())
            case KeyValue(pairs=pairs):
                self._pairs(pairs)
            case SignatureLines():
                sheet = block.as_table()
                self._table(
                    sheet.headers,
                    list(sheet.rows),
                    sheet.fractions(),
                    row_style="K_Unterschriftzeile",
                )
            case PageBreak():
                self.body.append(OdfParagraph("", style="K_Seitenumbruch"))
            case Note():
                paragraph = OdfParagraph(style=f"K_Hinweis_{block.kind}")
                if block.label:
                    label = Element.from_tag('<text:span text:style-name="K_Hinweistitel"/>')
                    label.text = f"{block.label}: "
                    paragraph.append(label)
                paragraph.append(block.text)
                self.body.append(paragraph)
            case BarChart():
                self._chart(block)
            case QuestionBlock():
                self._question(block)

    def _chart(self, chart: BarChart) -> None:
        """A chart as a table: per series a bar of block characters in the series' colour."""
        if chart.title:
            self.body.append(OdfParagraph(chart.title, style="K_Diagrammtitel"))
        self.tables += 1
        table = OdfTable(f"Tabelle{self.tables}", style="K_Tabelle")
        for fraction in chart.as_table().fractions():
            table.append(Column(style=self._column_style(fraction)))
        header_rows = Element.from_tag("table:table-header-rows")
        header_rows.append(self._row(chart.headers, "K_Kopfzellrahmen", "K_Kopfzelle"))
        table.append(header_rows)
        for bar in chart.bars:
            row = Row()
            label = Cell(style="K_Zellrahmen")
            label.append(OdfParagraph(bar.label, style="K_Zelle"))
            row.append(label)
            for i, (value, text) in enumerate(zip(bar.values, bar.texts, strict=True)):
                cell = Cell(style="K_Zellrahmen")
                paragraph = OdfParagraph(style="K_Zelle")
                drawn = text_bar(value)
                if drawn:
                    style = f"K_Balken_{i % len(self.series) + 1}"
                    paragraph.append(Span(drawn + " ", style=style))
                paragraph.append(text)
                cell.append(paragraph)
                row.append(cell)
            table.append(row)
        self.body.append(table)
        if chart.caption:
            self.body.append(OdfParagraph(chart.caption, style="K_Bildunterschrift"))

    def _question(self, question: QuestionBlock) -> None:
        """A questionnaire question: number and text, hint, tick boxes or lines to write on."""
        head = OdfParagraph(style="K_Frage")
        number = Span(question.number, style="K_Fragennummer")
        head.append(number)
        head.append(Element.from_tag("text:tab"))
        head.append(question.text)
        self.body.append(head)
        if question.hint:
            self.body.append(OdfParagraph(question.hint, style="K_Fragenhinweis"))
        if question.remarks:
            self.body.append(OdfParagraph(" · ".join(question.remarks), style="K_Fragenvermerk"))
        if question.choice:
            for option in question.options:
                paragraph = OdfParagraph(style="K_Antwort")
                paragraph.append(Span(TICK_BOX, style="K_Kaestchen"))
                paragraph.append(Element.from_tag("text:tab"))
                paragraph.append(option)
                self.body.append(paragraph)
        elif question.kind == "scale":
            self._scale(question)
        elif question.kind == "text":
            for _ in range(question.lines):
                self.body.append(OdfParagraph("", style="K_Antwortzeile"))
        else:
            field = OdfParagraph(f"{question.field_label}: ", style="K_Antwort")
            field.append("_" * 32)
            self.body.append(field)
        self.body.append(OdfParagraph("", style="K_Fragenende"))

    def _scale(self, question: QuestionBlock) -> None:
        """The scale as one borderless row: end label, a tick box under each value, end label."""
        self.tables += 1
        table = OdfTable(f"Tabelle{self.tables}", style="K_Skala")
        ends = bool(question.low_label or question.high_label)
        cells: list[tuple[str, str]] = []
        if ends:
            cells.append((question.low_label, "K_Skalenende_links"))
        cells.extend((f"{value}\n{TICK_BOX}", "K_Skalenwert") for value in question.scale)
        if ends:
            cells.append((question.high_label, "K_Skalenende_rechts"))
        value_share = 1 / len(question.scale) if not ends else 0.6 / len(question.scale)
        for _text, style in cells:
            share = value_share if style == "K_Skalenwert" else 0.2
            table.append(Column(style=self._column_style(share * 12 / CONTENT_WIDTH_CM)))
        row = Row()
        for text, style in cells:
            cell = Cell(style="K_Skalenzelle")
            cell.append(OdfParagraph(text, style=style))
            row.append(cell)
        table.append(row)
        self.body.append(table)


def render_odt(document: Document) -> bytes:
    return _Writer(document).render()
