"""The test process's long-lived objects out of the garbage collector's sight.

A test process holds millions of objects for its whole life: the modules, every collected test,
Hypothesis's and SQLAlchemy's caches. Each full round of Python's cyclic collector walked all
of them again (a fifth of the CPU of the service and TUI tests). They are frozen (``gc.freeze``)
once the tests are collected, as the app freezes what its start-up built. An app that ends in a
test hands everything frozen back (koordination.tui.collector), so it is frozen again once a
full round has run over everything: what lives then is long-lived or the current test's, and the
next app that ends hands it back again. Nothing a test sees changes: each test starts as before,
only with fewer objects for the full rounds to walk.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

#: Whether a full round has run while nothing was frozen (its survivors are what lives on).
_walked_everything = False


def _note_full_rounds(phase: str, info: dict[str, int]) -> None:
    global _walked_everything
    if phase == "stop" and info["generation"] == 2 and not gc.get_freeze_count():
        _walked_everything = True


def pytest_collection_finish(session: pytest.Session) -> None:
    """Collected: what the process holds now lives as long as it does."""
    gc.collect()
    gc.freeze()
    if _note_full_rounds not in gc.callbacks:
        gc.callbacks.append(_note_full_rounds)


def freeze_again() -> bool:
    """Freeze what lives on once an app handed everything back and a full round has run over
    it since; whether it did."""
    global _walked_everything
    walked, _walked_everything = _walked_everything, False
    if walked and not gc.get_freeze_count():
        gc.collect(1)  # the young generations' garbage is not frozen with the rest
        gc.freeze()
        return True
    return False


@pytest.fixture(autouse=True)
def _long_lived_frozen() -> Iterator[None]:
    """Before each test (see the module's description)."""
    freeze_again()
    yield
