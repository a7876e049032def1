"""What a command loads: ``koordination ARGV`` in a fresh process, its output and the modules it
imported (the tests that keep a command's start light)."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import contextlib, io, json, sys
from koordination.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_command(*argv: str) -> tuple[str, set[str]]:
    """The output of ``koordination ARGV`` run in a fresh process, and the modules it loaded;
    the command must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0, (seen["out"], done.stderr)
    return str(seen["out"]), set(seen["modules"])
