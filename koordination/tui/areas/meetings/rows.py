"""The Termine agenda's rows: which columns fit the width, and the cells of one date."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from rich.text import Text

from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingStatus
from koordination.domain.records.meetings import MeetingRecord, OccurrenceRow
from koordination.tui.formatting import (
    WEEKDAYS_SHORT,
    occurrence_place,
    occurrence_status,
    time_span,
)
from koordination.tui.widgets.column_fit import FitColumn

if TYPE_CHECKING:
    from koordination.domain.inputs.meetings import MeetingInput

#: (meeting id, original start): one date of a meeting or series.
Key = tuple[int, datetime]

#: Date, time and title always (the title never below 18 cells); status, then the place give
#: way first on a narrow screen: the detail pane shows both.
COLUMNS = [
    FitColumn("day", "Tag", 11, min_width=9),
    FitColumn("time", "Zeit", 11),
    FitColumn("title", "Termin", 30, min_width=18, grow=True),
    FitColumn("place", "Ort", 20, min_width=16, priority=2),
    FitColumn("status", "Status", 12, priority=1),
]
#: Where the detail pane is narrow (80 columns) the title gets the room of the year and of the
#: time's end ("Mi 16.12.", "17:00"): the detail pane says both of the date in the cursor.
NARROW_COLUMNS = [
    FitColumn("day", "Tag", 9),
    FitColumn("time", "Zeit", 5),
    *COLUMNS[2:],
]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE)


def key_of(row: OccurrenceRow) -> Key:
    return row.meeting_id, row.recurrence_id


def short_place(row: OccurrenceRow) -> str:
    """The room (or street) only: the agenda has no room for whole addresses."""
    place = occurrence_place(row)
    return place if place.startswith("http") else place.split(",")[0]


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def agenda_cells(
    row: OccurrenceRow, before: OccurrenceRow | None, widths: dict[str, int]
) -> list[Any]:
    """The cells of one date for the columns shown (``before``: the date above it)."""
    cancelled = row.status == MeetingStatus.ABGESAGT
    same_day = before is not None and before.start.date() == row.start.date()
    year = ".%y" if widths.get("day", 11) >= 11 else "."
    day = Text(
        f"{WEEKDAYS_SHORT[row.start.weekday()]} {row.start:%d.%m}{row.start.strftime(year)}",
        style="dim" if same_day else "bold",
    )
    if row.moved:
        day.stylize("yellow")
    title = Text(clip(row.title, widths.get("title", 30)))
    if cancelled:
        title.stylize("strike dim")
    values: dict[str, Any] = {
        "day": day,
        "time": Text(
            time_span(row.start, row.end) if widths.get("time", 11) >= 11 else f"{row.start:%H:%M}",
            style="dim" if cancelled else "",
        ),
        "title": title,
        "place": Text(clip(short_place(row), widths.get("place", 20)), style="dim"),
        "status": occurrence_status(row),
    }
    return [values[key] for key in widths]


def meeting_input(m: MeetingRecord, **changes: Any) -> MeetingInput:
    """A stored meeting as form input, e.g. to move a single meeting."""
    from koordination.domain.inputs.meetings import MeetingInput

    values: dict[str, Any] = {
        "title": m.title,
        "kind": m.kind,
        "start": m.start,
        "end": m.end,
        "description": m.description,
        "address": m.address,
        "room": m.room,
        "online_url": m.online_url,
        "group_ids": list(m.group_ids),
        "public": m.public,
        "rrule": m.rrule,
    }
    values.update(changes)
    return MeetingInput(**values)
