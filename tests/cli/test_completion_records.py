"""Record numbers complete with the Tab key: the hidden `koordination _complete KIND` lists them
with a short label, fast and silently, and the bash, zsh and fish scripts call it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from koordination.clock import CITY_ZONE
from koordination.db.engine import Database
from koordination.domain.models import Meeting, Person

BIN = Path(sys.executable).parent


def koordination(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "koordination"), *argv], capture_output=True, text=True, check=False
    )


def shell(*argv: str, cwd: Path | None = None) -> str:
    environment = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    done = subprocess.run(
        argv, capture_output=True, text=True, env=environment, cwd=cwd, check=False
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def script(shell_name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"koordination.{shell_name}"
    path.write_text(koordination("completion", shell_name).stdout, encoding="utf-8")
    return path


def test_the_hidden_command_lists_people_and_meetings_with_their_labels(
    demo_city: Database,
) -> None:
    url = demo_city.url.render_as_string(hide_password=False)
    with demo_city.session() as session:
        people = session.scalars(select(Person).where(Person.erased_at.is_(None))).all()
        meetings = session.scalars(select(Meeting)).all()
        expected_people = sorted(
            (p.id, f"{p.given_name} {p.family_name}".strip()) for p in people if not p.archived
        )
        expected_meetings = sorted(
            (
                m.id,
                f"{m.title} ({'Serie ab ' if m.rrule else ''}"
                f"{m.start_at.astimezone(CITY_ZONE):%d.%m.%Y})",
            )
            for m in meetings
        )

    def listed(kind: str) -> list[tuple[int, str]]:
        done = koordination("--db", url, "_complete", kind)
        assert done.returncode == 0 and done.stderr == ""
        return [
            (int(n), label) for n, label in (line.split("\t") for line in done.stdout.splitlines())
        ]

    assert [row for row in listed("people") if "(archiviert)" not in row[1]] == expected_people
    assert listed("meetings") == expected_meetings
    assert (1, "Konsortium Engagierte Stadt Wiesenbrück") in listed("groups")
    assert [n for n, _ in listed("surveys")] == [1, 2]


def test_the_hidden_command_reads_sqlite_without_sqlalchemy_or_textual_and_stays_hidden(
    demo_sqlite: Callable[..., Path],
) -> None:
    code = (
        "import sys\n"
        "from koordination.cli.main import main\n"
        f"main(['--db', {str(demo_sqlite())!r}, '_complete', 'people'])\n"
        "print([m for m in ('sqlalchemy', 'textual') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *lines, loaded = out.stdout.splitlines()
    assert loaded == "[]"
    assert len(lines) > 50 and lines[0].split("\t")[0] == "1"
    assert "_complete" not in koordination("--help").stdout
    bash = koordination("completion", "bash").stdout
    (top,) = [line for line in bash.splitlines() if line.strip().startswith("'') subs=")]
    assert "people" in top and "_complete" not in top


def test_the_hidden_command_prints_nothing_and_creates_nothing_when_it_cannot_read(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "kaputt.sqlite3"
    broken.write_text("keine Datenbank", encoding="utf-8")
    for db in (
        [],  # the default database, which does not exist yet
        ["--db", str(tmp_path / "fehlt.sqlite3")],
        ["--db", str(broken)],
        ["--db", "postgresql+psycopg://niemand@127.0.0.1:1/keine"],
    ):
        done = koordination(*db, "_complete", "people")
        assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), db
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaputt.sqlite3"]
    assert not (tmp_path / "data").exists()


def test_bash_completes_record_numbers_only_where_a_number_goes(
    tmp_path: Path, demo_sqlite: Callable[..., Path]
) -> None:
    demo = demo_sqlite()
    probe = (
        f"source {script('bash', tmp_path)}\n"
        't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); '
        '_koordination; echo "${COMPREPLY[*]}"; }\n'
        f"t koordination --db {demo} people show 11\n"
        f't koordination --db = {demo} cancel ""\n'  # how bash splits --db=FILE
        f't koordination --db {demo} invite 2 --group ""\n'
        f"t koordination --db {demo} people show 11 1\n"  # the number is given: files
        f't koordination --db {tmp_path / "fehlt.sqlite3"} people show ""\n'
    )
    first, meetings, groups, given, missing = shell("bash", "-c", probe, cwd=tmp_path).splitlines()
    assert first.split() == ["11", *(str(n) for n in range(110, 120))]
    assert meetings.split()[:3] == ["1", "2", "3"]
    assert groups.split()[:3] == ["1", "2", "3"]
    assert given == ""
    assert missing == "" and not (tmp_path / "fehlt.sqlite3").exists()


def test_zsh_offers_numbers_with_their_labels(
    tmp_path: Path, demo_sqlite: Callable[..., Path]
) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh ist nicht installiert")
    demo = demo_sqlite()
    # Without the interactive completion system: _describe shows what it was given.
    probe = (
        "compdef() { :; }\n"
        '_describe() { print -rl -- "${(@P)${@[-1]}}"; }\n'
        f"source {script('zsh', tmp_path)}\n"
        f'words=(koordination --db {demo} surveys results 1 --compare ""); CURRENT=8\n'
        "_koordination\n"
    )
    assert shell("zsh", "-f", "-c", probe).splitlines() == [
        "1:Umfrage für Organisationen und Vereine 2026",
        "2:Bürgerbefragung Engagement 2026",
    ]


def test_fish_completes_numbers_with_their_labels(
    tmp_path: Path, demo_sqlite: Callable[..., Path]
) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish ist nicht installiert")
    demo = demo_sqlite()
    probe = (
        f"source {script('fish', tmp_path)}\n"
        f"complete -C 'koordination -v --db {demo} people show '\n"
        "echo ---\n"
        f"complete -C 'koordination --db {demo} people show 3 '\n"
    )
    offered, given = shell("fish", "-c", probe).split("---\n")
    lines = offered.splitlines()
    assert len(lines) > 50 and all(line.split("\t")[0].isdecimal() for line in lines)
    assert any(line.startswith("1\t") and len(line) > 4 for line in lines)
    assert given == ""
