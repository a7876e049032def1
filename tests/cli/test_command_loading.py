"""Commands load lazily: a run registers only the typed command's module, the help and the shell
completion still know every command, and what a command imports is what it needs."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.loaded import run_command

from koordination.cli.common import Parser
from koordination.cli.main import COMMAND_MODULES, build_parser, modules_for


def registered(module: str) -> set[str]:
    """The top-level commands ``koordination.cli.<module>`` registers."""
    parser = Parser(prog="koordination")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    importlib.import_module(f"koordination.cli.{module}").register(sub)
    return set(sub.choices)


def top_level(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


@pytest.mark.parametrize("module", list(COMMAND_MODULES))
def test_the_table_names_exactly_the_commands_each_module_registers(module: str) -> None:
    assert registered(module) == set(COMMAND_MODULES[module])


def test_the_whole_parser_has_every_command_of_the_table_in_its_order() -> None:
    assert top_level(build_parser()) == [n for names in COMMAND_MODULES.values() for n in names]


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["people", "list"], ["people"]),
        (["--db", "x.sqlite3", "-q", "people", "list", "--json"], ["people"]),
        (["--db=x.sqlite3", "meetings", "list", "--from", "01.01.2027"], ["meetings"]),
        (["people", "--help"], ["people"]),
        (["cancel", "3"], ["meetings"]),
        (["_complete", "people"], ["record_numbers"]),
        ([], []),
        (["--db", "people"], []),  # "people" is the database here: the interface opens
        (["-v"], []),
    ],
)
def test_a_run_registers_only_the_typed_commands_module(
    argv: list[str], modules: list[str]
) -> None:
    assert list(modules_for(argv)) == modules


@pytest.mark.parametrize(
    "argv", [["--help"], ["-h"], ["--version"], ["frobnicate"], ["--db"], ["--gibtsnicht"]]
)
def test_help_version_and_typos_get_the_whole_parser(argv: list[str]) -> None:
    assert list(modules_for(argv)) == list(COMMAND_MODULES)


def test_the_help_lists_every_command_with_its_german_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser(["--help"]).parse_args(["--help"])
    shown = capsys.readouterr().out
    for name in top_level(build_parser()):
        if name != "_complete":
            assert f"\n    {name} " in shown, name
    assert "Personen auflisten und anzeigen" in shown
    assert "Einladungen als Dateien schreiben" in shown


def test_shell_completion_knows_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from koordination.cli.main import main

    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    for name in ("people", "meetings", "export", "steckbrief", "workshop", "surveys"):
        assert name in script, name


CLI_MODULES = {f"koordination.cli.{m}" for m in COMMAND_MODULES}


def test_people_list_loads_no_other_command_and_nothing_it_does_not_need(
    demo_sqlite: Callable[..., Path],
) -> None:
    out, modules = run_command("--db", str(demo_sqlite()), "people", "list")
    assert "Nr." in out
    assert modules & CLI_MODULES == {"koordination.cli.people"}
    for absent in (
        "alembic",
        "textual",
        "koordination.outputs.document",
        "koordination.outputs.table",
        "koordination.outputs.builders",
        "koordination.services.meetings",
        "koordination.services.privacy.service",  # access report and erasure
        "koordination.services.privacy.erasure",
        "koordination.services.privacy.retention",
        "koordination.calendar",
        "koordination.db.backup",
        "phonenumbers",  # no number is read or shown
    ):
        assert absent not in modules, absent


def test_meetings_list_loads_neither_exporters_nor_mail_nor_other_commands(
    demo_sqlite: Callable[..., Path],
) -> None:
    out, modules = run_command(
        *("--db", str(demo_sqlite()), "meetings", "list"),
        *("--from", "01.01.2020", "--to", "31.12.2030", "--json"),
    )
    assert json.loads(out)
    assert modules & CLI_MODULES == {"koordination.cli.meetings"}
    for absent in (
        "alembic",
        "textual",
        "koordination.outputs.document",
        "koordination.outputs.table",
        "koordination.delivery.smtp",
        "koordination.delivery.caldav",
        "koordination.services.directory.service",  # no --group: no directory
        "koordination.services.directory.imports",
        "koordination.services.surveys",
        "koordination.db.backup",
        "smtplib",
        "imaplib",
        "phonenumbers",
    ):
        assert absent not in modules, absent


def test_the_interface_path_registers_no_command_module() -> None:
    code = (
        "import sys\n"
        "from koordination.cli.main import build_parser\n"
        "build_parser(['--db', 'x.sqlite3']).parse_args(['--db', 'x.sqlite3'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('koordination.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['koordination.cli.common', 'koordination.cli.main']"
