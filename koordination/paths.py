"""Where things live: the user's data directory and the exports folder, with overrides."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "koordination"


def data_dir() -> Path:
    """The folder of the default database (``KOORDINATION_DATA_DIR`` overrides it)."""
    override = os.environ.get("KOORDINATION_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    override = os.environ.get("KOORDINATION_CONFIG")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def templates_dir() -> Path:
    """The office's own document templates (``KOORDINATION_TEMPLATES`` overrides the folder);
    a template missing there falls back to the packaged default."""
    override = os.environ.get("KOORDINATION_TEMPLATES")
    return Path(override) if override else config_file().parent / "templates"


def default_database_path() -> Path:
    return data_dir() / "koordination.sqlite3"


def exports_dir() -> Path:
    """Generated files go to ``exports/`` in the working directory unless told otherwise."""
    override = os.environ.get("KOORDINATION_EXPORTS")
    return Path(override) if override else Path.cwd() / "exports"
