"""Every ODT and DOCX document as LibreOffice shows it: converted to text by LibreOffice
itself (headless, all files in one call: it starts slowly), each heading of the document
must stand on a line of its own, without an outline number in front ("1.1.TOP 1: …"), every
question must begin with its own number, and every table shows its column headings."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from koordination.core import Core
from koordination.db.engine import Database
from koordination.outputs.document.model import Document, Heading, QuestionBlock, Table
from koordination.outputs.registry import make

REQUIRE_LIBREOFFICE = "KOORDINATION_REQUIRE_LIBREOFFICE"
#: The demo's workshop: a one-off meeting with agenda, minutes, attendance and cards.
WORKSHOP = 6

#: The documents an office opens in Word or LibreOffice, by registry key.
DOCUMENT_KINDS = (
    "einladung",
    "protokoll",
    "teilnehmende",
    "ergebnisbericht",
    "fragebogen",
    "umfragebericht",
    "steckbrief",
    "jahresbericht",
)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = (
        "LibreOffice fehlt: die ODT- und DOCX-Dokumente werden so geprüft, wie LibreOffice sie "
        "zeigt. Bitte installieren (Debian/Ubuntu: sudo apt-get install libreoffice-writer; "
        "macOS: brew install --cask libreoffice) oder .ci/run ausführen, das es einrichtet."
    )
    if os.environ.get(REQUIRE_LIBREOFFICE, "1") != "0":
        pytest.fail(
            message + f" Nur ohne LibreOffice prüfen: {REQUIRE_LIBREOFFICE}=0.", pytrace=False
        )
    pytest.skip(message)


def subjects(core: Core) -> dict[str, Any]:
    """What each document is made of, as the faces hand it over (the demo's workshop)."""
    sitting = core.sittings.open(WORKSHOP, None)
    survey = next(s for s in core.surveys.list_surveys() if s.response_count)
    return {
        "einladung": sitting,
        "protokoll": sitting,
        "teilnehmende": sitting,
        "ergebnisbericht": sitting,
        "fragebogen": core.surveys.form(survey.id),
        "umfragebericht": core.survey_results.results(survey.id, published=True),
        "steckbrief": core.programme.steckbrief(),
        "jahresbericht": core.programme.annual_report(2026),
    }


def headings(document: Document) -> list[str]:
    return [" ".join(b.text.split()) for b in document.blocks if isinstance(b, Heading)]


@pytest.fixture(scope="module")
def converted(
    tmp_path_factory: pytest.TempPathFactory, templates: Any
) -> Iterator[tuple[dict[str, Document], dict[str, list[str]]]]:
    """Every document kind in ODT and DOCX, and the lines LibreOffice reads from each."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("libreoffice")
    copy = folder / "demo.sqlite3"
    shutil.copyfile(templates.sqlite("demo"), copy)  # the demo city, built once per run
    database = Database(str(copy))
    try:
        core = Core(database)
        given = subjects(core)
        products: dict[str, Document] = {}
        files: list[Path] = []
        for key in DOCUMENT_KINDS:
            for fmt in ("odt", "docx"):
                target = folder / f"{key}-{fmt}.{fmt}"
                made = make(core, key, given[key], fmt, target)
                # a Dossier carries its Document beside the table of the same content
                product = getattr(made.product, "document", made.product)
                assert isinstance(product, Document), key
                products[key] = product
                files.append(made.path)
    finally:
        database.dispose()
    out = folder / "text"
    profile = folder / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        check=True,
        timeout=240,
    )
    lines = {
        path.stem: [
            " ".join(line.split())
            for line in path.read_text(encoding="utf-8-sig").splitlines()
            if line.strip()
        ]
        for path in out.glob("*.txt")
    }
    yield products, lines


@pytest.mark.parametrize("fmt", ["odt", "docx"])
@pytest.mark.parametrize("key", DOCUMENT_KINDS)
def test_libreoffice_shows_every_heading_without_a_number_of_its_own(
    converted: tuple[dict[str, Document], dict[str, list[str]]], key: str, fmt: str
) -> None:
    products, lines = converted
    document = products[key]
    shown = lines[f"{key}-{fmt}"]
    expected = headings(document)
    assert expected or key == "teilnehmende", key  # the sign-in sheet is one table
    missing = [h for h in expected if h not in shown]
    assert missing == [], f"{key}.{fmt}: LibreOffice zeigt diese Überschriften anders: {missing}"
    assert document.title in " ".join(shown)


@pytest.mark.parametrize("fmt", ["odt", "docx"])
def test_questions_begin_with_their_own_number(
    converted: tuple[dict[str, Document], dict[str, list[str]]], fmt: str
) -> None:
    products, lines = converted
    shown = lines[f"fragebogen-{fmt}"]
    questions = [b for b in products["fragebogen"].blocks if isinstance(b, QuestionBlock)]
    assert questions
    for question in questions:
        first_words = " ".join(question.text.split())[:30]
        line = next((s for s in shown if first_words in s), None)
        assert line is not None, question.number
        assert line.startswith(question.number), line


@pytest.mark.parametrize("fmt", ["odt", "docx"])
@pytest.mark.parametrize("key", DOCUMENT_KINDS)
def test_tables_show_their_column_headings(
    converted: tuple[dict[str, Document], dict[str, list[str]]], key: str, fmt: str
) -> None:
    products, lines = converted
    text = "\n".join(lines[f"{key}-{fmt}"])
    for table in (b for b in products[key].blocks if isinstance(b, Table)):
        for header in table.headers:
            assert " ".join(header.split()) in text, (key, fmt, header)


def test_every_odt_heading_uses_the_documents_own_style(
    converted: tuple[dict[str, Document], dict[str, list[str]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Without a style of its own, LibreOffice shows a heading in its "Heading 2": italic."""
    import re
    import zipfile

    folder = next(tmp_path_factory.getbasetemp().glob("libreoffice*"))
    for path in sorted(folder.glob("*-odt.odt")):
        content = zipfile.ZipFile(path).read("content.xml").decode("utf-8")
        tags = re.findall(r"<text:h\b[^>]*>", content)
        assert all('text:style-name="K_Ueberschrift_' in tag for tag in tags), path.name
