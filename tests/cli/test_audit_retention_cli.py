"""`koordination audit` and `koordination retention` on a SQLite file: the trail as a German
table and as JSON, and a run that deletes only after confirmation, exactly what the preview
showed."""

from __future__ import annotations

import argparse
import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from koordination.cli.audit import cmd_audit
from koordination.cli.main import main
from koordination.cli.retention import cmd_retention
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.enums import GroupKind
from koordination.domain.inputs.directory import GroupInput, PersonInput
from koordination.domain.models import Person
from koordination.errors import KoordinationError
from koordination.services.directory.service import Directory
from koordination.services.privacy.retention import Retention

LONG_AGO = datetime(2019, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, int]]:
    """Three people: one untouched since 2019, one in a group since then, one new."""
    monkeypatch.setenv("KOORDINATION_USER", "Petra Koordinatorin")
    path = str(tmp_path / "stadt.sqlite3")
    db = Database(path)
    upgrade(db)
    db.actor = "Petra Koordinatorin"
    directory = Directory(db)

    def person(given: str, family: str) -> int:
        data = PersonInput(given_name=given, family_name=family, emails=[f"{given}@example.org"])
        return directory.create_person(data).record.id

    ids = {"quiet": person("Quentin", "Still"), "member": person("Mia", "Mitglied")}
    ids["new"] = person("Nora", "Neu")
    group = directory.create_group(GroupInput("AK Sport", GroupKind.ARBEITSKREIS)).record.id
    directory.add_membership(group, ids["member"], valid_from=date(2019, 1, 1))
    with db.session() as session:
        session.execute(
            update(Person)
            .where(Person.id.in_([ids["quiet"], ids["member"]]))
            .values(updated_at=LONG_AGO)
        )
    db.dispose()
    return path, ids


def _erased(path: str) -> set[int]:
    db = Database(path)
    with db.session() as session:
        found = set(session.scalars(select(Person.id).where(Person.erased_at.is_not(None))))
    db.dispose()
    return found


def test_audit_shows_who_changed_what_as_a_german_table_and_as_json(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = city
    assert main(["--db", path, "audit", "--record", f"person:{ids['member']}"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "Zeit",
        "Wer",
        "Was",
        "Eintrag",
        "Feld",
        "vorher",
        "→",
        "nachher",
    ]
    assert "Petra Koordinatorin" in out
    assert "Person angelegt" in out and "Nachname" in out and "– → Mitglied" in out
    assert "Mitgliedschaft angelegt" in out and "– → AK Sport (Nr. 1)" in out
    assert "Nora" not in out  # another person's trail

    assert main(["--db", path, "audit", "--record", f"person:{ids['new']}", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {e["owner"]["id"] for e in entries} == {ids["new"]}
    first = entries[0]
    assert (first["action"], first["action_label"], first["kind_label"]) == (
        "create",
        "angelegt",
        "Person",
    )
    assert first["changes"]["family_name"] == {"label": "Nachname", "old": None, "new": "Neu"}

    assert main(["--db", path, "audit"]) == 0
    assert "Gruppe angelegt" in capsys.readouterr().out


def test_audit_explains_a_malformed_record_in_german(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ids = city
    assert main(["--db", path, "audit", "--record", "person12"]) == 1
    err = capsys.readouterr().err
    assert "Bitte ART:NR angeben, z. B. person:12" in err
    assert "person (Person), organisation (Organisation), group (Gruppe)" in err
    assert main(["--db", path, "audit", "--record", "leute:3"]) == 1
    assert "„leute“ ist keine bekannte Art" in capsys.readouterr().err
    assert main(["--db", path, "audit", "--record", "person:999"]) == 0
    assert "Keine Einträge im Änderungsprotokoll zu person:999." in capsys.readouterr().out


def test_retention_does_nothing_while_no_rule_is_switched_on(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ids = city
    assert main(["--db", path, "retention", "preview"]) == 0
    out = capsys.readouterr().out
    assert "aus  Personen ohne Aktivität seit 24 Monaten [inactive_people]" in out
    assert "Keine Aufbewahrungsregel ist eingeschaltet; es wird nichts gelöscht." in out
    assert main(["--db", path, "retention", "run", "--yes"]) == 0
    assert _erased(path) == set()


def test_retention_run_needs_confirmation_and_deletes_what_the_preview_showed(
    city: tuple[str, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, ids = city
    db = Database(path)
    Retention(db).set_rule("inactive_people", 24, True)
    db.dispose()

    assert main(["--db", path, "retention", "preview"]) == 0
    preview = capsys.readouterr().out
    assert "an   Personen ohne Aktivität seit 24 Monaten [inactive_people]" in preview
    assert f"  - Quentin Still (Nr. {ids['quiet']}), zuletzt aktiv am 01.05.2019" in preview
    assert "Mia" not in preview and "Nora" not in preview
    assert "Zusammen: 1 Eintrag würde gelöscht." in preview

    # Not at a terminal and without --yes: refused, nothing deleted.
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--db", path, "retention", "run"]) == 1
    assert "Ohne Terminal bitte `koordination retention run --yes`" in capsys.readouterr().err
    assert _erased(path) == set()

    # At a terminal: anything but "JA" cancels.
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _prompt: "ja bitte")
    assert main(["--db", path, "retention", "run"]) == 1
    assert "Abgebrochen, es wurde nichts gelöscht." in capsys.readouterr().out
    assert _erased(path) == set()

    monkeypatch.setattr("builtins.input", lambda _prompt: "JA")
    assert main(["--db", path, "retention", "run"]) == 0
    out = capsys.readouterr().out
    assert "von Petra Koordinatorin." in out
    assert "Personen ohne Aktivität seit 24 Monaten: 1 Person gelöscht" in out
    assert _erased(path) == {ids["quiet"]}

    assert main(["--db", path, "audit", "--record", f"person:{ids['quiet']}"]) == 0
    trail = capsys.readouterr().out
    assert "Person gelöscht (Art. 17 DSGVO)" in trail and "Quentin" not in trail
    assert main(["--db", path, "audit", "--json"]) == 0
    runs = [e for e in json.loads(capsys.readouterr().out) if e["action"] == "run"]
    assert len(runs) == 1 and runs[0]["actor"] == "Petra Koordinatorin"


def test_the_handlers_for_setting_rules_and_writing_csv_are_ready(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`retention set REGEL MONATE|off` and `audit -o DATEI` once the parser offers them."""
    path, ids = city
    args = argparse.Namespace(db=path, retention_command="set", rule="guests", value="18")
    assert cmd_retention(args) == 0
    assert "Eingeschaltet: Gäste nach 18 Monaten [guests]." in capsys.readouterr().out
    assert cmd_retention(argparse.Namespace(**{**vars(args), "value": "aus"})) == 0
    assert "Ausgeschaltet: Gäste nach 18 Monaten [guests]." in capsys.readouterr().out
    with pytest.raises(KoordinationError, match="keine Anzahl Monate"):
        cmd_retention(argparse.Namespace(**{**vars(args), "value": "zwölf"}))

    target = tmp_path / "verlauf.csv"
    record = f"person:{ids['new']}"
    assert cmd_audit(argparse.Namespace(db=path, record=record, json=False, output=target)) == 0
    assert f"Einträge des Änderungsprotokolls nach {target} geschrieben." in (
        capsys.readouterr().out
    )
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    family = next(row for row in rows if row[5] == "Nachname")
    assert (family[2], family[6], family[7]) == ("Person angelegt", "", "Neu")
