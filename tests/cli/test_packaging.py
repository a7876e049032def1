"""What the wheel promises: MIT licence text, classifiers, no guessed project URLs; SQLite works
without the PostgreSQL driver (an extra) and says in German how to get it; CalDAV needs no
WebDAV library."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs the command line with psycopg and caldav unimportable, as in an install without extras.
WITHOUT = (
    "import sys\n"
    "sys.modules['psycopg'] = None\n"
    "sys.modules['caldav'] = None\n"
    "from koordination.cli.main import main\n"
    "import koordination.delivery.caldav\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KOORDINATION_DATA_DIR": str(tmp_path / "data"),
        "KOORDINATION_CONFIG": str(tmp_path / "config.toml"),
        "KOORDINATION_EXPORTS": str(tmp_path / "exports"),
    }
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def test_sqlite_needs_neither_the_postgresql_driver_nor_a_webdav_library(tmp_path: Path) -> None:
    built = run(tmp_path, "demo")
    assert built.returncode == 0, built.stderr
    demo = tmp_path / "data" / "demo.sqlite3"
    listed = run(tmp_path, "--db", str(demo), "people", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Personen" in listed.stderr and len(listed.stdout.splitlines()) > 50


def test_a_postgresql_url_without_the_driver_says_how_to_install_it(tmp_path: Path) -> None:
    result = run(tmp_path, "--db", "postgresql+psycopg://k@127.0.0.1:1/k", "people", "list")
    assert result.returncode == 1
    assert "koordination[postgres]" in result.stderr and "pipx install" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_metadata_names_licence_classifiers_the_postgres_extra_and_no_guessed_urls() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in licence
    assert "Natural Language :: German" in project["classifiers"]
    # No address is published yet: a project URL is named only once the README names it too.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(url in readme for url in project.get("urls", {}).values())
    names = [d.split(">")[0].split("[")[0] for d in project["dependencies"]]
    assert "psycopg" not in names and "caldav" not in names
    assert project["optional-dependencies"]["postgres"] == ["psycopg[binary]>=3.1"]
    assert "koordination[postgres]" in project["optional-dependencies"]["test"]


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert commands == ["make demo", "make test"]
    assert readme.index("## Schnellstart") < readme.index("```sh")
