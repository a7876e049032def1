"""The formula guard at its edges: every start character a spreadsheet runs as a formula gets the
apostrophe, in every CSV writer; a character just outside the list does not."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from koordination.errors import KoordinationError
from koordination.outputs import table
from koordination.outputs.builders import audit
from koordination.outputs.builders.survey_tables import write_raw
from koordination.outputs.table import (
    FORMATS,
    check_format,
    csv_file,
    guard_cell,
    looks_like_formula,
    strip_controls,
    write_csv,
    write_json,
)

#: = + - @ start a formula in Excel and LibreOffice; a tab or CR before one does too (OWASP).
STARTS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("http://evil.example","Klick")'
#: Test ids in plain ASCII: mutmut runs each test again by its id, and an id pytest escapes
#: ("'\\t'", "M\\xfcller") is not found again.
START_IDS = ["equals", "plus", "minus", "at", "tab", "cr"]


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.mark.parametrize("start", STARTS, ids=START_IDS)
def test_each_formula_start_gets_the_apostrophe(start: str) -> None:
    assert guard_cell(start + PAYLOAD) == "'" + start + PAYLOAD
    assert guard_cell(start) == "'" + start


@pytest.mark.parametrize(
    "text",
    ["Müller", "'=schon geschützt", " =mit Leerzeichen", "1+1", "a@b.de", "", "\n=neue Zeile"],
    ids=["umlaut", "apostrophe", "space", "sum", "address", "empty", "newline"],
)
def test_text_that_does_not_start_a_formula_stays_as_it_is(text: str) -> None:
    assert guard_cell(text) == text


def test_control_characters_go_before_the_guard_looks() -> None:
    # A backspace in front must not hide the "=" from the guard.
    assert guard_cell("\x08=1+1") == "'=1+1"


@pytest.mark.parametrize("start", STARTS, ids=START_IDS)
def test_the_one_dialect_guards_header_and_every_row(tmp_path: Path, start: str) -> None:
    target = tmp_path / "liste.csv"
    assert write_csv(target, [start + "Kopf", "B"], [[start + PAYLOAD, "x"], ["y", start]]) == 2
    assert _cells(target) == [
        ["'" + start + "Kopf", "B"],
        ["'" + start + PAYLOAD, "x"],
        ["y", "'" + start],
    ]
    with csv_file(tmp_path / "zeilen.csv", ["Kopf"]) as out:
        out.row([start + PAYLOAD])
    assert _cells(tmp_path / "zeilen.csv") == [["Kopf"], ["'" + start + PAYLOAD]]


@pytest.mark.parametrize("start", STARTS, ids=START_IDS)
def test_survey_raw_answers_guard_every_cell(tmp_path: Path, start: str) -> None:
    target = tmp_path / "antworten.csv"
    write_raw([start + "Frage"], [[start + PAYLOAD]], "csv", target)
    assert _cells(target) == [["'" + start + "Frage"], ["'" + start + PAYLOAD]]


@dataclass(frozen=True)
class _Change:
    label: str
    old: Any
    new: Any
    old_text: str
    new_text: str
    paired: bool = True


@dataclass(frozen=True)
class _Entry:
    when: str
    actor: str
    what: str
    subject: str
    owner: str
    shown_changes: tuple[_Change, ...] = field(default=())


@pytest.mark.parametrize("start", STARTS, ids=START_IDS)
def test_the_audit_csv_guards_names_and_values(tmp_path: Path, start: str) -> None:
    evil = start + PAYLOAD
    entry = _Entry(
        "01.12.2026 10:00",
        evil,
        "geändert",
        evil,
        "",
        (_Change("Notizen", evil, evil, evil, evil),),
    )
    target = tmp_path / "protokoll.csv"
    assert audit.write_csv([entry], target) == 1
    (_header, row) = _cells(target)
    assert (
        row
        == ["01.12.2026 10:00", "'" + evil, "geändert", "'" + evil, "", "Notizen"]
        + ["'" + evil] * 2
    )


def test_control_characters_are_dropped_but_tab_newline_and_cr_stay() -> None:
    # Both ends of each range of invisible characters, and DEL.
    assert guard_cell("a\x00b\x08c\x0bd\x0ce\x0ef\x1fg\x7fh") == "abcdefgh"
    assert guard_cell("Zeile 1\nZeile 2\r\nmit\tTab") == "Zeile 1\nZeile 2\r\nmit\tTab"


def test_the_dialect_is_semicolons_crlf_and_a_bom_with_quotes_only_where_needed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "liste.csv"
    rows = [["Müller", "3,5"], ['Sie sagte "ja"', "a;b"], ["zwei\nZeilen", " Leerzeichen"]]
    assert write_csv(target, ["Name", "Wert"], rows) == 3
    assert (
        target.read_bytes()
        == (
            "\ufeffName;Wert\r\n"
            "Müller;3,5\r\n"
            '"Sie sagte ""ja""";"a;b"\r\n'
            '"zwei\nZeilen"; Leerzeichen\r\n'
        ).encode()
    )


def test_the_header_row_is_not_counted_and_rows_are_counted_one_by_one(tmp_path: Path) -> None:
    with csv_file(tmp_path / "leer.csv", ["Kopf"]) as out:
        pass
    assert out.count == 0
    with csv_file(tmp_path / "drei.csv", ["Kopf"]) as out:
        out.row(["1"])
        out.rows([["2"], ["3"]])
    assert out.count == 3
    assert _cells(tmp_path / "drei.csv") == [["Kopf"], ["1"], ["2"], ["3"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_csv_and_json_are_table_formats(fmt: str) -> None:
    check_format(fmt)


def test_another_table_format_is_refused_in_german() -> None:
    with pytest.raises(KoordinationError) as caught:
        check_format("ods")
    assert str(caught.value) == (
        f"Das Format „ods“ gibt es für Tabellen nicht; möglich sind: {', '.join(FORMATS)}."
    )


def test_a_json_table_is_an_array_with_one_item_per_line(tmp_path: Path) -> None:
    target = tmp_path / "liste.json"
    write_json(target, iter([{"name": "Jürgen"}, {"name": "=1+1", "n": 2}]))
    assert (
        target.read_bytes()
        == ('[\n  {"name": "Jürgen"},\n  {"name": "=1+1", "n": 2}\n]\n').encode()
    )
    assert json.loads(target.read_text(encoding="utf-8"))[1]["n"] == 2


def test_an_empty_json_table_is_an_empty_array(tmp_path: Path) -> None:
    target = tmp_path / "leer.json"
    write_json(target, [])
    assert target.read_text(encoding="utf-8") == "[]\n"


def test_guard_agrees_with_stripping_then_guarding_for_every_character() -> None:
    # guard_cell skips the control-character pass on printable text: for no character,
    # alone, leading or inside a word, may that change the cell.
    for code in range(0x10000):
        ch = chr(code)
        for text in (ch, ch + "=1", "=" + ch, "a" + ch + "b", ch + ch):
            stripped = strip_controls(text)
            slow = "'" + stripped if looks_like_formula(stripped) else stripped
            assert guard_cell(text) == slow, repr(text)


def test_csv_rows_guard_each_cell_exactly_as_guard_cell(tmp_path: Path) -> None:
    # The writer passes plain cells without calling guard_cell: what reaches the file must
    # still be what guard_cell makes of every cell.
    chars = [chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF]
    cells = [text for ch in chars for text in (ch, ch + "=1", "=" + ch, "a" + ch)] + [""]
    rows = [cells[i : i + 50] for i in range(0, len(cells), 50)]
    target = tmp_path / "zellen.csv"
    write_csv(target, ["Zelle"] * 50, rows)
    assert _cells(target)[1:] == [[guard_cell(c) for c in row] for row in rows]


def test_plain_cells_pass_without_the_guard_and_only_suspect_ones_go_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Why a city's two million cells are written quickly: an empty or plain cell is written
    # as it is, guard_cell runs only for a cell that could need it.
    seen: list[str] = []
    original = table.guard_cell

    def guard(value: str) -> str:
        seen.append(value)
        return original(value)

    monkeypatch.setattr(table, "guard_cell", guard)
    with csv_file(tmp_path / "zellen.csv", ["Kopf"]) as out:
        out.row(["Müller", "", "0561 123456", "=1+1", "a\x08b", "@x"])
    assert seen == ["Kopf", "=1+1", "a\x08b", "@x"]
    assert _cells(tmp_path / "zellen.csv")[1] == ["Müller", "", "0561 123456", "'=1+1", "ab", "'@x"]
