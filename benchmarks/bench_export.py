"""Export benchmark: `koordination export people` of a city of 100,000 people as CSV and as
JSON, each a fresh process as a coordinator runs it (wall time, peak memory from the OS)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_import import city_db
from benchmarks.report import verdict

TARGETS = {"csv": 2.0, "json": 1.5}


def time_export(db: Path, fmt: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MiB of one whole `koordination export people`
    process (the CPU time is the fair figure on a loaded machine)."""
    with tempfile.TemporaryDirectory(prefix="koordination-bench-") as folder:
        target = Path(folder) / f"personen.{fmt}"
        command = [sys.executable, "-m", "koordination", "--db", str(db), "-q"]
        command += ["export", "people", "--format", fmt, "-o", str(target)]
        with (Path(folder) / "stderr").open("w+") as errors:
            start = time.perf_counter()
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
            # This child's own figures (RUSAGE_CHILDREN would hold every earlier child's peak).
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - start
            if status != 0:
                errors.seek(0)
                raise SystemExit(f"koordination export people failed: {errors.read()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args(argv)
    db = city_db(args.people)
    status = 0
    for fmt, target in TARGETS.items():
        runs = [time_export(db, fmt) for _ in range(args.runs)]
        # Wall time on a shared machine mostly measures the others: the load says how much.
        load = os.getloadavg()[0]
        seconds = [s for s, _, _ in runs]
        cpu = statistics.median(c for _, c, _ in runs)
        line = verdict(
            f"export people as {fmt.upper()} ({args.people:,} people, whole process)",
            statistics.median(seconds),
            target,
            "s",
            spread=(min(seconds), max(seconds)),
            extra=(
                f"CPU {cpu:.2f} s, peak RSS {max(p for _, _, p in runs):.0f} MiB, load {load:.1f}"
            ),
        )
        print(line.text)
        status |= 0 if line.ok else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
