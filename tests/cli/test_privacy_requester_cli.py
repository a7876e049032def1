"""Who asked: `people export-data … --anfrage-von` and `people erase … --anfrage-von` note the
requester in the act's trail entry and in the request the act answers, on both backends; an
access report in several formats answers one request; a requester naming the erased person
loses the name with everything else."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import text

from koordination.cli.main import main
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import PrivacyRequestKind
from koordination.services.directory.search import PeopleFilter


def _person(db: Database, search: str) -> int:
    (row,) = Core(db).directory.list_people(PeopleFilter(search=search))
    return row.id


def _acts(db: Database, action: str) -> list[dict[str, str]]:
    return [
        {c.label: c.new_text for c in e.changes}
        for e in Core(db).audit.entries()
        if e.action == action
    ]


def test_the_access_report_as_docx_and_odt_notes_who_asked_in_one_request(
    demo_city: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _person(demo_city, "Monika Weiß")
    asked = ["--anfrage-von", "die Person, Brief vom 01.12."]
    base = ["--db", db_url, "people", "export-data", str(pid)]
    assert main([*base, "--format", "docx", "-o", str(tmp_path / "a.docx"), *asked]) == 0
    assert "als Brief zum Bearbeiten (DOCX) geschrieben" in capsys.readouterr().out
    assert main([*base, "--format", "odt", "-o", str(tmp_path / "a.odt"), *asked]) == 0

    paragraphs = [p.text for p in docx.Document(str(tmp_path / "a.docx")).paragraphs]
    assert "Guten Tag Monika Weiß," in paragraphs
    with zipfile.ZipFile(tmp_path / "a.odt") as odt:
        assert "Guten Tag Monika Weiß," in odt.read("content.xml").decode("utf-8")
    # Two files, one request: recorded as received and answered today, with who asked.
    (request,) = Core(demo_city).privacy_requests.list(open_only=False)
    assert request.kind is PrivacyRequestKind.AUSKUNFT
    assert (request.person_id, request.requester, request.done) == (
        pid,
        "die Person, Brief vom 01.12.",
        True,
    )
    assert _acts(demo_city, "auskunft") == [{"Anfrage von": "die Person, Brief vom 01.12."}] * 2


def test_an_open_request_gets_the_requester_and_without_one_nothing_is_invented(
    demo_city: Database, db_url: str, tmp_path: Path
) -> None:
    pid = _person(demo_city, "Oliver Weiß")
    requests = Core(demo_city).privacy_requests
    requests.add(PrivacyRequestKind.AUSKUNFT, pid)
    base = ["--db", db_url, "people", "export-data", str(pid), "--format", "json"]
    assert main([*base, "-o", str(tmp_path / "a.json"), "--anfrage-von", "Anwalt Dr. Kern"]) == 0
    assert main([*base, "-o", str(tmp_path / "b.json")]) == 0  # nobody named: no new request
    (request,) = requests.list(open_only=False)
    assert (request.requester, request.done) == ("Anwalt Dr. Kern", True)
    assert _acts(demo_city, "auskunft") == [{"Anfrage von": "Anwalt Dr. Kern"}, {}]


def test_erase_notes_who_asked_and_a_requester_naming_the_person_loses_the_name(
    demo_city: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _person(demo_city, "Monika Weiß")
    Core(demo_city).privacy_requests.add(PrivacyRequestKind.LOESCHUNG, pid)
    args = ["--db", db_url, "people", "erase", str(pid), "--yes", "--masken", "ablehnen"]
    assert main([*args, "--anfrage-von", "Monika Weiß per E-Mail"]) == 0
    label = capsys.readouterr().out.split("„", 1)[1].split("“", 1)[0]
    assert label.startswith("N. N. (")
    (request,) = Core(demo_city).privacy_requests.list(open_only=False)
    assert (request.kind, request.requester, request.done) == (
        PrivacyRequestKind.LOESCHUNG,
        f"{label} per E-Mail",
        True,
    )
    assert _acts(demo_city, "erase") == [{"Anfrage von": f"{label} per E-Mail"}]
    with demo_city.engine.connect() as conn:
        trail = conn.execute(text("SELECT changes FROM audit_entry")).scalars().all()
        asked = conn.execute(text("SELECT requester FROM privacy_request")).scalars().all()
    assert not [t for t in [*trail, *asked] if "Monika Weiß" in t]


def test_erase_of_an_unknown_person_records_no_request(
    demo_city: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", db_url, "people", "erase", "99999", "--yes", "--anfrage-von", "jemand"]
    assert main(args) == 1
    assert "Person Nr. 99999 wurde nicht gefunden." in capsys.readouterr().err
    assert Core(demo_city).privacy_requests.list(open_only=False) == []
