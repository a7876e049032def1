"""German dates and times for documents, independent of the machine's locale."""

from __future__ import annotations

from datetime import date, datetime, time

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def long_date(day: date) -> str:
    """``Dienstag, 8. September 2026``."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day}. {MONTHS[day.month - 1]} {day.year}"


def month_date(day: date) -> str:
    """``8. September 2026``."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``08.09.2026``."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def clock(moment: time | datetime) -> str:
    """``18:00 Uhr``."""
    return f"{moment.hour:02d}:{moment.minute:02d} Uhr"


def time_span(start: time | datetime, end: time | datetime) -> str:
    """``18:00–20:00 Uhr``."""
    return f"{start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d} Uhr"


def long_date_time(moment: datetime) -> str:
    """``Dienstag, 8. September 2026, 18:00 Uhr`` (in the zone ``moment`` carries)."""
    return f"{long_date(moment.date())}, {clock(moment)}"
