"""The interface as a terminal runs it: a crash ends it with a German message, the log file's
path and a non-zero exit status, never a traceback on the screen; a mistyped --db or an older
shared PostgreSQL database is named in German and ends with exit status 1."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

from koordination.db import migrations
from koordination.db.engine import Database

CRASHING_APP = """
import sys
from koordination.cli import main as cli
from koordination.tui import app


class Crashing(app.KoordinationApp):
    def on_mount(self) -> None:
        raise RuntimeError("Anna Geheimrath, geheim@example.org")


app.KoordinationApp = Crashing
sys.exit(cli.main(sys.argv[1:]))
"""


def _on_a_terminal(argv: list[str], keys: bytes = b"", wait_for: str = "") -> tuple[int, str]:
    """Run ``argv`` on a pseudo-terminal of 80x24; once ``wait_for`` is on the screen, type
    ``keys``. Returns the exit status and everything the terminal showed."""
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    typed = not keys
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the program ended and closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not typed and wait_for.encode() in seen:
                time.sleep(0.3)
                os.write(master, keys)
                typed = True
            if proc.poll() is not None and not ready:
                break
        status = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    shown = re.sub(
        r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]", "", seen.decode("utf-8", "replace")
    )
    return status, shown


def test_a_crash_of_the_interface_exits_non_zero_with_the_log_file_and_no_traceback(
    migrated_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    path = migrated_sqlite()
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_APP)
    status, shown = _on_a_terminal([sys.executable, str(script), "--db", str(path)])
    assert status == 70, shown
    assert "Unerwarteter Fehler (RuntimeError)" in shown
    log = tmp_path / "data" / "logs" / "koordination.log"
    assert str(log) in shown.replace("\r\n", "").replace("\n", "")
    assert "Traceback" not in shown and "Geheimrath" not in shown
    assert "RuntimeError: Anna Geheimrath" in log.read_text()


def test_the_interface_on_a_mistyped_db_says_so_and_exits_1_creating_nothing(
    tmp_path: Path,
) -> None:
    typo = tmp_path / "koordinaton.sqlite3"
    argv = [sys.executable, "-m", "koordination", "--db", str(typo)]
    # Esc once the message is shown (the main window's footer says "Beenden" earlier).
    status, shown = _on_a_terminal(argv, keys=b"\x1b", wait_for="angelegt")
    assert status == 1, shown
    assert "gibt es nicht; es wurde nichts angelegt" in shown
    assert "Traceback" not in shown
    assert not typo.exists()


def test_the_interface_on_an_older_shared_postgresql_database_asks_for_db_upgrade(
    pg_url: str,
) -> None:
    db = Database(pg_url)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations.schema_dir()))
        cfg.attributes["database"] = db
        command.upgrade(cfg, "0007")
    finally:
        db.dispose()
    argv = [sys.executable, "-m", "koordination", "--db", pg_url]
    status, shown = _on_a_terminal(argv, keys=b"\x1b", wait_for="upgrade")
    assert status == 1, shown
    flat = re.sub(r"\s+", " ", shown)
    assert "hat Stand 0007" in flat and "koordination db upgrade" in flat
    db = Database(pg_url)
    try:
        assert migrations.current_revision(db) == "0007", "left as it was"
    finally:
        db.dispose()
