"""Where things live: the user's data directory and the exports folder, with overrides."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_documents_dir

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


def resolve_url(value: str | None) -> str:
    """A SQLAlchemy URL from a file path, a URL, or nothing (the default file); here, not in
    ``db.engine``, so the interface can name its database before SQLAlchemy is imported."""
    if not value:
        return f"sqlite:///{default_database_path()}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def demo_database_path() -> Path:
    """The demo city's own database, apart from the office's."""
    return data_dir() / "demo.sqlite3"


def log_file() -> Path:
    """The log with the traceback of every unexpected error (rotated, see koordination.logs)."""
    return data_dir() / "logs" / "koordination.log"


def exports_dir() -> Path:
    """Where generated files go: ``KOORDINATION_EXPORTS``, else ``exports_dir`` of the config
    file, else a folder ``koordination`` in the user's documents folder (``~/Dokumente`` or
    ``~/Documents``; on Windows "Dokumente"), never wherever the program happened to start."""
    override = os.environ.get("KOORDINATION_EXPORTS") or _configured("exports_dir")
    if override:
        return Path(override).expanduser()
    return Path(user_documents_dir()) / APP_NAME


def _configured(key: str) -> str:
    """One path setting of the config file; a broken file counts as unset here (the settings
    themselves, read at every start, say in German what is wrong with it)."""
    try:
        text = config_file().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    import tomllib  # only with a settings file: most starts have none

    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ""
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""
