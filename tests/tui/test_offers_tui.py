"""The engagement offers in the interface at 80×24, on the demo city (1 Sept 2026): H in
Organisationen (or the palette) opens the list of open offers with the one to review marked;
o shows all, P those to review; Enter previews the public page; n and e fill the form by
keyboard, which says as you type what is wrong (an unknown organisation, an expiry day in the
past); y confirms (an expired offer with a new day), d closes as besetzt; Strg+E publishes the
website through the export dialog. Every change is checked in the database afterwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_TODAY
from snapshot_support import fixed_paths, opens, press, snap
from sqlalchemy import select
from test_forms import fill, footer_keys, in_view, type_text
from textual.widgets import Button, Input, Static
from tui_support import make_app, settle, text_of

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.demo.offers import EXPIRED, UNCONFIRMED
from koordination.domain.enums import HoursPeriod, OfferKind, OfferStatus
from koordination.domain.models import EngagementOffer
from koordination.services.offers.service import Offers
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.offers import OfferForm, OfferPreview
from koordination.tui.screens.offers import OffersScreen

SIZE = (80, 24)


def _offers(url: str) -> dict[str, object]:
    db = Database(url)
    try:
        return {o.title: o for o in Offers(db, Clock.on(DEMO_TODAY)).find()}
    finally:
        db.dispose()


def _titles(screen: OffersScreen) -> list[str]:
    return [o.title for o in screen.offers]


def _status(screen: OffersScreen) -> str:
    return text_of(screen.query_one("#offers-status", Static))


def _detail(screen: OffersScreen) -> str:
    return " ".join(text_of(screen.query_one("#offers-detail", Static)).split())


def _move_to(screen: OffersScreen, title: str) -> None:
    screen.table.move_cursor(row=_titles(screen).index(title), animate=False)


def _problem(form: FormScreen, key: str) -> str:
    return text_of(form.query_one(f"#problem-{key}", Static))


async def test_the_offers_are_listed_reviewed_and_previewed_from_organisationen(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_paths(monkeypatch)
    stored = _offers(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await press(pilot, app, "3")
        screen = await opens(pilot, app, ("H",), OffersScreen)
        assert isinstance(screen, OffersScreen)
        # Open offers: all but the expired one; the unconfirmed one reads "zu prüfen".
        assert sorted(_titles(screen)) == sorted(t for t in stored if t != EXPIRED)
        assert "11 Angebote" in _status(screen) and "1 zu prüfen (P)" in _status(screen)
        row = screen.table.get_row_at(_titles(screen).index(UNCONFIRMED))
        assert "zu prüfen" in [str(cell) for cell in row]
        # The title is never cut below its minimum; the status always shows.
        assert {k.value for k in screen.table.columns} >= {"title", "status"}
        await snap(pilot, app, "offers-list")

        await press(pilot, app, "P")
        assert _titles(screen) == [UNCONFIRMED]
        assert "bestätigt am 20.01.2026 – zu prüfen" in _detail(screen)
        assert "confirmed" in {str(k.value) for k in screen.table.columns}
        await press(pilot, app, "P", "o")  # back to the open ones, then all
        assert sorted(_titles(screen)) == sorted(stored)
        _move_to(screen, EXPIRED)
        await settle(pilot, app)
        assert "Stand: abgelaufen seit 18.04.2026" in _detail(screen)

        # Enter: the public page as text; an expired offer says it is published nowhere.
        preview = await opens(pilot, app, ("enter",), OfferPreview)
        page = text_of(preview.query_one("#offer-preview-text", Static))
        assert page.startswith("Nicht veröffentlicht: abgelaufen.")
        await press(pilot, app, "escape")
        _move_to(screen, "Lesepatinnen und Lesepaten")
        await settle(pilot, app)
        preview = await opens(pilot, app, ("enter",), OfferPreview)
        page = text_of(preview.query_one("#offer-preview-text", Static))
        assert "Ein Angebot von Förderverein Stadtbibliothek e.V." in page
        assert any(
            line.split() == ["Zeitaufwand", "2", "Stunden", "pro", "Woche"]
            for line in page.splitlines()
        )
        assert "Worum es geht" in page and "Kontakt" in page
        assert in_view(preview.query_one("#offer-preview-close", Button))
        await snap(pilot, app, "offer-preview")
        await press(pilot, app, "escape")
        assert app.screen is screen

        # F1 lists the screen's keys; Esc goes back to Organisationen.
        sections = dict(app.key_sections())
        assert any(
            b.tooltip == "Angebot als besetzt schließen"
            for b in sections["Mitwirkungsmöglichkeiten (Organisationen, Taste H)"]
        )
        await press(pilot, app, "escape")
        assert not isinstance(app.screen, OffersScreen)

        # The palette finds the offers from any area.
        await press(pilot, app, "1", "ctrl+p")
        await type_text(pilot, "Mitwirkungsmöglichkeiten")
        await settle(pilot, app)
        await press(pilot, app, "enter")
        assert isinstance(app.screen, OffersScreen)


#: A regular offer (no date) the test lets expire: confirming it asks for a new expiry day.
LAPSED = "Digitale Sprechstunde für Ältere"


def _let_expire(url: str, title: str) -> None:
    db = Database(url)
    try:
        with db.session() as session:
            offer = session.scalars(select(EngagementOffer).where(EngagementOffer.title == title))
            found = offer.one()
            assert found.starts_at is None
            found.expires_on = date(2026, 8, 1)
            found.status = OfferStatus.ABGELAUFEN
    finally:
        db.dispose()


async def test_an_offer_is_added_edited_confirmed_and_closed_by_keyboard(demo_db: str) -> None:
    _let_expire(demo_db, LAPSED)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await opens(pilot, app, ("3", "H"), OffersScreen)
        assert isinstance(screen, OffersScreen)

        form = await opens(pilot, app, ("n",), OfferForm)
        assert isinstance(form, OfferForm)
        assert {"ctrl+s", "escape"} <= footer_keys(app)
        organisation = form.query_one("#field-organisation", Input)
        assert app.focused is organisation
        # An organisation the directory does not know is said at once, in German.
        await pilot.press("ctrl+u")
        await type_text(pilot, "Verein, den es nicht gibt")
        await settle(pilot, app)
        assert "„Verein, den es nicht gibt“ steht nicht" in _problem(form, "organisation")
        await pilot.press("ctrl+u")
        await fill(
            pilot,
            app,
            {
                "organisation": "tafel wiesenbrück e.v.",  # case does not matter
                "title": "Kuchen backen für den Engagementtag",
                "kind": OfferKind.EINMALIG,
                "description": "Zwei Bleche Kuchen für das Café am Engagementtag.",
                "hours": "3",
                "hours_per": HoursPeriod.INSGESAMT,
                "starts": "12.06.2027 10:00",
                "ends": "16:00",
                "district": "Nordstadt",
                "tags": "Familien, ohne Vorkenntnisse",
                "expires": "01.01.2020",
            },
        )
        assert "01.01.2020 liegt in der Vergangenheit." in _problem(form, "expires")
        await press(pilot, app, "shift+tab")  # from the buttons back to the last field
        assert app.focused is form.query_one("#field-expires", Input)
        await press(pilot, app, "ctrl+s")  # refused: the form stays and says why
        assert app.screen is form
        summary = text_of(form.query_one("#form-summary", Static))
        assert summary == "Bitte korrigieren: Ablaufdatum: 01.01.2020 liegt in der Vergangenheit."
        await snap(pilot, app, "offer-form")
        await pilot.press("ctrl+u")
        await type_text(pilot, "12.06.2027")
        await settle(pilot, app)
        assert _problem(form, "expires") == ""
        await press(pilot, app, "ctrl+s")
        assert app.screen is screen
        assert "Kuchen backen für den Engagementtag" in _titles(screen)

        # Edit: the title, and the contact follows the organisation's people.
        _move_to(screen, "Kuchen backen für den Engagementtag")
        form = await opens(pilot, app, ("e",), OfferForm)
        title = form.query_one("#field-title", Input)
        title.focus()
        await pilot.press("end")
        await type_text(pilot, " (Spende)")
        await press(pilot, app, "ctrl+s")
        assert app.screen is screen

        # The expired one-off's date is over: confirming it would invite citizens to a day
        # gone by. y says so and changes nothing; e takes the new date, and with the expiry
        # left empty it is open again until then.
        await press(pilot, app, "o")
        _move_to(screen, EXPIRED)
        await press(pilot, app, "y")
        assert app.screen is screen
        said = " ".join(n.message for n in app._notifications)
        assert "Der Termin war am 18.04.2026; ein vergangener Termin wird nicht" in said
        app.clear_notifications()
        form = await opens(pilot, app, ("e",), OfferForm)
        for key, value in (("starts", "17.04.2027 09:00"), ("ends", "13:00"), ("expires", "")):
            form.query_one(f"#field-{key}", Input).focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, value)
        await settle(pilot, app)
        await press(pilot, app, "ctrl+s")
        assert app.screen is screen
        assert "Stand: offen, veröffentlicht bis 17.04.2027" in _detail(screen)

        # An offer without a date that expired is confirmed with a new expiry day.
        _move_to(screen, LAPSED)
        expiry = await opens(pilot, app, ("y",), FormScreen)
        assert "abgelaufen" in text_of(expiry.query_one(".dialog-note", Static))
        await type_text(pilot, "31.12.2026")
        await press(pilot, app, "ctrl+s")
        assert app.screen is screen

        # Close another one as besetzt, after the question.
        _move_to(screen, "Lesepatinnen und Lesepaten")
        await opens(pilot, app, ("d",), ConfirmScreen)
        await press(pilot, app, "j")
        assert app.screen is screen
        assert "Stand: besetzt" in _detail(screen)

    offers = _offers(demo_db)
    new = offers["Kuchen backen für den Engagementtag (Spende)"]
    assert new.organisation == "Tafel Wiesenbrück e.V."  # type: ignore[attr-defined]
    assert new.kind is OfferKind.EINMALIG  # type: ignore[attr-defined]
    assert new.tags == ("für Familien", "ohne Vorkenntnisse")  # type: ignore[attr-defined]
    assert new.hours_text == "3 Stunden insgesamt"  # type: ignore[attr-defined]
    assert new.expires_on == date(2027, 6, 12)  # type: ignore[attr-defined]
    assert new.district == "Nordstadt"  # type: ignore[attr-defined]
    again = offers[EXPIRED]
    assert (again.status, again.expires_on) == (  # type: ignore[attr-defined]
        OfferStatus.OFFEN,
        date(2027, 4, 17),
    )
    lapsed = offers[LAPSED]
    assert (lapsed.status, lapsed.expires_on) == (  # type: ignore[attr-defined]
        OfferStatus.OFFEN,
        date(2026, 12, 31),
    )
    assert offers["Lesepatinnen und Lesepaten"].status is OfferStatus.BESETZT  # type: ignore[attr-defined]


async def test_publishing_writes_the_website_of_the_open_offers(
    demo_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fixed_paths(monkeypatch)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await opens(pilot, app, ("3", "H"), OffersScreen)
        dialog = await opens(pilot, app, ("ctrl+e",), ExportDialog)
        path = dialog.query_one("#export-path", Input)
        assert path.value == "/home/koordinierung/Exporte/angebote"  # a folder, no ending
        assert "die 11 offenen, nicht abgelaufenen Angebote" in text_of(
            dialog.query_one("#export-scope", Static)
        )
        await snap(pilot, app, "offers-publish")
        target = tmp_path / "website"
        path.value = str(target)
        await press(pilot, app, "ctrl+s")
        assert isinstance(app.screen, OffersScreen)
    index = (target / "index.html").read_text(encoding="utf-8")
    assert "Lesepatinnen und Lesepaten" in index
    assert EXPIRED not in index
    assert (target / "engagement-wegweiser.pdf").is_file()
    assert (target / "angebote.ics").is_file()


async def test_the_offer_form_says_each_date_problem_as_it_is_typed(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await opens(pilot, app, ("3", "H"), OffersScreen)
        form = await opens(pilot, app, ("n",), OfferForm)
        assert isinstance(form, OfferForm)

        async def type_into(key: str, text: str) -> None:
            form.query_one(f"#field-{key}", Input).focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, text)
            await settle(pilot, app)

        # The expiry day in the past is said at once, while title and kind are still empty.
        await type_into("expires", "01.01.2020")
        assert _problem(form, "expires") == "01.01.2020 liegt in der Vergangenheit."
        # A day without a time, ending at a time, would read "00:00–17:00 Uhr" on the page.
        await type_into("starts", "12.6.27")
        await type_into("ends", "17:00")
        assert _problem(form, "starts").startswith("bitte mit Uhrzeit angeben, z. B. 12.06.2027")
        await type_into("starts", "12.6.27 10:00")
        assert _problem(form, "starts") == ""
        # A dated offer is over after its day: a later expiry day is refused as typed.
        await type_into("expires", "30.06.2027")
        assert _problem(form, "expires").startswith(
            "liegt nach dem Ende des Termins (12.06.2027); danach ist das Angebot vorbei."
        )
        await type_into("expires", "")
        assert _problem(form, "expires") == ""
        # Whole days: both as dates.
        await type_into("starts", "12.6.27")
        await type_into("ends", "13.6.27")
        assert (_problem(form, "starts"), _problem(form, "ends")) == ("", "")
        # A date that is over is said under Ende.
        await type_into("starts", "01.03.2026 10:00")
        await type_into("ends", "12:00")
        assert _problem(form, "ends").startswith("Der Termin war am 01.03.2026")


async def test_a_long_hostile_title_is_cut_in_the_list_and_the_notice_not_in_the_detail(
    demo_db: str,
) -> None:
    title = '<script>alert("x")</script> „Fest“ & 🎉 [b]fett[/b] ' + "Langer Titel " * 19
    title = title.strip()
    assert 280 < len(title) <= 300
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await opens(pilot, app, ("3", "H"), OffersScreen)
        assert isinstance(screen, OffersScreen)
        _move_to(screen, "Lesepatinnen und Lesepaten")
        form = await opens(pilot, app, ("e",), OfferForm)
        form.query_one("#field-title", Input).focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, title)
        await settle(pilot, app)
        await press(pilot, app, "ctrl+s")
        assert app.screen is screen
        # The kind and the state stay beside the title at 80 columns; the title ends in "…".
        assert [str(k.value) for k in screen.table.columns] == ["title", "kind", "status"]
        row = [str(cell) for cell in screen.table.get_row_at(_titles(screen).index(title))]
        assert row[0].startswith('<script>alert("x")</script>') and row[0].endswith("…")
        assert row[1:] == ["regelmäßig", "offen"]
        # The notice names the title cut; the detail says it whole, markup shown as typed.
        said = [n.message for n in app._notifications]
        assert any(m.endswith("…“ ist gespeichert.") and len(m) < 90 for m in said), said
        assert title in _detail(screen)
    assert title in _offers(demo_db)
