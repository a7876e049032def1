"""`koordination surveys import-responses` on a real SQLite file: the mapping shown, the report
in German, nothing saved on errors or with --dry-run, exit codes a script can rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.services.surveys.service import Surveys

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "surveys"


@pytest.fixture
def city(tmp_path: Path) -> str:
    """A database file with a running survey: the questionnaire the fixture files answer."""
    path = tmp_path / "stadt.sqlite3"
    db = Database(str(path))
    upgrade(db)
    surveys = Surveys(db)
    sid = surveys.create(
        SurveyInput("Umfrage der Engagierten 2026", SurveyAudience.ORGANISATIONEN)
    ).id
    add = surveys.add_question
    add(
        sid,
        QuestionInput(
            "In welchem Sektor ist Ihre Organisation tätig?",
            QuestionType.EINFACH,
            options=("Zivilgesellschaft", "Verwaltung", "Wirtschaft"),
            required=True,
        ),
    )
    add(
        sid,
        QuestionInput(
            "Welche Angebote nutzen Sie?",
            QuestionType.MEHRFACH,
            options=("Räume", "Beratung", "Fortbildung"),
        ),
    )
    add(
        sid,
        QuestionInput(
            "Wie zufrieden sind Sie mit der Unterstützung durch die Koordinierungsstelle?",
            QuestionType.SKALA,
        ),
    )
    funded = add(
        sid, QuestionInput("Haben Sie eine Förderberatung erhalten?", QuestionType.JA_NEIN)
    )
    add(
        sid,
        QuestionInput(
            "Wer hat Sie beraten?",
            QuestionType.EINFACH,
            options=("Stadt", "Land", "Stiftung"),
            condition=(funded.id, funded.options[0].id),
        ),
    )
    add(sid, QuestionInput("Wie viele Engagierte hat Ihre Organisation?", QuestionType.ZAHL))
    add(sid, QuestionInput("Seit wann gibt es Ihre Organisation?", QuestionType.DATUM))
    add(sid, QuestionInput("Was wünschen Sie sich?", QuestionType.TEXT))
    surveys.set_status(sid, SurveyStatus.LAEUFT)
    assert sid == 1
    db.dispose()
    return str(path)


def responses(path: str) -> int:
    db = Database(path)
    try:
        return Surveys(db).response_count(1)
    finally:
        db.dispose()


def run(city: str, *args: str) -> list[str]:
    return ["--db", city, "surveys", "import-responses", "1", *args]


def test_limesurvey_file_is_imported_with_the_mapping_shown(
    city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(run(city, str(FIXTURES / "limesurvey_codes.csv"))) == 0
    out, err = capsys.readouterr()
    out = " ".join(out.split())  # the mapping is aligned in columns
    assert "Zuordnung der Spalten:" in out
    assert "„F2[SQ001]“ → F2 = Räume – Welche Angebote nutzen Sie?" in out
    assert "„submitdate“ → Zeitpunkt der Abgabe" in out
    assert "„lastpage“" in out and "wird nicht importiert" in out
    assert out.strip().endswith("Importiert: 3 Antworten, 1 unvollständig und übersprungen.")
    assert "Hinweis: Die Spalte „seed“ ist keiner Frage zugeordnet" in err
    assert "--mapping" in err
    assert responses(city) == 3


def test_reimport_of_the_same_file_skips_every_response(
    city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(run(city, str(FIXTURES / "excel_cp1252.csv"))) == 0
    assert main(run(city, str(FIXTURES / "excel_cp1252.csv"))) == 0
    out, _err = capsys.readouterr()
    assert "Importiert: 0 Antworten, 2 schon früher importiert und übersprungen." in out
    assert responses(city) == 2


def test_broken_row_exits_1_names_row_column_reason_and_saves_nothing(
    city: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "antworten.csv"
    path.write_text(
        "Antwort-ID;Zeitstempel;F1;F3\n1;14.09.2026 10:00;Verwaltung;4\n"
        "2;14.09.2026 10:05;Verwaltung;sehr gut\n3;14.09.2026 10:09;Wirtschaft;5\n",
        encoding="utf-8",
    )
    assert main(run(city, str(path))) == 1
    _out, err = capsys.readouterr()
    assert "Fehler: Die Datei wurde nicht importiert: 1 Fehler." in err
    assert "Zeile 3, Spalte „F3“: „sehr gut“ ist keine Zahl" in err
    assert "Traceback" not in err
    assert responses(city) == 0


def test_dry_run_says_nothing_was_saved(city: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(run(city, str(FIXTURES / "google_forms.csv"), "--dry-run")) == 0
    out, _err = capsys.readouterr()
    assert "Probelauf, nichts gespeichert – so würde importiert: 2 Antworten." in out
    assert responses(city) == 0


def test_dry_run_leaves_every_row_as_it_was(city: str) -> None:
    from support.fuzz import dump

    database = Database(city)
    try:
        before = dump(database)
        assert main(run(city, str(FIXTURES / "google_forms.csv"), "--dry-run")) == 0
        assert dump(database) == before
    finally:
        database.dispose()


def test_mapping_file_corrects_the_suggestion(
    city: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "antworten.csv"
    path.write_text("Nr;Sektor;Kommentar\n1;Wirtschaft;Mehr Austausch\n", encoding="utf-8")
    mapping = tmp_path / "zuordnung.json"
    mapping.write_text(
        json.dumps({"Nr": "#id", "Sektor": "F1", "Kommentar": "F8"}), encoding="utf-8"
    )
    assert main(run(city, str(path), "--mapping", str(mapping))) == 0
    out, err = capsys.readouterr()
    out = " ".join(out.split())
    assert "„Kommentar“ → F8 – Was wünschen Sie sich?" in out
    assert "Importiert: 1 Antwort." in out
    assert "--mapping" not in err
    assert responses(city) == 1


@pytest.mark.parametrize(
    ("which", "content", "expected"),
    [
        ("file", None, "Fehler: Die Datei {path} gibt es nicht."),
        ("file", b"\x00\x01\x02garbage\x00\xff", "ist keine Textdatei (CSV)"),
        ("mapping", None, "Fehler: Die Zuordnungsdatei {path} gibt es nicht."),
        ("mapping", b"{Nr: #id}", "ist kein gültiges JSON"),
        ("mapping", b'{"Antwort-ID": "F42"}', "„F42“ ist keine Frage dieser Umfrage"),
    ],
)
def test_missing_or_garbage_files_exit_1_with_a_german_message(
    city: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    which: str,
    content: bytes | None,
    expected: str,
) -> None:
    path = tmp_path / ("antworten.csv" if which == "file" else "zuordnung.json")
    if content is not None:
        path.write_bytes(content)
    args = [str(path)] if which == "file" else [str(FIXTURES / "excel_cp1252.csv")]
    if which == "mapping":
        args += ["--mapping", str(path)]
    assert main(run(city, *args)) == 1
    _out, err = capsys.readouterr()
    assert expected.format(path=path) in err
    assert responses(city) == 0


def test_draft_survey_and_unknown_survey_are_refused(
    city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(city)
    sid = Surveys(db).create(SurveyInput("Entwurf", SurveyAudience.BUERGER)).id
    db.dispose()
    argv = ["--db", city, "surveys", "import-responses"]
    assert main([*argv, str(sid), str(FIXTURES / "excel_cp1252.csv")]) == 1
    assert main([*argv, "99", str(FIXTURES / "excel_cp1252.csv")]) == 1
    _out, err = capsys.readouterr()
    assert "Fehler: Die Umfrage „Entwurf“ ist noch ein Entwurf." in err
    assert "Fehler: Die Umfrage Nr. 99 gibt es nicht (mehr)." in err


def test_command_in_a_fresh_process_prints_no_traceback(city: str, tmp_path: Path) -> None:
    broken = tmp_path / "antworten.csv"
    broken.write_bytes("id;F1\n1;Bürgerschaft\n".encode("cp1252"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "koordination", *run(city, str(broken))],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "Zeile 2, Spalte „F1“: „Bürgerschaft“ ist keine der Antworten" in result.stderr
    assert "Traceback" not in result.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "koordination", *run(city, str(FIXTURES / "excel_cp1252.csv"))],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Importiert: 2 Antworten." in ok.stdout
    assert "von" not in ok.stderr  # no progress line when stderr is no terminal
