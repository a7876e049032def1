"""The Netzwerk area: sector balance of the consortium and every group, engagement health,
which organisations work together where, and the view of one working group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Select, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from koordination.domain.enums import CORE_SECTORS, DecisionResult, Sector
from koordination.domain.records.network import (
    AttendancePoint,
    Cooperation,
    EngagementHealth,
    GroupView,
    NetworkBalance,
    OrganisationCooperation,
    SectorBalance,
    sector_list,
)
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.field_text import OVERDUE_STYLE, measure_label

if TYPE_CHECKING:
    from koordination.services.network import Network

#: Sector columns of the balance table: short headers, full names in the legend.
SECTOR_SHORT = {
    Sector.ZIVILGESELLSCHAFT: "Zivil",
    Sector.VERWALTUNG: "Verw",
    Sector.WIRTSCHAFT: "Wirt",
    Sector.WISSENSCHAFT: "Wiss",
    Sector.POLITIK: "Pol",
}
SECTOR_STYLE = {
    Sector.ZIVILGESELLSCHAFT: "green",
    Sector.VERWALTUNG: "blue",
    Sector.WIRTSCHAFT: "yellow",
    Sector.WISSENSCHAFT: "magenta",
    Sector.POLITIK: "cyan",
}
MISSING_STYLE = "bold red"
#: Width of the attendance bars in the group view.
ATTENDANCE_BAR = 24
#: Below this width the detail of an organisation moves under the list.
NARROW = 110
#: How many organisations the detail of one organisation lists as closest partners.
CLOSEST = 8


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _title(text: str, extra: str = "") -> Text:
    out = Text(text, style="bold")
    if extra:
        out.append(f"  {extra}", style="dim")
    return out


def _table(*columns: str) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="dim")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _day(value: date | None, empty: str = "–") -> str:
    return value.strftime("%d.%m.%Y") if value else empty


# ---------------------------------------------------------------------- sector balance


def balance_cells(b: SectorBalance, name_width: int, *, total: bool = False) -> tuple[Text, ...]:
    """One row of the balance table; a core sector nobody stands for in red."""
    style = "bold" if total else ""
    cells = [Text(_clip(b.name, name_width), style=style)]
    for s in Sector:
        count = b.per_sector.get(s, 0)
        missing = s in CORE_SECTORS and not count
        cells.append(
            Text(
                str(count) if count else ("0" if missing else "·"),
                style=MISSING_STYLE if missing else (style or ("" if count else "dim")),
                justify="right",
            )
        )
    cells.append(Text(str(b.without_sector) if b.without_sector else "·", justify="right"))
    cells.append(Text(str(b.members), style="bold", justify="right"))
    cells.append(
        Text(sector_list(b.missing), style=MISSING_STYLE)
        if b.missing
        else Text("–", style="dim green")
    )
    return tuple(cells)


def balance_warning(balance: NetworkBalance) -> str:
    return " ".join(g.warning for g in balance.unbalanced)


def sector_counts(b: SectorBalance) -> Text:
    """``Zivilgesellschaft 10 · Verwaltung 2``, then who is missing."""
    out = Text(f"{b.members} Mitglieder: ")
    parts = [(s, b.per_sector[s]) for s in Sector if b.per_sector.get(s)]
    for i, (s, count) in enumerate(parts):
        if i:
            out.append(" · ")
        out.append(f"{s.label} {count}", style=SECTOR_STYLE[s])
    if b.without_sector:
        out.append(f" · ohne Sektor {b.without_sector}", style="dim")
    return out


# ---------------------------------------------------------------------- engagement


def engagement_lists(e: EngagementHealth) -> RenderableType:
    """Who missed their group's last three sittings, who is new, which organisations are in
    no group. One entry over two lines: readable at any width."""
    missed: list[RenderableType] = []
    for m in e.missed:
        line = Text(m.person_name, style="bold")
        if m.organisation:
            line.append(f" ({m.organisation})")
        line.append(f" – {m.group_name}", style="dim")
        missed.append(line)
        seen = f"zuletzt da am {_day(m.last_present)}" if m.last_present else "noch nie da"
        when = Text("    verpasst: " + ", ".join(f"{d:%d.%m.%y}" for d in m.missed) + " · ")
        when.append(seen, style="" if m.last_present else "red")
        missed.append(when)
    if not e.missed:
        missed.append(Text("Niemand – alle Mitglieder waren zuletzt dabei.", style="dim"))
    joined: list[RenderableType] = []
    for n in e.joined:
        line = Text(n.person_name, style="bold")
        if n.organisation:
            line.append(f" ({n.organisation})")
        line.append(f" – {n.group_name}", style="dim")
        joined.append(line)
        joined.append(Text(f"    {n.role.label} seit {_day(n.since)}"))
    if not e.joined:
        joined.append(
            Text(f"Niemand ist in den letzten {e.recent_days} Tagen dazugekommen.", style="dim")
        )
    unattached: RenderableType
    if e.unattached:
        table = _table("Organisation", "Sektor", "Personen")
        for o in e.unattached:
            table.add_row(
                Text(o.name, style="bold"),
                Text(o.sector.label, style=SECTOR_STYLE[o.sector]),
                str(o.people) if o.people else Text("niemand bekannt", style="dim"),
            )
        unattached = table
    else:
        unattached = Text("Keine – jede Organisation wirkt in einer Gruppe mit.", style="dim")
    return Group(
        _title(
            f"Drei Sitzungen in Folge verpasst ({len(e.missed)})",
            "die letzten drei Sitzungen ihrer Gruppe",
        ),
        *missed,
        Text(""),
        _title(f"Neu dabei ({len(e.joined)})", f"seit {e.recent_days} Tagen in einer Gruppe"),
        *joined,
        Text(""),
        _title(
            f"Organisationen in keiner Gruppe ({len(e.unattached)})",
            "im Verzeichnis, aber in keiner Gruppe vertreten",
        ),
        unattached,
    )


# ---------------------------------------------------------------------- cooperation


def organisation_detail(o: OrganisationCooperation, cooperation: Cooperation) -> RenderableType:
    name = Text(o.organisation.name, style="bold")
    name.append(f"  {o.organisation.sector.label}", style=SECTOR_STYLE[o.organisation.sector])
    groups = Text("Gruppen: ", style="dim")
    groups.append(", ".join(o.groups) or "–")
    parts: list[RenderableType] = [name, groups, Text("")]
    by_sector: dict[Sector, list[str]] = {}
    for p in o.partners:
        by_sector.setdefault(p.sector, []).append(p.name)
    parts.append(_title(f"Sitzt mit {len(o.partners)} Organisationen zusammen"))
    for s in Sector:
        if s in by_sector:
            line = Text(f"{s.label}: ", style=SECTOR_STYLE[s])
            line.append(", ".join(by_sector[s]))
            parts.append(line)
    me = o.organisation.id
    closest = [pair for pair in cooperation.pairs if me in (pair.first.id, pair.second.id)]
    if closest:
        parts += [Text(""), _title("Am engsten", "in den meisten gemeinsamen Gruppen")]
        for pair in closest[:CLOSEST]:
            other = pair.second if pair.first.id == me else pair.first
            line = Text(f"{other.name} ")
            line.append(f"({other.sector.label})", style=SECTOR_STYLE[other.sector])
            line.append(f" – {len(pair.groups)}: {', '.join(pair.groups)}", style="dim")
            parts.append(line)
    return Group(*parts)


# ---------------------------------------------------------------------- group view


def attendance_bar(p: AttendancePoint, most: int, width: int = ATTENDANCE_BAR) -> Text:
    """There (green █), excused (yellow ▒), absent (red ░), scaled to the fullest sitting."""
    scale = width / most if most else 0
    out = Text()
    there = round(p.there * scale)
    excused = round(p.excused * scale)
    absent = round(p.absent * scale)
    out.append("█" * there, style="green")
    out.append("▒" * excused, style="yellow")
    out.append("░" * absent, style="red")
    out.append(" " * max(0, width - there - excused - absent))
    return out


def attendance_table(points: Sequence[AttendancePoint]) -> RenderableType:
    if not points:
        return Text("Noch keine Sitzung mit Anwesenheitsliste.", style="dim")
    most = max(p.listed for p in points)
    table = _table("Sitzung", "", "Da", "Entsch.", "Fehlt")
    for p in points:
        there = f"{p.present}" + (f" +{p.guests} Gast" if p.guests else "")
        table.add_row(
            f"{p.day:%d.%m.%y}",
            attendance_bar(p, most),
            Text(there, style="green"),
            Text(str(p.excused), style="yellow" if p.excused else "dim"),
            Text(str(p.absent), style="red" if p.absent else "dim"),
        )
    return table


def group_view_text(v: GroupView) -> RenderableType:
    head = Text(v.name, style="bold")
    head.append(f"  {v.kind.label}", style="dim")
    parts: list[RenderableType] = [head]
    if v.description:
        parts.append(Text(v.description, style="dim"))
    # Sector balance: who is missing.
    parts += [Text(""), _title("Sektorenbalance"), sector_counts(v.balance)]
    if v.balance.missing:
        parts.append(Text(f"Es fehlt: {sector_list(v.balance.missing)}", style=MISSING_STYLE))
    else:
        parts.append(Text("Zivilgesellschaft und Verwaltung sind vertreten.", style="green"))
    others = [s for s in v.balance.absent_sectors if s not in CORE_SECTORS]
    if others:
        parts.append(Text(f"Nicht vertreten: {sector_list(tuple(others))}", style="dim"))
    # Measures per action field.
    parts += [Text(""), _title(f"Handlungsfelder und Maßnahmen ({len(v.measures)})")]
    if not v.measures:
        parts.append(Text("Die Gruppe ist für keine Maßnahme verantwortlich.", style="dim"))
    for title, measures in v.fields:
        parts.append(Text(title, style="italic"))
        for m in measures:
            line = Text("  ")
            line.append_text(measure_label(m, v.today))
            parts.append(line)
    # Recent decisions.
    parts += [Text(""), _title(f"Letzte Beschlüsse ({len(v.decisions)})")]
    if not v.decisions:
        parts.append(Text("Noch keine Beschlüsse in den Protokollen.", style="dim"))
    else:
        table = _table("Datum", "Beschluss", "Ergebnis")
        for d in v.decisions:
            result = Text(
                d.result.label, style="green" if d.result is DecisionResult.ANGENOMMEN else "yellow"
            )
            result.append(f", {d.vote_text}", style="dim")
            table.add_row(f"{d.day:%d.%m.%y}", d.wording, result)
        parts.append(table)
    # Open tasks.
    late = len(v.overdue_tasks)
    parts += [
        Text(""),
        _title(f"Offene Aufgaben ({len(v.open_tasks)})", f"{late} überfällig" if late else ""),
    ]
    if not v.open_tasks:
        parts.append(Text("Keine offenen Aufgaben.", style="dim"))
    else:
        table = _table("Fällig", "Aufgabe", "Wer")
        for t in v.open_tasks:
            style = OVERDUE_STYLE if t.overdue(v.today) else ""
            table.add_row(
                Text(f"{t.due:%d.%m.%y}" if t.due else "–", style=style),
                Text(t.title, style=style),
                t.assignee,
            )
        parts.append(table)
    # Attendance over time.
    parts += [
        Text(""),
        _title(
            f"Anwesenheit ({len(v.attendance)} Sitzungen)",
            "█ da  ▒ entschuldigt  ░ fehlt",
        ),
        attendance_table(v.attendance),
    ]
    return Group(*parts)


# ---------------------------------------------------------------------- the area


class NetworkArea(Area):
    TITLE = "Netzwerk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s",
            "balance",
            "Sektoren",
            tooltip="Netzwerk: Sektorenbalance von Konsortium und Gruppen",
        ),
        Binding(
            "e",
            "engagement",
            "Engagement",
            tooltip="Netzwerk: wer fehlt, wer ist neu, welche Organisation ist in keiner Gruppe",
        ),
        Binding(
            "z",
            "cooperation",
            "Zusammenarbeit",
            tooltip="Netzwerk: welche Organisationen in welchen Gruppen zusammenarbeiten",
        ),
        Binding("g", "group", "Gruppe", tooltip="Netzwerk: Blick auf eine Arbeitsgruppe"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.balance: NetworkBalance | None = None
        self.cooperation: Cooperation | None = None
        self.group_id: int | None = None
        self.groups: list[tuple[str, int]] = []
        self._balance_layout: tuple[int, int] = (0, 0)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with TabbedContent(id="network-tabs", initial="net-balance"):
            with TabPane("Sektorenbalance", id="net-balance"):
                warning = Static("", id="network-warning", classes="sector-warning")
                warning.display = False
                yield warning
                balance: DataTable[Any] = DataTable(id="network-balance", cursor_type="row")
                balance.border_title = "Mitglieder je Sektor"
                yield balance
                yield Static(
                    "[dim]Zivil Zivilgesellschaft · Verw Verwaltung · Wirt Wirtschaft · "
                    "Wiss Wissenschaft · Pol Politik · ohne: ohne Organisation · "
                    "[b red]rot[/b red]: Kernsektor fehlt · Enter: Blick auf die Gruppe[/dim]",
                    classes="network-legend",
                )
            with (
                TabPane("Engagement", id="net-engagement"),
                VerticalScroll(id="network-engagement", classes="network-pane"),
            ):
                yield Static("Wird geladen …", id="network-engagement-text")
            with (
                TabPane("Zusammenarbeit", id="net-cooperation"),
                Horizontal(id="network-cooperation"),
            ):
                orgs: DataTable[Any] = DataTable(id="network-orgs", cursor_type="row")
                orgs.border_title = "Organisationen in Gruppen"
                yield orgs
                with VerticalScroll(id="network-org-detail", classes="network-pane"):
                    yield Static("", id="network-org-text")
            with TabPane("Arbeitsgruppe", id="net-group"):
                yield Select([], prompt="Gruppe wählen", id="network-group")
                with VerticalScroll(id="network-group-view", classes="network-pane"):
                    yield Static("", id="network-group-text")
        yield Static("Wird geladen …", id="network-status", classes="status-line")

    def on_mount(self) -> None:
        orgs = self.query_one("#network-orgs", DataTable)
        orgs.add_column("Organisation", key="name", width=30)
        orgs.add_column("Sektor", key="sector")
        orgs.add_column("Gruppen", key="groups")
        orgs.add_column("Partner", key="partners")
        orgs.add_column("Sektoren", key="sectors")

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

    def _balance_widths(self, balance: NetworkBalance) -> tuple[int, int]:
        """Room for the group names and for what is missing, in the table's width."""
        missing = max(
            [len(sector_list(g.missing)) for g in (*balance.groups, balance.network)] + [8]
        )
        names = max(len(g.name) for g in (*balance.groups, balance.network))
        width = self.query_one("#network-balance", DataTable).size.width or 76
        # Two cells of padding per column (ten columns), the scrollbar, the numbers.
        numbers = sum(len(SECTOR_SHORT[s]) for s in Sector) + len("ohne") + len("Ges.")
        free = width - 20 - 2 - numbers - missing
        return max(14, min(names, free)), missing

    def _show_balance(self, balance: NetworkBalance) -> None:
        self.balance = balance
        table = self.query_one("#network-balance", DataTable)
        row = table.cursor_row
        name_width, missing_width = self._balance_widths(balance)
        self._balance_layout = (name_width, table.size.width)
        table.clear(columns=True)
        table.add_column("Gruppe", key="name", width=name_width)
        for s in Sector:
            table.add_column(SECTOR_SHORT[s], key=s.value)
        table.add_column("ohne", key="none")
        table.add_column("Ges.", key="total")
        table.add_column("Es fehlt", key="missing", width=missing_width)
        for g in balance.groups:
            table.add_row(*balance_cells(g, name_width), key=str(g.group_id))
        table.add_row(*balance_cells(balance.network, name_width, total=True), key="network")
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
        status.append("  ·  s Sektoren · e Engagement · z Zusammenarbeit · g Gruppe", style="dim")
        self.query_one("#network-status", Static).update(status)

    def on_resize(self) -> None:
        self.query_one("#network-cooperation").set_class(self.size.width < NARROW, "-narrow")
        table = self.query_one("#network-balance", DataTable)
        if self.balance is not None and table.size.width != self._balance_layout[1]:
            self._show_balance(self.balance)

    def _show_engagement(self, engagement: EngagementHealth) -> None:
        self.query_one("#network-engagement-text", Static).update(engagement_lists(engagement))

    def _show_cooperation(self, cooperation: Cooperation) -> None:
        self.cooperation = cooperation
        table = self.query_one("#network-orgs", DataTable)
        row = table.cursor_row
        table.clear()
        for o in cooperation.organisations:
            # Sectors met in the groups: the organisation's own and its partners'.
            sectors = len(set(o.partner_sectors) | {o.organisation.sector})
            table.add_row(
                Text(_clip(o.organisation.name, 30)),
                Text(o.organisation.sector.label, style=SECTOR_STYLE[o.organisation.sector]),
                Text(str(len(o.groups)), justify="right"),
                Text(str(len(o.partners)), justify="right"),
                Text(str(sectors), justify="right"),
                key=str(o.organisation.id),
            )
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
