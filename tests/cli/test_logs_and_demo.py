"""An unexpected error: a German message naming the log file, the traceback in that file
(rotated, private), a non-zero exit, also when the interface crashes. -v shows the details,
-q leaves out hints. And the demo city builds into a database of its own."""

from __future__ import annotations

import argparse
import logging
import sqlite3
from pathlib import Path

import pytest

from koordination import logs
from koordination.cli import main as cli_main
from koordination.cli.main import UNEXPECTED, main
from koordination.paths import data_dir, demo_database_path, log_file


def crash(_args: argparse.Namespace) -> int:
    raise ZeroDivisionError("Geheimnis: Müller, Tel. 0561 123")


@pytest.fixture
def crashing_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """`config show` breaks the way a programming error would."""
    from koordination.cli import config

    monkeypatch.setattr(config, "cmd_show", crash)


def test_an_unexpected_error_names_the_log_and_writes_the_traceback_there(
    crashing_command: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "show"]) == UNEXPECTED
    err = capsys.readouterr().err
    path = log_file()
    assert "Unerwarteter Fehler (ZeroDivisionError)" in err and str(path) in err
    assert "Traceback" not in err and "Müller" not in err
    text = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text
    assert "koordination config" in text
    assert path.stat().st_mode & 0o077 == 0


def test_verbose_shows_the_traceback_on_stderr_too(
    crashing_command: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "show", "-v"]) == UNEXPECTED
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and str(log_file()) in err


def test_the_log_is_rotated(crashing_command: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    for _ in range(8):
        assert main(["config", "show"]) == UNEXPECTED
    folder = log_file().parent
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == "koordination.log" and "koordination.log.1" in names
    assert len(names) <= 1 + logs.BACKUPS


def test_an_unwritable_log_still_gives_a_german_message(
    crashing_command: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir().mkdir(parents=True)
    (data_dir() / "logs").write_text("kein Ordner")  # the log's folder cannot be made
    assert main(["config", "show"]) == UNEXPECTED
    err = capsys.readouterr().err
    assert "Protokolldatei konnte nicht geschrieben werden" in err
    assert "Logging error" not in err and "Traceback" not in err


def test_a_crash_of_the_interface_does_not_exit_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from koordination.tui import app

    def crashed(_url: str) -> int:
        raise RuntimeError("kaputt")  # what `run` raises again after the app ended on it

    monkeypatch.setattr(app, "run", crashed)
    assert main(["--db", str(tmp_path / "k.sqlite3")]) == UNEXPECTED
    assert "Oberfläche" in log_file().read_text(encoding="utf-8")
    assert "Unerwarteter Fehler (RuntimeError)" in capsys.readouterr().err


async def test_the_interface_keeps_its_crash_for_the_command_line_and_prints_no_traceback(
    tmp_path: Path,
) -> None:
    from koordination.tui.app import KoordinationApp

    class Breaking(KoordinationApp):
        def on_mount(self) -> None:
            raise LookupError("kaputt")

    app = Breaking(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with pytest.raises(LookupError):
        async with app.run_test():
            pass
    assert isinstance(app.crash, LookupError)
    assert app.return_code == 1
    assert app._exit_renderables == []


def test_quiet_silences_hints_but_not_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from koordination.cli import common

    db = str(tmp_path / "k.sqlite3")
    assert main(["-q", "--db", db, "db", "upgrade"]) == 0
    assert main(["-q", "--db", db, "people", "list"]) == 0
    assert common.VERBOSITY == -1
    common.note("ein Hinweis")
    assert capsys.readouterr().err == ""
    assert main(["--db", db, "people", "show", "7", "--quiet"]) == 1
    assert "Fehler:" in capsys.readouterr().err


def test_logging_setup_writes_nothing_until_something_goes_wrong(tmp_path: Path) -> None:
    logs.setup(0)
    logging.getLogger("koordination.irgendwas").info("nur Information")
    assert not log_file().exists()


# --------------------------------------------------------------------------- demo
def people_in(path: Path) -> int:
    with sqlite3.connect(path) as con:
        (count,) = con.execute("SELECT count(*) FROM person").fetchone()
    return int(count)


def test_demo_builds_into_its_own_database_and_says_how_to_open_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = tmp_path / "buero.sqlite3"
    monkeypatch.setenv("KOORDINATION_DB", str(office))  # the office's database stays apart
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    demo = demo_database_path()
    assert f"Öffnen mit: koordination --db {demo}" in out
    assert people_in(demo) > 0
    assert not office.exists()


def test_demo_goes_elsewhere_only_with_an_explicit_db(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "andere.sqlite3"
    assert main(["demo", "--db", str(chosen)]) == 0
    assert people_in(chosen) > 0
    assert not demo_database_path().exists()
    assert "Öffnen mit" not in capsys.readouterr().out


def test_main_module_exit_codes_are_documented() -> None:
    assert "70" in (cli_main.__doc__ or "")
