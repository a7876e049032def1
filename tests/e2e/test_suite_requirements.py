"""The suite never passes quietly without its real servers: on a machine without PostgreSQL it
fails with a German message saying what is missing and how to get it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ONE_POSTGRES_TEST = (
    "tests/service/test_directory.py::"
    "test_invalid_person_is_refused_with_german_messages_and_nothing_saved[postgresql]"
)


def _pytest(tmp_path: Path, require: str | None) -> subprocess.CompletedProcess[str]:
    """One PostgreSQL test in a fresh pytest, on a machine whose PostgreSQL folder is empty."""
    empty = tmp_path / "kein-postgres"
    empty.mkdir(exist_ok=True)
    environment = {**os.environ, "KOORDINATION_PG_BINDIR": str(empty)}
    environment.pop("PYTEST_XDIST_WORKER", None)
    environment.pop("KOORDINATION_REQUIRE_POSTGRES", None)
    if require is not None:
        environment["KOORDINATION_REQUIRE_POSTGRES"] = require
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    return subprocess.run(
        [*command, ONE_POSTGRES_TEST],
        cwd=TESTS.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_postgresql_the_suite_fails_and_says_how_to_get_it(tmp_path: Path) -> None:
    run = _pytest(tmp_path, require=None)  # the default, as on a newcomer's machine
    assert run.returncode != 0, run.stdout
    assert "PostgreSQL-Server-Programme nicht gefunden" in run.stdout
    assert "apt-get install postgresql" in run.stdout
    assert "1 passed" not in run.stdout and "skipped" not in run.stdout


def test_checking_without_postgresql_must_be_asked_for(tmp_path: Path) -> None:
    run = _pytest(tmp_path, require="0")
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout
