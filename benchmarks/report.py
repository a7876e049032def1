"""One way to print a benchmark figure: the median beside its target, OK or MISSED."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    ok: bool
    text: str


def verdict(
    what: str,
    value: float,
    target: float,
    unit: str,
    *,
    spread: tuple[float, float] | None = None,
    extra: str = "",
) -> Verdict:
    """``what: 1.23 s (1.10–1.40) target ≤ 2 s  OK`` — MISSED in capitals when over target."""
    digits = 1 if unit == "ms" else 2
    shown = f"{value:.{digits}f} {unit}"
    if spread is not None:
        shown += f" (range {spread[0]:.{digits}f}–{spread[1]:.{digits}f})"
    ok = value <= target
    text = f"{what}: median {shown}, target ≤ {target:g} {unit}"
    if extra:
        text += f", {extra}"
    return Verdict(ok, f"{text}  {'OK' if ok else '*** MISSED ***'}")


def timed_runs(
    what: str, runs: Sequence[Mapping[str, float]], target: float, extra: str = ""
) -> Verdict:
    """The verdict on runs of a whole process, each with its wall and CPU time in seconds
    (``seconds``, ``cpu``): the median wall time and its range, beside the median CPU time."""
    seconds = [r["seconds"] for r in runs]
    cpu = sorted(r["cpu"] for r in runs)[len(runs) // 2]
    return verdict(
        what,
        statistics.median(seconds),
        target,
        "s",
        spread=(min(seconds), max(seconds)),
        extra=f"CPU {cpu:.2f} s" + (f", {extra}" if extra else ""),
    )
