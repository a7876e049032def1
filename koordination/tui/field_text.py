"""How action fields, goals, measures, indicators and links read on screen (Rich text)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from koordination.domain.enums import MeasureStatus
from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkRecord,
    MeasureRecord,
)

STATUS_STYLE = {
    MeasureStatus.GEPLANT: "blue",
    MeasureStatus.LAUFEND: "yellow",
    MeasureStatus.ABGESCHLOSSEN: "green",
    MeasureStatus.PAUSIERT: "dim",
}
OVERDUE_STYLE = "bold red"
#: Cells of the progress bars in the tree, and in the detail pane.
TREE_BAR = 5
DETAIL_BAR = 10
#: Below this width the detail pane moves under the tree.

#: One record per node of the tree.
NodeData = FieldRecord | GoalRecord | MeasureRecord | IndicatorRecord | LinkRecord
NodeKey = tuple[str, int]


# ---------------------------------------------------------------------- rendering


def number_text(value: float | None, *, empty: str = "–", grouped: bool = True) -> str:
    """``6``, ``7,5``, ``1.200``: numbers the German way, whole ones without decimals.
    Not ``grouped`` (for editing), every decimal is kept."""
    if value is None:
        return empty
    if float(value).is_integer():
        text = format(int(value), "," if grouped else "")
    elif grouped:
        text = format(value, ",.2f").rstrip("0")
    else:
        text = repr(float(value))
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def status_text(status: MeasureStatus) -> Text:
    return Text(status.label, style=STATUS_STYLE[status])


def progress_text(progress: int, style: str = "cyan", cells: int = TREE_BAR) -> Text:
    """``███░░  60 %``: a bar in the status colour, then the share."""
    progress = max(0, min(100, progress))
    filled = round(progress / 100 * cells)
    # A little progress shows, and so does the last bit missing.
    if 0 < progress < 100:
        filled = max(1, min(cells - 1, filled))
    out = Text()
    out.append("█" * filled, style=style)
    out.append("░" * (cells - filled), style="dim")
    out.append(f" {progress:>3} %")
    return out


def measure_style(m: MeasureRecord, today: date) -> str:
    return OVERDUE_STYLE if m.overdue(today) else STATUS_STYLE[m.status]


def measure_label(m: MeasureRecord, today: date) -> Text:
    """One line of the tree: bar, share, when it is due, title and status. The date comes
    before the title, so a narrow tree cuts the status (its colour is the bar's), not the date."""
    late = m.overdue(today)
    out = progress_text(m.progress, measure_style(m, today))
    out.append("  ")
    if late and m.due_on:
        out.append(f"überfällig {m.due_on:%d.%m.%y}  ", style=OVERDUE_STYLE)
    elif m.due_on and m.status not in (MeasureStatus.ABGESCHLOSSEN, MeasureStatus.PAUSIERT):
        out.append(f"bis {m.due_on:%d.%m.%y}  ", style="dim")
    out.append(m.title, style=OVERDUE_STYLE if late else "")
    out.append("  ")
    out.append_text(status_text(m.status))
    return out


def field_label(f: FieldRecord) -> Text:
    out = Text(f.title, style="bold")
    out.append("  ")
    out.append_text(progress_text(f.progress))
    if not f.goals:
        out.append("  noch keine Ziele", style="dim italic")
    return out


def goal_label(g: GoalRecord) -> Text:
    out = Text("Ziel: ", style="dim")
    out.append(g.title)
    out.append("  ")
    out.append_text(progress_text(g.progress))
    if not g.measures:
        out.append("  noch keine Maßnahmen", style="dim italic")
    return out


def indicator_value(i: IndicatorRecord) -> str:
    """``6 von 15 Vereine (40 %)``; without a target only the value."""
    unit = f" {i.unit}" if i.unit else ""
    if i.target_value is None:
        return f"{number_text(i.actual_value)}{unit}"
    if i.actual_value is None:
        return f"Ziel {number_text(i.target_value)}{unit}, noch kein Istwert"
    share = f" ({number_text(i.share)} %)" if i.share is not None else ""
    return f"{number_text(i.actual_value)} von {number_text(i.target_value)}{unit}{share}"


def indicator_label(i: IndicatorRecord) -> Text:
    out = Text("Kennzahl ", style="dim")
    out.append(i.name)
    out.append(": ")
    reached = i.share is not None and i.share >= 100
    out.append(indicator_value(i), style="green" if reached else "")
    return out


def link_label(link: LinkRecord) -> Text:
    out = Text("← ", style="bold magenta")
    out.append(link.label)
    if link.note:
        out.append(f" – {link.note}", style="dim italic")
    return out


def _facts(rows: Sequence[tuple[str, str | Text]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, value)
    return table


def _period(m: MeasureRecord, today: date) -> Text:
    start = f"{m.starts_on:%d.%m.%Y}" if m.starts_on else ""
    due = f"{m.due_on:%d.%m.%Y}" if m.due_on else ""
    if start and due:
        out = Text(f"{start} – {due}")
    elif due:
        out = Text(f"bis {due}")
    elif start:
        out = Text(f"ab {start}, ohne Fälligkeit")
    else:
        out = Text("–")
    if m.overdue(today):
        out.append("  überfällig", style=OVERDUE_STYLE)
    return out


def hint(text: str) -> Text:
    return Text(text, style="dim")


def measure_detail(m: MeasureRecord, today: date) -> RenderableType:
    """Everything about one measure: who, when, with whom, how far, and what drives it."""
    head = Text(m.title, style="bold")
    head.append(f"  Nr. {m.id}", style="dim")
    state = status_text(m.status)
    state.append("  ")
    state.append_text(progress_text(m.progress, measure_style(m, today), DETAIL_BAR))
    partners = ", ".join(f"{p.name} ({p.sector.label})" for p in m.partners)
    parts: list[RenderableType] = [
        head,
        Text(f"{m.field_title} › {m.goal_title}", style="dim"),
        _facts(
            [
                ("Status", state),
                ("Verantwortlich", m.responsible or "–"),
                ("Zeitraum", _period(m, today)),
                ("Partner", partners or "–"),
            ]
        ),
    ]
    if m.description:
        parts += [Text(""), Text(m.description)]
    parts.append(Text("\nKennzahlen", style="bold"))
    if not m.indicators:
        parts.append(hint("  keine – anlegen mit Taste #"))
    else:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        for i in m.indicators:
            value = Text(indicator_value(i))
            if i.share is not None:
                value.append("  ")
                value.append_text(
                    progress_text(round(min(i.share, 100)), "green" if i.share >= 100 else "cyan")
                )
            if i.measured_on:
                value.append(f"  Stand {i.measured_on:%d.%m.%Y}", style="dim")
            table.add_row(f"  {i.name}:", value)
        parts.append(table)
    parts.append(Text("\nGrundlagen: Beschlüsse, Aufgaben, Umfragen", style="bold"))
    if not m.links:
        parts.append(hint("  keine – verknüpfen mit Taste V"))
    else:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        for link in m.links:
            text = Text(link.label)
            if link.note:
                text.append(f" – {link.note}", style="dim italic")
            table.add_row(Text("  ←", style="bold magenta"), text)
        parts.append(table)
    return Group(*parts)


def _counts(measures: Sequence[MeasureRecord], today: date) -> Text:
    if not measures:
        return Text("keine", style="dim")
    counts = Counter(m.status for m in measures)
    out = Text()
    for status in MeasureStatus:
        if counts[status]:
            if out:
                out.append(", ")
            out.append(f"{counts[status]} ")
            out.append_text(status_text(status))
    late = sum(1 for m in measures if m.overdue(today))
    if late:
        out.append(f", {late} überfällig", style=OVERDUE_STYLE)
    return out


def field_detail(f: FieldRecord, today: date) -> RenderableType:
    parts: list[RenderableType] = [
        Text(f.title, style="bold"),
        _facts(
            [
                ("Federführend", f.lead_group or "–"),
                ("Fortschritt", progress_text(f.progress, cells=DETAIL_BAR)),
                ("Ziele", str(len(f.goals))),
                ("Maßnahmen", _counts(f.measures, today)),
            ]
        ),
    ]
    if f.description:
        parts += [Text(""), Text(f.description)]
    parts.append(Text(""))
    parts.append(hint("n: neues Ziel · e: bearbeiten · x: löschen · Leertaste: auf/zu"))
    return Group(*parts)


def goal_detail(g: GoalRecord, field_title: str, today: date) -> RenderableType:
    parts: list[RenderableType] = [
        Text(g.title, style="bold"),
        Text(f"Handlungsfeld: {field_title}", style="dim"),
        _facts(
            [
                ("Fortschritt", progress_text(g.progress, cells=DETAIL_BAR)),
                ("Maßnahmen", _counts(g.measures, today)),
            ]
        ),
    ]
    if g.description:
        parts += [Text(""), Text(g.description)]
    parts.append(Text(""))
    parts.append(hint("n: neue Maßnahme · e: bearbeiten · x: löschen"))
    return Group(*parts)


def indicator_detail(i: IndicatorRecord, m: MeasureRecord) -> RenderableType:
    share: str | Text = "–"
    if i.share is not None:
        share = progress_text(round(min(i.share, 100)), cells=DETAIL_BAR)
        if i.share > 100:
            share.append(f"  ({number_text(i.share)} %)", style="green")
    return Group(
        Text(f"Kennzahl: {i.name}", style="bold"),
        Text(f"Maßnahme: {m.title}", style="dim"),
        _facts(
            [
                ("Zielwert", f"{number_text(i.target_value)} {i.unit}".rstrip()),
                ("Istwert", f"{number_text(i.actual_value)} {i.unit}".rstrip()),
                ("Erreicht", share),
                ("Stand vom", f"{i.measured_on:%d.%m.%Y}" if i.measured_on else "–"),
            ]
        ),
        Text(""),
        hint("# oder e: bearbeiten · x: löschen"),
    )


def link_detail(link: LinkRecord, m: MeasureRecord) -> RenderableType:
    parts: list[RenderableType] = [
        Text(f"{link.kind_label} für „{m.title}“", style="bold"),
        Text(link.label),
    ]
    if link.note:
        parts.append(Text(f"Anmerkung: {link.note}", style="italic"))
    parts.append(Text(""))
    parts.append(hint("Enter: welche Maßnahmen hängen noch daran? · L oder x: Verknüpfung lösen"))
    return Group(*parts)
