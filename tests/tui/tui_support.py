"""Helpers for TUI tests: a small city on a real SQLite file, an app to drive, screen readers."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console
from support.consents import catalogue_text, give_consent
from textual import events
from textual.content import Content
from textual.widgets import Input, Static, TextArea

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Bundesland,
    ConsentPurpose,
    GroupKind,
    GroupRole,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from koordination.services.directory.service import Directory
from koordination.tui.app import KoordinationApp
from koordination.tui.widgets.lazy_table import LazyTable

PEOPLE = [
    # given, family, e-mail, organisation index
    ("Anna", "Müller", "anna.mueller@buergerverein.de", 0),
    ("Bernd", "Schmidt", "bernd.schmidt@stadt-musterstadt.de", 1),
    ("Clara", "Schneider", "clara@freiwilligenagentur.de", 2),
    ("David", "Fischer", "d.fischer@stadtwerke.de", 3),
    ("Eva", "Weber", "eva.weber@hochschule.de", 4),
    ("Frank", "Meyer", "frank.meyer@buergerverein.de", 0),
    ("Greta", "Wagner", "greta.wagner@stadt-musterstadt.de", 1),
    ("Hans", "Becker", "hans.becker@freiwilligenagentur.de", 2),
    ("Ines", "Schulz", "ines.schulz@stadtwerke.de", 3),
    ("Jan", "Hoffmann", "jan.hoffmann@hochschule.de", 4),
]

ORGS = [
    ("Bürgerverein Altstadt e.V.", Sector.ZIVILGESELLSCHAFT, OrganisationKind.VEREIN),
    ("Stadt Musterstadt – Bürgerbüro", Sector.VERWALTUNG, OrganisationKind.KOMMUNALVERWALTUNG),
    (
        "Freiwilligenagentur Musterstadt",
        Sector.ZIVILGESELLSCHAFT,
        OrganisationKind.FREIWILLIGENAGENTUR,
    ),
    ("Stadtwerke Musterstadt GmbH", Sector.WIRTSCHAFT, OrganisationKind.UNTERNEHMEN),
    ("Hochschule Musterstadt", Sector.WISSENSCHAFT, OrganisationKind.HOCHSCHULE),
]


def build_city(db: Database) -> None:
    d = Directory(db, Clock.on(date(2025, 6, 1)))
    d.save_city(
        None,
        CityProfileInput(
            name="Musterstadt",
            bundesland=Bundesland.NI,
            inhabitants=48200,
            network_since=2019,
            tandem_partner="Beispielhausen",
            focus="Engagement junger Menschen",
        ),
    )
    org_ids = [
        d.create_organisation(OrganisationInput(name=n, sector=s, kind=k)).record.id
        for n, s, k in ORGS
    ]
    person_ids = []
    for given, family, email, org in PEOPLE:
        p = d.create_person(PersonInput(family_name=family, given_name=given, emails=[email]))
        d.add_affiliation(p.record.id, org_ids[org], "Mitglied", date(2020, 1, 1))
        person_ids.append(p.record.id)
    give_consent(d, person_ids[0], ConsentPurpose.EINLADUNGEN)
    catalogue_text(d, ConsentPurpose.FOTOS)  # one more wording to choose from
    steering = d.create_group(GroupInput("Steuerungsgruppe", GroupKind.KONSORTIUM)).record
    for i, role in ((0, GroupRole.SPRECHER), (1, GroupRole.MITGLIED), (3, GroupRole.MITGLIED)):
        d.add_membership(steering.id, person_ids[i], role, representing_id=org_ids[PEOPLE[i][3]])
    ak = d.create_group(GroupInput("AK Wirtschaft und Wissen", GroupKind.ARBEITSKREIS)).record
    for i in (3, 4):
        d.add_membership(
            ak.id, person_ids[i], GroupRole.MITGLIED, representing_id=org_ids[PEOPLE[i][3]]
        )


class QuietApp(KoordinationApp):
    """The real app with cursor blinking and animations off, so screens are deterministic."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A text area that blinked before a picture draws its cursor line in other pieces
        # (the same look, another SVG), so neither kind of field ever blinks here.
        if isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False


#: The clock an app made by `make_app` on a database URL runs on (fixtures put the demo's
#: day here); any other database runs on the system clock.
APP_CLOCKS: dict[str, Clock] = {}


def make_app(url: str) -> KoordinationApp:
    app = QuietApp(url, APP_CLOCKS.get(url, SYSTEM_CLOCK))
    app.animation_level = "none"
    return app


def move_to(app: KoordinationApp, day: date) -> None:
    """From now on the running app believes today is ``day`` (its areas load with it)."""
    assert app.core is not None
    app.core = app.core.on(Clock.on(day))
    for area in app.areas():
        area.ready(app.core)


#: Rounds of "let the screen catch up, wait for the workers" before settle gives up: a worker's
#: result starts the next worker now and then, never this often.
SETTLE_ROUNDS = 20


async def settle(pilot: object, app: KoordinationApp) -> None:
    """Wait until every worker finished and the screen caught up. Workers start workers (a
    worker's result message starts the next), so round after round until a round that let the
    screen process its messages finds no worker left; a quiet screen costs one round, not a fixed
    number of pauses."""
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()  # type: ignore[attr-defined]
        if not app.workers:
            break
        await app.workers.wait_for_complete()
    else:
        raise AssertionError(f"Nach {SETTLE_ROUNDS} Runden laufen noch Hintergrundarbeiten.")
    # Callbacks queued for after the last refresh (focus, scrolling into view) run now.
    await pilot.pause()  # type: ignore[attr-defined]


def text_of(widget: Static) -> str:
    """What a widget says, without styles; Rich renderables (the detail panes) wide, unwrapped."""
    content = widget.content
    if not isinstance(content, str | Content):
        console = Console(width=300, file=io.StringIO(), color_system=None, record=True)
        console.print(content)
        return "\n".join(line.rstrip() for line in console.export_text().splitlines())
    visual = widget.visual
    plain = getattr(visual, "plain", None)
    return plain if plain is not None else str(visual)


def table_names(table: LazyTable) -> list[str]:
    return [row.cells[0] for row in table.visible_rows() if row is not None]
