"""`people restrict|unrestrict|object` and the question about mentions by family name in
`people erase`, on the demo city as a coordinator runs them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import AgendaItem, Task
from koordination.services.directory.service import Directory

NOTE = "Frau Weiß bittet um Vertraulichkeit."


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    return str(demo_sqlite())


def _person(path: str) -> tuple[int, str, str]:
    db = Database(path)
    try:
        with db.session() as session:
            pid = session.scalar(
                select(Task.assignee_person_id).where(
                    Task.title == "Raum für das Stadtteilfest anfragen"
                )
            )
        assert pid is not None
        person = Directory(db).get_person(pid)
        return pid, person.display_name, person.emails[0]
    finally:
        db.dispose()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_restrict_shows_blocks_invitations_and_exports_until_lifted(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid, name, email = _person(demo)
    db = ["--db", demo]
    assert main([*db, "people", "restrict", str(pid), "--grund", "Richtigkeit bestritten"]) == 0
    out = capsys.readouterr().out
    assert f"Die Verarbeitung von Person Nr. {pid} ist ab jetzt eingeschränkt" in out
    assert f"koordination people unrestrict {pid}" in out

    assert main([*db, "people", "show", str(pid)]) == 0
    assert "Verarbeitung eingeschränkt (Art. 18 DSGVO) seit" in capsys.readouterr().out
    assert main([*db, "people", "list", "--search", name]) == 0
    assert f"{name} (eingeschränkt)" in capsys.readouterr().out

    assert main([*db, "invite", "1", "--all", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert email not in captured.out
    assert f"Keine Einladung für {name}: Verarbeitung eingeschränkt (Art. 18 DSGVO)" in (
        captured.err
    )
    target = tmp_path / "personen.csv"
    assert main([*db, "export", "people", "--format", "csv", "-o", str(target)]) == 0
    assert email not in target.read_text(encoding="utf-8")
    capsys.readouterr()

    assert main([*db, "people", "restrict", str(pid), "--grund", "noch einmal"]) == 1
    assert "besteht schon" in capsys.readouterr().err
    assert main([*db, "people", "unrestrict", str(pid)]) == 0
    assert "ist aufgehoben" in capsys.readouterr().out
    assert main([*db, "export", "people", "--format", "csv", "-o", str(target)]) == 0
    assert email in target.read_text(encoding="utf-8")


def test_restrict_without_a_reason_is_refused_by_the_parser(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pid, _name, _email = _person(demo)
    with pytest.raises(SystemExit):
        main(["--db", demo, "people", "restrict", str(pid)])
    assert "--grund" in capsys.readouterr().err


def test_objections_are_recorded_decided_and_shown(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pid, _name, _email = _person(demo)
    argv = ["--db", demo, "people", "object", str(pid)]
    assert main(argv) == 1
    assert "Bitte mit --bereich angeben" in capsys.readouterr().err
    assert main([*argv, "--bereich", "Fotos", "--grund", "möchte nicht abgebildet werden"]) == 0
    out = capsys.readouterr().out
    assert f"von Person Nr. {pid} gegen „Fotos“ erfasst (noch nicht entschieden)" in out
    number = out.split("Widerspruch Nr. ")[1].split()[0]
    assert main([*argv, "--widerspruch", number]) == 1
    assert "Bitte mit --ergebnis angeben" in capsys.readouterr().err
    assert main([*argv, "--widerspruch", number, "--ergebnis", "stattgegeben"]) == 0
    assert f"Widerspruch Nr. {number} (Fotos) entschieden: stattgegeben" in (
        capsys.readouterr().out
    )
    assert main(["--db", demo, "people", "show", str(pid)]) == 0
    shown = capsys.readouterr().out
    assert "Widersprüche (Art. 21 DSGVO):" in shown
    assert f"Nr. {number} Fotos, eingegangen am" in shown
    assert "Grund: möchte nicht abgebildet werden" in shown and "stattgegeben" in shown


def _weiss_with_a_note(path: str) -> int:
    """A new Frau Weiß (the demo has other people called Weiß) and a note about 'Frau Weiß'."""
    db = Database(path)
    try:
        pid = (
            Directory(db)
            .create_person(PersonInput(salutation="Frau", given_name="Greta", family_name="Weiß"))
            .record.id
        )
        with db.session() as session:
            item = session.scalars(select(AgendaItem).order_by(AgendaItem.id)).first()
            assert item is not None
            item.notes = NOTE
        return pid
    finally:
        db.dispose()


def _notes(path: str) -> list[str]:
    db = Database(path)
    try:
        with db.session() as session:
            return list(session.scalars(select(AgendaItem.notes).where(AgendaItem.notes != "")))
    finally:
        db.dispose()


def test_erase_without_a_terminal_names_the_masks_option_and_erases_nothing(demo: str) -> None:
    pid = _weiss_with_a_note(demo)
    result = subprocess.run(
        [sys.executable, "-m", "koordination", "--db", demo, "people", "erase", str(pid), "--yes"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 1
    assert NOTE in result.stderr
    assert "--masken bestätigen" in result.stderr and "--masken ablehnen" in result.stderr
    assert "Es wurde nichts gelöscht" in result.stderr
    db = Database(demo)
    try:
        assert Directory(db).get_person(pid).family_name == "Weiß"
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("how", "masked"),
    [(["--masken", "bestätigen"], True), (["--masken", "ablehnen"], False)],
)
def test_erase_with_the_masks_option_replaces_or_keeps_the_mentions(
    demo: str, capsys: pytest.CaptureFixture[str], how: list[str], masked: bool
) -> None:
    pid = _weiss_with_a_note(demo)
    assert main(["--db", demo, "people", "erase", str(pid), "--yes", *how]) == 0
    out = capsys.readouterr().out
    assert (NOTE in _notes(demo)) is not masked
    assert ("Erwähnung mit Nachnamen ersetzt" in out) is masked


def test_erase_asks_about_the_mentions_on_the_terminal(
    demo: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = _weiss_with_a_note(demo)
    argv = ["--db", demo, "people", "erase", str(pid)]
    monkeypatch.setattr(sys, "stdin", _Terminal("vielleicht\n"))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "1 Erwähnung(en) nur mit Nachnamen" in err and NOTE in err
    assert "Abgebrochen: es wurde nichts gelöscht (bitte j oder n antworten)." in err

    monkeypatch.setattr(sys, "stdin", _Terminal("j\nLÖSCHEN\n"))
    assert main(argv) == 0
    assert "Meinen diese Erwähnungen die Person?" in capsys.readouterr().err
    assert NOTE not in _notes(demo)
