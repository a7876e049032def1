"""A list's "Einwilligung: ja" becomes a consent only with the catalogue wording named for the
import: channel Import, the file's name as proof, one audit entry per person; the people it
brings are flagged until the office sends the information owed under Art. 14 DSGVO."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.consents import catalogue_text, give_consent

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentChannel, ConsentPurpose
from koordination.domain.inputs.directory import ConsentTextInput, PersonInput
from koordination.domain.models import AuditEntry, Consent, Person
from koordination.errors import ImportFailed
from koordination.services.art14 import Art14Notices
from koordination.services.consent_texts import Consents
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory

TODAY = date(2026, 11, 22)
LIST = (
    "Nachname;Vorname;E-Mail;Einwilligung;Einwilligung am\n"
    "Weiß;Jürgen;juergen@tafel.example;ja;31.03.2026\n"
    "Schäfer;Renate;renate@stadt.example;nein;\n"
    "Yilmaz;Lukas;lukas@jugend.example;ja;\n"
)


@pytest.fixture
def office(db: Database) -> tuple[Imports, Directory]:
    clock = Clock.on(TODAY)
    consents = Consents(db, clock)
    wording = "Ich möchte zu den Sitzungen der Arbeitskreise eingeladen werden."
    consents.add_text(
        ConsentTextInput(ConsentPurpose.EINLADUNGEN, "2026-01", wording, date(2026, 1, 1))
    )
    return Imports(db, clock), Directory(db, clock)


def _write(tmp_path: Path, text: str = LIST, name: str = "sportverein.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(db: Database, model: type[Person] | type[Consent] | type[AuditEntry]) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _person(directory: Directory, search: str) -> int:
    return directory.list_people(PeopleFilter(search=search))[0].id


def test_yes_without_a_named_version_refuses_the_file_and_imports_nothing(
    office: tuple[Imports, Directory], tmp_path: Path
) -> None:
    imports, _directory = office
    with pytest.raises(ImportFailed) as err:
        imports.people(_write(tmp_path))
    message = err.value.message
    assert "Die Spalte „Einwilligung“ nennt Einwilligungen – Einladungen (ab Zeile 2) –" in message
    assert "--einwilligung einladungen=2026-01" in message
    assert "Fassungen im Katalog für Einladungen: 2026-01." in message
    assert "Es wurde nichts importiert." in message
    assert _count(imports.db, Person) == 0
    assert _count(imports.db, Consent) == 0


def test_a_version_the_catalogue_lacks_is_refused_before_reading(
    office: tuple[Imports, Directory], tmp_path: Path
) -> None:
    imports, _directory = office
    with pytest.raises(ImportFailed, match=r"„2025“ ist keine Fassung .* \(vorhanden: 2026-01\)"):
        imports.people(_write(tmp_path), consents={ConsentPurpose.EINLADUNGEN: "2025"})
    assert _count(imports.db, Person) == 0


def test_named_version_gives_import_consents_with_proof_audit_and_art14_flag(
    office: tuple[Imports, Directory], tmp_path: Path
) -> None:
    imports, directory = office
    report = imports.people(
        _write(tmp_path),
        consents={ConsentPurpose.EINLADUNGEN: "2026-01"},
        source="Mitgliederliste Sportverein",
    )
    assert report.created == 3
    juergen = directory.get_person(_person(directory, "weiß"))
    (consent,) = juergen.consents
    assert (consent.purpose, consent.text_version, consent.channel, consent.evidence) == (
        ConsentPurpose.EINLADUNGEN,
        "2026-01",
        ConsentChannel.IMPORT,
        "sportverein.csv",
    )
    assert consent.given_at.date() == date(2026, 3, 31)
    assert directory.get_person(_person(directory, "schäfer")).consents == ()
    with imports.db.session() as session:
        text_ids = set(session.scalars(select(Consent.text_id)))
        entries = session.scalars(select(AuditEntry).where(AuditEntry.kind == "consent")).all()
    assert len(text_ids) == 1 and None not in text_ids
    # One entry per consent, in the trail of its person, with the values that prove it.
    assert sorted(e.owner_id for e in entries) == sorted(
        _person(directory, name) for name in ("weiß", "yilmaz")
    )
    assert all(e.owner_kind == "person" and e.action == "import" for e in entries)
    assert all('"channel": [null, "Import"]' in e.changes for e in entries)
    assert all('"evidence": [null, "sportverein.csv"]' in e.changes for e in entries)

    # Everybody the list brought is flagged until the information went out.
    art14 = Art14Notices(imports.db, imports.clock)
    assert [(r.name, r.source) for r in art14.open()] == [
        ("Renate Schäfer", "Mitgliederliste Sportverein"),
        ("Jürgen Weiß", "Mitgliederliste Sportverein"),
        ("Lukas Yilmaz", "Mitgliederliste Sportverein"),
    ]
    assert directory.get_person(juergen.id).art14_open
    assert art14.mark_informed([juergen.id]) == 1
    assert not directory.get_person(juergen.id).art14_open
    assert [r.name for r in art14.open()] == ["Renate Schäfer", "Lukas Yilmaz"]


def test_yes_agrees_to_the_one_purpose_named(
    office: tuple[Imports, Directory], tmp_path: Path
) -> None:
    imports, directory = office
    catalogue_text(imports, ConsentPurpose.FOTOS, "F-2026")
    imports.people(_write(tmp_path), consents={ConsentPurpose.FOTOS: "F-2026"})
    person = directory.get_person(_person(directory, "yilmaz"))
    assert [(c.purpose, c.text_version) for c in person.consents] == [
        (ConsentPurpose.FOTOS, "F-2026")
    ]
    # The source defaults to the file's name.
    assert person.art14_source == "sportverein.csv"


def test_a_day_before_the_wording_was_valid_is_a_problem_of_its_row(
    office: tuple[Imports, Directory], tmp_path: Path
) -> None:
    imports, _directory = office
    early = LIST.replace("31.03.2026", "15.12.2025")
    with pytest.raises(ImportFailed) as err:
        imports.people(_write(tmp_path, early), consents={ConsentPurpose.EINLADUNGEN: "2026-01"})
    (problem,) = err.value.problems
    assert (problem.line, problem.column) == (2, "Einwilligung am")
    assert "liegt vor der Fassung 2026-01 „Einladungen“ (gültig ab 01.01.2026)" in problem.reason
    assert _count(imports.db, Person) == 0


def test_updating_people_adds_new_consents_with_proof_and_keeps_existing_ones(
    office: tuple[Imports, Directory], tmp_path: Path
) -> None:
    imports, directory = office
    pid = directory.create_person(
        PersonInput("Weiß", "Jürgen", emails=["juergen@tafel.example"])
    ).record.id
    give_consent(directory, pid, ConsentPurpose.EINLADUNGEN)
    lukas = directory.create_person(
        PersonInput("Yilmaz", "Lukas", emails=["lukas@jugend.example"])
    ).record.id
    only_known = "".join(line for line in LIST.splitlines(keepends=True) if "renate" not in line)
    path = _write(tmp_path, only_known)
    # Jürgen's consent is stored already; Lukas's would be new: that needs the wording.
    with pytest.raises(ImportFailed, match="keine Fassung aus dem Katalog"):
        imports.people(path, existing="update")
    assert directory.get_person(lukas).consents == ()
    imports.people(path, existing="update", consents={ConsentPurpose.EINLADUNGEN: "2026-01"})
    (new,) = directory.get_person(lukas).consents
    assert (new.channel, new.evidence, new.text_version) == (
        ConsentChannel.IMPORT,
        "sportverein.csv",
        "2026-01",
    )
    assert len(directory.get_person(pid).consents) == 1
    # People already known were not brought by the list: no Art. 14 flag for them.
    assert directory.get_person(lukas).art14_source == ""
