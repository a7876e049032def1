"""A spreadsheet cell's value as the text a coordinator would type: German dates, decimal
commas, Ja/Nein — what the importers' validators read from a CSV file too."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal


def _clock(value: time | datetime) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}"
    return f"{text}:{value.second:02d}" if value.second else text


def _number(value: float | Decimal) -> str:
    if value == int(value) and abs(float(value)) < 1e15:
        return str(int(value))
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.replace(".", ",")


def cell_text(value: object) -> str:
    """The German text of a cell's value: 14.09.2026, 14.09.2026 10:22, 3,5, Ja."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Ja" if value else "Nein"
    if isinstance(value, datetime):
        day = f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return day
        return f"{day} {_clock(value)}"
    if isinstance(value, date):
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        try:
            return _number(value)
        except (OverflowError, ValueError):  # inf, nan
            return str(value)
    return str(value)
