"""`koordination retention` for cron and for deciding periods: `run --yes --quiet` asks
nothing, prints one line per rule, deletes what is due once (a second run finds nothing), and
exits 75 while another run holds the lock; `set REGEL keine` needs a reason."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from koordination.cli.main import main
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.files import try_lock
from koordination.paths import exports_dir


@pytest.fixture
def path(tmp_path: Path) -> str:
    file = str(tmp_path / "stadt.sqlite3")
    db = Database(file)
    upgrade(db)
    db.dispose()
    return file


def _old_export(name: str) -> Path:
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text("Name;E-Mail\n", encoding="utf-8")
    stamp = datetime(2019, 5, 1, tzinfo=UTC).timestamp()
    os.utime(file, (stamp, stamp))
    return file


def test_a_cron_run_asks_nothing_prints_a_line_per_rule_and_is_idempotent(
    path: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--db", path, "retention", "set", "exports", "6"]) == 0
    assert (
        main(
            [
                "--db",
                path,
                "retention",
                "set",
                "backups",
                "keine",
                "--grund",
                "unbefristet, weil die Sicherungen das Rechenzentrum verwaltet",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Festgelegt: Sicherungskopien [backups] ohne Löschfrist" in out
    old = _old_export("personen.csv")

    assert main(["--db", path, "retention", "run", "--yes", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8
    assert "Dateien im Ausgabeordner nach 6 Monaten: 1 Datei gelöscht" in lines
    assert "Sicherungskopien: unbefristet, nichts gelöscht" in lines
    assert "Gäste: nicht festgelegt, nichts gelöscht" in lines
    assert not old.exists()

    assert main(["--db", path, "retention", "run", "--yes", "--quiet"]) == 0
    assert "Dateien im Ausgabeordner nach 6 Monaten: 0 Dateien gelöscht" in capsys.readouterr().out


def test_a_cron_run_exits_75_while_another_run_holds_the_lock(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", path, "retention", "set", "exports", "6"]) == 0
    old = _old_export("personen.csv")
    fd = os.open(f"{path}.aufbewahrung.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        assert try_lock(fd)
        assert main(["--db", path, "retention", "run", "--yes", "--quiet"]) == 75
    finally:
        os.close(fd)
    assert "werden gerade schon ausgeführt" in capsys.readouterr().err
    assert old.exists()


def test_keeping_data_without_a_period_needs_a_reason(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", path, "retention", "set", "audit_values", "keine"]) == 1
    assert "Ohne Löschfrist bitte begründen" in capsys.readouterr().err
    assert main(["--db", path, "retention", "preview"]) == 0
    out = capsys.readouterr().out
    assert "aus  Alte Werte im Änderungsprotokoll nach 36 Monaten [audit_values]" in out
    assert "8 von 8 Fristen sind nicht festgelegt" in out
