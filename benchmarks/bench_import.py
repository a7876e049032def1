"""Import benchmark: 100,000 people into a fresh SQLite file; wall time and peak memory (RSS)."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.generate import (
    CONSENT_TEXTS_FROM,
    CONSENT_VERSIONS,
    GENERATOR_VERSION,
    generate,
)
from benchmarks.report import verdict

if TYPE_CHECKING:
    from koordination.db.engine import Database
    from koordination.services.directory.imports.report import ImportReport

TARGET_SECONDS = 2.0  # issue 15: 100,000 people with 5,000 new organisations
TARGET_MIB = 250
CACHE = Path(tempfile.gettempdir()) / "koordination-bench"
DATA = Path(__file__).resolve().parent / ".data"


def city_csv(people: int = 100_000, organisations: int = 5_000) -> Path:
    """The generated city file, made once per generator version and then reused (the
    generator is deterministic)."""
    path = CACHE / f"stadt-{people}-{organisations}-g{GENERATOR_VERSION}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        generate(tmp, people, organisations)
        tmp.replace(path)
    return path


def fresh_database(path: Path) -> None:
    """An empty database at the newest schema (not part of the timed import)."""
    from koordination.db.engine import Database
    from koordination.db.migrations import upgrade

    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    db = Database(str(path))
    upgrade(db)
    add_consent_texts(db)
    db.dispose()


def add_consent_texts(db: Database) -> None:
    """The catalogue wordings the generated list's consents were given to."""
    from koordination.domain.inputs.directory import ConsentTextInput
    from koordination.services.consent_texts import Consents

    for purpose, version in CONSENT_VERSIONS.items():
        wording = f"Ich bin mit {purpose.label} einverstanden."
        Consents(db).add_text(ConsentTextInput(purpose, version, wording, CONSENT_TEXTS_FROM))


def import_city(db: Database, csv_path: Path) -> ImportReport:
    """The generated list imported as an office would: naming the consents' wordings."""
    from koordination.services.directory.imports.service import Imports

    return Imports(db).people(csv_path, consents=CONSENT_VERSIONS)


def city_db(people: int = 100_000, *, rebuild: bool = False) -> Path:
    """A database holding the generated city, for benchmarks of listing, search and export:
    built once per schema revision and generator version (a file of an older schema or
    generator is built anew and removed, never reused)."""
    from koordination.db.schema_head import HEAD_REVISION

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"people-{people}-r{HEAD_REVISION}-g{GENERATOR_VERSION}.sqlite3"
    if rebuild or not path.exists():
        start = time.perf_counter()
        for stale in DATA.glob(f"people-{people}[-.]*"):
            stale.unlink()
        # In a process of its own: a child forked from a parent that built the city would
        # report the parent's memory as its own peak.
        code = "import sys; from benchmarks.bench_import import build_city_db as b; "
        code += "from pathlib import Path; b(Path(sys.argv[1]), int(sys.argv[2]))"
        root = Path(__file__).resolve().parent.parent
        subprocess.run([sys.executable, "-c", code, str(path), str(people)], check=True, cwd=root)
        print(f"built {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    return path


def build_city_db(path: Path, people: int = 100_000, organisations: int = 5_000) -> Path:
    from koordination.db.engine import Database

    tmp = path.with_name(path.name + ".tmp")
    fresh_database(tmp)
    db = Database(str(tmp))
    try:
        import_city(db, city_csv(people, organisations))
    finally:
        db.dispose()
    tmp.replace(path)  # a build broken off leaves no database that looks finished
    return path


def _measure(db_path: Path, csv_path: Path) -> None:
    """Runs in its own process, so ru_maxrss is the peak of this import alone."""
    from koordination.db.engine import Database

    db = Database(str(db_path))
    start, cpu = time.perf_counter(), time.process_time()
    report = import_city(db, csv_path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.dispose()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {"seconds": seconds, "cpu": cpu, "peak_mib": peak_mib, "created": report.created}
        )
    )


def run_once(people: int, organisations: int) -> dict[str, float]:
    csv_path = city_csv(people, organisations)
    with tempfile.TemporaryDirectory(prefix="koordination-bench-") as folder:
        db_path = Path(folder) / "stadt.sqlite3"
        fresh_database(db_path)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_import",
                "--child",
                str(db_path),
                str(csv_path),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=5_000)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _measure(*args.child)
        return 0
    results = [run_once(args.people, args.organisations) for _ in range(args.runs)]
    for i, r in enumerate(results, 1):
        print(
            f"run {i}: {r['seconds']:.2f} s (CPU {r['cpu']:.2f} s), peak {r['peak_mib']:.0f} MiB, "
            f"{r['created']:.0f} people"
        )
    seconds = [r["seconds"] for r in results]
    cpu = sorted(r["cpu"] for r in results)[len(results) // 2]
    peak = max(r["peak_mib"] for r in results)
    time_ok = verdict(
        f"import of {args.people:,} people",
        statistics.median(seconds),
        TARGET_SECONDS,
        "s",
        spread=(min(seconds), max(seconds)),
        extra=f"CPU {cpu:.2f} s",
    )
    memory_ok = verdict(f"import of {args.people:,} people, peak RSS", peak, TARGET_MIB, "MiB")
    print(time_ok.text)
    print(memory_ok.text)
    return 0 if time_ok.ok and memory_ok.ok else 1


if __name__ == "__main__":
    sys.exit(main())
