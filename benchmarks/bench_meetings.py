"""Meetings benchmark: `koordination meetings list` over two years holding 10,000 meeting dates.

The city has 5,200 single meetings and 200 monthly or fortnightly series (4,800 dates once
expanded), each series with a moved and a cancelled date. The whole command is timed in a fresh
process, as a coordinator runs it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.report import verdict

TARGET_SECONDS = 0.5  # issue 15: the whole command, 10,000 meetings over two years
#: Expanding 10,000 meetings (a fifth of them series) over two years, in process.
EXPAND_TARGET_SECONDS = 0.8
CACHE = Path(tempfile.gettempdir()) / "koordination-bench"


def build_meetings_db(path: Path, singles: int = 5_200, series: int = 200) -> Path:
    from sqlalchemy import insert

    from koordination.calendar.events import Event
    from koordination.calendar.recurrence import RecurrenceRule, expand
    from koordination.clock import CITY_ZONE
    from koordination.db.engine import Database
    from koordination.db.migrations import upgrade
    from koordination.domain.enums import MeetingKind, MeetingStatus
    from koordination.domain.models import Meeting, MeetingOverride

    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    db = Database(str(path))
    upgrade(db)
    rng = random.Random(10_000)
    now = datetime.now(UTC)
    first = date(2027, 1, 1)
    rows, overrides = [], []

    def local(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=CITY_ZONE)

    def at(day: date, hour: int) -> datetime:
        return local(day, hour).astimezone(UTC)

    for i in range(singles + series):
        day = first + timedelta(days=rng.randrange(700))
        hour = rng.choice([9, 10, 14, 17, 18, 19])
        rrule = None
        last_end = at(day, hour + 2)
        if i >= singles:
            if i % 2:
                rule = RecurrenceRule.monthly_on_weekday(
                    rng.randint(1, 4), rng.randrange(5), count=24
                )
            else:
                rule = RecurrenceRule.weekly(rng.randrange(5), interval=4, count=24)
            day = first + timedelta(days=rng.randrange(28))
            rrule = rule.to_rrule()
            last_end = None
            dates = expand(
                Event(f"bench-{i}", 0, "", local(day, hour), local(day, hour + 2), rrule=rrule),
                local(day, 0),
                local(day, 0) + timedelta(days=800),
            )
            moved, cancelled = dates[4].recurrence_id, dates[2].recurrence_id
            overrides += [
                {
                    "meeting_id": i + 1,
                    "recurrence_id": cancelled.astimezone(UTC),
                    "cancelled": True,
                    "sequence": 1,
                },
                {
                    "meeting_id": i + 1,
                    "recurrence_id": moved.astimezone(UTC),
                    "cancelled": False,
                    "start_at": (moved + timedelta(days=1)).astimezone(UTC),
                    "end_at": (moved + timedelta(days=1, hours=2)).astimezone(UTC),
                    "sequence": 1,
                },
            ]
        rows.append(
            {
                "id": i + 1,
                "uid": f"bench-{i}@koordination.local",
                "kind": MeetingKind.ARBEITSKREIS,
                "title": f"Arbeitskreis {i % 97} – Treffen",
                "description": "",
                "start_at": at(day, hour),
                "end_at": at(day, hour + 2),
                "address": "Rathaus, Marktplatz 1",
                "room": f"Raum {i % 12}",
                "online_url": "",
                "status": MeetingStatus.EINGELADEN,
                "public": True,
                "rrule": rrule,
                "last_end_at": last_end,
                "sequence": 1,
                "request_sequence": 1,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    with db.engine.begin() as conn:
        conn.execute(insert(Meeting.__table__), rows)
        if overrides:
            conn.execute(insert(MeetingOverride.__table__), overrides)
    db.dispose()
    return path


def time_listing(path: Path, runs: int) -> tuple[float, int, tuple[float, float]]:
    command = [
        sys.executable,
        "-m",
        "koordination",
        "--db",
        str(path),
        "meetings",
        "list",
        "--from",
        "01.01.2027",
        "--to",
        "31.12.2028",
        "--json",
    ]
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
        count = result.stdout.count(b'"meeting_id"')
    return statistics.median(times), count, (min(times), max(times))


def time_expansion(runs: int) -> tuple[float, int]:
    """Median seconds to expand a city's 10,000 meetings (2,000 series) over two years."""
    from koordination.calendar.events import Event, Override
    from koordination.calendar.recurrence import RecurrenceRule, expand
    from koordination.clock import CITY_ZONE

    rng = random.Random(3)
    kinds = [
        RecurrenceRule.weekly(1),
        RecurrenceRule.weekly(2, interval=2),
        RecurrenceRule.monthly_on_weekday(2, 1),
        RecurrenceRule.monthly_on_day(15, until=date(2027, 6, 30)),
        RecurrenceRule.monthly_on_weekday(-1, 4, count=12),
    ]
    first = datetime(2026, 1, 1, 8, tzinfo=CITY_ZONE)
    window = (datetime(2026, 1, 1, tzinfo=CITY_ZONE), datetime(2028, 1, 1, tzinfo=CITY_ZONE))
    events = []
    for number in range(10_000):
        start = first + timedelta(days=rng.randrange(700), hours=rng.randrange(12))
        rule = rng.choice(kinds).to_rrule() if rng.random() < 0.2 else None
        cancel = (Override(start + timedelta(days=28), cancelled=True),) if rule else ()
        events.append(
            Event(
                f"m{number}@bench",
                0,
                "T",
                start,
                start + timedelta(hours=2),
                rrule=rule,
                overrides=cancel,
            )
        )
    timings, total = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        total = sum(len(expand(event, *window)) for event in events)
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    path = build_meetings_db(CACHE / "termine.sqlite3")
    seconds, count, spread = time_listing(path, args.runs)
    listed = verdict(
        f"meetings list over two years ({count} dates, whole process)",
        seconds,
        TARGET_SECONDS,
        "s",
        spread=spread,
    )
    print(listed.text)
    expand_seconds, dates = time_expansion(args.runs)
    expanded = verdict(
        f"expanding 10,000 meetings over two years ({dates} dates, in process)",
        expand_seconds,
        EXPAND_TARGET_SECONDS,
        "s",
    )
    print(expanded.text)
    return 0 if listed.ok and expanded.ok else 1


if __name__ == "__main__":
    sys.exit(main())
