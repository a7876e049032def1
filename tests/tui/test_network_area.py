"""The Netzwerk area on the demo city: sector balance with a missing sector, engagement health,
cooperation, the view of one working group; and what the Übersicht says about measures that
are due and the programme's requirements."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from textual.widgets import DataTable, Select, Static, TabbedContent
from tui_support import APP_CLOCKS, make_app, settle, text_of

from koordination.clock import Clock
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.network import NetworkArea

SIZE = (130, 40)
#: In December 2026 three members of the AK Stadtteilarbeit have missed its last three
#: sittings, and the Engagementtag (due 01.12.2026) is overdue.
LATE = date(2026, 12, 5)


@pytest.fixture
def late_demo_db(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo city, with the app believing it is ``LATE``."""
    monkeypatch.setitem(APP_CLOCKS, demo_db, Clock.on(LATE))
    yield demo_db


async def open_network(pilot: Any, app: KoordinationApp) -> NetworkArea:
    await settle(pilot, app)
    await pilot.press("0")
    await settle(pilot, app)
    return app.query_one(NetworkArea)


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [
        [str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


async def test_the_sector_balance_shows_the_group_without_administration(
    late_demo_db: str,
) -> None:
    app = make_app(late_demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_network(pilot, app)
        table = area.query_one("#network-balance", DataTable)
        shown = {r[0]: r for r in rows(table)}
        # Consortium first, all groups together last.
        assert rows(table)[0][0] == "Konsortium Engagierte Stadt Wiesenbrück"
        assert rows(table)[-1][0] == "Alle Gruppen"
        assert shown["Konsortium Engagierte Stadt Wiesenbrück"][1:8] == [
            "3",
            "3",
            "3",
            "3",
            "3",
            "·",
            "15",
        ]
        digital = shown["Projektgruppe Digitales Engagement"]
        assert digital[2] == "0" and digital[-1] == "Verwaltung"
        missing_cell = table.get_row_at(rows(table).index(digital))[2]
        assert str(missing_cell.style) == "bold red"
        assert shown["AK Stadtteilarbeit"][-1] == "–"
        assert "Projektgruppe Digitales Engagement: es fehlt Verwaltung." in text_of(
            area.query_one("#network-warning", Static)
        )
        assert "1 Gruppe ohne Kernsektor" in text_of(area.query_one("#network-status", Static))


async def test_engagement_lists_who_missed_three_sittings_and_organisations_in_no_group(
    late_demo_db: str,
) -> None:
    app = make_app(late_demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_network(pilot, app)
        await pilot.press("greater_than_sign")
        await settle(pilot, app)
        assert area.query_one(TabbedContent).active == "net-engagement"
        text = text_of(area.query_one("#network-engagement-text", Static))
        assert "Drei Sitzungen in Folge verpasst (3)" in text
        lines = text.splitlines()
        for name in ("Fatma Winter", "Markus Lorenz", "Monika Weiß"):
            index = next(i for i, line in enumerate(lines) if line.startswith(name))
            assert lines[index].endswith("– AK Stadtteilarbeit")
            assert lines[index + 1] == "    verpasst: 08.09.26, 13.10.26, 10.11.26 · noch nie da"
        assert "Niemand ist in den letzten 90 Tagen dazugekommen." in text
        assert "Organisationen in keiner Gruppe (4)" in text
        wohnbau = next(line for line in text.splitlines() if "Wohnbau Wiesenbrück eG" in line)
        assert "Wirtschaft" in wohnbau and "niemand bekannt" in wohnbau


async def test_cooperation_shows_an_organisations_groups_and_partners(late_demo_db: str) -> None:
    app = make_app(late_demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_network(pilot, app)
        await pilot.press("greater_than_sign")
        await settle(pilot, app)
        table = area.query_one("#network-orgs", DataTable)
        names = [r[0] for r in rows(table)]
        assert names[0] == "Bürgerstiftung Wiesenbrück"
        assert rows(table)[0][2] == "4"
        text = text_of(area.query_one("#network-org-text", Static))
        assert (
            "Gruppen: AK Anerkennungskultur, AK Junges Engagement, AK Stadtteilarbeit, "
            "Projektgruppe Digitales Engagement" in text
        )
        assert "Am engsten" in text


async def test_the_group_view_shows_measures_decisions_tasks_attendance_and_balance(
    late_demo_db: str,
) -> None:
    app = make_app(late_demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_network(pilot, app)
        # Enter on a row of the balance opens the group.
        table = area.query_one("#network-balance", DataTable)
        table.focus()
        index = [r[0] for r in rows(table)].index("AK Stadtteilarbeit")
        table.move_cursor(row=index)
        await pilot.press("enter")
        await settle(pilot, app)
        assert area.query_one(TabbedContent).active == "net-group"
        text = text_of(area.query_one("#network-group-text", Static))
        assert "13 Mitglieder: Zivilgesellschaft 10 · Verwaltung 2 · Politik 1" in text
        assert "Zivilgesellschaft und Verwaltung sind vertreten." in text
        assert "Nicht vertreten: Wirtschaft und Wissenschaft" in text
        assert "bis 15.12.26  Treffpunkt Engagement im Südviertel  laufend" in text
        assert "Der Engagementtag findet 2027 wieder auf dem Marktplatz statt." in text
        assert "Förderantrag Stadtteilfest bei der Bürgerstiftung stellen" in text
        attendance = [line for line in text.splitlines() if "█" in line and line[:1].isdigit()]
        assert [line[:8] for line in attendance] == ["08.09.26", "13.10.26", "10.11.26"]

        # Another group: the one without administration says who is missing.
        select = area.query_one("#network-group", Select)
        select.value = dict(area.groups)["Projektgruppe Digitales Engagement"]
        await settle(pilot, app)
        text = text_of(area.query_one("#network-group-text", Static))
        assert "Es fehlt: Verwaltung" in text


async def test_the_overview_shows_due_measures_and_the_programme_status(
    late_demo_db: str,
) -> None:
    app = make_app(late_demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        card = text_of(app.query_one("#overview-measures", Static))
        lines = card.splitlines()
        assert lines[0] == "Fällige Maßnahmen  1 in 30 Tagen, 1 überfällig"
        assert lines[1].startswith("01.12.26 Engagementtag 2027 auf")
        assert lines[1].endswith(" 20 %")
        assert lines[2].startswith("15.12.26 Treffpunkt Engagement im")
        programme = text_of(app.query_one("#overview-programme", Static))
        assert "✓ Voraussetzungen erfüllt" in programme


async def test_the_overview_names_the_requirements_still_missing(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        programme = text_of(app.query_one("#overview-programme", Static)).splitlines()
        assert programme[1] == "✗ 2 Voraussetzungen sind noch nicht erfüllt."
        assert programme[2:4] == [
            "  ✗ Feste Ansprechperson",
            "  ✗ Grundsätze des Netzwerks anerkannt",
        ]
        measures = text_of(app.query_one("#overview-measures", Static))
        assert "Keine Maßnahme fällig in den nächsten 30 Tagen." in measures
