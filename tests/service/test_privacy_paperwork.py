"""The office's paperwork written through the output registry and read back by independent
readers (python-docx, odfdo, pypdf): the record of processing (Art. 30 DSGVO) and the
information text (Art. 13/14) name the configured controller, purposes with their bases and
the periods as decided ("nicht festgelegt" while undecided); the Art. 14 version names the
lists imported people came from, and `datenschutz information --art14` whom it is for."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import odfdo
import pytest
from pypdf import PdfReader
from sqlalchemy import update

from koordination.cli.main import main
from koordination.clock import Clock
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import Bundesland
from koordination.domain.inputs.directory import CityProfileInput, PersonInput
from koordination.domain.models import Person
from koordination.outputs.registry import make
from koordination.services.directory.service import Directory
from koordination.services.privacy.retention import Retention

TODAY = date(2026, 12, 7)
CONTROLLER = "Stadt Wiesenbrück, vertreten durch den Bürgermeister, Marktplatz 1"
DPO = "Datenschutzbeauftragte der Stadt, datenschutz@wiesenbrueck.example.org"


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    elif path.suffix == ".docx":
        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        text = " ".join([p.text for p in document.paragraphs] + cells)
    else:
        text = odfdo.Document(path).get_formatted_text()
    return " ".join(text.split())


@pytest.fixture
def core(db: Database) -> Core:
    directory = Directory(db, Clock.on(TODAY))
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Engagierte Stadt Wiesenbrück",
            controller=CONTROLLER,
            dpo_contact=DPO,
            state_law_basis="§ 3 HDSIG",
            processors="Mailserver: Kommunales Rechenzentrum Mittelhessen",
        ),
    )
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("guests", 12, True, "Gäste brauchen wir nach einem Jahr nicht mehr")
    retention.keep("backups", "unbefristet, weil das Rechenzentrum die Sicherungen verwaltet")
    return Core(db, Clock.on(TODAY))


@pytest.mark.parametrize("fmt", ["docx", "odt", "pdf"])
def test_the_record_of_processing_names_controller_purposes_and_periods(
    core: Core, fmt: str, tmp_path: Path
) -> None:
    made = make(core, "verzeichnis", None, fmt, tmp_path)
    assert made.path.name == f"verzeichnis-verarbeitungstaetigkeiten-2026-12-07.{fmt}"
    text = _text(made.path)
    assert "Verzeichnis von Verarbeitungstätigkeiten (Entwurf)" in text
    assert CONTROLLER in text and DPO in text
    assert "Hessische/r Beauftragte/r für Datenschutz" in text  # proposed from the Bundesland
    assert "Sitzungen, Tagesordnungen, Anwesenheit, Protokolle und Aufgaben" in text
    assert "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG" in text
    assert "Einwilligung, Art. 6 Abs. 1 lit. a DSGVO" in text
    assert "lit. f" not in text.replace("(lit. f)", "")  # never legitimate interests
    assert "Kommunales Rechenzentrum Mittelhessen" in text
    assert "Gäste brauchen wir nach einem Jahr nicht mehr" in text
    assert "12 Monate" in text
    assert "unbefristet, weil das Rechenzentrum die Sicherungen verwaltet" in text
    assert "nicht festgelegt" in text
    assert "Aufbewahrung: 6 von 8 Fristen nicht festgelegt" in text
    assert "k-anonym (k = 5)" in text and "0600" in text


@pytest.mark.parametrize("fmt", ["docx", "odt", "pdf"])
def test_the_information_text_names_controller_bases_rights_and_periods(
    core: Core, fmt: str, tmp_path: Path
) -> None:
    made = make(core, "information", False, fmt, tmp_path)
    assert made.path.name == f"datenschutzinformation-2026-12-07.{fmt}"
    text = _text(made.path)
    assert "Datenschutzinformation für Engagierte" in text
    assert CONTROLLER in text and DPO in text
    assert "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG" in text
    assert "Gäste nach 12 Monaten." in text
    assert "Einladungslisten: noch keine Frist festgelegt." in text
    assert "Widerspruch" in text or "widersprechen" in text
    assert "Art. 77 DSGVO" in text and "Hessische/r Beauftragte/r" in text
    assert "Herkunft Ihrer Daten" not in text


def test_the_art14_version_names_the_lists_and_the_command_whom_it_is_for(
    core: Core, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = Directory(core.db, Clock.on(TODAY))
    ids = [
        directory.create_person(PersonInput(given_name=g, family_name="Liste")).record.id
        for g in ("Ida", "Jan")
    ]
    with core.db.session() as s:
        s.execute(
            update(Person)
            .where(Person.id.in_(ids))
            .values(art14_source="Mitgliederliste TSV Wiesenbrück 2026")
        )
    made = make(core, "information", True, "docx", tmp_path)
    assert made.path.name == "datenschutzinformation-art14-2026-12-07.docx"
    text = _text(made.path)
    assert "Herkunft Ihrer Daten (Art. 14 DSGVO)" in text
    assert "Mitgliederliste TSV Wiesenbrück 2026" in text
    assert "Ida" not in text  # the text is the same for everyone it is sent to

    if core.db.path is None:
        return  # the command line is the same on both backends
    target = tmp_path / "info.pdf"
    argv = ["--db", str(core.db.path), "datenschutz", "information", "--art14"]
    assert main([*argv, "--format", "pdf", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Geschrieben: {target}" in out
    assert "Zu schicken an 2 Personen:" in out and "Ida Liste" in out
    assert f"koordination people art14-informed {ids[0]} {ids[1]}" in out
    assert "Mitgliederliste TSV Wiesenbrück 2026" in _text(target)
