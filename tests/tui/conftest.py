"""Fixtures for TUI tests: a small city on a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from support.dovecot import dovecot, office_mailbox  # noqa: F401 (fixtures)
from tui_support import APP_CLOCKS, build_city

from koordination.clock import Clock
from koordination.core import Core
from koordination.db.engine import Database
from koordination.services.directory.service import Directory


@pytest.fixture
def city_db(built_sqlite: Callable[..., Path]) -> Iterator[str]:
    """The small city (``build_city``) in a SQLite file, a copy of the one built once per run."""
    yield f"sqlite:///{built_sqlite(build_city, 'stadt.sqlite3')}"


@pytest.fixture
def directory(city_db: str) -> Iterator[Directory]:
    core = Core(Database(city_db))
    yield core.directory
    core.close()


#: The demo's meetings lie in 2026/2027: the app believes it is this day.
DEMO_TODAY = date(2026, 9, 1)


@pytest.fixture
def demo_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_sqlite: Callable[..., Path]
) -> Iterator[str]:
    """The demo city in a SQLite file (a copy of the one built once per run); the app opened on
    it believes today is DEMO_TODAY."""
    url = f"sqlite:///{demo_sqlite('demo.sqlite3', built='build_demo')}"
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.setenv("KOORDINATION_CONFIG", str(tmp_path / "keine-einstellungen.toml"))
    monkeypatch.setitem(APP_CLOCKS, url, Clock.on(DEMO_TODAY))
    yield url
