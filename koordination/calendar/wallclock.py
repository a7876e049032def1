"""Wall-clock times that do not exist or exist twice in the city's zone (the daylight-saving
switches), and the German warnings for meetings at such a time.

A time in the spring gap (02:30 on the last Sunday of March) is stored the way RFC 5545
(3.3.5) reads it, with the offset before the gap: 02:30 becomes 03:30 summer time. A time that
exists twice in autumn means the first of the two (still summer time). Both are well-defined,
but calendar programs do not all follow the rule for series, so the coordinator is warned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from koordination.clock import CITY_ZONE

#: How far ahead the dates of an endless series are checked.
HORIZON = timedelta(days=2 * 366)


def missing(day: date, at: time) -> bool:
    """``at`` does not exist on ``day`` (the clocks jump over it)."""
    naive = datetime.combine(day, at)
    there_and_back = naive.replace(tzinfo=CITY_ZONE).astimezone(UTC).astimezone(CITY_ZONE)
    return there_and_back.replace(tzinfo=None) != naive


def twice(day: date, at: time) -> bool:
    """``at`` exists twice on ``day`` (the clocks go back over it)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=CITY_ZONE, fold=0).utcoffset()
    second = naive.replace(tzinfo=CITY_ZONE, fold=1).utcoffset()
    return first != second and not missing(day, at)


def _wall(value: datetime) -> datetime:
    """The wall-clock time meant: a naive value as typed, an aware one in the city's zone."""
    return value if value.tzinfo is None else value.astimezone(CITY_ZONE).replace(tzinfo=None)


def warning(day: date, at: time) -> str | None:
    """The German warning for a meeting at ``at`` on ``day``, or None when the time is plain."""
    if missing(day, at):
        real = datetime.combine(day, at).replace(tzinfo=CITY_ZONE).astimezone(UTC)
        summer = real.astimezone(CITY_ZONE)
        return (
            f"Am {day:%d.%m.%Y} gibt es {at:%H:%M} Uhr nicht (Umstellung auf Sommerzeit); "
            f"gespeichert wird {summer:%H:%M} Uhr Sommerzeit, doch Kalenderprogramme zeigen "
            "den Termin womöglich unterschiedlich an. Besser eine andere Uhrzeit wählen."
        )
    if twice(day, at):
        return (
            f"Am {day:%d.%m.%Y} gibt es {at:%H:%M} Uhr zweimal (Umstellung auf Winterzeit); "
            f"gespeichert wird das erste Mal ({at:%H:%M} Uhr Sommerzeit). Besser eine andere "
            "Uhrzeit wählen."
        )
    return None


def clock_change_warnings(
    start: datetime, end: datetime, days: Iterable[date] | None = None
) -> list[str]:
    """Warnings for a meeting from ``start`` to ``end`` (wall-clock times; naive as typed),
    on its own day or on each of ``days`` (the dates of a series), once per day."""
    begin, finish = _wall(start), _wall(end)
    warnings: list[str] = []
    for day in sorted(set(days or ())) or [begin.date()]:
        offset = day - begin.date()
        for moment in (begin, finish):
            moment_day = moment.date() + offset
            text = warning(moment_day, moment.time())
            if text is not None and text not in warnings:
                warnings.append(text)
    return warnings


def series_days(start: datetime, end: datetime, rrule: str | None) -> list[date]:
    """The dates of a series (up to ``HORIZON`` ahead), by its rule in wall-clock time."""
    from koordination.calendar.events import Event
    from koordination.calendar.recurrence import expand

    begin = _wall(start)
    if not rrule:
        return [begin.date()]
    first = datetime.combine(begin.date(), time(12, 0), tzinfo=CITY_ZONE)
    probe = Event("probe", 0, "", first, first + timedelta(hours=1), rrule=rrule)
    return [o.recurrence_id.date() for o in expand(probe, first, first + HORIZON)]
