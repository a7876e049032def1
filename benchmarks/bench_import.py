"""Import benchmark: `koordination import people` of 100,000 people (5,000 organisations made
on the way) into a fresh SQLite file, timed as the whole process a user starts: wall time from
exec to exit, its CPU time and its peak memory (RSS) as the operating system counts them.

Two lists of the same people: with the columns issue 15's figure names (given and family name,
e-mail, phone, organisation, sector), and the whole generated list, which adds salutation,
title, function and consents (a consent row and an audit entry per consent)."""

from __future__ import annotations

import argparse
import os
import sqlite3
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
    ISSUE_COLUMNS,
    generate,
    narrowed,
)
from benchmarks.report import timed_runs, verdict

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


def issue_csv(people: int = 100_000, organisations: int = 5_000) -> Path:
    """The same city with only the columns issue 15's figure names (no title, function or
    consents), made once from :func:`city_csv`."""
    path = CACHE / f"stadt-{people}-{organisations}-g{GENERATOR_VERSION}-issue.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        narrowed(city_csv(people, organisations), tmp, ISSUE_COLUMNS)
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


def import_command(db_path: Path, csv_path: Path, consents: bool = True) -> list[str]:
    """The command line an office types for the generated list (naming the consents' wordings
    when the list has consents)."""
    command = [sys.executable, "-m", "koordination", "--db", str(db_path)]
    command += ["import", "people", str(csv_path)]
    if not consents:
        return command
    return command + [f"--einwilligung={p.value}={v}" for p, v in CONSENT_VERSIONS.items()]


def run_once(csv_path: Path, people: int, consents: bool) -> dict[str, float]:
    """One import as its own process: wall time from exec to exit, CPU time and peak RSS of
    that process alone (wait4), and the people the database holds afterwards."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="koordination-bench-") as folder:
        db_path = Path(folder) / "stadt.sqlite3"
        fresh_database(db_path)
        with (Path(folder) / "out.txt").open("w+") as out:
            start = time.perf_counter()
            child = subprocess.Popen(
                import_command(db_path, csv_path, consents),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=root,
            )
            _pid, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            said = out.read()
        if child.returncode != 0:
            raise SystemExit(f"import failed ({child.returncode}):\n{said}")
        with sqlite3.connect(db_path) as check:
            created = check.execute("SELECT count(*) FROM person").fetchone()[0]
    if created != people:
        raise SystemExit(f"the import stored {created} people, not {people}:\n{said}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,  # KiB on Linux
        "created": created,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=5_000)
    args = parser.parse_args(argv)
    shapes = (
        # Issue 15's figure: given and family name, e-mail, phone, organisation, sector.
        ("names, e-mail, phone, organisation, sector", issue_csv, False),
        # The whole generated list: also salutation, title, function and consents (with one
        # audit entry per consent).
        ("with title, function and consents", city_csv, True),
    )
    ok = True
    for label, make, consents in shapes:
        csv_path = make(args.people, args.organisations)
        # How busy the two cores were before the first run (the runs themselves then add
        # one): the wall time is only the user's figure on a quiet machine.
        load = os.getloadavg()[0]
        results = [run_once(csv_path, args.people, consents) for _ in range(args.runs)]
        print(f"{label}:")
        for i, r in enumerate(results, 1):
            print(
                f"  run {i}: {r['seconds']:.2f} s (CPU {r['cpu']:.2f} s), "
                f"peak {r['peak_mib']:.0f} MiB, {r['created']:.0f} people"
            )
        peak = max(r["peak_mib"] for r in results)
        what = f"import of {args.people:,} people ({label})"
        time_ok = timed_runs(what, results, TARGET_SECONDS, f"load before {load:.1f}")
        memory_ok = verdict(
            f"import of {args.people:,} people ({label}), peak RSS", peak, TARGET_MIB, "MiB"
        )
        print(time_ok.text)
        print(memory_ok.text)
        ok = ok and time_ok.ok and memory_ok.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
