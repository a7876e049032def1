"""What `import people` of a CSV file loads: neither the Excel nor the LibreOffice reader
(openpyxl and odfdo take a fifth of a second to import, which a CSV file never needs), while a
workbook still finds its reader."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

SCRIPT = """
import contextlib, io, json, sys
from koordination.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""

WORKBOOK_READERS = (
    "openpyxl",
    "odfdo",
    "koordination.services.tables.xlsx",
    "koordination.services.tables.ods",
)


def _run(*argv: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_csv_import_loads_no_workbook_reader(
    migrated_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    csv = tmp_path / "liste.csv"
    csv.write_text(
        "Vorname;Nachname;E-Mail;Organisation;Sektor\n"
        "Anna;Muster;anna@example.org;Tafel Nord;Zivilgesellschaft\n",
        encoding="utf-8",
    )
    seen = _run("--db", str(migrated_sqlite()), "import", "people", str(csv))
    assert seen["code"] == 0 and "neu: 1" in str(seen["out"]), seen["out"]
    modules = set(seen["modules"])  # type: ignore[call-overload]
    for absent in WORKBOOK_READERS:
        assert absent not in modules, absent


def test_a_workbook_import_still_finds_its_reader(
    migrated_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = tmp_path / "liste.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Vorname", "Nachname", "E-Mail"])
    sheet.append(["Anna", "Muster", "anna@example.org"])
    workbook.save(book)
    seen = _run("--db", str(migrated_sqlite()), "import", "people", str(book))
    assert seen["code"] == 0 and "neu: 1" in str(seen["out"]), seen["out"]
    assert "openpyxl" in set(seen["modules"])  # type: ignore[call-overload]
