"""`meetings show N` for people and scripts: per-date answers in the text, and the JSON shape
(`--json`) with the dates as invited and every answer, after a Gmail reply to one date."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.reply_mails import demo_reply

from koordination.cli.main import main

DECEMBER = "2026-12-08T18:00:00+01:00"


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path], tmp_path: Path) -> str:
    """The demo city after Lukas declined the AK Stadtteilarbeit of 08.12.2026 by Gmail, and
    Monika accepted the whole series by Outlook."""
    path = str(demo_sqlite())
    for fixture in ("google_declined_occurrence.eml", "outlook_accepted.eml"):
        mail = tmp_path / fixture
        mail.write_bytes(demo_reply(fixture))
        assert main(["--db", path, "replies", "import", str(mail)]) == 0
    return path


def shown(demo: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["--db", demo, "meetings", "show", "1", "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_json_has_the_meeting_its_dates_and_their_status(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shown(demo, capsys)
    assert data["id"] == 1
    assert data["uid"] == "demo-1@wiesenbrueck.example.org"
    assert isinstance(data["sequence"], int)
    dates = {o["recurrence_id"]: o for o in data["occurrences"]}
    # The demo moved the December date by a week and cancelled the one in January.
    assert dates[DECEMBER] == {
        "recurrence_id": DECEMBER,
        "start": "2026-12-15T18:00:00+01:00",
        "end": "2026-12-15T20:00:00+01:00",
        "status": "moved",
    }
    assert dates["2027-01-12T18:00:00+01:00"]["status"] == "cancelled"
    assert dates["2027-02-09T18:00:00+01:00"] == {
        "recurrence_id": "2027-02-09T18:00:00+01:00",
        "start": "2027-02-09T18:00:00+01:00",
        "end": "2027-02-09T20:00:00+01:00",
        "status": "scheduled",
    }
    summer = [o for o in data["occurrences"] if o["start"].startswith("2027-06")]
    assert summer and all(o["start"].endswith("+02:00") for o in summer)
    assert {o["status"] for o in data["occurrences"]} <= {"scheduled", "moved", "cancelled"}


def test_json_has_each_invitation_with_its_answer_and_its_answers_per_date(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    invitations = {i["email"]: i for i in shown(demo, capsys)["invitations"]}
    lukas = invitations["lukas.yilmaz@example.org"]
    assert set(lukas) >= {"person_id", "name", "email", "answer", "answers"}
    assert isinstance(lukas["person_id"], int) and lukas["name"]
    assert lukas["answers"] == [{"recurrence_id": DECEMBER, "answer": "declined", "comment": None}]
    monika = invitations["monika.weiss@example.net"]
    assert (monika["answer"], monika["answers"]) == ("accepted", [])
    unanswered = [i for i in invitations.values() if i["answer"] is None]
    assert unanswered, "someone who did not answer has answer null"
    assert {i["answer"] for i in invitations.values()} <= {
        "accepted",
        "declined",
        "tentative",
        None,
    }


def test_the_text_shows_an_answer_for_one_date_under_the_person(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--db", demo, "meetings", "show", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    lukas = next(n for n, line in enumerate(lines) if "lukas.yilmaz@example.org" in line)
    assert lines[lukas + 1].strip() == "am Di 08.12.2026 18:00: abgesagt"
