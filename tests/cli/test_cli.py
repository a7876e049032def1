"""The command line as scripts use it: exit codes, German errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from koordination.cli.main import main
from koordination.db.migrations import head_revision


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a script or a coordinator calls it."""
    return subprocess.run(
        [sys.executable, "-m", "koordination", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def demo_db(demo_sqlite: Callable[..., Path]) -> str:
    """The demo city as ``koordination demo`` writes it (copied, it is built once per run)."""
    return str(demo_sqlite())


def test_people_list_json_has_ids_names_sector_organisation_groups_emails(demo_db: str) -> None:
    result = run("--db", demo_db, "people", "list", "--group", "AK Stadtteilarbeit", "--json")
    assert result.returncode == 0, result.stderr
    people = json.loads(result.stdout)
    assert len(people) >= 10
    first = people[0]
    assert set(first) >= {"id", "name", "sector", "organisation", "groups", "emails"}
    assert all("AK Stadtteilarbeit" in p["groups"] for p in people)


def test_list_filters_by_sector_and_search(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", demo_db, "organisations", "list", "--sector", "Verwaltung", "--json"]) == 0
    orgs = json.loads(capsys.readouterr().out)
    assert orgs and all(o["sector"] == "Verwaltung" for o in orgs)
    assert main(["people", "list", "--db", demo_db, "--search", "example.net", "--json"]) == 0
    people = json.loads(capsys.readouterr().out)
    assert people and all(any(e.endswith("example.net") for e in p["emails"]) for p in people)


def test_groups_list_json(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", demo_db, "groups", "list", "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert groups[0]["name"] == "Konsortium Engagierte Stadt Wiesenbrück"
    assert {g["kind"] for g in groups} >= {"Konsortium/Steuerungsgruppe", "Arbeitskreis"}


def test_people_show_prints_consents_and_groups(demo_db: str) -> None:
    result = run("--db", demo_db, "people", "show", "1")
    assert result.returncode == 0
    assert "Einwilligungen:" in result.stdout
    assert "Organisationen:" in result.stdout


def test_user_error_exits_1_with_german_message_and_no_traceback(demo_db: str) -> None:
    result = run("--db", demo_db, "people", "show", "99999")
    assert result.returncode == 1
    assert "Person Nr. 99999 wurde nicht gefunden" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_usage_exits_2_in_german() -> None:
    result = run("people", "list", "--sector", "Mond")
    assert result.returncode == 2
    assert "„Mond“ ist kein Sektor" in result.stderr
    assert "Aufruf:" in result.stderr


def test_demo_refuses_a_non_empty_database_unless_forced(demo_db: str) -> None:
    result = run("--db", demo_db, "demo")
    assert result.returncode == 1
    assert "enthält schon Daten" in result.stderr
    assert run("--db", demo_db, "demo", "--force").returncode == 0


def test_demo_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dumps = []
    for name in ("a.sqlite3", "b.sqlite3"):
        db = str(tmp_path / name)
        assert main(["--db", db, "demo"]) == 0
        for kind in ("people", "organisations", "groups"):
            assert main(["--db", db, kind, "list", "--json"]) == 0
        dumps.append(capsys.readouterr().out.split("\n", 1)[1])
    assert dumps[0] == dumps[1]
    people = json.loads(dumps[0].split("\n]\n")[0] + "\n]")
    assert 100 <= len(people) <= 130


def test_corrupt_database_gives_german_error_and_stays_untouched(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.sqlite3"
    path.write_bytes(b"das ist keine Datenbank" * 100)
    before = path.read_bytes()
    result = run("--db", str(path), "people", "list")
    assert result.returncode == 1
    assert "keine koordination-Datenbank oder sie ist beschädigt" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_db_current_upgrade_and_backup(tmp_path: Path) -> None:
    db = str(tmp_path / "k.sqlite3")
    typo = run("--db", db, "db", "current")
    assert typo.returncode == 1 and "gibt es nicht; es wurde nichts angelegt" in typo.stderr
    assert not Path(db).exists()
    assert f"auf {head_revision()} gebracht" in run("--db", db, "db", "upgrade").stdout
    assert "aktuell" in run("--db", db, "db", "current").stdout
    target = tmp_path / "sicherung.sqlite3"
    assert run("--db", db, "db", "backup", str(target)).returncode == 0
    again = run("--db", db, "db", "backup", str(target))
    assert again.returncode == 1 and "gibt es schon" in again.stderr
    assert run("--db", db, "db", "backup", str(target), "--force").returncode == 0
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_export_writes_to_the_documents_folder_by_default(
    demo_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KOORDINATION_EXPORTS")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.chdir(tmp_path)
    assert main(["--db", demo_db, "export", "people", "--format", "json"]) == 0
    written = tmp_path / "home" / "Documents" / "koordination" / "personen.json"
    assert capsys.readouterr().out.strip().endswith(f"nach {written} geschrieben.")
    assert len(json.loads(written.read_text(encoding="utf-8"))) > 100
    assert not (tmp_path / "exports").exists()


def test_import_dry_run_then_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "k.sqlite3")
    csv = tmp_path / "leute.csv"
    csv.write_bytes(
        "Vorname;Nachname;E-Mail;Organisation;Sektor\r\n"
        "Jürgen;Weiß;jw@example.org;Bürgerverein Süd e.V.;Zivilgesellschaft\r\n".encode("cp1252")
    )
    assert main(["--db", db, "db", "upgrade"]) == 0
    assert main(["--db", db, "import", "people", str(csv), "--dry-run"]) == 0
    assert main(["--db", db, "people", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("[]")
    assert main(["--db", db, "import", "people", str(csv)]) == 0
    assert main(["--db", db, "people", "list", "--json"]) == 0
    people = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [(p["name"], p["organisation"]) for p in people] == [
        ("Jürgen Weiß", "Bürgerverein Süd e.V.")
    ]
