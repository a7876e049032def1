"""The main window: Übersicht, Personen, Organisationen, Gruppen, Stadtprofil, Termine, Aufgaben,
Umfragen, Handlungsfelder and Netzwerk as tabs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from koordination.tui.screens.base import Area
from koordination.tui.screens.city import CityArea
from koordination.tui.screens.fields import FieldsArea
from koordination.tui.screens.groups import GroupsArea
from koordination.tui.screens.meetings import MeetingsArea
from koordination.tui.screens.network import NetworkArea
from koordination.tui.screens.organisations import OrganisationsArea
from koordination.tui.screens.overview import OverviewArea
from koordination.tui.screens.people import PeopleArea
from koordination.tui.screens.surveys import SurveysArea
from koordination.tui.screens.tasks import TasksArea

#: (id, key, class) in navigation order; the key switches to the area.
AREAS: list[tuple[str, str, type[Area]]] = [
    ("overview", "1", OverviewArea),
    ("people", "2", PeopleArea),
    ("organisations", "3", OrganisationsArea),
    ("groups", "4", GroupsArea),
    ("city", "5", CityArea),
    ("meetings", "6", MeetingsArea),
    ("tasks", "7", TasksArea),
    ("surveys", "8", SurveysArea),
    ("fields", "9", FieldsArea),
    ("network", "0", NetworkArea),
]


class Shell(Vertical):
    """Tabs with one area each; built right after the first frame."""

    def compose(self) -> ComposeResult:
        with TabbedContent(id="areas"):
            for area_id, key, cls in AREAS:
                with TabPane(f"{key} {cls.TITLE}", id=f"tab-{area_id}"):
                    yield cls(id=area_id)
