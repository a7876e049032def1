"""The Netzwerk area: sector balance of the consortium and every group, engagement health,
which organisations work together where, and the view of one working group."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Select, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from koordination.domain.enums import Sector
from koordination.domain.records.network import (
    Cooperation,
    EngagementHealth,
    GroupView,
    NetworkBalance,
)
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.areas.network_text import (
    MISSING_STYLE,
    SECTOR_SHORT,
    SECTOR_STYLE,
    balance_legend,
    balance_values,
    balance_warning,
    clipped,
    engagement_lists,
    group_view_text,
    organisation_detail,
)
from koordination.tui.keys import bind
from koordination.tui.widgets.column_fit import (
    FitColumn,
    FittedTable,
    needed_widths,
    row_cells,
    set_columns,
)

if TYPE_CHECKING:
    from koordination.services.network import Network

#: Below this width the detail of an organisation moves under the list (at 120 columns the
#: list keeps every column).
NARROW = 130
#: The balance: a group's name gets what it needs (at least 18 cells) before the members
#: without organisation, then what is missing (the warning above says it too) drop out.
BALANCE_COLUMNS = [
    FitColumn("name", "Gruppe", 30, min_width=18, grow=True),
    *(FitColumn(s.value, SECTOR_SHORT[s], len(SECTOR_SHORT[s])) for s in Sector),
    FitColumn("none", "ohne", 4, priority=2),
    FitColumn("total", "Ges.", 4),
    FitColumn("missing", "Es fehlt", 24, min_width=10, priority=1),
]
#: Organisations in groups: the name first, then the sector; the counts drop out (the detail
#: beside or under the list names the groups and partners).
ORG_COLUMNS = [
    FitColumn("name", "Organisation", 30, min_width=18, grow=True),
    FitColumn("sector", "Sektor", 17, priority=1),
    FitColumn("groups", "Gruppen", 7, priority=2),
    FitColumn("partners", "Partner", 7, priority=3),
    FitColumn("sectors", "Sektoren", 8, priority=4),
]
#: The views of the area, in the order < and > go through them.
VIEWS = ("net-balance", "net-engagement", "net-cooperation", "net-group")


# ---------------------------------------------------------------------- the area


class NetworkArea(Area):
    TITLE = "Netzwerk"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind(
            "next_view",
            "next_view",
            "Netzwerk: nächste Ansicht (Sektoren, Engagement, Zusammenarbeit, Gruppe)",
        ),
        bind("previous_view", "previous_view", "Netzwerk: vorige Ansicht", show=False),
        bind("goto", "group", "Netzwerk: Blick auf eine Arbeitsgruppe", label="Gruppe"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.balance: NetworkBalance | None = None
        self.cooperation: Cooperation | None = None
        self.group_id: int | None = None
        self.groups: list[tuple[str, int]] = []
        #: The width of the balance and of the organisations table when they were laid out.
        self._laid_out: dict[str, int] = {}

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with TabbedContent(id="network-tabs", initial="net-balance"):
            with TabPane("Sektorenbalance", id="net-balance"):
                warning = Static("", id="network-warning", classes="sector-warning")
                warning.display = False
                yield warning
                balance = FittedTable(id="network-balance", cursor_type="row")
                balance.border_title = "Mitglieder je Sektor"
                yield balance
                yield Static(balance_legend(), classes="network-legend")
            with (
                TabPane("Engagement", id="net-engagement"),
                VerticalScroll(id="network-engagement", classes="network-pane"),
            ):
                yield Static("Wird geladen …", id="network-engagement-text")
            with (
                TabPane("Zusammenarbeit", id="net-cooperation"),
                Horizontal(id="network-cooperation"),
            ):
                orgs = FittedTable(id="network-orgs", cursor_type="row")
                orgs.border_title = "Organisationen in Gruppen"
                yield orgs
                with VerticalScroll(id="network-org-detail", classes="network-pane"):
                    yield Static("", id="network-org-text")
            with TabPane("Arbeitsgruppe", id="net-group"):
                yield Select([], prompt="Gruppe wählen", id="network-group")
                with VerticalScroll(id="network-group-view", classes="network-pane"):
                    yield Static("", id="network-group-text")
        yield Static("Wird geladen …", id="network-status", classes="status-line")

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self._focus_tab(self.query_one(TabbedContent).active)

    def _focus_tab(self, pane: str) -> None:
        target = {
            "net-balance": "#network-balance",
            "net-engagement": "#network-engagement",
            "net-cooperation": "#network-orgs",
            "net-group": "#network-group",
        }.get(pane)
        if target:
            self.query_one(target).focus()

    @property
    def network(self) -> Network | None:
        return self.core.network if self.core is not None else None

    # ------------------------------------------------------------------ tabs
    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # The app switches areas on this message: the tabs inside the area are not areas.
        event.stop()
        if event.pane.id == "net-group" and self.group_id is None:
            self._pick_first_group()

    def action_show_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self.call_after_refresh(self._focus_tab, pane)

    def _step_view(self, step: int) -> None:
        active = self.query_one(TabbedContent).active
        index = VIEWS.index(active) if active in VIEWS else 0
        self.action_show_tab(VIEWS[(index + step) % len(VIEWS)])

    def action_next_view(self) -> None:
        self._step_view(1)

    def action_previous_view(self) -> None:
        self._step_view(-1)

    def action_balance(self) -> None:
        self.action_show_tab("net-balance")

    def action_engagement(self) -> None:
        self.action_show_tab("net-engagement")

    def action_cooperation(self) -> None:
        self.action_show_tab("net-cooperation")

    def action_group(self) -> None:
        self.action_show_tab("net-group")

    # ------------------------------------------------------------------ loading
    def reload(self, keep_position: bool = False) -> None:
        if self.network is not None:
            self._load()
            if self.group_id is not None:
                self._load_group(self.group_id)

    @work(thread=True, exclusive=True, group="network")
    def _load(self) -> None:
        assert self.core is not None
        network, directory = self.core.network, self.core.directory
        worker = get_current_worker()
        try:
            groups = [(g.name, g.id) for g in directory.list_groups()]
            if not worker.is_cancelled:
                self.app.call_from_thread(self._set_groups, groups)
            balance = network.sector_balance()
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_balance, balance)
            engagement = network.engagement()
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_engagement, engagement)
            cooperation = network.cooperation()
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_cooperation, cooperation)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")

    def _set_groups(self, groups: list[tuple[str, int]]) -> None:
        self.groups = groups
        select = self.query_one("#network-group", Select)
        with self.prevent(Select.Changed):
            select.set_options(groups)
            if self.group_id in {g for _n, g in groups}:
                select.value = self.group_id
            else:
                self.group_id = None
        if self.group_id is None and self.query_one(TabbedContent).active == "net-group":
            self._pick_first_group()

    def _pick_first_group(self) -> None:
        if self.groups:
            self.query_one("#network-group", Select).value = self.groups[0][1]

    def _show_balance(self, balance: NetworkBalance) -> None:
        self.balance = balance
        table = self.query_one("#network-balance", DataTable)
        row = table.cursor_row
        rows = [(str(g.group_id), balance_values(g)) for g in balance.groups]
        rows.append(("network", balance_values(balance.network, total=True)))
        self._laid_out["network-balance"] = table.size.width
        widths = set_columns(table, BALANCE_COLUMNS, needed_widths(r for _k, r in rows))
        for key, values in rows:
            table.add_row(*row_cells(widths, clipped(values, widths)), key=key)
        if balance.groups:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        warning = self.query_one("#network-warning", Static)
        text = balance_warning(balance)
        warning.update(Text(text))
        warning.display = bool(text)
        unbalanced = len(balance.unbalanced)
        status = Text(
            f"{len(balance.groups)} Gruppen, {balance.network.members} Personen in Gruppen"
        )
        if unbalanced:
            status.append(
                f", {unbalanced} {'Gruppe' if unbalanced == 1 else 'Gruppen'} ohne Kernsektor",
                style=MISSING_STYLE,
            )
        status.append("  ·  < > Ansicht wechseln · g Gruppe", style="dim")
        self.query_one("#network-status", Static).update(status)

    def on_resize(self) -> None:
        self.query_one("#network-cooperation").set_class(self.size.width < NARROW, "-narrow")

    def on_fitted_table_resized(self, event: FittedTable.Resized) -> None:
        """A table got its width (its tab shown, the screen resized): fit its columns anew."""
        event.stop()
        table = event.table
        if table.id is None or table.size.width == self._laid_out.get(table.id):
            return
        if table.id == "network-balance" and self.balance is not None:
            self._show_balance(self.balance)
        elif table.id == "network-orgs" and self.cooperation is not None:
            self._show_cooperation(self.cooperation)

    def _show_engagement(self, engagement: EngagementHealth) -> None:
        self.query_one("#network-engagement-text", Static).update(engagement_lists(engagement))

    def _show_cooperation(self, cooperation: Cooperation) -> None:
        self.cooperation = cooperation
        table = self.query_one("#network-orgs", DataTable)
        row = table.cursor_row
        rows = []
        for o in cooperation.organisations:
            # Sectors met in the groups: the organisation's own and its partners'.
            sectors = len(set(o.partner_sectors) | {o.organisation.sector})
            values = {
                "name": Text(o.organisation.name),
                "sector": Text(
                    o.organisation.sector.label, style=SECTOR_STYLE[o.organisation.sector]
                ),
                "groups": Text(str(len(o.groups)), justify="right"),
                "partners": Text(str(len(o.partners)), justify="right"),
                "sectors": Text(str(sectors), justify="right"),
            }
            rows.append((str(o.organisation.id), values))
        self._laid_out["network-orgs"] = table.size.width
        widths = set_columns(table, ORG_COLUMNS, needed_widths(r for _k, r in rows))
        for key, values in rows:
            table.add_row(*row_cells(widths, clipped(values, widths)), key=key)
        if cooperation.organisations:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        self._show_organisation()

    def _show_organisation(self) -> None:
        cooperation = self.cooperation
        text = self.query_one("#network-org-text", Static)
        if cooperation is None or not cooperation.organisations:
            text.update(Text("Noch keine Organisation wirkt in einer Gruppe mit.", style="dim"))
            return
        row = self.query_one("#network-orgs", DataTable).cursor_row
        if 0 <= row < len(cooperation.organisations):
            text.update(organisation_detail(cooperation.organisations[row], cooperation))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.data_table.id == "network-orgs":
            self._show_organisation()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "network-balance" and event.row_key.value not in (
            None,
            "network",
        ):
            self.show_group(int(str(event.row_key.value)))

    def show_group(self, group_id: int) -> None:
        """The group view of ``group_id``."""
        # Set first: showing the tab would otherwise pick the first group.
        self.group_id = group_id
        self.query_one("#network-group", Select).value = group_id
        self.action_show_tab("net-group")

    # ------------------------------------------------------------------ one group
    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, int):
            self.group_id = event.value
            self._load_group(event.value)

    @work(thread=True, exclusive=True, group="network-group")
    def _load_group(self, group_id: int) -> None:
        network = self.network
        assert network is not None
        try:
            view = network.group_view(group_id)
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_group, view)

    def _show_group(self, view: GroupView) -> None:
        if view.id == self.group_id:
            self.query_one("#network-group-text", Static).update(group_view_text(view))
