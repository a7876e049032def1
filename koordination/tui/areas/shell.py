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

#: Short names for the tabs that are not shown, when the full names do not fit.
SHORT = {
    "overview": "Übers.",
    "people": "Pers.",
    "organisations": "Org.",
    "groups": "Gruppen",
    "city": "Stadt",
    "meetings": "Termine",
    "tasks": "Aufg.",
    "surveys": "Umfr.",
    "fields": "Felder",
    "network": "Netz",
}
#: Cells around each tab's label.
TAB_PADDING = 2


def tab_labels(active: str, width: int) -> dict[str, str]:
    """The label of each area's tab so that all ten fit in ``width`` cells: the active one
    spelled out, the others as their digit, then named (short, then full) in navigation
    order as long as the row still fits."""
    full = {area_id: f"{key} {cls.TITLE}" for area_id, key, cls in AREAS}
    labels = {area_id: full[area_id] if area_id == active else key for area_id, key, _ in AREAS}

    def used() -> int:
        return sum(len(text) + TAB_PADDING for text in labels.values())

    for names in ({a: f"{k} {SHORT[a]}" for a, k, _ in AREAS}, full):
        for area_id in labels:
            before = labels[area_id]
            if area_id != active:
                labels[area_id] = names[area_id]
                if used() > width:
                    labels[area_id] = before
    return labels


class Shell(Vertical):
    """Tabs with one area each; built right after the first frame."""

    def compose(self) -> ComposeResult:
        with TabbedContent(id="areas"):
            for area_id, key, cls in AREAS:
                with TabPane(f"{key} {cls.TITLE}", id=f"tab-{area_id}"):
                    yield cls(id=area_id)

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit_tabs)

    def on_resize(self) -> None:
        self.fit_tabs()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # Not stopped: the app activates the area on the same message.
        if event.tabbed_content.id == "areas":
            self.fit_tabs()

    def fit_tabs(self) -> None:
        tabs = self.query_one("#areas", TabbedContent)
        active = (tabs.active or "tab-overview").removeprefix("tab-")
        for area_id, label in tab_labels(active, (self.size.width or 80) - 1).items():
            tab = tabs.get_tab(f"tab-{area_id}")
            if str(tab.label) != label:
                tab.label = label
