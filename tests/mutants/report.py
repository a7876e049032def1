"""Mutation testing of the trust modules: run mutmut, then report killed and survived per module.

    python tests/mutants/report.py            # every mutant (make mutants)
    python tests/mutants/report.py --sample   # about a tenth, a different tenth each run (CI)

The trust modules and the tests that guard them are configured in ``[tool.mutmut]`` of
pyproject.toml. A survivor either gets a test that kills it or an entry in equivalent.toml with a
one-line reason (a mutant that changes nothing a user or a calendar could notice). The run fails
when a module kills less than MINIMUM of its mutants, or when any survivor is not listed.

An entry names the mutant by what it changes (its function and the lines ``mutmut show`` marks with
- and +), not by its number: mutmut numbers a function's mutants anew whenever the function
changes, and an entry kept by number would then excuse some other mutant.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
EQUIVALENT = Path(__file__).with_name("equivalent.toml")
MINIMUM = 90.0

# mutmut's exit codes per mutant (mutmut/stats.py).
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {24, -24, 152, 255, 36}


def _results() -> dict[str, int | None]:
    """Mutant name → the exit code of its test run (None: not run in this round)."""
    found: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.rglob("*.meta")):
        found.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return found


def _module(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _function(name: str) -> str:
    return name.rsplit("__mutmut_", 1)[0]


def _lines(diff: str) -> str:
    """The changed lines of a diff, spaces collapsed: ``- old`` and ``+ new``, one per line."""
    return "\n".join(
        f"{line[0]} {' '.join(line[1:].split())}".rstrip()
        for line in diff.splitlines()
        if line[:1] in "-+" and line[:3] not in ("---", "+++")
    )


def _change(name: str) -> str:
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return _lines(shown.stdout)


def _equivalent() -> dict[tuple[str, str], str]:
    """(function, changed lines) → why the mutant changes nothing anyone could notice."""
    if not EQUIVALENT.exists():
        return {}
    data = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {
        (str(e["function"]), _lines(str(e["change"]))): str(e["why"])
        for e in data.get("equivalent", [])
    }


def _run(patterns: list[str]) -> None:
    command = [sys.executable, "-m", "mutmut", "run", *patterns]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=False)


def report(*, sampled: bool) -> int:
    results = _results()
    equivalent = _equivalent()
    used: set[tuple[str, str]] = set()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    open_survivors: list[tuple[str, str]] = []
    for name, code in sorted(results.items()):
        module = _module(name)
        if code is None:
            continue
        if code in KILLED or code in TIMEOUT:
            counts[module]["killed"] += 1
            continue
        key = (_function(name), _change(name))
        if key in equivalent:
            used.add(key)
            counts[module]["equivalent"] += 1
        elif code in SURVIVED or code in NO_TESTS:
            counts[module]["survived"] += 1
            open_survivors.append((name, key[1]))
        else:
            counts[module]["other"] += 1
            open_survivors.append((name, key[1]))
    width = max((len(m) for m in counts), default=10)
    print(f"\n{'Modul':<{width}}  getötet  überlebt  äquivalent  Anteil")
    failed = False
    for module, c in sorted(counts.items()):
        judged = c["killed"] + c["survived"] + c["other"]
        share = 100.0 * c["killed"] / judged if judged else 100.0
        low = not sampled and share < MINIMUM
        failed |= low
        print(
            f"{module:<{width}}  {c['killed']:7}  {c['survived'] + c['other']:8}  "
            f"{c['equivalent']:10}  {share:5.1f} %{'  < ' + str(MINIMUM) + ' %' if low else ''}"
        )
    for name, change in open_survivors:
        print(f"überlebt: {name}\n    " + change.replace("\n", "\n    "))
    if not sampled:
        for function, change in sorted(set(equivalent) - used):
            gone = change.replace("\n", "\n    ")
            print(f"Hinweis: in equivalent.toml, kein solcher Mutant mehr: {function}\n    {gone}")
    if open_survivors:
        print(
            f"{len(open_survivors)} Mutanten überleben: einen Test ergänzen, der sie tötet, oder "
            "sie mit Begründung in tests/mutants/equivalent.toml eintragen."
        )
    return 1 if failed or open_survivors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sample",
        action="store_true",
        help="nur etwa ein Zehntel der Mutanten, bei jedem Lauf ein anderes (für CI)",
    )
    parser.add_argument("--report-only", action="store_true", help="nur auswerten")
    args = parser.parse_args(argv)
    if not args.report_only:
        patterns = []
        if args.sample:
            digit = random.SystemRandom().randrange(10)
            print(f"Stichprobe: Mutanten mit der Endziffer {digit}")
            patterns = [f"*__mutmut_*{digit}"]
        _run(patterns)
    return report(sampled=args.sample)


if __name__ == "__main__":
    sys.exit(main())
