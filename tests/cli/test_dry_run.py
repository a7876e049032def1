"""`--dry-run` changes nothing: every command that has the flag leaves the database exactly as it
was (a dump of every row before and after), on the demo city."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.fuzz import dump

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.services.meetings.service import Meetings


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    return str(demo_sqlite())


def unchanged(path: str, *args: str) -> None:
    """Runs the command and asserts it succeeded and changed nothing."""
    database = Database(path)
    try:
        before = dump(database)
        assert main(["--db", path, *args]) == 0
        assert dump(database) == before
    finally:
        database.dispose()


def the_list(path: str) -> list[tuple[int, bool]]:
    database = Database(path)
    try:
        return [(r.person_id, r.removed) for r in Meetings(database).invitation_list(1)]
    finally:
        database.dispose()


def cancels(path: str, person: int) -> list[str]:
    database = Database(path)
    try:
        plan = Meetings(database).plan_delivery(1)
        return [d.method for d in plan.deliveries if d.person_id == person and d.method == "CANCEL"]
    finally:
        database.dispose()


def test_invite_remove_dry_run_keeps_the_person_on_the_list(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = the_list(demo)
    person = next(p for p, removed in listed if not removed)
    unchanged(demo, "invite", "1", "--remove", str(person), "--dry-run")
    assert "Von der Einladungsliste genommen (Probelauf): 1" in capsys.readouterr().out
    assert the_list(demo) == listed
    # So the next real run sends that person no CANCEL.
    assert cancels(demo, person) == []


def test_invite_person_dry_run_adds_nobody(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    listed = the_list(demo)
    on_list = {p for p, _removed in listed}
    stranger = next(p for p in range(1, 500) if p not in on_list)
    unchanged(demo, "invite", "1", "--person", str(stranger), "--dry-run")
    assert "Neu auf der Einladungsliste (Probelauf): 1" in capsys.readouterr().out
    assert the_list(demo) == listed


def test_invite_all_and_group_dry_run_change_nothing(demo: str) -> None:
    unchanged(demo, "invite", "1", "--all", "--dry-run")
    unchanged(demo, "invite", "2", "--dry-run")


def test_import_people_dry_run_changes_nothing(demo: str, tmp_path: Path) -> None:
    csv = tmp_path / "leute.csv"
    csv.write_text(
        "Vorname;Nachname;E-Mail;Organisation;Sektor\n"
        "Jürgen;Weiß;jw@example.org;Bürgerverein Süd e.V.;Zivilgesellschaft\n",
        encoding="utf-8",
    )
    unchanged(demo, "import", "people", str(csv), "--dry-run")


def test_import_organisations_dry_run_changes_nothing(demo: str, tmp_path: Path) -> None:
    csv = tmp_path / "orgs.csv"
    csv.write_text("Name;Sektor\nNeuer Verein e.V.;Zivilgesellschaft\n", encoding="utf-8")
    unchanged(demo, "import", "organisations", str(csv), "--dry-run")
