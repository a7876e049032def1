"""The exports folder: the user's documents folder + koordination, or the config file's
``exports_dir``, or ``KOORDINATION_EXPORTS`` — never the folder the program started in."""

from __future__ import annotations

from pathlib import Path

import pytest

from koordination.outputs.files import export_path
from koordination.paths import exports_dir


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.delenv("KOORDINATION_EXPORTS")
    monkeypatch.chdir(tmp_path)
    return home


def config(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config" / "config.toml"  # KOORDINATION_CONFIG of every test
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_default_is_koordination_in_the_documents_folder(home: Path) -> None:
    assert exports_dir() == home / "Documents" / "koordination"
    assert export_path("personen", "xlsx") == home / "Documents" / "koordination" / "personen.xlsx"


def test_default_follows_the_desktops_documents_folder(home: Path) -> None:
    # A German desktop names it in user-dirs.dirs (xdg-user-dirs).
    (home / ".config" / "user-dirs.dirs").write_text(
        'XDG_DOCUMENTS_DIR="$HOME/Dokumente"\n', encoding="utf-8"
    )
    assert exports_dir() == home / "Dokumente" / "koordination"


def test_config_file_sets_the_folder(home: Path, tmp_path: Path) -> None:
    config(tmp_path, 'exports_dir = "~/Verein/Listen"\n')
    assert exports_dir() == home / "Verein" / "Listen"


def test_environment_overrides_the_config_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(tmp_path, 'exports_dir = "/srv/listen"\n')
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "hier"))
    assert exports_dir() == tmp_path / "hier"


def test_a_broken_settings_file_counts_as_unset_here_and_is_named_in_german_at_start(
    home: Path, tmp_path: Path
) -> None:
    from koordination.config import load_settings
    from koordination.errors import KoordinationError

    config(tmp_path, 'exports_dir = "/tmp/ohne Ende\n')
    assert exports_dir() == home / "Documents" / "koordination"
    with pytest.raises(KoordinationError, match=r"Die Einstellungsdatei .* ist fehlerhaft"):
        load_settings()
