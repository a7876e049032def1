"""The main window: Übersicht, Personen, Organisationen, Gruppen, Stadtprofil, Termine, Aufgaben,
Umfragen, Handlungsfelder and Netzwerk as tabs.

Only the Übersicht is built at start, so the window is usable before ten areas' widgets and
styles are built. In a terminal the app then builds and loads the others behind it, one at a
time (``KoordinationApp.premount_areas``); an area not built yet by then is built on its first
visit (a tab, its digit, a palette command).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.tui.areas.base import Area


@dataclass(frozen=True)
class AreaSpec:
    """An area as the tabs know it before it is imported."""

    id: str
    key: str
    title: str
    #: "module:Class" of the area's widget.
    where: str
    #: The services of the core the area reads (imported with it when start-up is done).
    services: tuple[str, ...] = ("directory",)

    def load(self) -> type[Area]:
        module, name = self.where.split(":")
        return cast("type[Area]", getattr(import_module(module), name))


#: The areas in navigation order; the key switches to the area. Titles equal each class's TITLE.
AREA_SPECS: tuple[AreaSpec, ...] = (
    AreaSpec("overview", "1", "Übersicht", "koordination.tui.areas.overview:OverviewArea"),
    AreaSpec("people", "2", "Personen", "koordination.tui.areas.people:PeopleArea"),
    AreaSpec(
        "organisations",
        "3",
        "Organisationen",
        "koordination.tui.areas.organisations:OrganisationsArea",
    ),
    AreaSpec("groups", "4", "Gruppen", "koordination.tui.areas.groups:GroupsArea"),
    AreaSpec("city", "5", "Stadtprofil", "koordination.tui.areas.city:CityArea"),
    AreaSpec(
        "meetings", "6", "Termine", "koordination.tui.areas.meetings:MeetingsArea", ("meetings",)
    ),
    AreaSpec("tasks", "7", "Aufgaben", "koordination.tui.areas.tasks:TasksArea", ("sittings",)),
    AreaSpec(
        "surveys", "8", "Umfragen", "koordination.tui.areas.surveys:SurveysArea", ("surveys",)
    ),
    AreaSpec(
        "fields", "9", "Handlungsfelder", "koordination.tui.areas.fields:FieldsArea", ("fields",)
    ),
    AreaSpec(
        "network", "0", "Netzwerk", "koordination.tui.areas.network:NetworkArea", ("network",)
    ),
)
SPECS = {spec.id: spec for spec in AREA_SPECS}
#: The area shown at start, the only one mounted then.
FIRST_AREA = "overview"


def prepare_areas(core: Core | None) -> None:
    """Import every area and the services it reads, so that a first visit only builds the area
    and loads its rows. Run in a worker once the first screen is complete: imports are what
    made a first visit wait."""
    for spec in AREA_SPECS:
        spec.load()
        if core is not None:
            for service in spec.services:
                getattr(core, service)


def area_classes() -> list[tuple[str, str, type[Area]]]:
    """(id, key, class) of every area in navigation order; imports them all (help, palette)."""
    return [(spec.id, spec.key, spec.load()) for spec in AREA_SPECS]


def __getattr__(name: str) -> Any:
    # ``AREAS`` as before, built only when asked for: importing every area is what start-up avoids.
    if name == "AREAS":
        return area_classes()
    raise AttributeError(name)


#: Short names for the tabs that are not shown, when the full names do not fit.
SHORT = {
    "overview": "Übers.",
    "people": "Pers.",
    "organisations": "Org.",
    "groups": "Grup.",
    "city": "Stadt",
    "meetings": "Term.",
    "tasks": "Aufg.",
    "surveys": "Umfr.",
    "fields": "Felder",
    "network": "Netz",
}
#: Cells around each tab's label (lists.tcss: one cell before it).
TAB_PADDING = 1


def tab_labels(active: str, width: int) -> dict[str, str]:
    """The label of each area's tab so that all ten fit in ``width`` cells: the active one
    spelled out, the others named as short as needed: first all by their short names without
    dots ("Pers"), then with them ("Pers.") if all of those fit, then spelled out in navigation
    order until the first that no longer fits. Where not every area gets a name with the
    active one spelled out (80 columns, "9 Handlungsfelder"), the active one is short too;
    where not even that fits, the names run from the left up to bare digits, never a named
    tab after a bare digit."""
    full = {s.id: f"{s.key} {s.title}" for s in AREA_SPECS}
    dotted = {s.id: f"{s.key} {SHORT[s.id]}" for s in AREA_SPECS}
    bare = {a: label.removesuffix(".") for a, label in dotted.items()}
    digits = {s.id: s.key for s in AREA_SPECS}

    def used(labels: dict[str, str]) -> int:
        return sum(len(text) + TAB_PADDING for text in labels.values())

    def raise_to(labels: dict[str, str], names: dict[str, str], kept: str, whole: bool) -> bool:
        """The tabs but ``kept`` named ``names`` from the left while they fit; with ``whole``
        all of them or none. Whether all were."""
        before = dict(labels)
        for area_id in labels:
            if area_id != kept:
                old = labels[area_id]
                labels[area_id] = names[area_id]
                if used(labels) > width:
                    labels.update(before if whole else {area_id: old})
                    return False
        return True

    labels = {**digits, active: full[active]}
    kept = active
    if not raise_to(labels, bare, kept, whole=False):
        # The active one as short as the others, if then every area gets its name.
        shorter = dict(digits)
        if raise_to(shorter, bare, "", whole=False):
            labels, kept = shorter, ""
    every_named = all(labels[a] != digits[a] for a in labels)
    if every_named and raise_to(labels, dotted, kept, whole=True):
        raise_to(labels, full, kept, whole=False)
    return labels


class Shell(Vertical):
    """Tabs with one area each; the first area is built with the shell, the others on demand."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Areas mounted or being mounted, by id (a second caller waits for the same mount).
        self._mounting: dict[str, asyncio.Task[Area]] = {}
        #: Every area built so far, by id: asked for on each switch, where a query would walk
        #: the whole window (thousands of widgets once a few areas are built).
        self.areas: dict[str, Area] = {}

    def compose(self) -> ComposeResult:
        with TabbedContent(id="areas"):
            for spec in AREA_SPECS:
                with TabPane(f"{spec.key} {spec.title}", id=f"tab-{spec.id}"):
                    if spec.id == FIRST_AREA:
                        area = self.areas[spec.id] = spec.load()(id=spec.id)
                        yield area

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#areas", TabbedContent)

    def mounted_areas(self) -> list[Area]:
        """The areas built so far, in navigation order."""
        return [self.areas[spec.id] for spec in AREA_SPECS if spec.id in self.areas]

    async def ensure_area(self, area_id: str, core: Callable[[], Core | None]) -> Area:
        """The area ``area_id``, mounted into its tab first if this is its first visit; a
        newly mounted area gets the ``core`` (if open by then) like the others got it."""
        if area_id in self.areas and area_id not in self._mounting:
            return self.areas[area_id]
        if area_id not in self._mounting:
            self._mounting[area_id] = asyncio.ensure_future(self._mount_area(area_id, core))
        return await self._mounting[area_id]

    async def _mount_area(self, area_id: str, core: Callable[[], Core | None]) -> Area:
        area = self.areas[area_id] = SPECS[area_id].load()(id=area_id)
        await self.query_one(f"#tab-{area_id}", TabPane).mount(area)
        if (opened := core()) is not None:
            area.ready(opened)
        return area

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit_tabs)

    def on_resize(self) -> None:
        self.fit_tabs()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # Not stopped: the app mounts and activates the area on the same message.
        if event.tabbed_content.id == "areas":
            self.fit_tabs()

    def fit_tabs(self) -> None:
        tabs = self.tabs
        active = (tabs.active or "tab-overview").removeprefix("tab-")
        for area_id, label in tab_labels(active, (self.size.width or 80) - 1).items():
            tab = tabs.get_tab(f"tab-{area_id}")
            if str(tab.label) != label:
                tab.label = label
