"""Setting up without knowing the internals: `config show` (every value and where it comes from),
`config init` (a commented file, never overwritten) and `password set` (into a real keyring
backend, asked twice without echo)."""

from __future__ import annotations

import getpass
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.keyrings import MemoryKeyring, memory_keyring

from koordination.cli.config import TEMPLATE
from koordination.cli.main import main
from koordination.delivery.settings import load_caldav_settings, load_smtp_settings
from koordination.paths import config_file

SECRET = "Sommer-2026!geheim"
SMTP = (
    '[smtp]\nhost = "mail.musterstadt.de"\nuser = "engagement@musterstadt.de"\n'
    'from_email = "engagement@musterstadt.de"\n'
)


@pytest.fixture
def keyring_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for var in ("SMTP", "CALDAV", "IMAP"):
        monkeypatch.delenv(f"KOORDINATION_{var}_PASSWORD", raising=False)
    with memory_keyring() as backend:
        yield backend


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def show(capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[str, str]]:
    capsys.readouterr()
    assert main(["config", "show", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return {r["setting"]: (r["value"], r["source"]) for r in rows}


def answers(monkeypatch: pytest.MonkeyPatch, *typed: str) -> list[str]:
    """What the person types at the hidden prompts; returns the prompts shown."""
    prompts: list[str] = []
    queue = list(typed)

    def hidden(prompt: str = "") -> str:
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr(getpass, "getpass", hidden)
    return prompts


# --------------------------------------------------------------------------- config show
def test_config_show_names_default_file_and_environment_as_sources(
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config('user_name = "Maria Muster"\n' + SMTP)
    monkeypatch.setenv("KOORDINATION_DB", "postgresql+psycopg://k:streng-geheim@db.example/k")
    found = show(capsys)
    assert found["user_name"] == ("Maria Muster", "Datei")
    assert found["database"][1] == "Umgebung (KOORDINATION_DB)"
    assert "streng-geheim" not in found["database"][0]  # a password in a URL is hidden
    assert found["oparl_base_url"] == ("(keine)", "Voreinstellung")
    assert found["smtp.host"] == ("mail.musterstadt.de", "Datei")
    assert found["smtp.password"][0] == "nicht gesetzt"
    assert found["[caldav]"] == ("nicht eingerichtet", "Voreinstellung")


def test_config_show_says_a_password_is_set_and_never_shows_it(
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(SMTP + '[caldav]\nurl = "https://cloud.example/cal/"\nusername = "k"\n')
    keyring_backend.set_password("koordination", "engagement@musterstadt.de", SECRET)
    monkeypatch.setenv("KOORDINATION_CALDAV_PASSWORD", SECRET)
    found = show(capsys)
    assert found["smtp.password"][0] == "gesetzt (Schlüsselbund)"
    assert found["caldav.password"][0] == "gesetzt (Umgebungsvariable KOORDINATION_CALDAV_PASSWORD)"
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out and "Herkunft" in out


def test_config_show_on_a_broken_file_is_a_german_error(capsys: pytest.CaptureFixture[str]) -> None:
    write_config("[smtp\nhost=")
    assert main(["config", "show"]) == 1
    err = capsys.readouterr().err
    assert "fehlerhaft" in err and "Traceback" not in err


# --------------------------------------------------------------------------- config init
def test_config_init_writes_a_commented_file_that_becomes_valid_settings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["config", "init"]) == 0
    path = config_file()
    assert f"Geschrieben: {path}" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == TEMPLATE
    assert tomllib.loads(TEMPLATE) == {}  # everything commented: nothing changes yet
    assert path.stat().st_mode & 0o077 == 0
    # Uncommenting every setting (one database line) gives settings the program accepts.
    setting = re.compile(r"# (\[\w+\]|\w+ = )")
    lines = [
        line[2:] if setting.match(line) else line
        for line in TEMPLATE.splitlines()
        if "postgresql+psycopg" not in line
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    values = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(values) >= {"database", "user_name", "exports_dir", "smtp", "caldav", "imap"}
    assert load_smtp_settings().host == "mail.musterstadt.de"
    monkeypatch.setenv("KOORDINATION_CALDAV_PASSWORD", SECRET)
    assert load_caldav_settings().username == "koordination"


def test_config_init_never_overwrites(capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config('user_name = "Maria Muster"\n')
    assert main(["config", "init"]) == 1
    err = capsys.readouterr().err
    assert "gibt es schon" in err and str(path) in err
    assert path.read_text(encoding="utf-8") == 'user_name = "Maria Muster"\n'


# --------------------------------------------------------------------------- password set
def test_password_set_asks_twice_without_echo_and_stores_in_the_keyring(
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(SMTP)
    prompts = answers(monkeypatch, SECRET, SECRET)
    assert main(["password", "set", "smtp"]) == 0
    assert len(prompts) == 2 and "engagement@musterstadt.de" in prompts[0]
    assert keyring_backend.stored == {("koordination", "engagement@musterstadt.de"): SECRET}
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert show(capsys)["smtp.password"][0] == "gesetzt (Schlüsselbund)"


def test_password_set_for_caldav_uses_the_caldav_service(
    keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config('[caldav]\nurl = "https://cloud.example/cal/"\nusername = "termine"\n')
    answers(monkeypatch, SECRET, SECRET)
    assert main(["password", "set", "caldav"]) == 0
    assert keyring_backend.stored == {("koordination-caldav", "termine"): SECRET}
    assert load_caldav_settings().password == SECRET


@pytest.mark.parametrize(
    ("typed", "said"),
    [((SECRET, SECRET + "x"), "stimmen nicht überein"), (("", ""), "leer")],
)
def test_password_set_stores_nothing_when_the_two_entries_differ_or_are_empty(
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: tuple[str, str],
    said: str,
) -> None:
    write_config(SMTP)
    answers(monkeypatch, *typed)
    assert main(["password", "set", "smtp"]) == 1
    err = capsys.readouterr().err
    assert said in err and "nichts gespeichert" in err and SECRET not in err
    assert keyring_backend.stored == {}


def test_password_set_without_a_user_in_the_config_says_what_to_enter(
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts = answers(monkeypatch, SECRET, SECRET)
    assert main(["password", "set", "smtp"]) == 1
    assert prompts == []  # nobody types a password that cannot be stored
    assert "[smtp]" in capsys.readouterr().err
    assert keyring_backend.stored == {}


def test_password_set_for_an_unknown_account_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["password", "set", "ftp"])
    assert exit_.value.code == 2
    assert "ungültige Auswahl" in capsys.readouterr().err


def test_password_set_for_imap_is_what_replies_fetch_reads(
    keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koordination.delivery.settings import load_imap_settings

    write_config('[imap]\nhost = "mail.musterstadt.de"\nuser = "engagement@musterstadt.de"\n')
    answers(monkeypatch, SECRET, SECRET)
    assert main(["password", "set", "imap"]) == 0
    assert load_imap_settings().password == SECRET
