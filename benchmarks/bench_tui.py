"""TUI benchmark: the Personen list on 100k people, first page and search keystrokes (start-up
against a bare Textual app is bench_startup's, in a pseudo-terminal until the Übersicht's figures).

Run: .venv/bin/python -m benchmarks.bench_tui [--people 100000] [--people-runs 3] [--profile]

Beside the times, the CPU time the process (all its threads) spent from the key press to the
paint: on a machine shared with other work the wall time mostly measures the load.
With ``--profile`` the interface's thread is profiled (cProfile) from each key press until its
rows are painted, and the functions taking most of that time are printed after the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import time
from typing import cast

from benchmarks.bench_import import city_db
from benchmarks.report import verdict

#: Issue 15's asks.
FIRST_PAGE_MS = 150.0
KEYSTROKE_P95_MS = 25.0

# ---------------------------------------------------------------------- 100k database


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def bench_people(
    db_url: str, queries: list[str], profile: cProfile.Profile | None = None
) -> dict[str, object]:
    """Times from the key press to the first frame that paints the new rows (``profile``
    runs from each press to that frame)."""
    from textual.widgets import Input

    from koordination.tui.app import KoordinationApp
    from koordination.tui.widgets.lazy_table import LazyTable

    painted: dict[int, float] = {}  # generation of the table's list -> first paint with rows
    painted_cpu: dict[int, float] = {}  # the process's CPU time then
    render_line = LazyTable.render_line

    def timed_render_line(self: LazyTable, y: int) -> object:
        strip = render_line(self, y)
        if (
            y == 1
            and self.id == "people-table"
            and self._generation not in painted
            and (self.row_count == 0 or self.row_at(int(self.scroll_y)) is not None)
        ):
            painted[self._generation] = time.perf_counter()
            painted_cpu[self._generation] = time.process_time()
        return strip

    LazyTable.render_line = timed_render_line  # type: ignore[method-assign,assignment]

    app = KoordinationApp(db_url)
    results: dict[str, object] = {}
    async with app.run_test(size=(140, 40)) as pilot:
        # The Personen area is mounted on its first visit: wait for the database and the
        # Übersicht, then time from the key press to the first page painted.
        while app.core is None or not app.query("#overview"):
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()

        async def shown_after(generation: int, start: float, cpu: float) -> tuple[float, float]:
            """Milliseconds from ``start`` to the paint of a list newer than ``generation``,
            and the CPU time the process spent until then (all threads, from ``cpu``)."""
            deadline = time.perf_counter() + 10
            try:
                while time.perf_counter() < deadline:
                    newer = [g for g in painted if g > generation]
                    if newer:
                        newest = max(newer)
                        return (painted[newest] - start) * 1000, (painted_cpu[newest] - cpu) * 1000
                    await pilot.pause(0.001)
            finally:
                if profile is not None:
                    profile.disable()
            raise TimeoutError("list never painted")

        async def press(key: str) -> None:
            if profile is not None:
                profile.enable()
            await pilot.press(key)

        generation = 0
        start = time.perf_counter()
        cpu = time.process_time()
        await press("2")
        results["first_page_ms"], results["first_page_cpu_ms"] = await shown_after(
            generation, start, cpu
        )
        table = app.query_one("#people-table", LazyTable)
        await app.workers.wait_for_complete()
        results["people_listed"] = table.row_count

        search = app.query_one("#people-search", Input)
        search.focus()
        keystrokes: list[float] = []
        keystroke_cpu: list[float] = []
        for query in queries:
            search.value = ""
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            for char in query:
                generation = table._generation
                start = time.perf_counter()
                cpu = time.process_time()
                await press(char)
                wall, used = await shown_after(generation, start, cpu)
                keystrokes.append(wall)
                keystroke_cpu.append(used)
                await app.workers.wait_for_complete()
                await pilot.pause(0.02)
            results[f"rows for {query!r}"] = table.row_count
        results["keystrokes"] = len(keystrokes)
        results["keystroke_p50_ms"] = statistics.median(keystrokes)
        results["keystroke_p95_ms"] = percentile(keystrokes, 0.95)
        results["keystroke_max_ms"] = max(keystrokes)
        results["keystroke_cpu_p50_ms"] = statistics.median(keystroke_cpu)
        results["keystroke_cpu_p95_ms"] = percentile(keystroke_cpu, 0.95)
    LazyTable.render_line = render_line  # type: ignore[method-assign]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--people-runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile from press to paint")
    args = parser.parse_args(argv)
    profile = cProfile.Profile() if args.profile else None

    path = city_db(args.people, rebuild=args.rebuild)
    url = f"sqlite:///{path}"

    print(f"people list on {args.people:,} people, {args.people_runs} runs (load {load()}):")
    runs = []
    for _ in range(args.people_runs):
        results = asyncio.run(bench_people(url, ["mül", "sch", "anna"], profile))
        print("  " + ", ".join(f"{k}: {shown(v)}" for k, v in results.items()))
        runs.append(results)

    def figure(key: str) -> tuple[float, tuple[float, float]]:
        values = [cast(float, r[key]) for r in runs]
        return statistics.median(values), (min(values), max(values))

    first, first_spread = figure("first_page_ms")
    first_cpu, _ = figure("first_page_cpu_ms")
    page = verdict(
        "Personen, first page after pressing 2",
        first,
        FIRST_PAGE_MS,
        "ms",
        spread=first_spread,
        extra=f"CPU {first_cpu:.1f} ms",
    )
    p95, p95_spread = figure("keystroke_p95_ms")
    p95_cpu, _ = figure("keystroke_cpu_p95_ms")
    keys = verdict(
        "search keystroke to new rows painted, p95",
        p95,
        KEYSTROKE_P95_MS,
        "ms",
        spread=p95_spread,
        extra=f"CPU p95 {p95_cpu:.1f} ms",
    )
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    print(page.text)
    print(keys.text)
    return 0 if page.ok and keys.ok else 1


def shown(value: object) -> object:
    return f"{value:.1f}" if isinstance(value, float) else value


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
