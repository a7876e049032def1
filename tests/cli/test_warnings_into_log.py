"""A library's warning during a command (SQLAlchemy's about a row another process deleted first)
names tables and rows: it goes into the log file, never onto the terminal unless -v asks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# people list, with SQLAlchemy warning the way a flush does when another process was quicker
SCRIPT = """
import sys, warnings
from sqlalchemy.exc import SAWarning
import koordination.cli.people as people
listing = people.cmd_list

def cmd_list(args):
    warnings.warn(
        "DELETE statement on table 'person_email' expected to delete 1 row(s); 0 were matched.",
        SAWarning,
    )
    return listing(args)

people.cmd_list = cmd_list
from koordination.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KOORDINATION_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize("verbose", [False, True])
def test_a_warning_goes_into_the_log_and_onto_the_terminal_only_with_v(
    demo_sqlite: Callable[..., Path], tmp_path: Path, verbose: bool
) -> None:
    done = run(tmp_path, *(["-v"] if verbose else []), "--db", str(demo_sqlite()), "people", "list")
    assert done.returncode == 0, done.stderr
    assert "Nr." in done.stdout
    assert ("person_email" in done.stderr) is verbose
    logged = (tmp_path / "data" / "logs" / "koordination.log").read_text(encoding="utf-8")
    assert "SAWarning" in logged and "person_email" in logged
