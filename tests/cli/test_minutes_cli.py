"""Agenda, minutes, attendance, tasks and workshop reports from the command line, on the demo
city, each file read back by an independent reader."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from koordination.cli.main import main


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    """The demo city as ``koordination demo`` writes it (copied, it is built once per run)."""
    return str(demo_sqlite())


def _pdf_text(path: Path) -> str:
    """The PDF's text with line breaks as spaces (a long title wraps)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def _xml_text(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read(member))
    return "".join(root.itertext())


def test_approved_minutes_as_pdf_carry_the_fingerprint(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "protokoll.pdf"
    argv = ["--db", demo, "minutes", "export", "1", "--occurrence", "08.09.2026"]
    assert main([*argv, "--format", "pdf", "-o", str(out)]) == 0
    text = _pdf_text(out)
    assert "Protokoll: AK Stadtteilarbeit" in text
    assert "Der AK richtet im Juni 2027 ein gemeinsames Stadtteilfest aus." in text
    assert "Prüfsumme (SHA-256):" in text
    md = tmp_path / "protokoll.md"
    assert main([*argv, "--format", "md", "-o", str(md)]) == 0
    fingerprint = md.read_text(encoding="utf-8").split("Prüfsumme (SHA-256): ")[1][:64]
    assert fingerprint in text.replace(" ", "")


def test_draft_minutes_list_the_carried_tasks_and_say_they_are_not_approved(
    demo: str, tmp_path: Path
) -> None:
    out = tmp_path / "entwurf.docx"
    argv = ["--db", demo, "minutes", "export", "1", "--occurrence", "10.11.2026"]
    assert main([*argv, "--format", "docx", "-o", str(out)]) == 0
    text = _xml_text(out, "word/document.xml")
    assert "Noch nicht genehmigt" in text
    assert "Förderantrag Stadtteilfest bei der Bürgerstiftung stellen" in text


def test_archive_holds_every_approved_minutes_of_the_year(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "archiv.zip"
    argv = ["--db", demo, "minutes", "archive", "--group", "AK Stadtteilarbeit"]
    assert main([*argv, "--year", "2026", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        assert names == [
            "2026-09-08-ak-stadtteilarbeit.pdf",
            "2026-10-13-ak-stadtteilarbeit.pdf",
            "inhalt.md",
        ]
        assert "SHA-256" in archive.read("inhalt.md").decode("utf-8")
    assert main([*argv, "--year", "2019", "-o", str(out)]) == 1


def test_invitation_letter_sign_in_list_and_workshop_report(demo: str, tmp_path: Path) -> None:
    letter = tmp_path / "einladung.odt"
    assert main(["--db", demo, "agenda", "export", "3", "--format", "odt", "-o", str(letter)]) == 0
    assert "Tagesordnung" in _xml_text(letter, "content.xml")
    sheet = tmp_path / "liste.csv"
    assert (
        main(["--db", demo, "attendance", "export", "2", "--format", "csv", "-o", str(sheet)]) == 0
    )
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["Name", "Organisation", "Sektor", "Anwesenheit"]
    assert any(row[3] == "anwesend" for row in rows[1:])
    report = tmp_path / "bericht.pdf"
    assert (
        main(["--db", demo, "workshop", "report", "6", "--format", "pdf", "-o", str(report)]) == 0
    )
    text = _pdf_text(report)
    assert "Ergebnisbericht: Entwicklungswerkstatt 2026" in text
    assert "Engagementbörse im Rathausfoyer" in text


def test_tasks_list_shows_overdue_ones(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", demo, "tasks", "list", "--open", "--json"]) == 0
    tasks = json.loads(capsys.readouterr().out)
    assert {t["title"] for t in tasks} >= {
        "Förderantrag Stadtteilfest bei der Bürgerstiftung stellen"
    }
    assert all(t["done_on"] is None for t in tasks)
    assert main(["--db", demo, "minutes", "export", "1", "--format", "md"]) == 1
    assert "Bei einer Serie bitte das Datum" in capsys.readouterr().err
