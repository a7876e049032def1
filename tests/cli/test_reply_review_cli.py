"""`koordination replies list|accept|dismiss` on the demo city: a Gmail counter-proposal for the
December date and an Outlook reply sent by someone else land on the review list; accepting the
proposal moves the date and asks everyone again, dismissing files the other away."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support.reply_mails import as_counter, demo_reply, rewrite, with_comment

from koordination.cli.main import main


@pytest.fixture
def demo(demo_sqlite: Callable[..., Path], tmp_path: Path) -> str:
    path = str(demo_sqlite())
    counter = rewrite(
        demo_reply("google_declined_occurrence.eml"),
        as_counter("20261215T190000", "20261215T210000", "Um 18 Uhr schaffe ich es nicht"),
    )
    foreign = demo_reply("outlook_accepted.eml").replace(
        b"From: ", b"From: lukas.yilmaz@example.org\r\nX-Old-From: ", 1
    )
    comment = rewrite(
        demo_reply("thunderbird_accepted.eml"), with_comment("Ich komme 30 Minuten später")
    )
    for name, data in (("counter.eml", counter), ("fremd.eml", foreign), ("c.eml", comment)):
        (tmp_path / name).write_bytes(data)
        assert main(["--db", path, "replies", "import", str(tmp_path / name)]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_review_list_shows_proposal_comment_and_unbookable_reply(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, "--db", demo, "replies", "list", "--offen")
    lines = out.splitlines()
    assert lines[0].split() == ["Nr.", "Eingang", "Art", "Rückmeldung", "Stand"]
    assert len(lines) == 4
    assert "Gegenvorschlag" in out and "15.12.2026 19:00–21:00 Uhr" in out
    assert "„Um 18 Uhr schaffe ich es nicht“" in out
    assert "Kommentar" in out and "„Ich komme 30 Minuten später“" in out
    assert "Absender lukas.yilmaz@example.org antwortet für monika.weiss@example.net" in out
    # Importing the same files again adds nothing to the list.
    data = json.loads(run(capsys, "--db", demo, "replies", "list", "--json"))
    assert [i["kind"] for i in data] == ["gegenvorschlag", "nicht_verbucht", "kommentar"]


def test_accepting_the_proposal_moves_the_date_and_asks_again(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, "--db", demo, "replies", "accept", "1")
    assert "ist jetzt am 15.12.2026 um 19:00 Uhr" in out
    shown = json.loads(run(capsys, "--db", demo, "meetings", "show", "1", "--json"))
    december = next(
        o for o in shown["occurrences"] if o["recurrence_id"] == "2026-12-08T18:00:00+01:00"
    )
    assert december["start"] == "2026-12-15T19:00:00+01:00"
    answers = [
        a
        for i in shown["invitations"]
        for a in i["answers"]
        if a["recurrence_id"] == december["recurrence_id"]
    ]
    assert answers and all(a["answer"] is None for a in answers)
    commented = [i for i in shown["invitations"] if i["comment"]]
    assert [i["comment"] for i in commented] == ["Ich komme 30 Minuten später"]
    out = run(capsys, "--db", demo, "replies", "dismiss", "2")
    assert "Nr. 2 ist erledigt (verworfen)." in out
    out = run(capsys, "--db", demo, "replies", "list", "--offen")
    assert len(out.splitlines()) == 2
    out = run(capsys, "--db", demo, "replies", "list")
    assert "angenommen" in out and "verworfen" in out


def test_accepting_twice_is_refused_in_german_and_changes_nothing(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--db", demo, "replies", "dismiss", "1")
    assert main(["--db", demo, "replies", "accept", "1"]) != 0
    assert "schon erledigt" in capsys.readouterr().err
