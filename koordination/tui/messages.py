"""Messages the app posts to its areas (attributes down, messages up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from koordination.core import Core


class DatabaseReady(Message):
    """The core is open on the newest schema; areas may load their data."""

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core


class DatabaseFailed(Message):
    """The database cannot be used; ``message`` is German and shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class DataChanged(Message):
    """Something was saved; areas showing ``what`` (person, organisation, group, city) reload."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


class StartupDone(Message):
    """The first screen shows everything it loads (or the database could not be opened): what
    start-up put off may run now (collecting garbage, preparing the other areas)."""


class AreasPrepared(Message):
    """Every area's module and the services it reads are imported (posted from a worker)."""
