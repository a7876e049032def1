"""Data protection in the interface at 80×24: the Übersicht shows open requests with their
one-month deadline (overdue in words) and warns while no retention period is decided; the
Stadtprofil takes the controller's data, proposes the supervisory authority of the Bundesland
and carries the state norm into the legal bases still at their default."""

from __future__ import annotations

from datetime import date

from snapshot_support import snap
from test_forms import type_text
from textual.widgets import Input, Static, TextArea
from tui_support import make_app, settle, text_of

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import PrivacyRequestKind
from koordination.domain.inputs.directory import PersonInput
from koordination.services.directory.service import Directory
from koordination.services.privacy.requests import PrivacyRequests

DEMO_TODAY = date(2026, 9, 1)


def _requests(url: str) -> None:
    db = Database(url)
    directory = Directory(db, Clock.on(DEMO_TODAY))
    pid = directory.create_person(PersonInput(family_name="Beispiel", given_name="Erika")).record
    requests = PrivacyRequests(db, Clock.on(DEMO_TODAY))
    requests.add(PrivacyRequestKind.AUSKUNFT, pid.id, received_on=date(2026, 7, 20))
    requests.add(PrivacyRequestKind.LOESCHUNG, None, requester="Max Mustermann (Brief)")
    db.dispose()


async def test_overview_shows_open_requests_with_their_deadline_and_the_retention_warning(
    demo_db: str,
) -> None:
    _requests(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        card = app.query_one("#overview-privacy", Static)
        assert card.display
        text = " ".join(text_of(card).split())
        assert "Datenschutz 2 Anfragen offen, 1 überfällig" in text
        assert "Auskunft: Erika Beispiel (Nr." in text
        assert "Frist 20.08.26, überfällig seit 12 Tagen" in text
        assert "Löschung: Max Mustermann (Brief), Frist 01.10.26, noch 30 Tage" in text
        assert "Aufbewahrung: 8 von 8 Fristen nicht festgelegt" in text
        # The card comes first and is whole on the first screen.
        assert card.region.y < app.query_one("#overview-city").region.y
        assert card.region.bottom <= app.size.height - 1
        await snap(pilot, app, "overview-privacy")


async def test_stadtprofil_takes_the_controller_data_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        authority = app.query_one("#field-supervisory_authority", TextArea)
        assert authority.text == ""
        await pilot.press("y")  # the proposals for the empty fields
        await settle(pilot, app)
        assert authority.text.startswith("Hessische/r Beauftragte/r für Datenschutz")
        assert app.query_one("#field-third_country_transfers", Input).value == "keine"
        await pilot.press("e")
        form = app.query_one("#city-form")
        for _ in range(60):
            if app.focused is not None and app.focused.id == "field-state_law_basis":
                break
            await pilot.press("tab")
        await settle(pilot, app)
        norm = app.query_one("#field-state_law_basis", Input)
        assert app.focused is norm
        assert form.scrollable_content_region.contains_region(norm.region)
        await type_text(pilot, "§ 3 HDSIG")
        await settle(pilot, app)
        basis = app.query_one("#field-basis_netzwerk", Input)
        assert basis.value == "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG"
        assert form.scrollable_content_region.contains_region(basis.region)
        await snap(pilot, app, "city-privacy")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    city = Directory(Database(demo_db)).get_city()
    assert city is not None
    assert city.state_law_basis == "§ 3 HDSIG"
    assert city.supervisory_authority.startswith("Hessische/r Beauftragte/r")
    assert city.legal_bases["sitzungen"] == "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG"
    assert city.third_country_transfers == "keine"
