"""The sitting's forms at 80×24, every field filled by keyboard alone and saved with Strg+S:
agenda item, decision, task, workshop card and approval, checked in what the core stored."""

from __future__ import annotations

from datetime import date

from test_forms import SIZE, fill
from test_sitting import AK, goto_item, open_sitting, stored
from tui_support import make_app, settle

from koordination.domain.enums import CardKind, DecisionResult, MinutesStatus
from koordination.tui.dialogs.form import FormScreen


async def test_sitting_forms_are_filled_and_saved_by_keyboard_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sitting(pilot, app, date(2026, 11, 10))
        assert screen.record is not None
        sitting_id = screen.record.id

        await pilot.press("1", "n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(
            pilot,
            app,
            {
                "title": "Tastaturpunkt",
                "presenter": "Frau Tastatur",
                "duration": "20",
                "description": "alles per Tastatur",
                "public": False,
                "attachments": "https://example.org/anlage.pdf",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

        index = await goto_item(pilot, app, screen, "Tastaturpunkt")
        await pilot.press("ctrl+b")
        await settle(pilot, app)
        await fill(
            pilot,
            app,
            {
                "wording": "Der AK beschliesst per Tastatur.",
                "how": "stimmen",
                "yes": "7",
                "no": "2",
                "abstain": "1",
                "result": DecisionResult.ABGELEHNT,
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

        await pilot.press("ctrl+t")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        person = screen.record.attendance[0]
        await fill(
            pilot,
            app,
            {"title": "Plakate drucken", "person_id": person.person_id, "due": "30.11.2026"},
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

        await pilot.press("5", "n")
        await settle(pilot, app)
        await fill(
            pilot, app, {"text": "Mehr Bänke", "kind": CardKind.FRAGE, "cluster": "Stadtteil"}
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

        await pilot.press("ctrl+g")
        await settle(pilot, app)
        await fill(pilot, app, {"by": f"{AK} am 10.11.2026"})
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

    record = stored(demo_db, sitting_id)
    item = record.items[index]
    assert (item.title, item.presenter, item.duration_minutes) == (
        "Tastaturpunkt",
        "Frau Tastatur",
        20,
    )
    assert item.description == "alles per Tastatur" and item.public is False
    assert list(item.attachments) == ["https://example.org/anlage.pdf"]
    decision = item.decisions[-1]
    assert decision.wording == "Der AK beschliesst per Tastatur."
    assert (decision.votes_yes, decision.votes_no, decision.votes_abstain) == (7, 2, 1)
    assert decision.result is DecisionResult.ABGELEHNT and not decision.consensus
    task = item.tasks[-1]
    assert (task.title, task.assignee, task.due) == (
        "Plakate drucken",
        person.name,
        date(2026, 11, 30),
    )
    card = next(c for c in record.cards if c.text == "Mehr Bänke")
    assert (card.kind, card.cluster) == (CardKind.FRAGE, "Stadtteil")
    assert record.minutes_status is MinutesStatus.GENEHMIGT
    assert record.versions[-1].approved_by == f"{AK} am 10.11.2026"
