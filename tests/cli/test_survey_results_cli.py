"""Survey listings, results reports, raw answers, questionnaires and published snapshots from the
command line, on a real SQLite file with paper responses; every file read back by an
independent reader."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import BankItemInput, QuestionInput, SurveyInput
from koordination.domain.records.surveys import AnswerValue
from koordination.services.surveys.service import Surveys

ORGANISATIONS = "Engagement in Gießen 2026"
CITIZENS = "Bürgerbefragung 2026"
SATISFACTION = "Wie zufrieden sind Sie mit der Zusammenarbeit im Netzwerk?"
WISH = "Was wünschen Sie sich vom Netzwerk?"
FORMULA = '=HYPERLINK("http://example.org")'


@dataclass(frozen=True)
class City:
    db: str
    organisations: int
    citizens: int
    empty: int


@pytest.fixture
def city(tmp_path: Path) -> City:
    """Two running surveys sharing a question from the bank, answered on paper: organisations
    (anonymous, 12 responses, broken down by sector) and citizens (with contact, 7 responses)."""
    path = tmp_path / "umfragen.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    surveys = Surveys(db)
    bank = surveys.create_bank_item(
        BankItemInput(
            "zufriedenheit",
            SATISFACTION,
            QuestionType.SKALA,
            scale_min=1,
            scale_max=5,
            low_label="gar nicht zufrieden",
            high_label="sehr zufrieden",
        )
    )
    orgs = surveys.create(
        SurveyInput(
            ORGANISATIONS,
            SurveyAudience.ORGANISATIONEN,
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 30),
            introduction="Wir möchten wissen, wie Sie das Netzwerk erleben.",
        )
    )
    sector = surveys.add_question(
        orgs.id,
        QuestionInput(
            "In welchem Sektor ist Ihre Organisation tätig?",
            QuestionType.EINFACH,
            options=("Zivilgesellschaft", "Verwaltung", "Wirtschaft"),
            section="Über Sie",
            breakdown=True,
            required=True,
        ),
    )
    satisfaction = surveys.add_from_bank(orgs.id, bank.id, section="Zusammenarbeit")
    volunteers = surveys.add_question(
        orgs.id, QuestionInput("Engagieren sich bei Ihnen Ehrenamtliche?", QuestionType.JA_NEIN)
    )
    offers = surveys.add_question(
        orgs.id,
        QuestionInput(
            "Welche Angebote nutzen Sie?",
            QuestionType.MEHRFACH,
            options=("Beratung", "Fortbildung", "Vernetzung"),
            condition=(volunteers.id, volunteers.options[0].id),
        ),
    )
    wish = surveys.add_question(orgs.id, QuestionInput(WISH, QuestionType.TEXT, section="Ausblick"))
    surveys.set_status(orgs.id, SurveyStatus.LAEUFT)
    sectors = {o.label: o.id for o in sector.options}
    offer = {o.label: o.id for o in offers.options}
    wishes = [
        "Mehr Austausch zwischen den Sektoren.",
        FORMULA,
        "Regelmäßige Treffen am Abend.",
        "Einen Newsletter.",
        "Mehr Räume.",
    ]
    for i in range(12):
        answers: dict[int, AnswerValue] = {
            sector.id: sectors[
                "Zivilgesellschaft" if i < 7 else "Verwaltung" if i < 10 else "Wirtschaft"
            ],
            satisfaction.id: [5, 4, 4, 3, 5, 2, 4, 4, 3, 5, 1, 4][i],
            volunteers.id: volunteers.options[0 if i < 9 else 1].id,
        }
        if i < 9:
            answers[offers.id] = frozenset(
                [offer["Vernetzung"], offer["Beratung"]] if i % 2 else [offer["Vernetzung"]]
            )
        if i < len(wishes):
            answers[wish.id] = wishes[i]
        surveys.submit(
            orgs.id,
            answers,
            source=ResponseSource.PAPIER,
            submitted_at=datetime(2026, 9, 2 + i, 10, tzinfo=UTC),
        )
    citizens = surveys.create(SurveyInput(CITIZENS, SurveyAudience.BUERGER, anonymous=False))
    shared = surveys.add_from_bank(citizens.id, bank.id)
    surveys.set_status(citizens.id, SurveyStatus.LAEUFT)
    for i in range(7):
        surveys.submit(
            citizens.id,
            {shared.id: [3, 4, 2, 5, 3, 3, 4][i]},
            source=ResponseSource.PAPIER,
            contact=f"Erika Musterfrau {i} <erika{i}@example.org>",
        )
    empty = surveys.create(
        SurveyInput("Noch ohne Fragen", SurveyAudience.ANDERE, audience_note="Schulen")
    )
    return City(str(path), orgs.id, citizens.id, empty.id)


def _run(city: City, *argv: str) -> int:
    return main(["--db", city.db, "surveys", *argv])


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def _zip_text(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read(member))
    return " ".join("".join(root.itertext()).split())


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(page: str) -> str:
    parser = _HTMLText()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


def _text(path: Path) -> str:
    if path.suffix == ".md":
        return _html_text(MarkdownIt("commonmark").enable("table").render(path.read_text("utf-8")))
    if path.suffix == ".html":
        return _html_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".pdf":
        return _pdf_text(path)
    if path.suffix == ".docx":
        return _zip_text(path, "word/document.xml")
    if path.suffix == ".odt":
        return _zip_text(path, "content.xml")
    return path.read_text(encoding="utf-8")


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_every_survey_with_status_and_responses(
    city: City, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(city, "list") == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].split() == ["Nr.", "Titel", "Zielgruppe", "Status", "Zeitraum", "Antworten"]
    row = next(line for line in lines if ORGANISATIONS in line)
    assert "Organisationen und Vereine" in row and "läuft" in row
    assert "01.09.2026 – 30.09.2026" in row and row.rstrip().endswith("12")
    assert any("Schulen" in line and "Entwurf" in line for line in lines)
    assert "3 Umfragen" in out.err


def test_list_as_json_for_scripts(city: City, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(city, "list", "--json") == 0
    items = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    assert items[city.organisations]["title"] == ORGANISATIONS
    assert items[city.organisations]["responses"] == 12
    assert items[city.organisations]["status"] == "laeuft"
    assert items[city.organisations]["starts_on"] == "2026-09-01"
    assert items[city.citizens]["audience_label"] == "Bürgerinnen und Bürger"
    assert items[city.citizens]["anonymous"] is False
    assert items[city.empty]["audience_label"] == "Schulen"


# --- results ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "odt", "pdf"])
def test_results_report_in_every_document_format(city: City, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"ergebnis.{fmt}"
    assert _run(city, "results", str(city.organisations), "--format", fmt, "-o", str(out)) == 0
    text = _text(out)
    for expected in (
        f"Ergebnis {ORGANISATIONS}, Stand",
        "In welchem Sektor ist Ihre Organisation tätig?",
        "58,3 %",  # 7 of 12 in civil society
        "< 5",
        "3,67",  # the mean satisfaction
        "Mehr Austausch zwischen den Sektoren.",
        FORMULA,
        "nach In welchem Sektor ist Ihre Organisation tätig?",
    ):
        assert expected in text, f"{fmt}: {expected!r} fehlt"
    if fmt == "html":
        page = out.read_text(encoding="utf-8")
        assert "<svg" in page and 'class="bar"' in page


def test_results_compare_both_audiences_on_the_shared_question(city: City, tmp_path: Path) -> None:
    out = tmp_path / "vergleich.pdf"
    argv = ["results", str(city.organisations), "--compare", str(city.citizens)]
    assert _run(city, *argv, "--format", "pdf", "-o", str(out)) == 0
    text = _pdf_text(out)
    assert "Vergleich der Zielgruppen" in text
    assert "Organisationen und Vereine" in text and "Bürgerinnen und Bürger" in text
    assert "3,43" in text  # the citizens' mean satisfaction


def test_results_as_csv_and_json_tables(city: City, tmp_path: Path) -> None:
    table = tmp_path / "ergebnis.csv"
    assert _run(city, "results", str(city.organisations), "--format", "csv", "-o", str(table)) == 0
    rows = _csv(table)
    assert rows[0] == [
        "Kürzel", "Frage", "Fragetyp", "Antwortende", "Antwort", "Anzahl", "Anteil (%)", "Kennzahl"
    ]  # fmt: skip
    civil = next(r for r in rows if r[4] == "Zivilgesellschaft")
    assert civil[:4] == [
        "F1",
        "In welchem Sektor ist Ihre Organisation tätig?",
        "Einfachauswahl",
        "12",
    ]
    assert civil[5:7] == ["7", "58,3"]
    assert next(r for r in rows if r[4] == "Wirtschaft")[5] == "< 5"
    data_file = tmp_path / "ergebnis.json"
    assert (
        _run(city, "results", str(city.organisations), "--format", "json", "-o", str(data_file))
        == 0
    )
    data = json.loads(data_file.read_text(encoding="utf-8"))
    first = data["questions"][0]
    assert {"id", "text", "type", "respondents", "options"} <= set(first)
    assert first["respondents"] == 12
    assert first["options"][0] == {"label": "Zivilgesellschaft", "count": 7, "percent": 58.3}
    offers = next(q for q in data["questions"] if q["type"] == "mehrfach")
    assert offers["options"][2]["count"] == 9  # every one of the 9 ticked "Vernetzung"


def test_raw_answers_carry_no_person_data_and_defuse_formulas(
    city: City, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "roh.csv"
    argv = ["results", str(city.citizens), "--raw", "--format", "csv", "-o", str(out)]
    assert _run(city, *argv) == 0
    raw = out.read_text(encoding="utf-8-sig")
    assert "example.org" not in raw and "Musterfrau" not in raw
    note, *rows = _csv(out)
    assert note[0].startswith("# Anonymisiert (k-Anonymität, k = 5)")
    assert rows[0][:3] == ["Nr.", "Quelle", "Eingegangen"] and len(rows) == 8
    assert {r[1] for r in rows[1:]} == {"Papier"}
    assert "ohne Namen und Kontaktdaten" in capsys.readouterr().err
    orgs = tmp_path / "roh-orgs.csv"
    argv = ["results", str(city.organisations), "--raw", "--format", "csv", "-o", str(orgs)]
    assert _run(city, *argv, "--freitexte") == 0
    cells = [cell for row in _csv(orgs) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    as_json = tmp_path / "roh.json"
    argv = ["results", str(city.organisations), "--raw", "--format", "json", "-o", str(as_json)]
    assert _run(city, *argv, "--freitexte") == 0
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert "k = 5" in data["hinweis"]
    items = data["antworten"]
    assert len(items) == 12 and items[0]["Quelle"] == "Papier"
    assert FORMULA in {item["F5"] for item in items}
    without = tmp_path / "ohne.json"
    argv = ["results", str(city.organisations), "--raw", "--format", "json", "-o", str(without)]
    assert _run(city, *argv) == 0
    assert "F5" not in json.loads(without.read_text(encoding="utf-8"))["antworten"][0]


def test_default_file_lands_in_the_exports_folder(
    city: City, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(city, "questionnaire", str(city.organisations), "--format", "pdf") == 0
    target = tmp_path / "exports" / "engagement-in-giessen-2026-fragebogen.pdf"
    assert f"Geschrieben: {target}" in capsys.readouterr().out
    assert target.is_file()


def test_wrong_combinations_are_refused_in_german(
    city: City, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = str(city.organisations)
    assert _run(city, "results", sid, "--raw", "--format", "pdf") == 1
    assert "geht nur mit --format csv oder --format json" in capsys.readouterr().err
    assert _run(city, "results", sid, "--compare", str(city.citizens), "--format", "csv") == 1
    assert "erscheint nur im Bericht" in capsys.readouterr().err
    assert _run(city, "results", "99", "--format", "md") == 1
    assert "Die Umfrage Nr. 99 gibt es nicht" in capsys.readouterr().err
    assert _run(city, "questionnaire", str(city.empty), "--format", "pdf") == 1
    assert "hat noch keine Fragen" in capsys.readouterr().err
    assert not (tmp_path / "exports").exists()


# --- questionnaire ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "docx", "odt"])
def test_questionnaire_to_print(city: City, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"fragebogen.{fmt}"
    assert (
        _run(city, "questionnaire", str(city.organisations), "--format", fmt, "-o", str(out)) == 0
    )
    text = _text(out)
    for expected in (
        ORGANISATIONS,
        "Ihre Angaben sind anonym.",
        "In welchem Sektor ist Ihre Organisation tätig?",
        "Pflichtfrage",
        SATISFACTION,
        "gar nicht zufrieden",
        "Mehrfachnennung möglich",
        "Nur beantworten, wenn F3 = Ja",
        WISH,
        "Vielen Dank!",
    ):
        assert expected in text, f"{fmt}: {expected!r} fehlt"
    # Zivilgesellschaft/Verwaltung/Wirtschaft, five scale steps, Ja/Nein, three offers.
    assert text.count("☐") == 13


# --- snapshots ----------------------------------------------------------------------------------


def test_publish_then_report_the_snapshot_with_its_date_and_fingerprint(
    city: City, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = str(city.organisations)
    assert _run(city, "publish", sid, "--stand", "15.09.2026") == 0
    out = capsys.readouterr().out
    assert "Stand 15. September 2026" in out
    fingerprint = out.split("Prüfsumme (SHA-256): ")[1].split()[0]
    assert len(fingerprint) == 64
    # Answers that come in later do not change the published snapshot.
    surveys = Surveys(Database(f"sqlite:///{city.db}"))
    form = surveys.form(city.organisations)
    surveys.submit(
        city.organisations,
        {form.questions[0].id: form.questions[0].options[2].id},
        source=ResponseSource.PAPIER,
    )
    report = tmp_path / "stand.md"
    argv = ["results", sid, "--snapshot", "15.09.2026", "--format", "md", "-o", str(report)]
    assert _run(city, *argv) == 0
    text = report.read_text(encoding="utf-8")
    assert f"Ergebnis {ORGANISATIONS}, Stand 15. September 2026" in text
    assert f"Prüfsumme (SHA-256): {fingerprint}" in text
    assert "- **Antworten:** 12" in text
    pdf = tmp_path / "stand.pdf"
    argv = ["results", sid, "--snapshot", "15.09.2026", "--format", "pdf", "-o", str(pdf)]
    assert _run(city, *argv) == 0
    assert fingerprint in _pdf_text(pdf).replace(" ", "")
    assert _run(city, "results", sid, "--snapshot", "16.09.2026", "--format", "pdf") == 1
    assert "keinen veröffentlichten Stand vom 16.09.2026" in capsys.readouterr().err
    assert _run(city, "results", sid, "--snapshot", "15.09.2026", "--raw", "--format", "csv") == 1
