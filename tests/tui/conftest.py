"""Fixtures for TUI tests: a small city on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_support import build_city

from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.services.directory import Directory


@pytest.fixture
def city_db(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'stadt.sqlite3'}"
    db = Database(url)
    upgrade(db)
    build_city(db)
    db.dispose()
    yield url


@pytest.fixture
def directory(city_db: str) -> Iterator[Directory]:
    db = Database(city_db)
    yield Directory(db)
    db.dispose()
