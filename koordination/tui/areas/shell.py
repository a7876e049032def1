"""The main window: Übersicht, Personen, Organisationen, Gruppen, Stadtprofil, Termine, Aufgaben,
Umfragen, Handlungsfelder and Netzwerk as tabs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from koordination.tui.areas.base import Area
from koordination.tui.areas.city import CityArea
from koordination.tui.areas.fields import FieldsArea
from koordination.tui.areas.groups import GroupsArea
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.areas.network import NetworkArea
from koordination.tui.areas.organisations import OrganisationsArea
from koordination.tui.areas.overview import OverviewArea
from koordination.tui.areas.people import PeopleArea
from koordination.tui.areas.surveys import SurveysArea
from koordination.tui.areas.tasks import TasksArea

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
