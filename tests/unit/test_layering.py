"""The core runs without the terminal UI: importing it never loads Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _core_modules() -> list[str]:
    """Every module of the package outside the TUI, found on disk, so new ones are covered."""
    import koordination

    root = Path(koordination.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[0] == "tui" or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("koordination", *parts)))
    return names


CORE = _core_modules()


def test_core_imports_without_textual() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE!r}:\n"
        "    __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
