"""Recurring series: the rules people use, their RRULE form and German wording, and expansion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from koordination.calendar.events import Event, Occurrence, Override
from koordination.clock import CITY_ZONE
from koordination.errors import FieldError, ValidationError

__all__ = [
    "Dated",
    "Frequency",
    "RecurrenceRule",
    "dates",
    "expand",
    "local_naive",
    "localize",
    "matching_overrides",
    "rule_starts",
]

#: RFC 5545 weekday codes, Monday first (``date.weekday()`` order).
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

_FIELD = "Wiederholung"


class Frequency(StrEnum):
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


def _invalid(message: str) -> ValidationError:
    return ValidationError([FieldError(_FIELD, message)])


@dataclass(frozen=True)
class RecurrenceRule:
    """A series rule as the coordinator picks it.

    - weekly: ``frequency=WEEKLY``, ``weekdays`` (0 = Monday … 6 = Sunday), every ``interval``
      weeks;
    - monthly on a date: ``frequency=MONTHLY``, ``month_day`` (1..31);
    - monthly on the n-th weekday: ``frequency=MONTHLY``, ``weekday`` and ``nth`` (1..4, or -1 for
      the last one).

    A series ends on ``until`` (a local date, inclusive), after ``count`` meetings, or never.
    """

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    until: date | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.interval < 1:
            problems.append("Der Abstand muss mindestens 1 sein.")
        if self.until is not None and self.count is not None:
            problems.append("Entweder ein Enddatum oder eine Anzahl von Terminen, nicht beides.")
        if self.count is not None and self.count < 1:
            problems.append("Die Anzahl der Termine muss mindestens 1 sein.")
        if self.frequency is Frequency.WEEKLY:
            if not self.weekdays:
                problems.append("Bitte mindestens einen Wochentag wählen.")
            if any(not 0 <= d <= 6 for d in self.weekdays):
                problems.append("Unbekannter Wochentag.")
            if self.month_day is not None or self.weekday is not None or self.nth is not None:
                problems.append("Eine wöchentliche Regel hat keinen Monatstag.")
        else:
            if self.weekdays:
                problems.append("Eine monatliche Regel hat keine Liste von Wochentagen.")
            by_date = self.month_day is not None
            by_weekday = self.weekday is not None or self.nth is not None
            if by_date == by_weekday:
                problems.append(
                    "Monatlich entweder an einem Tag des Monats oder am n-ten Wochentag."
                )
            if by_date and not 1 <= (self.month_day or 0) <= 31:
                problems.append("Der Tag des Monats muss zwischen 1 und 31 liegen.")
            if by_weekday:
                if self.weekday is None or not 0 <= self.weekday <= 6:
                    problems.append("Unbekannter Wochentag.")
                if self.nth not in (1, 2, 3, 4, -1):
                    problems.append("Nur der 1. bis 4. oder der letzte Wochentag im Monat.")
        if problems:
            raise ValidationError([FieldError(_FIELD, p) for p in problems])

    # --- convenient constructors ------------------------------------------------------------

    @classmethod
    def weekly(
        cls,
        *weekdays: int,
        interval: int = 1,
        until: date | None = None,
        count: int | None = None,
    ) -> RecurrenceRule:
        return cls(
            Frequency.WEEKLY,
            interval=interval,
            weekdays=tuple(sorted(set(weekdays))),
            until=until,
            count=count,
        )

    @classmethod
    def monthly_on_day(
        cls,
        month_day: int,
        *,
        interval: int = 1,
        until: date | None = None,
        count: int | None = None,
    ) -> RecurrenceRule:
        return cls(
            Frequency.MONTHLY, interval=interval, month_day=month_day, until=until, count=count
        )

    @classmethod
    def monthly_on_weekday(
        cls,
        nth: int,
        weekday: int,
        *,
        interval: int = 1,
        until: date | None = None,
        count: int | None = None,
    ) -> RecurrenceRule:
        return cls(
            Frequency.MONTHLY,
            interval=interval,
            weekday=weekday,
            nth=nth,
            until=until,
            count=count,
        )

    # --- RFC 5545 -----------------------------------------------------------------------------

    def to_rrule(self) -> str:
        """The RRULE value; UNTIL is the end of the local day in UTC (DTSTART carries a TZID)."""
        parts = [f"FREQ={self.frequency.value}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.frequency is Frequency.WEEKLY:
            parts.append("BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in self.weekdays))
        elif self.month_day is not None:
            parts.append(f"BYMONTHDAY={self.month_day}")
        else:
            assert self.weekday is not None and self.nth is not None
            parts.append(f"BYDAY={self.nth}{WEEKDAY_CODES[self.weekday]}")
        if self.until is not None:
            end_of_day = datetime.combine(self.until, time(23, 59, 59), tzinfo=CITY_ZONE)
            parts.append("UNTIL=" + end_of_day.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, text: str) -> RecurrenceRule:
        """Parse an RRULE value (with or without the ``RRULE:`` prefix) of one of our rule kinds."""
        value = text.strip()
        if value.upper().startswith("RRULE:"):
            value = value[6:]
        fields: dict[str, str] = {}
        for part in value.split(";"):
            if not part:
                continue
            key, sep, val = part.partition("=")
            if not sep or not val:
                raise _invalid(f"Unverständliche Regel: {text!r}")
            fields[key.strip().upper()] = val.strip().upper()
        unsupported = set(fields) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT"}
        unsupported -= {"WKST"} if fields.get("WKST", "MO") == "MO" else set()
        if unsupported:
            raise _invalid(f"Diese Regel wird nicht unterstützt: {text!r}")
        try:
            frequency = Frequency(fields.get("FREQ", ""))
        except ValueError:
            raise _invalid("Nur wöchentliche oder monatliche Serien werden unterstützt.") from None
        try:
            interval = int(fields.get("INTERVAL", "1"))
            count = int(fields["COUNT"]) if "COUNT" in fields else None
        except ValueError:
            raise _invalid(f"Unverständliche Regel: {text!r}") from None
        until = _parse_until(fields["UNTIL"]) if "UNTIL" in fields else None
        byday = [d for d in fields.get("BYDAY", "").split(",") if d]
        if frequency is Frequency.WEEKLY:
            if "BYMONTHDAY" in fields or any(d not in WEEKDAY_CODES for d in byday):
                raise _invalid(f"Diese Regel wird nicht unterstützt: {text!r}")
            weekdays = tuple(sorted({WEEKDAY_CODES.index(d) for d in byday}))
            return cls(frequency, interval, weekdays=weekdays, until=until, count=count)
        if "BYMONTHDAY" in fields:
            if byday:
                raise _invalid(f"Diese Regel wird nicht unterstützt: {text!r}")
            try:
                month_day = int(fields["BYMONTHDAY"])
            except ValueError:
                raise _invalid(f"Unverständliche Regel: {text!r}") from None
            return cls(frequency, interval, month_day=month_day, until=until, count=count)
        match = (
            re.fullmatch(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)", byday[0]) if len(byday) == 1 else None
        )
        if match is None:
            raise _invalid(f"Diese Regel wird nicht unterstützt: {text!r}")
        return cls(
            frequency,
            interval,
            weekday=WEEKDAY_CODES.index(match.group(2)),
            nth=int(match.group(1)),
            until=until,
            count=count,
        )

    def describe(self) -> str:
        """German wording: "jeden 2. Dienstag im Monat, bis 31.12.2027"."""
        if self.frequency is Frequency.WEEKLY:
            days = _german_list([WEEKDAY_NAMES[d] for d in self.weekdays])
            if self.interval == 1:
                text = f"jeden {days}"
            else:
                text = f"alle {self.interval} Wochen am {days}"
        elif self.month_day is not None:
            if self.interval == 1:
                text = f"monatlich am {self.month_day}."
            else:
                text = f"alle {self.interval} Monate am {self.month_day}."
        else:
            assert self.weekday is not None
            name = WEEKDAY_NAMES[self.weekday]
            if self.nth == -1:
                which = f"letzten {name}"
                text = f"am {which} im Monat"
            else:
                which = f"{self.nth}. {name}"
                text = f"jeden {which} im Monat"
            if self.interval != 1:
                text = f"alle {self.interval} Monate am {which}"
        if self.until is not None:
            text += f", bis {self.until:%d.%m.%Y}"
        elif self.count is not None:
            text += ", 1 Termin" if self.count == 1 else f", {self.count} Termine"
        return text


def _german_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " und " + items[-1]


def _parse_until(value: str) -> date:
    """UNTIL as a local date: a UTC instant converted to Berlin, a date or floating time as is."""
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").date()
        if value.endswith("Z"):
            instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return instant.astimezone(CITY_ZONE).date()
        return datetime.strptime(value, "%Y%m%dT%H%M%S").date()
    except ValueError:
        raise _invalid(f"Unverständliches Enddatum: {value!r}") from None


# --- wall-clock helpers ---------------------------------------------------------------------


def local_naive(moment: datetime) -> datetime:
    """The Berlin wall-clock time of an aware datetime, without tzinfo."""
    return moment.astimezone(CITY_ZONE).replace(tzinfo=None)


def _maybe_in_gap(naive: datetime) -> bool:
    # Only the last Sunday of March has a missing hour (02:00-03:00) in Berlin.
    return naive.month == 3 and naive.day >= 25 and naive.hour == 2 and naive.weekday() == 6


def localize(naive: datetime) -> datetime:
    """A Berlin wall-clock time as an aware datetime, the way RFC 5545 reads a TZID time.

    An ambiguous time (the repeated hour in October) means its first occurrence (summer time,
    ``fold=0``); a time in the gap in March is read with the offset before the gap, so 02:30
    becomes 03:30 summer time.
    """
    aware = naive.replace(tzinfo=CITY_ZONE)
    if _maybe_in_gap(naive):
        return aware.astimezone(UTC).astimezone(CITY_ZONE)
    return aware


def _unfold_until(text: str) -> str:
    """The rule with UNTIL as a floating local time, so dateutil can apply it to naive times."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(1)
        if value.endswith("Z"):
            instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return "UNTIL=" + local_naive(instant).strftime("%Y%m%dT%H%M%S")
        if len(value) == 8:
            return f"UNTIL={value}T235959"
        return match.group(0)

    return re.sub(r"UNTIL=([0-9TZ]+)", replace, text, flags=re.IGNORECASE)


@lru_cache(maxsize=8192)
def _compiled(rule_text: str, dtstart: datetime) -> rrule:
    value = rule_text.strip()
    if value.upper().startswith("RRULE:"):
        value = value[6:]
    try:
        compiled = rrulestr(_unfold_until(value), dtstart=dtstart, cache=True)
    except (ValueError, TypeError) as exc:
        raise _invalid(f"Unverständliche Regel: {rule_text!r} ({exc})") from None
    if not isinstance(compiled, rrule):
        raise _invalid(f"Unverständliche Regel: {rule_text!r}")
    return compiled


@dataclass(frozen=True)
class _Plan:
    """One of our own rule kinds, ready for the fast expansion below."""

    rule: RecurrenceRule
    until: datetime | None  # the last allowed local start (naive)


@lru_cache(maxsize=4096)
def _plan(rule_text: str) -> _Plan | None:
    """The rule as a plan for :func:`_fast_starts`, or None when only dateutil can expand it."""
    try:
        rule = RecurrenceRule.from_rrule(rule_text)
    except ValidationError:
        return None
    until = None
    match = re.search(r"UNTIL=([0-9TZ]+)", _unfold_until(rule_text), flags=re.IGNORECASE)
    if match:
        until = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
    return _Plan(rule, until)


def _month_days(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _fast_starts(plan: _Plan, dtstart: datetime, first: datetime, last: datetime) -> list[datetime]:
    """The rule's local starts in ``[first, last]``, exactly as dateutil's rrule gives them.

    dateutil iterates from DTSTART with general machinery (a few µs per occurrence); for the
    four rule kinds koordination writes, date arithmetic jumps straight to the window. A
    property test keeps the two in agreement.
    """
    rule = plan.rule
    until = plan.until
    if until is not None and until < last:
        last = until
    count = rule.count
    # With COUNT every occurrence from DTSTART on must be counted; otherwise skip ahead.
    skip_ahead = count is None
    clock = dtstart.time()
    start_day = dtstart.date()
    result: list[datetime] = []
    produced = 0
    if rule.frequency is Frequency.WEEKLY:
        monday = start_day - timedelta(days=start_day.weekday())
        step = 7 * rule.interval
        week = 0
        if skip_ahead and first > dtstart:
            week = max(0, ((first.date() - monday).days // step) - 1)
        while True:
            base = monday + timedelta(days=week * step)
            if datetime.combine(base, clock) > last:
                return result
            for weekday in rule.weekdays:
                moment = datetime.combine(base + timedelta(days=weekday), clock)
                if moment < dtstart:
                    continue
                if moment > last:
                    return result
                produced += 1
                if moment >= first:
                    result.append(moment)
                if count is not None and produced >= count:
                    return result
            week += 1
    months = 0
    if skip_ahead and first > dtstart:
        span = (first.year - start_day.year) * 12 + first.month - start_day.month
        months = max(0, (span // rule.interval - 1) * rule.interval)
    while True:
        index = start_day.month - 1 + months
        year, month = start_day.year + index // 12, index % 12 + 1
        if datetime.combine(date(year, month, 1), clock) > last:
            return result
        months += rule.interval
        length = _month_days(year, month)
        if rule.month_day is not None:
            if rule.month_day > length:
                continue  # no 31st in this month: RFC 5545 skips it
            day = rule.month_day
        else:
            assert rule.weekday is not None and rule.nth is not None
            if rule.nth > 0:
                offset = (rule.weekday - date(year, month, 1).weekday()) % 7
                day = 1 + offset + 7 * (rule.nth - 1)
            else:
                day = length - (date(year, month, length).weekday() - rule.weekday) % 7
        moment = datetime.combine(date(year, month, day), clock)
        if moment < dtstart:
            continue
        if moment > last:
            return result
        produced += 1
        if moment >= first:
            result.append(moment)
        if count is not None and produced >= count:
            return result


def rule_starts(
    rule_text: str, dtstart: datetime, first: datetime, last: datetime
) -> list[datetime]:
    """The local (naive) starts a rule produces in ``[first, last]``, DTSTART given as naive."""
    plan = _plan(rule_text)
    if plan is not None:
        return _fast_starts(plan, dtstart, first, last)
    return _compiled(rule_text, dtstart).between(first, last, inc=True)


def matching_overrides(event: Event) -> dict[datetime, Override]:
    """The event's overrides that belong to an occurrence its rule produces, by UTC instant.

    An override whose RECURRENCE-ID is not (or no longer) an occurrence of the rule is dropped:
    calendars disagree about such orphans, so koordination never shows or writes them.
    """
    return _matching(event.start, event.rrule, event.overrides)


def _matching(
    start: datetime, rrule: str | None, overrides: Sequence[Override]
) -> dict[datetime, Override]:
    if not overrides:
        return {}
    if not rrule:
        first = start.astimezone(UTC)
        return {
            o.recurrence_id.astimezone(UTC): o
            for o in overrides
            if o.recurrence_id.astimezone(UTC) == first
        }
    dtstart = local_naive(start)
    result: dict[datetime, Override] = {}
    for override in overrides:
        naive = local_naive(override.recurrence_id)
        hits = rule_starts(rrule, dtstart, naive, naive)
        if hits:
            result[localize(hits[0]).astimezone(UTC)] = override
    return result


#: One date of an event: its recurrence id (the start the rule gives it), start and end (Berlin),
#: and the override that moved or cancelled it (``None``: the date as the event says).
Dated = tuple[datetime, datetime, datetime, Override | None]


def dates(
    start: datetime,
    end: datetime,
    rrule: str | None,
    overrides: Sequence[Override],
    window_start: datetime,
    window_end: datetime,
) -> list[Dated]:
    """The dates of an event starting ``start`` and ending ``end`` (its first date for a series)
    that overlap ``[window_start, window_end)``, sorted by start: what :func:`expand` makes its
    occurrences of, without building an event or an occurrence (listings of thousands of
    meetings call this directly).

    The rule is applied to Berlin wall-clock times (18:00 stays 18:00 in summer and winter).
    A moved date is where its override put it.
    """
    duration = end - start
    matching = _matching(start, rrule, overrides) if overrides else {}
    if not rrule:
        override = matching.get(start.astimezone(UTC)) if matching else None
        if override is not None:
            found = _overridden(start, override, duration)
            return [found] if found[1] < window_end and found[2] > window_start else []
        return [(start, start, end, None)] if start < window_end and end > window_start else []

    # An occurrence starting up to one duration before the window still overlaps it.
    first = local_naive(window_start - duration) - timedelta(hours=2)
    last = local_naive(window_end) + timedelta(hours=2)
    result: list[Dated] = []
    append = result.append
    for naive in rule_starts(rrule, local_naive(start), first, last):
        begins = localize(naive)
        if matching:
            override = matching.get(begins)
            if override is not None:
                if not override.cancelled:
                    continue  # moved: added below, wherever it went
                found = _overridden(begins, override, duration)
                if found[1] < window_end and found[2] > window_start:
                    append(found)
                continue
        ends = begins + duration
        if begins < window_end and ends > window_start:
            append((begins, begins, ends, None))
    for instant, override in matching.items():
        if override.cancelled:
            continue
        found = _overridden(instant.astimezone(CITY_ZONE), override, duration)
        if found[1] < window_end and found[2] > window_start:
            append(found)
    if matching:
        result.sort(key=lambda d: d[1])
    return result


def _overridden(original: datetime, override: Override, duration: timedelta) -> Dated:
    if override.cancelled:
        return (original, original, original + duration, override)
    start = (override.start or original).astimezone(CITY_ZONE)
    end = override.end.astimezone(CITY_ZONE) if override.end is not None else start + duration
    return (original, start, end, override)


def expand(event: Event, window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """The event's occurrences that overlap ``[window_start, window_end)``, sorted by start.

    The rule is applied to Berlin wall-clock times (18:00 stays 18:00 in summer and winter).
    Cancelled occurrences are included with ``cancelled=True`` (all of them when the whole event
    is cancelled); moved ones carry their new start, end and place and ``moved=True``.
    """
    uid, title, place, cancelled = event.uid, event.title, event.place, event.cancelled
    found = dates(event.start, event.end, event.rrule, event.overrides, window_start, window_end)
    return [
        Occurrence(uid, rid, start, end, title, place, cancelled)
        if override is None
        else Occurrence(uid, rid, start, end, title, place, cancelled=True)
        if override.cancelled
        else Occurrence(
            uid,
            rid,
            start,
            end,
            title,
            override.place or place,
            cancelled=cancelled,
            moved=True,
        )
        for rid, start, end, override in found
    ]
