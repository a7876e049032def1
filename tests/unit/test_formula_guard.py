"""The formula guard at its edges: every start character a spreadsheet runs as a formula gets the
apostrophe, in every CSV writer; a character just outside the list does not."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from koordination.outputs.builders import audit
from koordination.outputs.builders.survey_tables import write_raw
from koordination.outputs.table import csv_file, guard_cell, write_csv

#: = + - @ start a formula in Excel and LibreOffice; a tab or CR before one does too (OWASP).
STARTS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("http://evil.example","Klick")'


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.mark.parametrize("start", STARTS, ids=repr)
def test_each_formula_start_gets_the_apostrophe(start: str) -> None:
    assert guard_cell(start + PAYLOAD) == "'" + start + PAYLOAD
    assert guard_cell(start) == "'" + start


@pytest.mark.parametrize(
    "text",
    ["Müller", "'=schon geschützt", " =mit Leerzeichen", "1+1", "a@b.de", "", "\n=neue Zeile"],
    ids=repr,
)
def test_text_that_does_not_start_a_formula_stays_as_it_is(text: str) -> None:
    assert guard_cell(text) == text


def test_control_characters_go_before_the_guard_looks() -> None:
    # A backspace in front must not hide the "=" from the guard.
    assert guard_cell("\x08=1+1") == "'=1+1"


@pytest.mark.parametrize("start", STARTS, ids=repr)
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


@pytest.mark.parametrize("start", STARTS, ids=repr)
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


@pytest.mark.parametrize("start", STARTS, ids=repr)
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
