"""Help that teaches and speaks German: every command's --help ends with examples, every
argparse error is German, and shell completion is generated from the same parser."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from koordination.cli.completion import walk
from koordination.cli.main import build_parser, main

# English words argparse would otherwise put into a message.
ENGLISH = re.compile(
    r"\b(usage|error|argument|arguments|required|expected|invalid|choice|choose|ambiguous|"
    r"could match|unrecognized|allowed|ignored|explicit|value|one of|options)\b",
    re.IGNORECASE,
)


def all_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    found: list[tuple[str, argparse.ArgumentParser]] = []

    def visit(parser: argparse.ArgumentParser, path: str) -> None:
        found.append((path, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    visit(child, f"{path} {name}".strip())

    visit(build_parser(), "")
    return found


def test_every_command_help_ends_with_examples_that_name_the_command() -> None:
    missing = []
    for path, parser in all_parsers()[1:]:
        text = parser.format_help().rstrip()
        tail = text.rsplit("Beispiele:", 1)
        if len(tail) != 2 or f"koordination {path.split()[0]}" not in tail[1]:
            missing.append(path)
    assert missing == [], f"ohne Beispiele: {missing}"


@pytest.mark.parametrize(
    ("argv", "german"),
    [
        (["people", "list", "--s", "x"], "mehrdeutige Option: --s passt zu --search, --sector"),
        (["people", "show"], "diese Angaben fehlen: NR"),
        (["people", "list", "--gibtsnicht"], "unbekannte Angaben: --gibtsnicht"),
        (["people", "frobnicate"], "ungültige Auswahl: 'frobnicate' (möglich sind:"),
        (["people", "list", "--search"], "Angabe --search: erwartet einen Wert"),
        (["people", "list", "--json=ja"], "Angabe --json: erwartet keinen Wert"),
        (["people", "show", "abc"], "Angabe NR: „abc“ ist keine Nummer"),
        (["reminders", "days", "31"], "Angabe TAGE: „31“ ist keine Zahl von 0 bis 30"),
        (
            ["rundmail", "send", "--pro-minute", "0"],
            "Angabe --pro-minute: „0“ ist keine Zahl von 1 bis 6000",
        ),
        (
            ["import", "people", "a.csv", "--update-existing", "--skip-existing"],
            "nicht zusammen mit",
        ),
        (["caldav", "publish"], "eine dieser Angaben ist nötig: --meeting --all"),
        (["db", "auto-backup", "--keep", "zwei", "on"], "Angabe --keep:"),
        (["export", "people", "--format", "xml"], "ungültige Auswahl: 'xml'"),
        (["gibtsnicht"], "ungültige Auswahl: 'gibtsnicht'"),
    ],
)
def test_every_kind_of_argparse_error_is_german(
    argv: list[str], german: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert german in err
    assert err.startswith("Aufruf: ")
    message = err.split("Fehler: ", 1)[1]
    assert not ENGLISH.search(message), message


def test_help_pages_carry_no_english_headings() -> None:
    for path, parser in all_parsers():
        text = parser.format_help()
        for english in ("usage:", "positional arguments", "options:", "show this help"):
            assert english not in text, (path, english)


def test_verbose_and_quiet_are_accepted_before_and_after_the_command(tmp_path: Path) -> None:
    parser = build_parser()
    assert parser.parse_args(["-v", "config", "show"]).verbosity == 1
    assert parser.parse_args(["config", "show", "-q"]).verbosity == -1
    assert parser.parse_args(["config", "show", "--verbose"]).verbosity == 1
    assert parser.parse_args(["config", "show"]).verbosity == 0
    assert parser.parse_args(["--db", str(tmp_path), "people", "list"]).db == str(tmp_path)


def test_help_stays_fast_without_the_database_layer() -> None:
    code = (
        "import sys\n"
        "from koordination.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "try:\n    main(['people', 'list', '--help'])\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('sqlalchemy', 'keyring', 'textual') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- completion
def completion(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def commands() -> list[str]:
    return [node.path for node in walk(build_parser()) if node.path]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_names_every_command(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    script = completion(shell, capsys)
    for path in commands():
        assert path.split()[-1] in script, path
    option = "-l verbose" if shell == "fish" else "--verbose"
    assert option in script


def test_bash_completion_parses_and_completes_commands_options_and_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "koordination.bash"
    script.write_text(completion("bash", capsys), encoding="utf-8")
    subprocess.run(["bash", "-n", str(script)], check=True)
    probe = (
        f"source {script}\n"
        't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); '
        '_koordination; echo "${COMPREPLY[*]}"; }\n'
        "t koordination pe\n"
        't koordination --db x.sqlite3 people ""\n'
        "t koordination people list --se\n"
        't koordination people export-data 3 --format ""\n'
        't koordination completion ""\n'
    )
    out = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [
        "people",
        "list consent art14-informed show export-data erase restrict unrestrict object",
        "--search --sector",
        "pdf docx odt json",
        "bash zsh fish",
    ]


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])])
def test_zsh_and_fish_completion_parse(
    shell: str, check: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which(check[0]) is None:
        pytest.skip(f"{check[0]} ist nicht installiert")
    script = tmp_path / f"koordination.{shell}"
    script.write_text(completion(shell, capsys), encoding="utf-8")
    subprocess.run([*check, str(script)], check=True)
