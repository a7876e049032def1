"""The core runs without the terminal UI: importing it never loads Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "koordination",
    "koordination.cli",
    "koordination.config",
    "koordination.db",
    "koordination.db.migrations",
    "koordination.demo",
    "koordination.domain.models",
    "koordination.domain.records",
    "koordination.exporters",
    "koordination.services.directory",
    "koordination.services.csv_import",
    "koordination.services.meetings",
    "koordination.calendar.ics",
    "koordination.calendar.recurrence",
    "koordination.calendar.replies",
    "koordination.delivery.caldav",
    "koordination.delivery.mail",
    "koordination.delivery.files",
    "koordination.cli_meetings",
]


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
