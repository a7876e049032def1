"""The test process keeps what lives as long as it out of the garbage collector's full rounds
(tests/support/collector.py), also after an app handed everything back."""

from __future__ import annotations

import gc

from support.collector import freeze_again


def test_the_collected_tests_are_out_of_the_full_rounds_sight_once_a_round_has_run() -> None:
    gc.unfreeze()  # as an app that ended hands back what it froze
    assert not freeze_again()  # nothing frozen before a full round freed the garbage
    gc.collect()
    assert freeze_again()
    assert gc.get_freeze_count() > 10_000  # the modules and every collected test
    assert not freeze_again()  # once per full round
