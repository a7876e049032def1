"""Invitation benchmark: 1,000 personal invitations built with ics.invitation, written as files."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import verdict

TARGET_SECONDS = 2.0


def build(count: int) -> list[tuple[str, bytes]]:
    """``count`` invitations to one monthly series, one per volunteer (umlauts included)."""
    from koordination.calendar.events import Attendee, Event, Place
    from koordination.calendar.ics import invitation
    from koordination.clock import CITY_ZONE

    event = Event(
        uid="koordination-bench-series@musterstadt.de",
        sequence=3,
        title="Arbeitskreis Ehrenamt & Beteiligung",
        start=datetime(2026, 10, 13, 18, 0, tzinfo=CITY_ZONE),
        end=datetime(2026, 10, 13, 20, 0, tzinfo=CITY_ZONE),
        description="Austausch der Initiativen, Planung des Freiwilligentags.",
        place=Place(address="Markt 1\n12345 Musterstadt", room="Raum 2.14"),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=12",
        organizer_name="Koordinierungsstelle Engagierte Stadt",
        organizer_email="engagement@musterstadt.de",
        agenda=("Begrüßung", "Berichte aus den Initiativen", "Freiwilligentag 2027"),
    )
    stamp = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    files = []
    for i in range(count):
        name = f"Jürgen Müller-Özdemir {i}"
        attendee = Attendee(name=name, email=f"person{i}@beispiel.de")
        files.append(
            (f"{name} <person{i}@beispiel.de>", invitation(event, attendee, dtstamp=stamp))
        )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args(argv)

    from koordination.delivery.files import write_invitations

    root = Path(tempfile.mkdtemp(prefix="koordination-bench-invitations-"))
    try:
        started = time.perf_counter()
        files = build(args.count)
        built = time.perf_counter()
        paths = write_invitations(root / "Arbeitskreis Ehrenamt 2026-10-13", files)
        finished = time.perf_counter()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = finished - started
    result = verdict(
        f"{len(paths)} invitations built and written",
        total,
        TARGET_SECONDS,
        "s",
        extra=f"built {built - started:.2f} s, written {finished - built:.2f} s",
    )
    print(result.text)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
