"""`koordination fields list` on the demo city: the tree with links, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from koordination.cli.main import main


def test_fields_list_shows_measures_with_progress_and_what_drives_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "fields", "list"]) == 0
    text = capsys.readouterr().out
    assert "1. Engagement in den Stadtteilen  (federführend: AK Stadtteilarbeit)" in text
    assert "Gemeinsames Stadtteilfest im Juni 2027" in text
    assert "← Beschluss (08.09.2026, AK Stadtteilarbeit): Der AK richtet im Juni 2027" in text
    assert "Kennzahl Beteiligte Vereine: 6 von 15 Vereine (40 %)" in text
    assert main(["--db", db, "fields", "list", "--json"]) == 0
    fields = json.loads(capsys.readouterr().out)
    festival = fields[0]["goals"][0]["measures"][1]
    assert festival["status"] == "laufend" and festival["progress"] == 35
    assert [link["kind"] for link in festival["links"]] == ["decision", "task", "task"]
