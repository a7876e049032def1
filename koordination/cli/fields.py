"""`koordination fields list`: the action fields with goals and measures."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from koordination.cli.common import actions, command, open_core, print_json

if TYPE_CHECKING:
    from koordination.domain.records.fields import FieldRecord, MeasureRecord


def register(sub: Any) -> None:
    fields = actions(
        command(sub, "fields", "Handlungsfelder mit Zielen und Maßnahmen"), "fields_command"
    )
    listing = command(fields, "list", "Handlungsfelder, Ziele und Maßnahmen mit Stand", cmd_list)
    listing.add_argument("--json", action="store_true", help="als JSON ausgeben")


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _bar(progress: int, width: int = 10) -> str:
    filled = round(progress / 100 * width)
    return "█" * filled + "░" * (width - filled)


def _measure_lines(measure: MeasureRecord, today: date) -> list[str]:
    due = f"  fällig {measure.due_on:%d.%m.%Y}" if measure.due_on else ""
    late = "  ÜBERFÄLLIG" if measure.overdue(today) else ""
    state = f"{measure.progress:>3} %  {measure.status.label}{due}{late}"
    lines = [
        f"    Nr. {measure.id}  {measure.title}",
        f"        {_bar(measure.progress)} {state}",
    ]
    if measure.responsible:
        lines.append(f"        verantwortlich: {measure.responsible}")
    if measure.partners:
        lines.append("        Partner: " + ", ".join(p.name for p in measure.partners))
    for indicator in measure.indicators:
        share = f" ({_number(indicator.share)} %)" if indicator.share is not None else ""
        lines.append(
            f"        Kennzahl {indicator.name}: {_number(indicator.actual_value)} von "
            f"{_number(indicator.target_value)} {indicator.unit}{share}".rstrip()
        )
    for link in measure.links:
        note = f" – {link.note}" if link.note else ""
        lines.append(f"        ← {link.label}{note}")
    return lines


def render_tree(fields: list[FieldRecord], today: date) -> str:
    if not fields:
        return "Noch keine Handlungsfelder angelegt."
    lines: list[str] = []
    for field in fields:
        lead = f"  (federführend: {field.lead_group})" if field.lead_group else ""
        lines.append(f"{field.position}. {field.title}{lead}  {field.progress} %")
        for goal in field.goals:
            lines.append(f"  Ziel: {goal.title}")
            for measure in goal.measures:
                lines.extend(_measure_lines(measure, today))
            if not goal.measures:
                lines.append("    (noch keine Maßnahmen)")
        lines.append("")
    return "\n".join(lines).rstrip()


def _json(field: FieldRecord) -> dict[str, Any]:
    data = asdict(field)
    data["progress"] = field.progress
    for goal_data, goal in zip(data["goals"], field.goals, strict=True):
        goal_data["progress"] = goal.progress
        for measure_data, measure in zip(goal_data["measures"], goal.measures, strict=True):
            measure_data["status"] = measure.status.value
            measure_data["status_label"] = measure.status.label
            for partner in measure_data["partners"]:
                partner["sector"] = partner["sector"].value
            for indicator_data, indicator in zip(
                measure_data["indicators"], measure.indicators, strict=True
            ):
                indicator_data["share"] = indicator.share
    return data


def cmd_list(args: argparse.Namespace) -> int:
    core = open_core(args)
    fields = core.fields.tree()
    if args.json:
        print_json([_json(f) for f in fields])
        return 0
    print(render_tree(fields, core.clock.today()))
    return 0
