"""One policy for property tests (tests/support/policy.py): no test sets its own Hypothesis
settings, so CI runs every property test derandomised and the deep run reaches all of them."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_property_test_takes_its_settings_from_the_one_policy() -> None:
    offenders: list[str] = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = [ast.unparse(d) for d in node.decorator_list]
            if not any(n.startswith("given(") for n in names):
                continue
            if not any(n.startswith("fuzz(") for n in names) or any(
                n.startswith("settings(") for n in names
            ):
                offenders.append(f"{path.relative_to(TESTS)}::{node.name}")
    assert offenders == [], "Eigene Hypothesis-Einstellungen statt @fuzz(N): " + ", ".join(
        offenders
    )
