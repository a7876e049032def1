"""Opening the database for the TUI; imported only inside a worker thread (it is heavy)."""

from __future__ import annotations

from pathlib import Path

from koordination.db import migrations
from koordination.db.engine import Database
from koordination.services.directory import Directory


def open_directory(database_url: str) -> tuple[Directory, Path | None]:
    """The directory service on an upgraded database, plus the backup the upgrade made."""
    from koordination.config import load_settings

    db = Database(database_url)
    db.actor = load_settings().who
    try:
        backup = migrations.upgrade(db)
    except BaseException:
        db.dispose()
        raise
    return Directory(db), backup
