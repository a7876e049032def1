"""What goes out by itself, in the interface at 80×24 on the demo city: the Übersicht's card
'Zu versenden' appears once reminders are due and approved minutes were not sent; Q opens the
list with each date's recipients and who is left out why; Enter asks, naming the recipients,
and sends with progress to a real SMTP server on 127.0.0.1, after which the row is gone."""

from __future__ import annotations

import email
from datetime import date
from email.policy import default

from snapshot_support import snap
from test_circulars_tui import Inbox, smtp  # noqa: F401 (the SMTP server fixture)
from textual.widgets import DataTable, Static
from tui_support import make_app, move_to, settle, text_of

from koordination.tui.dialogs.form import ConfirmScreen
from koordination.tui.screens.outgoing import OutgoingScreen

#: The day before the AK's December date; the demo's minutes were approved in November.
DAY = date(2026, 12, 14)


def _card(app: object) -> str:
    card = app.query_one("#overview-outgoing", Static)  # type: ignore[attr-defined]
    return " ".join(text_of(card).split()) if card.display else ""


async def test_the_overview_shows_what_is_due_and_sends_it_after_a_confirmation(
    demo_db: str,
    smtp: Inbox,  # noqa: F811
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert _card(app) == ""  # 1 September: nothing due, nothing approved yet
        move_to(app, DAY)
        await settle(pilot, app)
        assert _card(app) == (
            "Zu versenden 24 Erinnerung(en) fällig; 3 genehmigte(s) Protokoll(e) nicht "
            "versandt. Taste Q: ansehen und senden"
        )

        await pilot.press("Q")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, OutgoingScreen)
        table = screen.query_one("#outgoing-table", DataTable)
        assert table.row_count == 6  # three dates, three minutes
        detail = text_of(screen.query_one("#outgoing-detail", Static))
        assert "Erinnerung: AK Stadtteilarbeit" in detail
        assert "Erhalten die Erinnerung (10):" in detail
        assert "Dr. Sophie Ulrich: hat abgesagt" in detail
        assert "Markus Lorenz: keine E-Mail-Adresse" in detail
        assert screen.query_one(".dialog-buttons").region.bottom <= 23
        await snap(pilot, app, "outgoing")

        await pilot.press("enter")
        await settle(pilot, app)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.title_text == "10 Erinnerung(en) jetzt senden?"
        assert smtp.received == []
        await pilot.press("j")
        await settle(pilot, app)
        assert len(smtp.received) == 10
        for rcpt, raw in smtp.received:
            message = email.message_from_bytes(raw, policy=default)
            assert len(rcpt) == 1 and str(message["To"]).endswith(f"<{rcpt[0]}>")
            assert message["Subject"].startswith("Erinnerung: AK Stadtteilarbeit am Dienstag")
        assert isinstance(app.screen, OutgoingScreen)
        assert table.row_count == 5

        table.move_cursor(row=table.row_count - 1)  # the September minutes
        await pilot.press("enter")
        await settle(pilot, app)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.title_text == "Protokoll an 11 Person(en) senden?"
        assert "nicht: Markus Lorenz (keine E-Mail-Adresse)" in confirm.lines
        await pilot.press("j")
        await settle(pilot, app)
        minutes = smtp.received[10:]
        assert len(minutes) == 11
        for _rcpt, raw in minutes:
            message = email.message_from_bytes(raw, policy=default)
            [pdf] = list(message.iter_attachments())
            assert pdf.get_filename() == "protokoll-2026-09-08-fassung-1.pdf"
        assert table.row_count == 4

        await pilot.press("escape")
        await settle(pilot, app)
        assert _card(app) == (
            "Zu versenden 14 Erinnerung(en) fällig; 2 genehmigte(s) Protokoll(e) nicht "
            "versandt. Taste Q: ansehen und senden"
        )
