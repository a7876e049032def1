"""What `import people` of a CSV file loads: neither the Excel nor the LibreOffice reader
(openpyxl and odfdo take a fifth of a second to import, which a CSV file never needs), while a
workbook still finds its reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from support.loaded import run_command

WORKBOOK_READERS = (
    "openpyxl",
    "odfdo",
    "koordination.services.tables.xlsx",
    "koordination.services.tables.ods",
)


def test_a_csv_import_loads_no_workbook_reader(
    migrated_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    csv = tmp_path / "liste.csv"
    csv.write_text(
        "Vorname;Nachname;E-Mail;Organisation;Sektor\n"
        "Anna;Muster;anna@example.org;Tafel Nord;Zivilgesellschaft\n",
        encoding="utf-8",
    )
    out, modules = run_command("--db", str(migrated_sqlite()), "import", "people", str(csv))
    assert "neu: 1" in out, out
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
    out, modules = run_command("--db", str(migrated_sqlite()), "import", "people", str(book))
    assert "neu: 1" in out, out
    assert "openpyxl" in modules
