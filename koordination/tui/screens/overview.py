"""The Übersicht area: the city at a glance, sectors and groups."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual.worker import get_current_worker

from koordination.domain.records import Overview
from koordination.errors import KoordinationError
from koordination.tui.formatting import city_summary, groups_table, sector_table
from koordination.tui.screens.base import Area


class OverviewArea(Area):
    TITLE = "Übersicht"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="overview-top"):
            yield Static("Wird geladen …", id="overview-city", classes="card")
            yield Static("", id="overview-sectors", classes="card")
        with Vertical(classes="card overview-groups"):
            yield Static("", id="overview-groups")

    def reload(self, keep_position: bool = False) -> None:
        if self.directory is not None:
            self._load()

    @work(thread=True, exclusive=True, group="overview")
    def _load(self) -> None:
        directory = self.directory
        assert directory is not None
        try:
            overview = directory.overview()
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, overview)

    def show(self, overview: Overview) -> None:
        self.overview = overview
        self.query_one("#overview-city", Static).update(city_summary(overview.city))
        self.query_one("#overview-sectors", Static).update(sector_table(overview))
        self.query_one("#overview-groups", Static).update(groups_table(overview))
