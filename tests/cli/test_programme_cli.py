"""`check eligibility`, `steckbrief` and `report annual` from the command line, on a real SQLite
file with the demo city; every file is read back by an independent reader."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from koordination.cli.main import main

FORMATS = ("md", "html", "docx", "odt", "pdf")


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    """The demo city as ``koordination demo`` writes it (copied, it is built once per run)."""
    return str(demo_sqlite())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def _read(path: Path) -> str:
    """The file's text without any whitespace (wrapping differs between readers)."""
    data = path.read_bytes()
    fmt = path.suffix[1:]
    if fmt == "md":
        text = _html_text(MarkdownIt("commonmark").enable(["table"]).render(data.decode()))
    elif fmt == "html":
        text = _html_text(data.decode())
    elif fmt in ("docx", "odt"):
        member = "word/document.xml" if fmt == "docx" else "content.xml"
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text = "".join(ElementTree.fromstring(archive.read(member)).itertext())
    else:
        text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return "".join(text.split())


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_demo_city_is_eligible_and_the_checklist_says_why(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo, "check", "eligibility"]) == 0
    out = capsys.readouterr().out
    assert "Voraussetzungen des Programms Engagierte Stadt – Wiesenbrück" in out
    assert "✓ Einwohnerzahl\n    45.180 Einwohnerinnen und Einwohner – im Rahmen" in out
    assert "✓ Kooperation von Zivilgesellschaft und kommunaler Verwaltung" in out
    assert "✓ Mindestens drei Akteure" in out
    assert "○ Wirtschaft (optional)" in out
    assert "✓ Feste Ansprechperson\n    Feste Ansprechperson: " in out
    assert "✓ Grundsätze des Netzwerks anerkannt" in out
    assert "Alle Voraussetzungen des Programms sind erfüllt." in out
    assert "✗" not in out.split("✓ erfüllt")[0]


def test_a_missing_requirement_fails_the_check_with_exit_status_1(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(demo) as conn:
        conn.execute("UPDATE city_profile SET contact_person_id = NULL, inhabitants = 8200")
    assert main(["--db", demo, "check", "eligibility"]) == 1
    out = capsys.readouterr().out
    assert "✗ Einwohnerzahl\n    8.200 Einwohnerinnen und Einwohner – zu wenige" in out
    assert "✗ Feste Ansprechperson" in out
    assert "2 Voraussetzungen sind noch nicht erfüllt." in out
    assert "Noch zu tun:\n  – Einwohnerzahl\n  – Feste Ansprechperson" in out
    assert main(["--db", demo, "check", "eligibility", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["eligible"] is False
    missing = [c["key"] for c in data["criteria"] if c["met"] is False]
    assert missing == ["einwohner", "ansprechperson"]
    optional = [c["key"] for c in data["criteria"] if c["optional"]]
    assert optional == ["wirtschaft", "wissenschaft"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_steckbrief_and_annual_report_in_every_format(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / "dokumente"
    steckbrief = out / f"steckbrief.{fmt}"
    assert main(["--db", demo, "steckbrief", "--format", fmt, "-o", str(steckbrief)]) == 0
    report = out / f"jahresbericht.{fmt}"
    argv = ["--db", demo, "report", "annual", "--year", "2026", "--format", fmt]
    assert main([*argv, "-o", str(report)]) == 0
    printed = capsys.readouterr().out
    assert f"Geschrieben: {steckbrief}" in printed
    assert f"Geschrieben: {report}" in printed
    text = _read(steckbrief)
    for expected in (
        "Engagierte Stadt Wiesenbrück",
        "seit 2020 dabei",
        "45.180 Einwohnerinnen und Einwohner",
        "Tandempartner: Eichenhain",
        "#Vielfalt",
        "Unsere Kooperationspartner:",
    ):
        assert _squeeze(expected) in text, expected
    text = _read(report)
    for expected in (
        "Jahresbericht 2026",
        "Beteiligung nach Sektoren",
        "Der Engagementtag findet 2027 wieder auf dem Marktplatz statt.",
        "Stand der Maßnahmen",
        "Umfrage für Organisationen und Vereine 2026",
    ):
        assert _squeeze(expected) in text, expected
    # Written atomically: no temporary file is left beside the documents.
    assert sorted(p.name for p in out.iterdir()) == sorted([steckbrief.name, report.name])


def test_without_a_path_the_files_go_to_the_exports_folder_with_german_names(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo, "steckbrief", "--format", "md"]) == 0
    assert main(["--db", demo, "report", "annual", "--year", "2026", "--format", "pdf"]) == 0
    exports = tmp_path / "exports"
    assert sorted(p.name for p in exports.iterdir()) == [
        "jahresbericht-2026-wiesenbrueck.pdf",
        "steckbrief-wiesenbrueck.md",
    ]
    assert f"Geschrieben: {exports / 'steckbrief-wiesenbrueck.md'}" in capsys.readouterr().out


def test_a_steckbrief_with_empty_profile_fields_names_them(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(demo) as conn:
        conn.execute("UPDATE city_profile SET vision = '', hashtags = ''")
    assert main(["--db", demo, "steckbrief", "--format", "html"]) == 0
    err = capsys.readouterr().err
    assert "Hinweis: Im Stadtprofil fehlt noch: Vision / Ziele / Pläne, Wir sind." in err


def test_a_target_that_cannot_be_written_is_a_german_error(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "keine-ordner"
    blocker.write_text("eine Datei, kein Ordner")
    target = blocker / "bericht.md"
    argv = ["--db", demo, "report", "annual", "--year", "2026", "--format", "md"]
    assert main([*argv, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"Fehler: Die Datei {target} kann nicht geschrieben werden" in err


def test_a_year_that_is_no_year_is_refused_by_the_parser(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", demo, "report", "annual", "--year", "26", "--format", "md"])
    assert exit_info.value.code == 2
    assert "„26“ ist kein Jahr" in capsys.readouterr().err
