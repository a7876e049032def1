"""The one policy for every property test: a fixed budget per test, the same examples on every
CI run (derandomised, so a failure reproduces), and a deeper random run on demand.

CI and ``make test`` run each property test with its own budget and derandomised examples. The
scheduled deep run (``make fuzz-deep``, see the README) sets ``KOORDINATION_FUZZ_RANDOM=1`` and
``KOORDINATION_FUZZ_SCALE=20``: new examples on every run, twenty times as many, failures shrunk.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: Multiplies every example budget: CI runs at 1; ``KOORDINATION_FUZZ_SCALE=20`` digs deeper.
SCALE = float(os.environ.get("KOORDINATION_FUZZ_SCALE", "1"))
#: ``KOORDINATION_FUZZ_RANDOM=1`` draws new examples on every run (CI always runs the same).
RANDOM = os.environ.get("KOORDINATION_FUZZ_RANDOM") == "1"

#: Shrinking a failure to the smallest example can take minutes (Hypothesis stops at five per
#: test); CI reports the failing example as generated, which is enough to reproduce it
#: (derandomised). ``KOORDINATION_FUZZ_SHRINK=1`` shrinks, for reading a failure at leisure; the
#: deep random run always shrinks (its examples are new, so the smallest one is worth finding).
SHRINK = os.environ.get("KOORDINATION_FUZZ_SHRINK") == "1" or RANDOM


def fuzz(max_examples: int) -> settings:
    """Settings for one fuzz test: a fixed budget, no deadline (CI machines are slow), and
    derandomised, so CI runs the same examples every time and a failure reproduces. The time
    a test takes is bounded by its budget, also when it fails."""
    phases = [Phase.explicit, Phase.generate]
    if SHRINK:
        phases += [Phase.shrink, Phase.explain]
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        phases=phases,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
