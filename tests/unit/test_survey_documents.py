"""Questionnaires and results reports in every format, read back by independent readers; charts
are real graphics in HTML (SVG) and PDF (filled rectangles); hostile text stays plain text; the
CSV and JSON tables of results and raw answers.

Readers: Markdown through markdown-it-py and html.parser, HTML through html.parser, DOCX and ODT
by parsing their XML with zipfile and ElementTree, PDF through pypdf (text and content streams).
The records are made by hand, so these tests need no database.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from markdown_it import MarkdownIt
from test_documents import check_golden

from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus
from koordination.domain.records.surveys import (
    BreakdownRow,
    ComparedQuestion,
    Comparison,
    NumberStats,
    OptionCount,
    OptionRecord,
    QuestionRecord,
    QuestionResult,
    SurveyForm,
    SurveyRecord,
    SurveyResults,
)
from koordination.errors import KoordinationError
from koordination.outputs.builders.survey_tables import (
    RESULT_HEADER,
    write_raw,
    write_results,
)
from koordination.outputs.builders.surveys import (
    german_number,
    percent_text,
    questionnaire,
    results_report,
)
from koordination.outputs.document import FORMATS, render
from koordination.outputs.document.model import (
    TICK_BOX,
    Bar,
    BarChart,
    Document,
    Letterhead,
    QuestionBlock,
    text_bar,
)
from koordination.outputs.document.text import clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
SVG_NS = "{http://www.w3.org/2000/svg}"
FINGERPRINT = "9c1e" * 16
HEAD = Letterhead(
    office_name="Koordinierungsstelle Engagierte Stadt Gießen",
    address="Berliner Platz 1\n35390 Gießen",
)


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

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

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


def docx_read(data: bytes) -> tuple[str, list[str]]:
    texts: list[str] = []
    tags: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
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
                    texts.append(_odf_text(node))
    return "\n".join(texts), tags


def _odf_text(element: ElementTree.Element) -> str:
    """A paragraph's text with ODF's spaces (text:s), tabs and line breaks written out."""
    out: list[str] = []

    def walk(node: ElementTree.Element) -> None:
        if node.tag == f"{TEXT_NS}s":
            out.append(" " * int(node.get(f"{TEXT_NS}c", "1")))
        elif node.tag == f"{TEXT_NS}tab":
            out.append("\t")
        elif node.tag == f"{TEXT_NS}line-break":
            out.append("\n")
        elif node.text:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)

    walk(element)
    return "".join(out)


def pdf_read(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_rectangles(data: bytes) -> list[tuple[float, float, float, float, str]]:
    """Every rectangle drawn in the page content: x, y, width, height and how it is painted."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = []
    number = r"(-?[\d.]+)"
    pattern = re.compile(rf"{number} {number} {number} {number} re\s+([fFSsBb*]+)")
    for page in reader.pages:
        stream = page.get_contents()
        assert stream is not None
        content = stream.get_data().decode("latin-1")
        found += [
            (float(a), float(b), float(c), float(d), e)
            for a, b, c, d, e in pattern.findall(content)
        ]
    return found


def read_text(fmt: str, data: bytes) -> str:
    if fmt == "md":
        return markdown_read(data)[0]
    if fmt == "html":
        return html_read(data.decode())[0]
    if fmt == "docx":
        return docx_read(data)[0]
    if fmt == "odt":
        return odt_read(data)[0]
    return pdf_read(data)


def squeeze(text: str) -> str:
    """Text without any whitespace: line wrapping differs between formats and readers."""
    return "".join(text.split())


# --- hand-made records --------------------------------------------------------------------------


def survey_record(*, title: str = "Engagement in Gießen 2026", anonymous: bool = True, **more):
    values = {
        "id": 1,
        "version": 1,
        "title": title,
        "audience": SurveyAudience.ORGANISATIONEN,
        "audience_note": "",
        "starts_on": date(2026, 9, 1),
        "ends_on": date(2026, 9, 30),
        "status": SurveyStatus.LAEUFT,
        "introduction": "Wir möchten wissen, wie Sie das Netzwerk erleben.",
        "anonymous": anonymous,
        "response_count": 0,
        "question_count": 6,
    } | more
    return SurveyRecord(**values)


def question(
    qid: int,
    text: str,
    kind: QuestionType,
    options: tuple[str, ...] = (),
    **more,
) -> QuestionRecord:
    values = {
        "id": qid,
        "survey_id": 1,
        "code": f"F{qid}",
        "version": 1,
        "position": qid,
        "section": "",
        "text": text,
        "hint": "",
        "type": kind,
        "required": False,
        "scale_min": None,
        "scale_max": None,
        "low_label": "",
        "high_label": "",
        "breakdown": False,
        "bank_item_id": None,
        "condition_question_id": None,
        "condition_option_id": None,
        "retired": False,
        "options": tuple(
            OptionRecord(qid * 10 + i, i, label) for i, label in enumerate(options, start=1)
        ),
    } | more
    return QuestionRecord(**values)


def sample_form(
    *, text: str = "", option: str = "", anonymous: bool = True, title: str = ""
) -> SurveyForm:
    """Every kind of question; ``text`` and ``option`` replace a question text and an option
    (for hostile text), ``title`` the survey's title."""
    questions = (
        question(
            1,
            "In welchem Sektor ist Ihre Organisation tätig?",
            QuestionType.EINFACH,
            ("Zivilgesellschaft", "Verwaltung", option or "Wirtschaft"),
            section="Über Sie",
            required=True,
        ),
        question(
            2,
            "Wie zufrieden sind Sie mit der Zusammenarbeit?",
            QuestionType.SKALA,
            scale_min=1,
            scale_max=5,
            low_label="gar nicht zufrieden",
            high_label="sehr zufrieden",
            section="Zusammenarbeit",
        ),
        question(
            3,
            "Engagieren sich bei Ihnen Ehrenamtliche?",
            QuestionType.JA_NEIN,
            ("Ja", "Nein"),
            section="Zusammenarbeit",
            hint="Auch gelegentliches Engagement zählt.",
        ),
        question(
            4,
            text or "Welche Angebote nutzen Sie?",
            QuestionType.MEHRFACH,
            ("Beratung", "Fortbildung", "Vernetzung"),
            section="Zusammenarbeit",
            condition_question_id=3,
            condition_option_id=31,
        ),
        question(5, "Wie viele Ehrenamtliche sind aktiv?", QuestionType.ZAHL),
        question(6, "Seit wann sind Sie im Netzwerk?", QuestionType.DATUM),
        question(7, "Was wünschen Sie sich vom Netzwerk?", QuestionType.TEXT, section="Ausblick"),
    )
    survey = survey_record(anonymous=anonymous, **({"title": title} if title else {}))
    return SurveyForm(survey, questions)


def cells(*pairs: tuple[str, int | None, float | None]) -> tuple[OptionCount, ...]:
    return tuple(OptionCount(label, count, percent) for label, count, percent in pairs)


def sample_results(
    *, text: str = "", answers: tuple[str, ...] = (), label: str = "", fingerprint: bool = True
) -> SurveyResults:
    """Published results with suppressed cells, statistics, free texts and a breakdown."""
    sector = cells(
        ("Zivilgesellschaft", 21, 58.3), ("Verwaltung", 10, 27.8), ("Wirtschaft", None, None)
    )
    questions = (
        QuestionResult(
            1,
            "F1",
            1,
            "Über Sie",
            "In welchem Sektor ist Ihre Organisation tätig?",
            QuestionType.EINFACH,
            36,
            False,
            sector,
        ),
        QuestionResult(
            2,
            "F2",
            1,
            "Zusammenarbeit",
            "Wie zufrieden sind Sie mit der Zusammenarbeit?",
            QuestionType.SKALA,
            36,
            False,
            cells(
                ("1 – gar nicht zufrieden", None, None),
                ("2", None, None),
                ("3", 9, 25.0),
                ("4", 15, 41.7),
                ("5 – sehr zufrieden", 8, 22.2),
            ),
            stats=NumberStats(mean=3.67, median=4.0, minimum=1.0, maximum=5.0),
            breakdown=(
                BreakdownRow(
                    "Zivilgesellschaft",
                    21,
                    cells(
                        ("1 – gar nicht zufrieden", None, None),
                        ("2", None, None),
                        ("3", 5, 23.8),
                        ("4", 9, 42.9),
                        ("5 – sehr zufrieden", 5, 23.8),
                    ),
                    NumberStats(3.71, 4.0, 1.0, 5.0),
                ),
                BreakdownRow(
                    "Wirtschaft",
                    None,
                    cells(
                        ("1 – gar nicht zufrieden", None, None),
                        ("2", None, None),
                        ("3", None, None),
                        ("4", None, None),
                        ("5 – sehr zufrieden", None, None),
                    ),
                ),
            ),
            bank_item_id=7,
        ),
        QuestionResult(
            4,
            "F4",
            2,
            "Zusammenarbeit",
            text or "Welche Angebote nutzen Sie?",
            QuestionType.MEHRFACH,
            30,
            False,
            cells(
                ("Beratung", 12, 40.0),
                (label or "Fortbildung", 21, 70.0),
                ("Vernetzung", None, None),
            ),
        ),
        QuestionResult(
            5,
            "F5",
            1,
            "Zusammenarbeit",
            "Wie viele Ehrenamtliche sind aktiv?",
            QuestionType.ZAHL,
            3,
            True,
        ),
        QuestionResult(
            7,
            "F7",
            1,
            "Ausblick",
            "Was wünschen Sie sich vom Netzwerk?",
            QuestionType.TEXT,
            len(answers) or 6,
            False,
            texts=answers
            or (
                "Mehr Austausch zwischen den Sektoren.",
                "Regelmäßige Treffen,\nam besten abends.",
                "Nichts.",
                "Ein Newsletter.",
                "Mehr Räume.",
                "Weiter so!",
            ),
        ),
    )
    return SurveyResults(
        survey_id=1,
        title="Engagement in Gießen 2026",
        audience="Organisationen und Vereine",
        status=SurveyStatus.ABGESCHLOSSEN,
        stand=date(2026, 9, 15),
        response_count=36,
        published=True,
        questions=questions,
        breakdown_by="Sektor",
        fingerprint=FINGERPRINT if fingerprint else None,
    )


def sample_comparison(results: SurveyResults) -> Comparison:
    citizens = SurveyResults(
        survey_id=2,
        title="Bürgerbefragung 2026",
        audience="Bürgerinnen und Bürger",
        status=SurveyStatus.ABGESCHLOSSEN,
        stand=date(2026, 9, 15),
        response_count=120,
        published=True,
        questions=(
            QuestionResult(
                11,
                "F1",
                1,
                "",
                "Wie zufrieden sind Sie mit der Zusammenarbeit?",
                QuestionType.SKALA,
                120,
                False,
                cells(
                    ("1 – gar nicht zufrieden", 6, 5.0),
                    ("2", 18, 15.0),
                    ("3", 36, 30.0),
                    ("4", 42, 35.0),
                    ("5 – sehr zufrieden", 18, 15.0),
                ),
                stats=NumberStats(3.4, 3.5, 1.0, 5.0),
                bank_item_id=7,
            ),
        ),
    )
    shared = ComparedQuestion(
        "Wie zufrieden sind Sie mit der Zusammenarbeit?",
        QuestionType.SKALA,
        (results.questions[1], citizens.questions[0]),
    )
    return Comparison((results, citizens), (shared,))


# --- the two blocks -----------------------------------------------------------------------------


def test_text_bars_are_twenty_characters_at_one_hundred_percent() -> None:
    assert text_bar(100) == "█" * 20
    assert text_bar(50) == "█" * 10
    assert text_bar(42) == "████████▍"
    assert text_bar(0) == ""
    assert text_bar(None) == ""


def test_bar_values_are_clamped_and_must_match_the_series() -> None:
    bar = Bar("Ja", (120.0, -3.0), ("x", "y"))
    assert bar.values == (100.0, 0.0)
    with pytest.raises(KoordinationError, match="2 Werte, aber 1 Beschriftungen"):
        Bar("Ja", (1.0, 2.0), ("x",))
    with pytest.raises(KoordinationError, match="hat 1 statt 2 Werte"):
        BarChart("T", (Bar.single("Ja", 10, "10 %"),), series=("A", "B"))
    with pytest.raises(KoordinationError, match="keinen gültigen Wert"):
        Bar.single("Ja", float("nan"), "?")


def test_question_block_knows_its_markers_and_defaults() -> None:
    block = QuestionBlock(
        "F4",
        "Welche?",
        "multiple",
        ("a", "b"),
        required=True,
        condition="Nur beantworten, wenn F3 = Ja",
    )
    assert block.remarks == (
        "Nur beantworten, wenn F3 = Ja",
        "Pflichtfrage",
        "Mehrfachnennung möglich",
    )
    assert QuestionBlock("F1", "?", "yesno").options == ("Ja", "Nein")
    assert QuestionBlock("F1", "?", "scale").scale == (1, 2, 3, 4, 5)
    with pytest.raises(KoordinationError, match="Unbekannte Art von Frage"):
        QuestionBlock("F1", "?", "matrix")  # type: ignore[arg-type]


def test_german_numbers_use_a_decimal_comma_and_thousands_dots() -> None:
    assert german_number(3.67) == "3,67"
    assert german_number(4.0) == "4"
    assert german_number(2.5) == "2,5"
    assert german_number(12345.5) == "12.345,5"
    assert percent_text(58.3) == "58,3 %"
    assert percent_text(100.0) == "100 %"
    assert percent_text(None) == "< 5"


def test_documents_without_the_new_blocks_carry_no_chart_styles() -> None:
    page = render(Document("Protokoll"), "html").decode()
    assert ".chart" not in page and ".question" not in page
    with_chart = Document("Bericht", blocks=(BarChart("T", (Bar.single("Ja", 10, "10 %"),)),))
    assert ".chart svg" in render(with_chart, "html").decode()


# --- the questionnaire --------------------------------------------------------------------------

QUESTIONNAIRE_TEXTS = (
    "Engagement in Gießen 2026",
    "Fragebogen",
    "Organisationen und Vereine",
    "01.09.2026 – 30.09.2026",
    "Wir möchten wissen, wie Sie das Netzwerk erleben.",
    "Ihre Angaben sind anonym.",
    "Über Sie",
    "In welchem Sektor ist Ihre Organisation tätig?",
    "Pflichtfrage",
    "Zivilgesellschaft",
    "gar nicht zufrieden",
    "sehr zufrieden",
    "Auch gelegentliches Engagement zählt.",
    "Nur beantworten, wenn F3 = Ja",
    "Mehrfachnennung möglich",
    "Fortbildung",
    "Zahl:",
    "Datum (TT.MM.JJJJ):",
    "Was wünschen Sie sich vom Netzwerk?",
    "Vielen Dank!",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_questionnaire_read_back_has_questions_options_and_tick_boxes(fmt: str) -> None:
    text = read_text(fmt, render(questionnaire(sample_form(), HEAD), fmt))
    flat = squeeze(text)
    for expected in QUESTIONNAIRE_TEXTS:
        assert squeeze(expected) in flat, f"{fmt}: {expected!r} fehlt"
    # One box per option of F1 (3), F3 (2), F4 (3) and one per scale step (5).
    assert text.count(TICK_BOX) == 13, fmt
    assert flat.index("F1") < flat.index("F2") < flat.index("F7")


def test_a_questionnaire_that_is_not_anonymous_promises_no_anonymity() -> None:
    text = read_text("md", render(questionnaire(sample_form(anonymous=False), HEAD), "md"))
    assert "anonym" not in text
    assert "Bitte geben Sie den ausgefüllten Bogen zurück an" in text


def test_questionnaire_html_shows_answer_lines_and_a_scale_row() -> None:
    page = render(questionnaire(sample_form(), HEAD), "html").decode()
    assert page.count('<div class="answer-line"></div>') == 5
    assert '<table class="scale">' in page
    assert page.count('<section class="question">') == 7


def test_questionnaire_pdf_draws_lines_to_write_on() -> None:
    data = render(questionnaire(sample_form(), HEAD), "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    content = "".join(p.get_contents().get_data().decode("latin-1") for p in reader.pages)
    # Five answer lines for the free text and the fields of the number and date questions.
    assert len(re.findall(r" l S", content)) >= 7


# --- the results report -------------------------------------------------------------------------

REPORT_TEXTS = (
    "Ergebnis Engagement in Gießen 2026, Stand 15. September 2026",
    "Organisationen und Vereine",
    "Einfachauswahl · beantwortet von 36 Personen",
    "Datenschutz",
    "In welchem Sektor ist Ihre Organisation tätig?",
    "Zivilgesellschaft",
    "58,3 % (21)",
    "27,8 %",
    "Mittelwert",
    "3,67",
    "Median",
    "Minimum",
    "Maximum",
    "nach Sektor",
    "3,71",
    "F4 (Fassung 2) Welche Angebote nutzen Sie?",
    "Mehrfachnennung möglich",
    "70 % (21)",
    "Weniger als 5 Antworten",
    "Regelmäßige Treffen,",
    "am besten abends.",
    "Mehr Austausch zwischen den Sektoren.",
    "Vergleich der Zielgruppen",
    "Bürgerinnen und Bürger",
    "35 % (42)",
    "3,4",
    f"Prüfsumme (SHA-256): {FINGERPRINT}",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_results_report_read_back_has_figures_suppression_and_comparison(fmt: str) -> None:
    results = sample_results()
    document = results_report(results, HEAD, sample_comparison(results))
    text = read_text(fmt, render(document, fmt))
    flat = squeeze(text)
    for expected in REPORT_TEXTS:
        assert squeeze(expected) in flat, f"{fmt}: {expected!r} fehlt"
    assert flat.count(squeeze("< 5")) >= 10, fmt


def test_internal_results_are_marked_not_for_publication() -> None:
    results = dataclasses.replace(sample_results(fingerprint=False), published=False)
    text = read_text("md", render(results_report(results, HEAD), "md"))
    assert "nicht zur Weitergabe oder Veröffentlichung bestimmt" in text
    assert "Prüfsumme" not in text


def _svgs(page: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, re.DOTALL)]


def test_html_report_draws_each_chart_as_svg_with_one_rect_per_bar() -> None:
    results = sample_results()
    page = render(results_report(results, HEAD, sample_comparison(results)), "html").decode()
    svgs = _svgs(page)
    # F1, F2, F4 and the comparison of F2.
    assert len(svgs) == 4
    for svg in svgs:
        assert svg.get("role") == "img" and svg.get("aria-labelledby")
        assert svg.find(f"{SVG_NS}title") is not None and svg.find(f"{SVG_NS}desc") is not None
    shown = [
        [o for o in q.options if not o.suppressed]
        for q in results.questions
        if q.options and not q.suppressed
    ]
    for svg, options in zip(svgs, shown, strict=False):
        bars = [r for r in svg.iter(f"{SVG_NS}rect") if r.get("class") == "bar"]
        assert len(bars) == len(options)
        # Every bar says what it shows to a screen reader.
        assert all(r.find(f"{SVG_NS}title") is not None for r in bars)
    first = [r for r in svgs[0].iter(f"{SVG_NS}rect") if r.get("class") == "bar"]
    widths = [float(r.get("width", "0")) for r in first]
    assert widths[0] / widths[1] == pytest.approx(58.3 / 27.8, rel=0.01)
    texts = ["".join(t.itertext()) for t in svgs[0].iter(f"{SVG_NS}text")]
    assert "58,3 % (21)" in texts and "< 5" in texts and "Wirtschaft" in texts
    comparison = svgs[3]
    legend = [r for r in comparison.iter(f"{SVG_NS}rect") if r.get("class") == "legend"]
    assert len(legend) == 2
    assert {r.get("fill") for r in legend} == {HEAD.primary_colour, HEAD.accent_colour}
    assert len([r for r in comparison.iter(f"{SVG_NS}rect") if r.get("class") == "bar"]) == 8


def test_pdf_chart_is_drawn_as_filled_rectangles_with_its_labels() -> None:
    chart = BarChart(
        "Anteile",
        (
            Bar.single("Ja", 42.0, "42 % (21)"),
            Bar.single("Nein", 58.0, "58 % (29)"),
            Bar.single("Weiß nicht", None, "< 5"),
        ),
    )
    data = render(Document("Diagramm", blocks=(chart,)), "pdf")
    filled = [r for r in pdf_rectangles(data) if r[4].startswith("f")]
    assert len(filled) == 2  # one per shown bar, none for the suppressed one
    assert filled[0][2] / filled[1][2] == pytest.approx(42 / 58, rel=0.01)
    text = pdf_read(data)
    for expected in ("Anteile", "Ja", "Nein", "Weiß nicht", "42 % (21)", "58 % (29)", "< 5"):
        assert expected in text


def test_pdf_report_contains_drawn_rectangles_and_its_text() -> None:
    results = sample_results()
    data = render(results_report(results, HEAD, sample_comparison(results)), "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    content = "".join(p.get_contents().get_data().decode("latin-1") for p in reader.pages)
    assert " re" in content
    # Bars filled in the letterhead's main colour (#1f4e79).
    assert re.search(r"0\.1216 0\.3059 0\.4745 rg\s+[\d. -]+ re f", content)
    assert "Stand 15. September 2026" in " ".join(pdf_read(data).split())


def test_markdown_docx_and_odt_show_charts_as_character_bars() -> None:
    document = results_report(sample_results(), HEAD)
    for fmt in ("md", "docx", "odt"):
        text = read_text(fmt, render(document, fmt))
        assert f"{text_bar(58.3)} 58,3 % (21)" in text, fmt


# --- hostile text -------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">klick</a>',
    "</w:t></w:r><w:r><w:t>eingeschleust",
    "</text:p><text:p>eingeschleust",
    "]]><!-- x --><![CDATA[ </svg><svg onload=alert(1)>",
    "{{ 7*7 }} {% if true %}ja{% endif %} {# Kommentar #}",
    "**fett** _kursiv_ `code` [link](http://x) | Zelle | # Titel",
    "- Liste\n1. nummeriert\n> Zitat\n    Code\n===",
    "&amp; &lt;b&gt; \\ \\\\ \\*",
    "Steuerzeichen:\x00\x01\x07\x08\x0b\x0c\x1f\x7f\x85:Ende",
    "{nb} %PDF-1.4 (Klammer) \\) BT ET 0 0 10 10 re f",
    "Donaudampfschifffahrtsgesellschaftskapitänsmütze" * 12,
    "Zeile 1\r\nZeile 2\rZeile 3\u2028Zeile 4\tTab",
]


def hostile_documents(text: str) -> list[Document]:
    form = sample_form(text=text, option=text, title=text)
    results = sample_results(text=text, label=text, answers=(text, "zweite Antwort", "3", "4", "5"))
    return [questionnaire(form, HEAD), results_report(results, HEAD, sample_comparison(results))]


def _tags(fmt: str, data: bytes) -> list[str]:
    if fmt == "md":
        return markdown_read(data)[1]
    if fmt == "html":
        return html_read(data.decode())[1]
    return (docx_read if fmt == "docx" else odt_read)(data)[1]


@pytest.fixture(scope="module")
def allowed_tags() -> dict[str, set[str]]:
    """Element names the same documents with harmless text produce."""
    allowed: dict[str, set[str]] = {}
    for fmt in ("md", "html", "docx", "odt"):
        allowed[fmt] = set()
        for document in hostile_documents("harmlos\nzweite Zeile\tTab"):
            allowed[fmt] |= set(_tags(fmt, render(document, fmt)))
    return allowed


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_questions_and_answers_stays_text(
    text: str, fmt: str, allowed_tags: dict[str, set[str]]
) -> None:
    expected = squeeze(clean(text))
    for document in hostile_documents(text):
        if fmt == "pdf":
            # Page furniture would interrupt text running over a page break: leave it out.
            bare = dataclasses.replace(
                document, letterhead=Letterhead(), footer="", fingerprint=None
            )
            extracted = re.sub(r"Seite\d+von\d+", "", squeeze(pdf_read(render(bare, "pdf"))))
            assert expected in extracted
            continue
        data = render(document, fmt)
        tags = _tags(fmt, data)
        assert set(tags) <= allowed_tags[fmt], (
            f"{fmt}: eingeschleust {set(tags) - allowed_tags[fmt]}"
        )
        assert "script" not in tags
        if fmt == "html":
            _, _, attributes = html_read(data.decode())
            assert not any(name.startswith("on") for name, _ in attributes)
            assert not any(v and "javascript:" in v for _, v in attributes)
            for svg in _svgs(data.decode()):  # every chart is still well-formed SVG
                assert svg.tag == f"{SVG_NS}svg"
        assert expected in squeeze(read_text(fmt, data)), f"{fmt}: Text kam nicht wörtlich zurück"


# --- CSV and JSON -------------------------------------------------------------------------------


def _csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_results_csv_has_a_row_per_question_and_option_with_suppression(tmp_path: Path) -> None:
    rows = _csv(write_results(sample_results(), "csv", tmp_path / "ergebnis.csv"))
    assert tuple(rows[0]) == RESULT_HEADER
    by_option = {(r[0], r[4]): r for r in rows[1:]}
    assert by_option[("F1", "Zivilgesellschaft")][5:7] == ["21", "58,3"]
    assert by_option[("F1", "Wirtschaft")][5:7] == ["< 5", "< 5"]
    assert by_option[("F4 (Fassung 2)", "Fortbildung")][3:7] == ["30", "Fortbildung", "21", "70"]
    assert by_option[("F2", "Mittelwert")][7] == "3,67"
    assert by_option[("F5", "")][3] == "< 5"
    assert by_option[("F7", "(Freitext)")][5] == "6"
    assert len(rows) == 1 + 3 + 5 + 4 + 3 + 1 + 1


def test_results_json_carries_id_text_type_respondents_and_option_counts(tmp_path: Path) -> None:
    data = json.loads(
        write_results(sample_results(), "json", tmp_path / "e.json").read_text("utf-8")
    )
    assert data["stand"] == "2026-09-15" and data["response_count"] == 36
    first = data["questions"][0]
    assert first["id"] == 1
    assert first["text"] == "In welchem Sektor ist Ihre Organisation tätig?"
    assert first["type"] == "einfach"
    assert first["respondents"] == 36
    assert first["options"][0] == {"label": "Zivilgesellschaft", "count": 21, "percent": 58.3}
    assert first["options"][2] == {"label": "Wirtschaft", "count": None, "percent": None}


def test_raw_answers_csv_defuses_formulas_and_json_is_one_object_per_response(
    tmp_path: Path,
) -> None:
    headers = ["Nr.", "Quelle", "Eingegangen", "F1", "F7"]
    rows = [
        ["1", "Papier", "2026-09-02", "Verwaltung", '=HYPERLINK("http://x")'],
        ["2", "Kiosk", "2026-09-03", "", "+49 641 1234"],
    ]
    assert write_raw(headers, iter(rows), "csv", tmp_path / "roh.csv") == 2
    written = _csv(tmp_path / "roh.csv")
    assert written[0] == headers
    assert written[1][4] == '\'=HYPERLINK("http://x")' and written[2][4] == "'+49 641 1234"
    assert write_raw(headers, iter(rows), "json", tmp_path / "roh.json") == 2
    items = json.loads((tmp_path / "roh.json").read_text("utf-8"))
    assert items[0] == dict(zip(headers, rows[0], strict=True))
    assert write_raw(headers, iter([]), "json", tmp_path / "leer.json") == 0
    assert json.loads((tmp_path / "leer.json").read_text("utf-8")) == []


def test_a_failing_raw_export_leaves_no_partial_file(tmp_path: Path) -> None:
    def rows() -> Iterator[list[str]]:
        yield ["1", "Papier", "2026-09-02"]
        raise KoordinationError("Die Datenbank ist nicht erreichbar.")

    target = tmp_path / "roh.csv"
    target.write_text("alt", encoding="utf-8")
    for fmt in ("csv", "json"):
        with pytest.raises(KoordinationError, match="nicht erreichbar"):
            write_raw(["Nr.", "Quelle", "Eingegangen"], rows(), fmt, target)
    assert target.read_text(encoding="utf-8") == "alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roh.csv"]


def test_an_unknown_table_format_is_refused_in_german(tmp_path: Path) -> None:
    with pytest.raises(KoordinationError, match="Unbekanntes Format „ods“"):
        write_results(sample_results(), "ods", tmp_path / "x.ods")


@pytest.mark.parametrize("fmt", FORMATS)
def test_results_report_text_in_reading_order_matches_golden_file(fmt: str) -> None:
    """Every figure in its place: the whole text as an independent reader extracts it, in
    reading order, compared exactly (a figure moved to another question fails)."""
    results = sample_results()
    text = read_text(fmt, render(results_report(results, HEAD, sample_comparison(results)), fmt))
    lines = [line.rstrip() for line in text.splitlines()]
    check_golden(f"survey-results.{fmt}.txt", ("\n".join(lines).strip() + "\n").encode())
