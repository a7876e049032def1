"""Documents in every format, read back by independent readers; hostile text stays plain text.

Readers: Markdown through markdown-it-py (a CommonMark parser) and html.parser, HTML through
html.parser, DOCX and ODT by parsing their XML with zipfile and ElementTree (not the libraries that
wrote them), PDF through pypdf's text extraction. Golden files live in tests/golden/documents/;
after a deliberate change regenerate them with
``KOORDINATION_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_documents.py``; review the diff.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
import subprocess
import sys
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from support.policy import fuzz

from koordination.errors import KoordinationError
from koordination.outputs import document as documents
from koordination.outputs.document import (
    FORMATS,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Note,
    PageBreak,
    Paragraph,
    SignatureLines,
    Table,
    render,
    write,
)
from koordination.outputs.document.german import long_date, long_date_time, short_date, time_span
from koordination.outputs.document.sample import DECISION, FINGERPRINT, sample_minutes
from koordination.outputs.document.text import clean
from koordination.outputs.files import slug

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "documents"
REGENERATE = "KOORDINATION_REGENERATE_GOLDEN"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@pytest.fixture(autouse=True)
def packaged_templates(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test sees the packaged templates only, never a developer's own."""
    monkeypatch.setenv("KOORDINATION_TEMPLATES", str(tmp_path_factory.mktemp("no-templates")))


# --- independent readers ------------------------------------------------------------------------


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_read(page: str) -> tuple[str, list[str], list[tuple[str, str | None]]]:
    parser = _HTMLText()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts), parser.tags, parser.attributes


def markdown_read(data: bytes) -> tuple[str, list[str]]:
    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(data.decode())
    text, tags, _ = html_read(page)
    return text, tags


def _xml_text(element: ElementTree.Element, tab: str, breaks: str, space: str | None) -> str:
    out: list[str] = []

    def walk(node: ElementTree.Element) -> None:
        if node.tag == tab:
            out.append("\t")
        elif node.tag == breaks:
            out.append("\n")
        elif space is not None and node.tag == space:
            out.append(" " * int(node.get(f"{TEXT_NS}c", "1")))
        elif node.text:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)

    walk(element)
    return "".join(out)


def docx_read(data: bytes) -> tuple[str, list[str]]:
    """Text of every paragraph (body, headers, footers) and every element name in the body."""
    texts: list[str] = []
    tags: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
        for name in sorted(parts):
            if not (name == "word/document.xml" or "/header" in name or "/footer" in name):
                continue
            root = ElementTree.fromstring(archive.read(name))
            tags.extend(e.tag for e in root.iter())
            for paragraph in root.iter(f"{W}p"):
                runs = []
                for node in paragraph.iter():
                    if node.tag == f"{W}t":
                        runs.append(node.text or "")
                    elif node.tag == f"{W}tab":
                        runs.append("\t")
                    elif node.tag == f"{W}br":
                        runs.append("\n")
                texts.append("".join(runs))
    return "\n".join(texts), tags


def odt_read(data: bytes) -> tuple[str, list[str]]:
    texts: list[str] = []
    tags: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        for name in ("content.xml", "styles.xml"):
            root = ElementTree.fromstring(archive.read(name))
            tags.extend(e.tag for e in root.iter())
            for node in root.iter():
                if node.tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
                    texts.append(
                        _xml_text(node, f"{TEXT_NS}tab", f"{TEXT_NS}line-break", f"{TEXT_NS}s")
                    )
    return "\n".join(texts), tags


def pdf_read(data: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squeeze(text: str) -> str:
    """Text without any whitespace: line wrapping differs between formats and readers."""
    return "".join(text.split())


def read_text(fmt: str, data: bytes) -> str:
    if fmt == "md":
        return markdown_read(data)[0]
    if fmt == "html":
        return html_read(data.decode())[0]
    if fmt == "docx":
        return docx_read(data)[0]
    if fmt == "odt":
        return odt_read(data)[0]
    return pdf_read(data)[0]


# --- the sample minutes in every format ---------------------------------------------------------


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get(REGENERATE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} fehlt: mit {REGENERATE}=1 erzeugen"
    assert data == path.read_bytes(), f"{name} weicht ab; gewollt? {REGENERATE}=1 setzt neu"


def test_markdown_of_minutes_matches_golden_file() -> None:
    check_golden("minutes.md", render(sample_minutes(items=3), "md"))


def test_html_of_minutes_matches_golden_file() -> None:
    check_golden("minutes.html", render(sample_minutes(items=3), "html"))


EXPECTED = (
    "Protokoll: Arbeitskreis Ehrenamt & Beteiligung",
    "Koordinierungsstelle Engagierte Stadt Gießen",
    "Dienstag, 8. September 2026",
    "18:00–20:00 Uhr",
    "Frauke Große-Bölting",
    "Ayşe Yılmaz",
    "Łukasz Wiśniewski",
    "TOP 3: Freiwilligentag 2027: Ort, Datum, Aufgaben",
    "Beschluss",
    DECISION,
    "Aufgabe 2.1: Rückmeldung an die Initiativen geben und Raumplanung abstimmen",
    f"Prüfsumme (SHA-256): {FINGERPRINT}",
)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "odt"])
def test_minutes_read_back_contain_the_exact_texts(fmt: str) -> None:
    text = read_text(fmt, render(sample_minutes(items=3), fmt))
    flat = " ".join(text.split())
    for expected in EXPECTED:
        assert expected in flat, f"{fmt}: {expected!r} fehlt"


def test_pdf_minutes_read_back_contain_the_texts_and_the_fingerprint_on_every_page() -> None:
    text, pages = pdf_read(render(sample_minutes(items=8, long_notes=2), "pdf"))
    assert pages >= 3
    for expected in EXPECTED:
        assert squeeze(expected) in squeeze(text), f"pdf: {expected!r} fehlt"
    assert squeeze(text).count(squeeze(f"Prüfsumme (SHA-256): {FINGERPRINT}")) == pages
    assert f"Seite 1 von {pages}" in text
    assert f"Seite {pages} von {pages}" in text


def test_docx_and_odt_show_the_fingerprint_and_page_numbers_in_the_footer() -> None:
    minutes = sample_minutes(items=2)
    with zipfile.ZipFile(io.BytesIO(render(minutes, "docx"))) as archive:
        footers = [archive.read(n).decode() for n in archive.namelist() if "footer" in n]
    assert any(FINGERPRINT in f and "NUMPAGES" in f for f in footers)
    with zipfile.ZipFile(io.BytesIO(render(minutes, "odt"))) as archive:
        styles = archive.read("styles.xml").decode()
    footer = styles[styles.index("<style:footer>") :]
    assert FINGERPRINT in footer and "text:page-count" in footer


def test_html_is_a_standalone_german_page_with_the_letterhead_colours() -> None:
    minutes = sample_minutes(items=1)
    head = Letterhead("Stadt Musterstadt", primary_colour="#336699", accent_colour="#AA3300")
    page = render(Document(minutes.title, blocks=minutes.blocks, letterhead=head), "html").decode()
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in page
    assert "--primary: #336699; --accent: #aa3300;" in page
    assert "@page" in page and "@media print" in page
    assert "<link" not in page and 'src="http' not in page  # nothing loaded from elsewhere


def test_logo_is_embedded_in_every_format(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (31, 78, 121)).save(logo)
    head = Letterhead("Stadt Musterstadt", logo_path=logo)
    document = Document("Einladung", blocks=(Paragraph("Text"),), letterhead=head)
    assert 'src="data:image/png;base64,' in render(document, "html").decode()
    with zipfile.ZipFile(io.BytesIO(render(document, "docx"))) as archive:
        assert any(n.startswith("word/media/") for n in archive.namelist())
    with zipfile.ZipFile(io.BytesIO(render(document, "odt"))) as archive:
        assert any(n.startswith("Pictures/") for n in archive.namelist())
    reader = pypdf.PdfReader(io.BytesIO(render(document, "pdf")))
    assert reader.pages[0].images


def test_a_logo_that_is_no_image_is_refused_in_german(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("<svg/>")
    document = Document("Einladung", letterhead=Letterhead("Stadt", logo_path=fake))
    with pytest.raises(KoordinationError, match="PNG- oder JPEG"):
        render(document, "pdf")
    with pytest.raises(KoordinationError, match="kann nicht gelesen"):
        render(Document("E", letterhead=Letterhead(logo_path=tmp_path / "fehlt.png")), "html")


def test_a_colour_that_is_no_hex_colour_is_refused_in_german() -> None:
    with pytest.raises(KoordinationError, match="Hauptfarbe"):
        Letterhead(primary_colour="red; } body { display: none")


def test_office_templates_override_the_packaged_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "document.css").write_text("body { font-family: 'Stadtschrift'; }\n")
    monkeypatch.setenv("KOORDINATION_TEMPLATES", str(tmp_path))
    page = render(sample_minutes(items=1), "html").decode()
    assert "Stadtschrift" in page
    assert "<h1>Protokoll: Arbeitskreis Ehrenamt &amp; Beteiligung</h1>" in page


def test_a_broken_office_template_gives_a_german_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "document.html.j2").write_text("{% if %}")
    monkeypatch.setenv("KOORDINATION_TEMPLATES", str(tmp_path))
    with pytest.raises(KoordinationError, match="HTML-Vorlage ist fehlerhaft"):
        render(sample_minutes(items=1), "html")


def test_sign_in_list_has_a_row_per_person_and_blank_rows() -> None:
    block = SignatureLines((("Ayşe Yılmaz", "Nachbarschaftshilfe"), ("Jörg Ö", "")), blank=3)
    document = Document("Teilnehmendenliste", blocks=(block,))
    for fmt in FORMATS:
        text = read_text(fmt, render(document, fmt))
        assert "Ayşe Yılmaz" in text and "Nachbarschaftshilfe" in text and "Unterschrift" in text
    text, _ = docx_read(render(document, "docx"))
    assert "\n5\n" in text and "\n6\n" not in text


def test_a_sign_in_list_is_one_table_for_every_format() -> None:
    block = SignatureLines((("Ayşe Yılmaz", "Nachbarschaftshilfe"),), blank=1)
    sheet = block.as_table()
    assert sheet.headers == ("Nr.", "Name", "Organisation", "Unterschrift")
    assert sheet.rows == (("1", "Ayşe Yılmaz", "Nachbarschaftshilfe", ""), ("2", "", "", ""))
    assert sheet.fractions() == (0.06, 0.32, 0.32, 0.30)
    as_list, as_table = (Document("Liste", blocks=(b,)) for b in (block, sheet))
    assert render(as_list, "md") == render(as_table, "md")


# --- writing files ------------------------------------------------------------------------------


def test_write_creates_an_owner_only_file(tmp_path: Path) -> None:
    for fmt in FORMATS:
        target = write(sample_minutes(items=1), fmt, tmp_path / "out" / f"protokoll.{fmt}")
        assert target.is_file() and target.stat().st_size > 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failing_render_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from koordination.outputs.document import pdf

    def broken(document: Document) -> bytes:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    target = tmp_path / "protokoll.pdf"
    with pytest.raises(KoordinationError, match="konnte nicht als PDF erzeugt werden"):
        write(sample_minutes(items=1), "pdf", target)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_refused_in_german() -> None:
    with pytest.raises(KoordinationError, match="Unbekanntes Format „rtf“"):
        render(sample_minutes(items=1), "rtf")


def test_a_missing_pdf_font_is_explained_in_german(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_PDF_FONTS", str(tmp_path))
    with pytest.raises(KoordinationError, match="fonts-dejavu-core"):
        render(sample_minutes(items=1), "pdf")


def test_file_names_are_safe_on_every_system() -> None:
    assert slug('Protokoll AK "Umwelt": 08/09/2026') == "protokoll-ak-umwelt-08-09-2026"
    assert slug("../..") == ""
    assert slug("../..", fallback="dokument") == "dokument"
    assert slug("Engagement in Gießen 2026") == "engagement-in-giessen-2026"
    assert slug("Café an der Ölmühle") == "cafe-an-der-oelmuehle"
    assert slug("AK " + "Stadtteilarbeit " * 5) == "ak-stadtteilarbeit-stadtteilarbeit-stadt"


def test_documents_never_import_textual() -> None:
    code = (
        "import sys\n"
        "from koordination.outputs.document import render\n"
        "from koordination.outputs.document.sample import sample_minutes\n"
        "for fmt in ('md', 'html', 'docx', 'odt', 'pdf'):\n"
        "    render(sample_minutes(items=1), fmt)\n"
        "assert 'textual' not in sys.modules, 'textual geladen'\n"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy geladen'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- German dates -------------------------------------------------------------------------------


def test_german_dates_need_no_locale() -> None:
    assert long_date(date(2026, 9, 8)) == "Dienstag, 8. September 2026"
    assert long_date(date(2027, 3, 1)) == "Montag, 1. März 2027"
    assert short_date(date(2026, 9, 8)) == "08.09.2026"
    assert (
        long_date_time(datetime(2026, 12, 24, 9, 5)) == "Donnerstag, 24. Dezember 2026, 09:05 Uhr"
    )
    assert time_span(datetime(2026, 1, 1, 18), datetime(2026, 1, 1, 20, 30)) == "18:00–20:30 Uhr"


# --- hostile text -------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">klick</a>',
    "</w:t></w:r><w:r><w:t>eingeschleust",
    "</text:p><text:p>eingeschleust",
    "]]><!-- x --><![CDATA[",
    "**fett** _kursiv_ `code` ~~weg~~ [link](http://x) ![bild](x.png)",
    "# Überschrift",
    "| Tabelle | Zelle |\n|---|---|",
    "- Liste\n+ auch\n1. nummeriert\n2) auch\n> Zitat\n    Code\n===\n---",
    "&amp; &lt;b&gt; &#60;script&#62; \\ \\\\ \\*",
    "Steuerzeichen:\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x1f\x7f\x85:Ende",
    "{nb} ::placeholder:1:: %PDF-1.4 (Klammer) \\) BT ET",
    "Größenwahn " + "Donaudampfschifffahrtsgesellschaftskapitänsmütze" * 40,
    "Absatz mit Umlauten äöüß " * 400,
    "Zeile 1\r\nZeile 2\rZeile 3\u2028Zeile 4\tTab",
]


def hostile_document(text: str) -> Document:
    short = text if len(text) < 500 else "Kopf"
    return Document(
        title=text,
        subtitle=text,
        meta=(("Ort", text), (short, "Wert")),
        blocks=(
            Heading(text, 1),
            Heading(text, 3),
            Paragraph(text),
            BulletList((text, "zweiter Punkt")),
            Table(("Was", short), ((text, "x"), ("y", text))),
            KeyValue(((short, text),)),
            Note(text, "decision", title=short),
            PageBreak(),
            SignatureLines(((text, text),), blank=1),
        ),
        letterhead=Letterhead(office_name=short, address=short, email=short),
        fingerprint=short,
        footer=short,
    )


def _allowed_tags(fmt: str) -> set[str]:
    """Element names a harmless document of the same shape produces."""
    data = render(hostile_document("harmlos\nzweite Zeile\tTab"), fmt)
    if fmt == "md":
        return set(markdown_read(data)[1])
    if fmt == "html":
        return set(html_read(data.decode())[1])
    return set((docx_read if fmt == "docx" else odt_read)(data)[1])


@pytest.fixture(scope="module")
def allowed_tags() -> dict[str, set[str]]:
    return {fmt: _allowed_tags(fmt) for fmt in ("md", "html", "docx", "odt")}


def check_hostile(text: str, fmt: str, allowed: dict[str, set[str]]) -> None:
    document = hostile_document(text)
    expected = squeeze(clean(text))
    if fmt == "pdf":
        # Text running over pages is interrupted by the page furniture: leave it out.
        bare = dataclasses.replace(document, letterhead=Letterhead(), footer="", fingerprint=None)
        extracted, _ = pdf_read(render(bare, fmt))
        assert expected.replace("\xad", "") in re.sub(r"Seite\d+von\d+", "", squeeze(extracted))
        return
    data = render(document, fmt)
    if fmt == "md":
        extracted, tags = markdown_read(data)
    elif fmt == "html":
        extracted, tags, attributes = html_read(data.decode())
        assert not any(name.startswith("on") for name, _ in attributes)
        assert not any(v and "javascript:" in v for _, v in attributes)
    elif fmt == "docx":
        extracted, tags = docx_read(data)
        assert clean(text) in extracted or "\n" in clean(text) or "\t" in clean(text)
    else:
        extracted, tags = odt_read(data)
    assert set(tags) <= allowed[fmt], f"{fmt}: eingeschleuste Elemente {set(tags) - allowed[fmt]}"
    assert "script" not in tags
    assert expected in squeeze(extracted), f"{fmt}: Text kam nicht wörtlich zurück"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_comes_back_as_plain_text(
    text: str, fmt: str, allowed_tags: dict[str, set[str]]
) -> None:
    check_hostile(text, fmt, allowed_tags)


def test_html_escapes_markup_in_every_place() -> None:
    page = render(hostile_document("<script>alert(1)</script>"), "html").decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_control_characters_are_stripped_and_line_breaks_kept() -> None:
    block = Paragraph("a\x00b\x07c\r\nd\x0be\ud800f")
    assert block.text == "abc\ndef"
    text, _ = docx_read(render(Document("T", blocks=(block,)), "docx"))
    assert "abc\ndef" in text
    text, _ = odt_read(render(Document("T", blocks=(block,)), "odt"))
    assert "abc\ndef" in text


PRINTABLE = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x17F, exclude_categories=("Cs",)),
    min_size=1,
    max_size=120,
)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=120) | PRINTABLE


@fuzz(30)
@given(text=ANY_TEXT.filter(lambda t: t.strip()))
@pytest.mark.parametrize("fmt", ["md", "html", "docx", "odt"])
def test_any_text_round_trips_in_markup_formats(
    text: str, fmt: str, allowed_tags: dict[str, set[str]]
) -> None:
    check_hostile(text, fmt, allowed_tags)


@fuzz(12)
@given(text=PRINTABLE.filter(lambda t: t.strip()))
def test_any_latin_text_round_trips_in_pdf(text: str, allowed_tags: dict[str, set[str]]) -> None:
    check_hostile(text, "pdf", allowed_tags)


def test_pdf_survives_characters_its_font_lacks() -> None:
    text, _ = pdf_read(render(Document("Emoji 🎉 und 漢字", blocks=(Paragraph("ok 🙂"),)), "pdf"))
    assert "Emoji" in text and "ok" in text


def test_registry_lists_the_five_formats() -> None:
    assert documents.FORMATS == ("md", "html", "docx", "odt", "pdf")
    assert set(documents.FORMAT_LABELS) == set(FORMATS)


@pytest.mark.parametrize(
    ("fmt", "reader"),
    [("docx", docx_read), ("odt", odt_read), ("pdf", pdf_read)],
    ids=["docx", "odt", "pdf"],
)
def test_text_of_minutes_in_reading_order_matches_golden_file(fmt: str, reader: object) -> None:
    """The whole text as an independent reader extracts it, in reading order, compared exactly:
    a lost, doubled or reordered block fails, not only a missing word."""
    extract = reader  # docx_read/odt_read return (text, tags), pdf_read (text, pages)
    assert callable(extract)
    text = extract(render(sample_minutes(items=3), fmt))[0]
    lines = [line.rstrip() for line in text.splitlines()]
    check_golden(f"minutes.{fmt}.txt", ("\n".join(lines).strip() + "\n").encode())
