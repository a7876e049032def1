"""`people export-data` and `people erase` on the demo city, as a coordinator runs them: the
files read back, the question on the terminal, the refusal without one."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from support.consents import withdraw_consent

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import Task
from koordination.services.directory.service import Directory


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    """The demo city as ``koordination demo`` writes it (copied, it is built once per run)."""
    return str(demo_sqlite())


def _person(path: str, task: str = "Raum für das Stadtteilfest anfragen") -> tuple[int, str, str]:
    """Number, name and e-mail of the person the demo gave ``task``."""
    db = Database(path)
    try:
        with db.session() as session:
            pid = session.scalar(select(Task.assignee_person_id).where(Task.title == task))
        assert pid is not None
        person = Directory(db).get_person(pid)
        return pid, person.display_name, person.emails[0]
    finally:
        db.dispose()


class _Terminal(io.StringIO):
    """Standard input as if a person typed at a terminal."""

    def isatty(self) -> bool:
        return True


def test_export_data_writes_json_and_a_pdf_letter(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid, name, email = _person(demo)
    out = tmp_path / "auskunft.json"
    argv = ["--db", demo, "people", "export-data", str(pid)]
    assert main([*argv, "--format", "json", "-o", str(out)]) == 0
    assert f"Auskunft zu Person Nr. {pid} maschinenlesbar (JSON) geschrieben: {out}" in (
        capsys.readouterr().out
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["profile"]["emails"] == [email]
    assert report["attendance"] and report["invitations"] and report["tasks"]

    assert main([*argv, "--format", "pdf"]) == 0
    (letter,) = (tmp_path / "exports").glob(f"auskunft-person-{pid}-*.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(letter).pages).split())
    assert "Auskunft nach Art. 15 DSGVO" in text and name in text
    assert oct(letter.stat().st_mode & 0o777) == "0o600"

    assert main(["--db", demo, "people", "export-data", "9999", "--format", "json"]) == 1
    assert "Person Nr. 9999 wurde nicht gefunden" in capsys.readouterr().err


def test_erase_without_a_terminal_and_without_yes_is_refused(demo: str) -> None:
    pid, name, _email = _person(demo)
    result = subprocess.run(
        [sys.executable, "-m", "koordination", "--db", demo, "people", "erase", str(pid)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 1
    assert f"Person Nr. {pid} wird nur nach Bestätigung gelöscht" in result.stderr
    assert "--yes" in result.stderr
    assert _person(demo)[1] == name  # nothing happened


def test_erase_asks_on_the_terminal_and_only_typing_the_word_erases(
    demo: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pid, name, email = _person(demo)
    argv = ["--db", demo, "people", "erase", str(pid)]
    monkeypatch.setattr(sys, "stdin", _Terminal("nein\n"))
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert f"Person Nr. {pid} „{name}“ endgültig löschen? Tippen Sie LÖSCHEN" in captured.err
    assert "Abgebrochen: es wurde nichts gelöscht." in captured.err
    assert _person(demo)[1] == name

    monkeypatch.setattr(sys, "stdin", _Terminal("LÖSCHEN\n"))
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"Person Nr. {pid} wurde gelöscht und erscheint jetzt als „N. N. (" in out
    assert "E-Mail-Adressen gelöscht: 1" in out
    data = Path(demo).read_bytes()
    assert name.encode() not in data and email.encode() not in data

    # People's lists and the detail show the label; a second erasure is refused.
    assert main(["--db", demo, "people", "show", str(pid), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"].startswith("N. N. (") and shown["emails"] == []
    assert main([*argv, "--yes"]) == 1
    assert "wurde bereits am" in capsys.readouterr().err


def test_erase_with_yes_needs_no_terminal(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    pid, name, _email = _person(demo, "Förderantrag Stadtteilfest bei der Bürgerstiftung stellen")
    assert main(["--db", demo, "people", "erase", str(pid), "--yes"]) == 0
    assert "erscheint jetzt als „N. N. (" in capsys.readouterr().out
    assert main(["--db", demo, "people", "list", "--archived", "--json"]) == 0
    names = [row["name"] for row in json.loads(capsys.readouterr().out)]
    assert name not in names and any(n.startswith("N. N. (") for n in names)


def test_invite_all_after_withdrawal_sends_a_cancellation_and_no_invitation(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pid, name, email = _person(demo)
    db = Database(demo)
    directory = Directory(db)
    consent = next(
        c
        for c in directory.get_person(pid).consents
        if c.purpose == ConsentPurpose.EINLADUNGEN and c.active
    )
    withdraw_consent(directory, consent.id)
    db.dispose()
    assert main(["--db", demo, "invite", "1", "--all", "--dry-run"]) == 0
    out = capsys.readouterr()
    assert f"würde geschrieben: Absage an {name} <{email}>" in out.out
    assert f"Einladung an {name}" not in out.out
    assert f"Keine Einladung für {name}: Einwilligung für Einladungen widerrufen" in out.err
    assert main(["--db", demo, "invite", "1"]) == 0  # the cancellation goes out as a file
    capsys.readouterr()
    assert main(["--db", demo, "invite", "1", "--all", "--dry-run"]) == 0
    assert name not in capsys.readouterr().out
