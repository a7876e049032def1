"""The dialogs that link records at 80×24, by keyboard alone: a consent, a person's organisation
and a group member are typed, picked and saved with Strg+S, and the core holds them."""

from __future__ import annotations

from datetime import date

from test_forms import SIZE, choose, core_on, fill, footer_keys, in_view, type_text
from textual.widgets import Button, Input, Select
from tui_support import make_app, settle

from koordination.domain.enums import ConsentChannel, ConsentPurpose, GroupRole
from koordination.tui.dialogs.directory import AffiliationScreen, MembershipScreen
from koordination.tui.dialogs.form import FormScreen


async def test_consent_affiliation_and_membership_are_entered_by_keyboard_at_80x24(
    city_db: str,
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        person = app.query_one("#people").current  # type: ignore[attr-defined]
        assert person is not None

        # Einwilligung: the catalogue's wording, channel, proof, date.
        await pilot.press("w")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        texts = app.screen.query_one("#field-text", Select)
        (photos,) = [v for label, v in texts._options if label.startswith("Fotos")]
        await fill(
            pilot,
            app,
            {
                "text": photos,
                "channel": ConsentChannel.FORMULAR,
                "evidence": "Formular Nr. 7",
                "given_at": "01.12.2026",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)

        # Organisation +: find it by typing, Enter picks it, then function and date.
        await pilot.press("plus")
        await settle(pilot, app)
        assert isinstance(app.screen, AffiliationScreen)
        assert {"ctrl+s", "escape"} <= footer_keys(app)
        await type_text(pilot, "Hochschule")
        await settle(pilot, app)
        await pilot.press("tab", "enter")
        await settle(pilot, app)
        function = app.screen.query_one("#function", Input)
        assert app.focused is function
        await type_text(pilot, "Beirat")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "01.11.2026")
        assert in_view(app.screen.query_one("#save", Button))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, AffiliationScreen)

        # Mitglied +: the person by name, role and organisation by arrows, then the date.
        await pilot.press("4")
        await settle(pilot, app)
        group = app.query_one("#groups").current  # type: ignore[attr-defined]
        await pilot.press("plus")
        await settle(pilot, app)
        assert isinstance(app.screen, MembershipScreen)
        await type_text(pilot, person.family_name)
        await settle(pilot, app)
        await pilot.press("tab", "tab")  # the list, then the role: the buttons come last
        role = app.screen.query_one("#role", Select)
        assert app.focused is role
        await choose(pilot, role, GroupRole.SPRECHER)
        await pilot.press("tab")
        representing = app.screen.query_one("#representing", Select)
        assert app.focused is representing
        options = [value for _label, value in representing._options if value is not Select.NULL]
        await choose(pilot, representing, options[0])
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "01.10.2026")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, MembershipScreen)

    core = core_on(city_db)
    try:
        saved = core.directory.get_person(person.id)
        photo = [c for c in saved.consents if c.purpose is ConsentPurpose.FOTOS]
        assert [(c.text_version, c.channel, c.evidence) for c in photo] == [
            (photos.version, ConsentChannel.FORMULAR, "Formular Nr. 7")
        ]
        assert any(
            a.organisation_name == "Hochschule Musterstadt"
            and a.function == "Beirat"
            and a.valid_from == date(2026, 11, 1)
            for a in saved.affiliations
        )
        member = [m for m in saved.memberships if m.group_id == group.id]
        assert [(m.role, m.valid_from) for m in member] == [(GroupRole.SPRECHER, date(2026, 10, 1))]
        assert member[0].representing_id == options[0]
    finally:
        core.close()
