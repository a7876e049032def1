"""The Steckbrief and the annual report of the demo city in all five formats, each read back by
an independent reader: markdown-it-py and html.parser for Markdown and HTML, zipfile and
ElementTree for DOCX and ODT (not the libraries that wrote them), pypdf for PDF."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from markdown_it import MarkdownIt
from sqlalchemy import func, select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.demo.city import build_demo
from koordination.domain.enums import AttendanceStatus, GroupKind, MeasureStatus
from koordination.domain.models import Attendance
from koordination.outputs import document as documents
from koordination.outputs.builders.programme import (
    annual_report,
    hashtags,
    points,
    steckbrief,
    steckbrief_gaps,
)
from koordination.outputs.document import FORMATS, Document, KeyValue
from koordination.services.directory.service import Directory
from koordination.services.fields.service import ActionFields
from koordination.services.network import held_sittings
from koordination.services.programme import Programme
from koordination.services.surveys.service import Surveys

TODAY = date(2026, 11, 22)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


# --- independent readers ------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("style", "title", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html(page: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return " ".join(parser.parts), parser.tags


def _zip_xml(data: bytes, member: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ElementTree.fromstring(archive.read(member))


def read_back(fmt: str, data: bytes) -> tuple[str, int]:
    """The text a reader finds, and how many tables it sees."""
    if fmt == "md":
        page = MarkdownIt("commonmark").enable(["table"]).render(data.decode("utf-8"))
        text, tags = _html(page)
        return text, tags.count("table")
    if fmt == "html":
        text, tags = _html(data.decode("utf-8"))
        return text, tags.count("table")
    if fmt == "docx":
        root = _zip_xml(data, "word/document.xml")
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
        return "\n".join(paragraphs), len(list(root.iter(f"{W}tbl")))
    if fmt == "odt":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        root = _zip_xml(data, "content.xml")
        paragraphs = [
            "".join(node.itertext()) for node in root.iter() if node.tag in (f"{TEXT}p", f"{TEXT}h")
        ]
        return "\n".join(paragraphs), len(list(root.iter(f"{TABLE}table")))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages), -1


def squeeze(text: str) -> str:
    """Without whitespace: line wrapping differs between formats and readers."""
    return "".join(text.split())


# --- the demo city ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    build_demo(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def rendered(
    demo: Database, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], bytes]:
    """Both documents written to files in every format, as the files' bytes."""
    with pytest.MonkeyPatch.context() as mp:
        # The packaged templates only, never a developer's own.
        mp.setenv("KOORDINATION_TEMPLATES", str(tmp_path_factory.mktemp("no-templates")))
        folder = tmp_path_factory.mktemp("out")
        docs: dict[str, Document] = {
            "steckbrief": steckbrief(Programme(demo, Clock.on(TODAY)).steckbrief()),
            "jahresbericht": annual_report(Programme(demo, Clock.on(TODAY)).annual_report(2026)),
        }
        out = {}
        for name, doc in docs.items():
            for fmt in FORMATS:
                target = documents.write(doc, fmt, Path(folder) / f"{name}.{fmt}")
                out[(name, fmt)] = target.read_bytes()
        return out


STECKBRIEF_TEXTS = (
    "Engagierte Stadt Wiesenbrück",
    "Steckbrief",
    "Kurzportrait",
    "seit 2020 dabei",
    "45.180 Einwohnerinnen und Einwohner",
    "Tandempartner: Eichenhain",
    "Schwerpunkt / Hauptziel",
    "Aufbau eines Netzwerks der Stadtteilakteure",
    "Vision / Ziele / Pläne",
    "Was konnte schon erreicht werden? Was sind konkrete Angebote?",
    "Ehrenamtskarte eingeführt (2022)",
    "Das macht uns aus: unsere Ressourcen und Kompetenzen",
    "Wir sind:",
    "#Vielfalt #Nachbarschaft #MitmachenInWiesenbrück",
    "Unsere Kooperationspartner:",
    "Gemeinsam gestalten und entwickeln wir die Engagierte Stadt Wiesenbrück!",
)


def _consortium_partners(db: Database) -> list[str]:
    """The organisations the consortium's members stand for, as the Steckbrief names them."""
    group = next(g for g in Directory(db).list_groups() if g.kind is GroupKind.KONSORTIUM)
    members = Directory(db, Clock.on(TODAY)).get_group(group.id).members
    return sorted({f"{m.representing_name} ({m.sector.label})" for m in members if m.sector})


@pytest.mark.parametrize("fmt", FORMATS)
def test_steckbrief_reads_back_with_every_part_of_the_profile(
    demo: Database, rendered: dict[tuple[str, str], bytes], fmt: str
) -> None:
    text, _ = read_back(fmt, rendered[("steckbrief", fmt)])
    found = squeeze(text)
    partners = _consortium_partners(demo)
    assert len(partners) >= 5
    for expected in (*STECKBRIEF_TEXTS, *partners):
        assert squeeze(expected) in found, f"{expected!r} fehlt im {fmt}"


def test_steckbrief_names_finished_measures_among_the_achievements(demo: Database) -> None:
    finished = [
        m.title
        for f in ActionFields(demo).tree()
        for m in f.measures
        if m.status is MeasureStatus.ABGESCHLOSSEN
    ]
    assert finished
    text, _ = read_back(
        "md", documents.render(steckbrief(Programme(demo, Clock.on(TODAY)).steckbrief()), "md")
    )
    for title in finished:
        assert f"{title} (abgeschlossen)" in text


def _attendances_2026(db: Database) -> int:
    with db.session() as session:
        ids = [s.id for s in held_sittings(session, first=date(2026, 1, 1), last=TODAY)]
        return (
            session.scalar(
                select(func.count()).where(
                    Attendance.sitting_id.in_(ids),
                    Attendance.status.in_([AttendanceStatus.ANWESEND, AttendanceStatus.GAST]),
                )
            )
            or 0
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_annual_report_reads_back_with_meetings_sectors_decisions_measures_and_surveys(
    demo: Database, rendered: dict[tuple[str, str], bytes], fmt: str
) -> None:
    text, tables = read_back(fmt, rendered[("jahresbericht", fmt)])
    found = squeeze(text)
    measures = [m.title for f in ActionFields(demo).tree() for m in f.measures]
    surveys = [s.title for s in Surveys(demo).list_surveys()]
    expected = [
        "Jahresbericht 2026",
        "Engagierte Stadt Wiesenbrück",
        "Das Jahr in Zahlen",
        f"{_attendances_2026(demo)} Teilnahmen",
        "Konsortiumssitzung",
        "Werkstatt",
        "AK Stadtteilarbeit",
        "Beteiligung nach Sektoren",
        "Zivilgesellschaft",
        "Verwaltung",
        "Beschlüsse",
        "Der AK richtet im Juni 2027 ein gemeinsames Stadtteilfest aus.",
        "angenommen (im Konsens)",
        "Das Konsortium beschließt die Entwicklungswerkstatt am 27.02.2027.",
        "Stand der Maßnahmen",
        *measures,
        "Umfragen",
        *surveys,
        "veröffentlicht, Stand",
        "am häufigsten",
    ]
    for item in expected:
        assert squeeze(item) in found, f"{item!r} fehlt im {fmt}"
    if fmt != "pdf":
        # Meetings by kind and group, all meetings, sectors, decisions, one per action field.
        assert tables >= 6


def test_annual_report_counts_meetings_per_kind_from_the_minutes(demo: Database) -> None:
    doc = annual_report(Programme(demo, Clock.on(TODAY)).annual_report(2026))
    with demo.session() as session:
        held = held_sittings(session, first=date(2026, 1, 1), last=date(2026, 12, 31))
    overview = next(b for b in doc.blocks if isinstance(b, KeyValue))
    assert ("Treffen", str(len(held))) in overview.pairs
    text, _ = read_back("md", documents.render(doc, "md"))
    assert "Gezählt werden Treffen, für die im Protokoll die Anwesenheit erfasst ist." in text


def test_a_quiet_year_says_so_instead_of_showing_empty_tables(demo: Database) -> None:
    text, _ = read_back(
        "md",
        documents.render(annual_report(Programme(demo, Clock.on(TODAY)).annual_report(2019)), "md"),
    )
    assert "Nach Art" not in text and "Alle Treffen" not in text
    assert "In diesem Jahr ist kein Treffen mit erfasster Anwesenheit verzeichnet." in text
    assert "Im Berichtsjahr wurden keine Beschlüsse protokolliert." in text
    assert "Im Berichtsjahr lief keine Umfrage." in text
    assert "Keine Teilnahmen erfasst." in text


def test_without_a_city_profile_the_steckbrief_asks_for_one(db: Database) -> None:
    doc = steckbrief(Programme(db, Clock.on(TODAY)).steckbrief())
    text, _ = read_back("html", documents.render(doc, "html"))
    assert "Es ist noch kein Stadtprofil angelegt." in text
    assert steckbrief_gaps(None) == ["Stadtprofil"]


def test_user_text_in_the_profile_stays_text_in_every_format(db: Database) -> None:
    from koordination.domain.inputs.directory import CityProfileInput

    Directory(db).save_city(
        None,
        CityProfileInput(
            name="Musterstadt <b>fett</b>",
            inhabitants=20_000,
            focus="**kein Fettdruck**\n<script>alert(1)</script>",
            hashtags="bunt, laut",
        ),
    )
    doc = steckbrief(Programme(db, Clock.on(TODAY)).steckbrief())
    page = documents.render(doc, "html").decode("utf-8")
    text, tags = _html(page)
    assert "script" not in tags and "b" not in tags
    assert "<script>alert(1)</script>" in text
    md_text, _ = read_back("md", documents.render(doc, "md"))
    assert "**kein Fettdruck**" in md_text
    assert "#bunt #laut" in md_text


def test_profile_texts_become_bullet_points_and_hashtags() -> None:
    assert points("Räume in der Alten Weberei; Beratung durch den Bürgerverein e.V.") == (
        "Räume in der Alten Weberei",
        "Beratung durch den Bürgerverein e.V.",
    )
    assert points("- Sprachcafé.\n• Lesepaten usw.\n\n**fett**") == (
        "Sprachcafé",
        "Lesepaten usw.",
        "**fett**",
    )
    assert points("  ") == ()
    assert hashtags("vielseitig, #grün  waschbärig") == "#vielseitig #grün #waschbärig"
