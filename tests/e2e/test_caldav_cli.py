"""`koordination caldav publish` on the demo city, against a real Radicale server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from radicale_server import RadicaleServer

from koordination.cli.main import main


def _uids(server: RadicaleServer, calendar: str) -> set[str]:
    status, body = server.request("PROPFIND", calendar, headers={"Depth": "1"})
    assert status == 207
    return {
        unquote(part.split(".ics")[0].rsplit("/", 1)[-1])
        for part in body.decode().split("<href>")[1:]
        if ".ics" in part.split("</href>")[0]
    }


def test_publish_all_then_a_cancellation_removes_the_event(
    radicale: RadicaleServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calendar = radicale.new_calendar()
    config = tmp_path / "config.toml"
    config.write_text(f'[caldav]\nurl = "{calendar}"\n', encoding="utf-8")
    monkeypatch.setenv("KOORDINATION_CONFIG", str(config))
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "demo"]) == 0

    assert main(["--db", db, "caldav", "publish", "--all"]) == 0
    assert "6" in capsys.readouterr().out
    assert _uids(radicale, calendar) == {f"demo-{n}@wiesenbrueck.example.org" for n in range(1, 7)}

    assert main(["--db", db, "cancel", "3"]) == 0
    assert main(["--db", db, "caldav", "publish", "--meeting", "3"]) == 0
    assert "demo-3@wiesenbrueck.example.org" not in _uids(radicale, calendar)
    assert len(_uids(radicale, calendar)) == 5
