"""Excel workbooks out: a real workbook (bold frozen header, widths, text phone numbers, the
formula guard as Excel's quote prefix), written atomically, and read back by openpyxl and by
the importer."""

from __future__ import annotations

import glob
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_exports
from openpyxl import load_workbook
from support.consents import import_people

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.inputs.directory import GroupInput
from koordination.outputs.builders import directory as tables
from koordination.outputs.builders.directory import (
    export_groups,
    export_organisations,
    export_people,
)
from koordination.outputs.builders.survey_tables import write_raw
from koordination.outputs.formats import TABLE_FORMATS
from koordination.outputs.registry import OUTPUTS
from koordination.outputs.workbook import MAX_CELL, write_xlsx
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory

TODAY = test_exports.TODAY
_comparable = test_exports._comparable
city = test_exports.city  # the small network of the CSV export tests
other_db = test_exports.other_db


def sheet_of(path: Path) -> object:
    wb = load_workbook(path)
    assert len(wb.worksheets) == 1
    return wb.worksheets[0]


def test_people_workbook_has_a_bold_frozen_header_and_sized_columns(
    city: Directory, tmp_path: Path
) -> None:
    target = tmp_path / "personen.xlsx"
    assert export_people(city, "xlsx", target) == 3
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    ws: object = sheet_of(target)
    rows = list(ws.iter_rows())  # type: ignore[attr-defined]
    assert [c.value for c in rows[0]] == list(tables.PEOPLE_HEADER)
    assert all(c.font.bold for c in rows[0])
    assert not any(c.font.bold for c in rows[1])
    assert ws.freeze_panes == "A2"  # type: ignore[attr-defined]
    widths = ws.column_dimensions  # type: ignore[attr-defined]
    assert widths["A"].width < widths["E"].width  # "Nr." is narrower than the family names
    assert all(6 <= widths[c].width <= 60 for c in "ABCDEFGH")


def test_phone_numbers_are_text_and_numbers_are_numbers(city: Directory, tmp_path: Path) -> None:
    target = tmp_path / "personen.xlsx"
    export_people(city, "xlsx", target)
    ws: object = sheet_of(target)
    rows = [[c for c in r] for r in ws.iter_rows(min_row=2)]  # type: ignore[attr-defined]
    weiss = next(r for r in rows if r[4].value == "Weiß")
    phone = weiss[6]
    assert phone.data_type == "s"
    assert phone.number_format == "@"
    assert phone.value == "0170 1234567, 0341 55"  # shown nationally, no apostrophe
    assert isinstance(weiss[0].value, int)  # "Nr." can be sorted and summed


def test_formula_text_is_stored_as_quote_prefixed_text(city: Directory, tmp_path: Path) -> None:
    target = tmp_path / "personen.xlsx"
    export_people(city, "xlsx", target)
    ws: object = sheet_of(target)
    cells = [c for r in ws.iter_rows() for c in r]  # type: ignore[attr-defined]
    evil = next(c for c in cells if "HYPERLINK" in str(c.value))
    # The value as typed (no apostrophe in it), a text cell, and Excel's quote prefix so the
    # cell stays text when someone edits it.
    assert evil.value == '=HYPERLINK("http://evil.example","Klick")'
    assert evil.data_type == "s"
    assert evil.quotePrefix is True
    at = next(c for c in cells if c.value == "@SUM(1)")
    assert (at.data_type, at.quotePrefix) == ("s", True)
    assert not any(c.data_type == "f" for c in cells)


def test_a_hostile_cell_is_cleaned_and_cut_to_what_excel_shows(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    write_xlsx(target, ["=Kopf", "Text"], [["-1+1", "a\x00b\x07c"], ["+49", "x" * 40_000]])
    ws: object = sheet_of(target)
    values = [[c.value for c in r] for r in ws.iter_rows()]  # type: ignore[attr-defined]
    assert values[0] == ["=Kopf", "Text"]
    assert values[1] == ["-1+1", "abc"]
    assert values[2][0] == "+49"
    assert len(values[2][1]) == MAX_CELL and values[2][1].endswith("…")
    head = ws["A1"]  # type: ignore[index]
    assert (head.data_type, head.quotePrefix, head.font.bold) == ("s", True, True)


def test_workbook_export_imports_back_to_the_same_people(
    city: Directory, other_db: Database, tmp_path: Path
) -> None:
    export_people(city, "xlsx", tmp_path / "personen.xlsx")
    export_organisations(city, "xlsx", tmp_path / "organisationen.xlsx")
    other = Directory(other_db, Clock.on(TODAY))
    for g in city.list_groups():
        other.create_group(GroupInput(name=g.name, kind=g.kind))
    assert Imports(other_db).organisations(tmp_path / "organisationen.xlsx").created == 2
    report = import_people(
        Imports(other_db, Clock.on(TODAY)), tmp_path / "personen.xlsx", ConsentPurpose
    )
    assert (report.created, report.memberships_created) == (3, 3)
    assert report.warnings == ()

    def everyone(d: Directory) -> list[tuple[object, ...]]:
        return sorted(_comparable(d.get_person(r.id)) for r in d.list_people())

    assert everyone(other) == everyone(city)


def test_groups_workbook(city: Directory, tmp_path: Path) -> None:
    assert export_groups(city, "xlsx", tmp_path / "g.xlsx") == 2
    ws: object = sheet_of(tmp_path / "g.xlsx")
    values = [[c.value for c in r] for r in ws.iter_rows()]  # type: ignore[attr-defined]
    assert values[0] == ["Nr.", "Art", "Name", "Übergeordnete Gruppe", "Mitglieder"]
    assert {r[2]: r[4] for r in values[1:]} == {"AK Jugend": 2, "Steuerungsgruppe": 1}


def test_survey_raw_answers_as_workbook(tmp_path: Path) -> None:
    headers = ["Nr.", "Quelle", "F1 Sektor", "F6 Engagierte", "F8 Wünsche"]
    rows = [["1", "Online", "Verwaltung", "1250", "=mehr Räume"], ["2", "Papier", "", "3,5", ""]]
    assert write_raw(headers, iter(rows), "xlsx", tmp_path / "roh.xlsx") == 2
    ws: object = sheet_of(tmp_path / "roh.xlsx")
    values = [[c.value for c in r] for r in ws.iter_rows()]  # type: ignore[attr-defined]
    assert values[1] == [1, "Online", "Verwaltung", 1250, "=mehr Räume"]
    assert values[2][3] == "3,5"


def test_every_table_output_offers_xlsx() -> None:
    assert "xlsx" in TABLE_FORMATS
    for key in ("personen", "organisationen", "gruppen", "auszaehlung", "rohdaten"):
        assert "xlsx" in OUTPUTS[key].formats


@pytest.fixture
def own_tempdir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tmp"
    folder.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    yield folder
    tempfile.tempdir = before


def test_a_failed_workbook_export_leaves_no_file_and_no_temporary_data(
    city: Directory, tmp_path: Path, own_tempdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "personen.xlsx"
    target.parent.mkdir()
    target.write_text("alte Datei")
    rows = [[str(n), "Name"] for n in range(600)]  # past the rows read ahead for the widths

    def broken() -> Iterator[list[str]]:
        yield from rows
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_xlsx(target, ["Nr.", "Name"], broken())
    assert target.read_text() == "alte Datei"
    assert sorted(p.name for p in target.parent.iterdir()) == ["personen.xlsx"]
    assert glob.glob(str(own_tempdir / "*")) == []
