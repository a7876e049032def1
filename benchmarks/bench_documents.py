"""Document benchmark: minutes of about 20 pages (25 agenda items with long notes, decisions and
task tables) rendered as DOCX and PDF; also ODT, HTML and Markdown for the record."""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchmarks.report import verdict

TARGETS = {"docx": 0.3, "pdf": 1.5}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import io

    import pypdf

    from koordination.outputs.document import render
    from koordination.outputs.document.sample import sample_minutes

    document = sample_minutes(items=args.items, long_notes=3)
    status = 0
    for fmt in ("docx", "pdf", "odt", "html", "md"):
        started = time.perf_counter()
        data = render(document, fmt)  # the first run includes importing the writer's library
        first = time.perf_counter() - started
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            render(document, fmt)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        extra = ""
        if fmt == "pdf":
            extra = f", {len(pypdf.PdfReader(io.BytesIO(data)).pages)} Seiten"
        target = TARGETS.get(fmt)
        facts = f"first run {first:.3f} s, {len(data) / 1024:.0f} KiB{extra}"
        if target is None:
            print(f"minutes as {fmt.upper()}: median {median:.3f} s, {facts} (no target)")
            continue
        result = verdict(
            f"minutes as {fmt.upper()}",
            median,
            target,
            "s",
            spread=(min(times), max(times)),
            extra=facts,
        )
        print(result.text)
        if not result.ok:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
