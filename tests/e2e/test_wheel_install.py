"""The built wheel as a user gets it: installed without the ``postgres`` extra into a fresh
virtual environment, run from the home folder as separate processes on SQLite.

Packages come the way ``make venv`` gets them (pip and this machine's configured index); the
dependency wheels are kept in pytest's cache folder, so later runs install offline from there.
About 25 s with that cache filled (building the wheel ~5 s, installing ~9 s, the demo ~7 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Install:
    venv: Path
    home: Path

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """``koordination ARGV`` from the venv, in the home folder, as a new user starts it."""
        environment = {
            "HOME": str(self.home),
            "PATH": f"{self.venv / 'bin'}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        return subprocess.run(
            [str(self.venv / "bin" / "koordination"), *argv],
            cwd=self.home,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _pip(*argv: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KOORDINATION_")}
    return subprocess.run(
        [sys.executable, "-m", "pip", "--quiet", *argv],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _wheelhouse(config: pytest.Config, tmp: Path) -> Path:
    """Dependency wheels kept between runs (pytest's cache), else a folder for this run only."""
    cache = getattr(config, "cache", None)
    return Path(cache.mkdir("wheelhouse")) if cache is not None else tmp / "wheelhouse"


@pytest.fixture(scope="module")
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Install]:
    tmp = tmp_path_factory.mktemp("wheel")
    built = _pip("wheel", "--no-deps", "--wheel-dir", str(tmp / "dist"), str(ROOT))
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("koordination-*.whl")
    house = _wheelhouse(request.config, tmp)
    venv = tmp / "venv"
    # No pip inside: the test's own pip installs into it (--python), which saves seconds.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    offline = ("--no-index", "--find-links", str(house))
    # --no-compile: byte-compiling some thousand files would take longer than everything else.
    install = ("--python", python, "install", "--no-compile", *offline, str(wheel))
    done = _pip(*install)
    if done.returncode != 0:  # first run, or a dependency changed: fill the wheelhouse
        fetched = _pip("wheel", "--wheel-dir", str(house), "--find-links", str(house), str(wheel))
        assert fetched.returncode == 0, fetched.stderr
        done = _pip(*install)
    assert done.returncode == 0, done.stderr
    home = tmp / "home"
    home.mkdir()
    yield Install(venv, home)


def test_the_wheel_without_extras_builds_the_demo_and_lists_people_on_sqlite(
    installed: Install,
) -> None:
    probe = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", "import psycopg"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode != 0 and "No module named 'psycopg'" in probe.stderr

    demo = installed.run("demo")
    assert demo.returncode == 0, demo.stderr
    database = installed.home / ".local" / "share" / "koordination" / "demo.sqlite3"
    assert f"Die Demo-Stadt Wiesenbrück wurde in {database} angelegt." in demo.stdout
    assert f"Öffnen mit: koordination --db {database}" in demo.stdout
    assert "Traceback" not in demo.stderr

    people = installed.run("--db", str(database), "people", "list")
    assert people.returncode == 0, people.stderr
    header, *rows = people.stdout.splitlines()
    assert header.split() == ["Nr.", "Name", "E-Mail", "Organisation", "Sektor", "Gruppen"]
    assert len(rows) > 50
    assert f"{len(rows)} Personen" in people.stderr
    # Tab completion of record numbers works from the installed wheel as well.
    numbers = installed.run("--db", str(database), "_complete", "people")
    assert numbers.returncode == 0 and numbers.stdout.startswith("1\t")
    # The office's own database was never made by the demo.
    assert not (database.parent / "koordination.sqlite3").exists()


def test_a_postgresql_url_without_the_extra_says_in_german_how_to_install_it(
    installed: Install,
) -> None:
    hinted = installed.run("--db", "postgresql+psycopg://k@127.0.0.1:1/k", "people", "list")
    assert hinted.returncode == 1
    assert "pipx install --force 'ORDNER/koordination[postgres]'" in hinted.stderr
    assert "Traceback" not in hinted.stderr
    # A plain postgresql:// address means the same driver and gets the same hint.
    plain = installed.run("--db", "postgresql://k@127.0.0.1:1/k", "people", "list")
    assert plain.returncode == 1
    assert "koordination[postgres]" in plain.stderr and "Traceback" not in plain.stderr
