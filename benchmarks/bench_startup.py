"""Start-up as the user feels it: whole processes in a pseudo-terminal, exec to a usable screen.

The interface is started like a user starts it (``koordination --db …`` in an 80×24 terminal) and
timed until the screen shows the Übersicht's figures and the area tabs; a bare Textual app
(Header, DataTable, Footer) is started the same way and timed until its table header shows. A
splash or an empty frame does not count: the screen is read back through pyte. The two programs
alternate, so a busy machine slows both alike. Then the first visit of every other area (key to
painted content, once the interface has built the other areas behind the Übersicht and is
idle), and the command line as whole processes against a reference command.

Run: .venv/bin/python -m benchmarks.bench_startup [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.report import verdict

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 80, 24

BARE_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        self.query_one(DataTable).add_columns("Name", "Organisation", "Sektor")

Bare().run()
"""

#: The Übersicht is usable once its figures (the sector table's total) and the tabs are painted.
OVERVIEW_READY = re.compile(r"1 Übersicht.*Gesamt\s+\d+\s+\d+", re.S)
BARE_READY = re.compile(r"Name\s+Organisation\s+Sektor")

#: (key, area, what its painted content shows on the demo city), in an order that leaves the
#: Stadtprofil (its first field takes the focus, and digits there are text) for last.
AREA_CONTENT: list[tuple[str, str, re.Pattern[str]]] = [
    ("2", "Personen", re.compile(r"^\s+\d+ Personen\s*$", re.M)),
    ("3", "Organisationen", re.compile(r"^\s+\d+ Organisationen\s*$", re.M)),
    ("4", "Gruppen", re.compile(r"^\s+\d+ Gruppen\s*$", re.M)),
    ("6", "Termine", re.compile(r"^\s+\d+ Termine\b", re.M)),
    ("7", "Aufgaben", re.compile(r"\d+ Aufgaben, \d+ offen")),
    ("8", "Umfragen", re.compile(r"\d+ Umfragen, \d+ läuft")),
    ("9", "Handlungsfelder", re.compile(r"\d+ Handlungsfelder, \d+ Ziele")),
    ("0", "Netzwerk", re.compile(r"\d+ Gruppen, \d+ Personen in Gruppen")),
    ("5", "Stadtprofil", re.compile(r"Name der Stadt\s+\w")),
]

TARGET_RATIO = 1.5
TARGET_AREA_MS = 150.0
TARGET_DEMO_S = 1.0


class Terminal:
    """A program in a pseudo-terminal of 80×24, its output read into a pyte screen."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        import pexpect  # type: ignore[import-untyped]
        import pyte

        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        self.child = pexpect.spawn(
            argv[0], list(argv[1:]), dimensions=(LINES, COLUMNS), env=env, cwd=str(ROOT)
        )

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, ready: re.Pattern[str], timeout: float = 30.0) -> float:
        """Seconds until the screen matches ``ready``, counted from ``self.started``."""
        import pexpect

        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                self.stream.feed(self.child.read_nonblocking(1 << 16, timeout=0.01))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                break
            if ready.search(self.text()):
                return time.perf_counter() - self.started
        raise TimeoutError(f"never showed {ready.pattern!r}; the screen:\n{self.text()}")

    def wait_until_idle(self, quiet: float = 0.3, timeout: float = 15.0) -> float:
        """Seconds until the program has used no CPU for ``quiet`` seconds: what it does
        after its first useful paint (building and loading the other areas) is done, as for
        a user who reads the first screen before going on."""
        start = time.perf_counter()
        last, since = self.cpu_ticks(), start
        while time.perf_counter() - start < timeout:
            self.drain()
            time.sleep(0.05)
            now = self.cpu_ticks()
            if now != last:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                break
        return since - start

    def cpu_ticks(self) -> int:
        """User and system time of the program so far, in clock ticks (/proc/PID/stat)."""
        fields = Path(f"/proc/{self.child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def drain(self) -> None:
        """Whatever the program painted meanwhile, into the screen."""
        import pexpect

        try:
            while True:
                self.stream.feed(self.child.read_nonblocking(1 << 16, timeout=0))
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass

    def press(self, key: str, ready: re.Pattern[str]) -> float:
        """Seconds from sending ``key`` until the screen matches ``ready``."""
        self.started = time.perf_counter()
        self.child.send(key)
        return self.wait_for(ready)

    def close(self) -> None:
        self.child.terminate(force=True)


def terminal_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.update(XDG_DATA_HOME=str(home / ".local/share"), XDG_STATE_HOME=str(home / ".state"))
    env.pop("KOORDINATION_DB", None)
    # An installed program has its bytecode cached (as the libraries of the reference have):
    # the warm-up run writes it, where a development shell's setting would have every run
    # compile each module changed since the last cache from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def koordination_argv() -> list[str]:
    script = Path(sys.executable).with_name("koordination")
    return [str(script)] if script.exists() else [sys.executable, "-m", "koordination"]


def startup_seconds(argv: Sequence[str], ready: re.Pattern[str], env: dict[str, str]) -> float:
    term = Terminal(argv, env)
    try:
        return term.wait_for(ready)
    finally:
        term.close()


def alternate(
    runs: int, first: Callable[[], float], second: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """``runs`` of each, alternating (after one warm-up of each for the file cache)."""
    first()
    second()
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(first())
        b.append(second())
    return a, b


def process_seconds(
    argv: Sequence[str], env: dict[str, str], cpu: list[float] | None = None
) -> float:
    """Wall seconds of one whole process; its CPU seconds (user + system) go into ``cpu``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    if cpu is not None:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def cpu_note(cpu: list[float]) -> str:
    """The CPU time beside a wall time: on a shared machine the wall time mostly measures the
    load, the CPU time what the program itself does."""
    return f"CPU median {statistics.median(cpu) * 1000:.0f} ms"


#: What every command needs before it can read anything: SQLAlchemy's ORM with the models
#: declared (the listings never configure the mappers). Shown beside the reference so a ratio
#: can be read against it.
MODELS_FLOOR = "import sqlalchemy.orm, koordination.domain.models"


def spread(values: list[float], scale: float = 1000.0) -> tuple[float, float]:
    return min(values) * scale, max(values) * scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs of each program (at least 5)")
    parser.add_argument("--area-runs", type=int, default=3, help="processes for the area visits")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)
    ok = True
    print(
        f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min), cores: "
        f"{os.cpu_count()}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = terminal_env(home)
        kdn = koordination_argv()
        demo = Path(tmp) / "demo.sqlite3"

        # -------------------------------------------------------------- koordination demo
        demo_cpu: list[float] = []
        demo_times = [
            process_seconds([*kdn, "--db", str(Path(tmp) / f"d{i}.sqlite3"), "demo"], env, demo_cpu)
            for i in range(runs)
        ]
        shutil.copy(Path(tmp) / "d0.sqlite3", demo)
        median = statistics.median(demo_times)
        v = verdict(
            "koordination demo (whole process)",
            median * 1000,
            TARGET_DEMO_S * 1000,
            "ms",
            spread=spread(demo_times),
            extra=cpu_note(demo_cpu),
        )
        ok &= v.ok
        print(v.text)

        # -------------------------------------------------------------- the interface
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(BARE_APP, encoding="utf-8")
        ours, bare = alternate(
            runs,
            lambda: startup_seconds([*kdn, "--db", str(demo)], OVERVIEW_READY, env),
            lambda: startup_seconds([sys.executable, str(bare_script)], BARE_READY, env),
        )
        ratio = statistics.median(ours) / statistics.median(bare)
        print(f"interface until usable, {runs} alternating runs in a pseudo-terminal 80x24:")
        print(
            f"  bare Textual app until its table header: median "
            f"{statistics.median(bare) * 1000:.0f} ms (range {spread(bare)[0]:.0f}–"
            f"{spread(bare)[1]:.0f})"
        )
        print(
            f"  koordination until the Übersicht's figures: median "
            f"{statistics.median(ours) * 1000:.0f} ms (range {spread(ours)[0]:.0f}–"
            f"{spread(ours)[1]:.0f})"
        )
        v = verdict("  ratio koordination / bare", ratio, TARGET_RATIO, "×")
        ok &= v.ok
        print(v.text)

        # -------------------------------------------------------------- first visit of an area
        visits: dict[str, list[float]] = {name: [] for _, name, _ in AREA_CONTENT}
        settled: list[float] = []  # seconds from the figures until the interface was idle
        for _ in range(max(1, args.area_runs)):
            term = Terminal([*kdn, "--db", str(demo)], env)
            try:
                term.wait_for(OVERVIEW_READY)
                settled.append(term.wait_until_idle())
                for key, name, content in AREA_CONTENT:
                    visits[name].append(term.press(key, content))
                    time.sleep(0.1)
            finally:
                term.close()
        print(
            f"first visit of an area, key to painted content ({args.area_runs} processes; the "
            f"other areas were built and loaded {statistics.median(settled):.2f} s after the "
            "figures, the keys pressed after that):"
        )
        for name, times in visits.items():
            v = verdict(
                f"  {name}",
                statistics.median(times) * 1000,
                TARGET_AREA_MS,
                "ms",
                spread=spread(times),
            )
            ok &= v.ok
            print(v.text)

        # -------------------------------------------------------------- the command line
        reference = [sys.executable, "-c", "import sqlalchemy.orm"]
        floor = [sys.executable, "-c", MODELS_FLOOR]
        cpu: dict[str, list[float]] = {"list": [], "ref": [], "floor": []}
        floors: list[float] = []

        def reference_and_floor() -> float:
            floors.append(process_seconds(floor, env, cpu["floor"]))
            return process_seconds(reference, env, cpu["ref"])

        listing, ref = alternate(
            runs,
            lambda: process_seconds([*kdn, "--db", str(demo), "people", "list"], env, cpu["list"]),
            reference_and_floor,
        )
        ratio = statistics.median(listing) / statistics.median(ref)
        print(f"command line, whole processes, {runs} alternating runs:")
        for label, times, key in (
            ("python -c 'import sqlalchemy.orm'", ref, "ref"),
            ("the models declared (no query)", floors, "floor"),
            ("koordination people list (demo city)", listing, "list"),
        ):
            print(
                f"  {label}: median {statistics.median(times) * 1000:.0f} ms (range "
                f"{spread(times)[0]:.0f}–{spread(times)[1]:.0f}), {cpu_note(cpu[key])}"
            )
        print(
            "  the models alone are "
            f"{statistics.median(floors) / statistics.median(ref):.2f}× the reference"
        )
        v = verdict("  ratio people list / import sqlalchemy.orm", ratio, TARGET_RATIO, "×")
        ok &= v.ok
        print(v.text)
        # On a busy machine the wall times mostly measure the load; the CPU times what the
        # programs do (on a quiet one the two ratios agree).
        cpu_ratio = statistics.median(cpu["list"]) / statistics.median(cpu["ref"])
        v = verdict("  ratio of their CPU times", cpu_ratio, TARGET_RATIO, "×")
        ok &= v.ok
        print(v.text)
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
