"""`koordination datenschutz anfrage` on the demo city: a request is recorded with its
one-month deadline, listed (also as JSON), answered by `people export-data`, closed by hand;
wrong input says in German what is wrong and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from koordination.cli.main import main
from koordination.clock import SYSTEM_CLOCK


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path]) -> str:
    return str(demo_sqlite())


def _listed(capsys: pytest.CaptureFixture[str], demo: str, *more: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["datenschutz", "anfrage", "list", "--json", "--db", demo, *more]) == 0
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def test_a_request_is_recorded_listed_answered_and_closed(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    received = SYSTEM_CLOCK.today() - timedelta(days=40)
    args = ["datenschutz", "anfrage", "add", "auskunft", "--person", "5", "--db", demo]
    assert main([*args, "--eingang", received.strftime("%d.%m.%Y")]) == 0
    out = capsys.readouterr().out
    assert "Anfrage Nr. 1 erfasst: Auskunft (Art. 15 DSGVO)" in out
    assert "überfällig seit" in out
    assert main(["datenschutz", "anfrage", "add", "berichtigung", "--von", "Erika Beispiel",
                 "--db", demo]) == 0  # fmt: skip
    assert main(["datenschutz", "anfrage", "list", "--db", demo]) == 0
    table = capsys.readouterr().out
    assert "Auskunft" in table and "Erika Beispiel" in table
    assert "1 Anfrage ist überfällig." in table
    (late, fresh) = _listed(capsys, demo)
    assert late["overdue"] is True and late["person_id"] == 5
    assert fresh["deadline"] in ("noch 30 Tage", "noch 31 Tage", "noch 28 Tage", "noch 29 Tage")

    # Writing the access report answers the access request.
    target = tmp_path / "auskunft.json"
    assert main(["people", "export-data", "5", "--format", "json", "-o", str(target),
                 "--db", demo]) == 0  # fmt: skip
    assert "Vor dem Versand prüfen:" in capsys.readouterr().out
    assert [r["kind"] for r in _listed(capsys, demo)] == ["berichtigung"]
    assert json.loads(target.read_text(encoding="utf-8"))["requests"][0]["completed_at"]

    assert main(["datenschutz", "anfrage", "done", "2", "--notiz", "berichtigt", "--db", demo]) == 0
    assert "Anfrage Nr. 2 (Berichtigung (Art. 16 DSGVO), Erika Beispiel)" in capsys.readouterr().out
    assert _listed(capsys, demo) == []
    assert len(_listed(capsys, demo, "--alle")) == 2


def test_wrong_requests_say_what_is_wrong_in_german_and_change_nothing(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["datenschutz", "anfrage", "add", "--db", demo]
    assert main([*base, "auskunft"]) == 1
    assert "den Namen der anfragenden Person angeben" in capsys.readouterr().err
    future = (SYSTEM_CLOCK.today() + timedelta(days=3)).strftime("%d.%m.%Y")
    assert main([*base, "auskunft", "--person", "5", "--eingang", future]) == 1
    assert "liegt in der Zukunft" in capsys.readouterr().err
    assert main([*base, "auskunft", "--person", "99999"]) == 1
    assert "Person Nr. 99999 wurde nicht gefunden" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main([*base, "auskunftt", "--person", "5"])
    assert usage.value.code == 2
    assert "keine Art von Anfrage" in capsys.readouterr().err
    assert main(["datenschutz", "anfrage", "done", "7", "--db", demo]) == 1
    assert "Anfrage Nr. 7 wurde nicht gefunden" in capsys.readouterr().err
    assert _listed(capsys, demo, "--alle") == []
