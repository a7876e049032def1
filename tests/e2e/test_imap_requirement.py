"""The IMAP tests never pass quietly without Dovecot: they fail with a German message saying how to
install it, and skip only when that is asked for (KOORDINATION_REQUIRE_IMAP=0)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_IMAP_TEST = (
    "tests/e2e/test_replies_fetch.py::test_a_second_fetch_while_one_runs_is_refused_in_german"
)


def _pytest(tmp_path: Path, require: str | None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KOORDINATION_DOVECOT": str(tmp_path / "kein-dovecot")}
    environment.pop("PYTEST_XDIST_WORKER", None)
    environment.pop("KOORDINATION_REQUIRE_IMAP", None)
    if require is not None:
        environment["KOORDINATION_REQUIRE_IMAP"] = require
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    return subprocess.run(
        [*command, ONE_IMAP_TEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_dovecot_the_imap_tests_fail_and_say_how_to_install_it(tmp_path: Path) -> None:
    run = _pytest(tmp_path, require=None)
    assert run.returncode != 0, run.stdout
    assert "IMAP-Testserver Dovecot nicht gefunden" in run.stdout
    assert "apt-get install dovecot-imapd" in run.stdout
    assert "skipped" not in run.stdout


def test_checking_without_dovecot_must_be_asked_for(tmp_path: Path) -> None:
    run = _pytest(tmp_path, require="0")
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout
