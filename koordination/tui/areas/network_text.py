"""The Netzwerk area's text: the balance rows, engagement lists, the cooperation of one
organisation and the view of one working group, as Rich renderables (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

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
from koordination.tui.field_text import OVERDUE_STYLE, measure_label
from koordination.tui.formatting import flow

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
#: How many organisations the detail of one organisation lists as closest partners.
CLOSEST = 8


def balance_legend() -> RenderableType:
    """What the balance table's short headers and colours mean; each "Abk. = Name" stays on
    one line."""
    items = [Text(f"{short} = {sector.label}") for sector, short in SECTOR_SHORT.items()]
    items.append(Text("ohne = ohne Organisation"))
    items.append(Text.assemble(("rot", "bold red"), " = Kernsektor fehlt"))
    items.append(Text("Enter: Blick auf die Gruppe"))
    for item in items:
        item.stylize("dim")
    return flow(items)


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


def balance_values(b: SectorBalance, *, total: bool = False) -> dict[str, Text]:
    """One row of the balance table by column key (the name uncut); a core sector nobody
    stands for in red."""
    style = "bold" if total else ""
    cells = {"name": Text(b.name, style=style)}
    for s in Sector:
        count = b.per_sector.get(s, 0)
        missing = s in CORE_SECTORS and not count
        cells[s.value] = Text(
            str(count) if count else ("0" if missing else "·"),
            style=MISSING_STYLE if missing else (style or ("" if count else "dim")),
            justify="right",
        )
    cells["none"] = Text(str(b.without_sector) if b.without_sector else "·", justify="right")
    cells["total"] = Text(str(b.members), style="bold", justify="right")
    cells["missing"] = (
        Text(sector_list(b.missing), style=MISSING_STYLE)
        if b.missing
        else Text("–", style="dim green")
    )
    return cells


def clipped(cells: dict[str, Text], widths: dict[str, int], key: str = "name") -> dict[str, Text]:
    """``cells`` with the text under ``key`` cut to its column's width, marked with "…"."""
    if key not in widths or cells[key].cell_len <= widths[key]:
        return cells
    text = cells[key].copy()
    text.truncate(widths[key], overflow="ellipsis")
    return {**cells, key: text}


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
