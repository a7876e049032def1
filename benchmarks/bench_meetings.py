"""Meetings benchmark: `koordination meetings list` over two years holding 10,000 meeting dates.

The city has 5,200 single meetings and 200 monthly or fortnightly series (4,800 dates once
expanded), each series with a moved and a cancelled date. The whole command is timed in a fresh
process, as a coordinator runs it (its CPU time beside it, and judged too: on a busy machine the
wall time mostly measures the load), alternating with a process that only declares the models:
what any command needs before its first query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

from benchmarks.bench_startup import (
    MODELS_FLOOR,
    cpu_note,
    koordination_argv,
    process_seconds,
    terminal_env,
)
from benchmarks.report import verdict

TARGET_SECONDS = 0.5  # issue 15: the whole command, 10,000 meetings over two years
#: Expanding 10,000 meetings (a fifth of them series) over two years, in process.
EXPAND_TARGET_SECONDS = 0.8


def build_meetings_db(path: Path, singles: int = 5_200, series: int = 200) -> Path:
    from sqlalchemy import Table, insert

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
        last_end: datetime | None = at(day, hour + 2)
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
        conn.execute(insert(cast(Table, Meeting.__table__)), rows)
        if overrides:
            conn.execute(insert(cast(Table, MeetingOverride.__table__)), overrides)
    db.dispose()
    return path


@dataclass
class Listing:
    """Whole-process wall times of the listing and, alternating with it, of the models alone."""

    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_cpu: list[float] = field(default_factory=list)
    dates: int = 0


def time_listing(path: Path, runs: int, env: dict[str, str]) -> Listing:
    command = [
        *koordination_argv(),
        *("--db", str(path), "meetings", "list"),
        *("--from", "01.01.2027", "--to", "31.12.2028", "--json"),
    ]
    floor = [sys.executable, "-c", MODELS_FLOOR]
    found = Listing()
    result = subprocess.run(command, capture_output=True, check=True, env=env)  # warm-up
    found.dates = result.stdout.count(b'"meeting_id"')
    for _ in range(runs):
        found.times.append(process_seconds(command, env, found.cpu))
        found.floor.append(process_seconds(floor, env, found.floor_cpu))
    return found


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
    with tempfile.TemporaryDirectory(prefix="bench-meetings-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        path = build_meetings_db(Path(tmp) / "termine.sqlite3")
        found = time_listing(path, args.runs, terminal_env(home))
    listed = verdict(
        f"meetings list over two years ({found.dates} dates, whole process)",
        statistics.median(found.times),
        TARGET_SECONDS,
        "s",
        spread=(min(found.times), max(found.times)),
        extra=cpu_note(found.cpu),
    )
    print(listed.text)
    listed_cpu = verdict(
        "  its CPU time",
        statistics.median(found.cpu),
        TARGET_SECONDS,
        "s",
        spread=(min(found.cpu), max(found.cpu)),
    )
    print(listed_cpu.text)
    print(
        f"  the models declared, alternating with it: median "
        f"{statistics.median(found.floor):.2f} s, {cpu_note(found.floor_cpu)}"
    )
    expand_seconds, dates = time_expansion(args.runs)
    expanded = verdict(
        f"expanding 10,000 meetings over two years ({dates} dates, in process)",
        expand_seconds,
        EXPAND_TARGET_SECONDS,
        "s",
    )
    print(expanded.text)
    return 0 if listed.ok and listed_cpu.ok and expanded.ok else 1


if __name__ == "__main__":
    sys.exit(main())
