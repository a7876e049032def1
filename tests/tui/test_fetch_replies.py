"""The Termine area fetches answers from the office's mailbox (a real Dovecot) at 80×24."""

from __future__ import annotations

import pytest
from support.dovecot import PASSWORD, OfficeMailbox
from support.reply_mails import demo_reply, plain_mail
from textual.widgets import Static
from tui_support import make_app, settle, text_of

from koordination.core import open_core
from koordination.domain.enums import ResponseStatus
from koordination.tui.areas.meetings import MeetingsArea


def monika(url: str) -> ResponseStatus:
    core = open_core(url)
    try:
        rows = core.meetings.invitation_list(1)
        return next(r.status for r in rows if r.email == "monika.weiss@example.net")
    finally:
        core.close()


async def test_antworten_abholen_books_in_a_worker_and_shows_the_summary_at_80x24(
    demo_db: str, office_mailbox: OfficeMailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    office_mailbox.append(demo_reply("outlook_accepted.eml"))
    office_mailbox.append(plain_mail("Frage zum Sommerfest"))
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        area = app.query_one(MeetingsArea)
        assert any(t.startswith("Antworten abholen") for t, _h, _a in app.command_entries())
        status = area.query_one("#meetings-status", Static)

        monkeypatch.setenv("KOORDINATION_IMAP_PASSWORD", "Falsch-0815")
        await pilot.press("R")
        await settle(pilot, app)
        assert text_of(status) == "Antworten abholen: fehlgeschlagen."
        shown = " ".join(n.message for n in app._notifications)
        assert "Anmeldung am Postfach" in shown and "Falsch-0815" not in shown
        assert monika(demo_db) is ResponseStatus.EINGELADEN

        monkeypatch.setenv("KOORDINATION_IMAP_PASSWORD", PASSWORD)
        await pilot.press("R")
        await settle(pilot, app)
        # The summary stays in the status line; the count of replies to review follows it.
        assert text_of(status).startswith(
            "Antworten abholen: 1 Antwort verbucht, 0 nicht zuzuordnen, "
            "1 andere Nachricht unberührt."
        )
    assert monika(demo_db) is ResponseStatus.ZUGESAGT
    assert office_mailbox.subjects() == ["Frage zum Sommerfest"]
