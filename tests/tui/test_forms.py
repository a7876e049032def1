"""The form dialogs at 80×24, driven by keyboard alone: every field reachable with Tab and in
view when it has the focus, the buttons and the form's keys always visible, Strg+S saves what
was typed, Esc asks before it throws typed text away."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Select, TextArea
from tui_support import make_app, settle

from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import Channel, GroupKind, MeetingKind, OrganisationKind, Sector
from koordination.tui.app import KoordinationApp
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.meeting import MeetingFormScreen
from koordination.tui.widgets.form import CheckList

SIZE = (80, 24)


def core_on(url: str) -> Core:
    return Core(Database(url))


def in_view(widget: Widget) -> bool:
    """Whether the whole widget shows in its dialog: on the screen and, unless it sits in a
    docked part itself (the title, the button bar), not under one of those
    (``scrollable_content_region`` alone still counts them)."""
    dialog = widget.screen.query_one("#dialog")
    child = widget
    while child.parent is not dialog:
        assert isinstance(child.parent, Widget)
        child = child.parent
    visible = dialog.scrollable_content_region
    if child.styles.dock == "none":
        visible = visible.shrink(child.dock_gutter)
    region = widget.region
    return bool(region.height) and visible.contains_region(region)


def footer_keys(app: KoordinationApp) -> set[str]:
    """The keys the footer of the screen on top shows."""
    footer = app.screen.query_one(Footer)
    return {str(key.key) for key in footer.query("FooterKey")}


async def choose(pilot: Any, select: Select[Any], value: Any) -> None:
    """Pick ``value`` in a Select by keyboard: open it, arrow to the option, Enter."""
    options = [v for _label, v in select._options]  # the blank one first, if any
    current = options.index(select.value if select.value in options else Select.NULL)
    target = options.index(value)
    await pilot.press("enter")
    step = "down" if target > current else "up"
    for _ in range(abs(target - current)):
        await pilot.press(step)
    await pilot.press("enter")


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` into the focused widget, key by key as a fast typist does: the same key
    events as ``pilot.press`` without waiting for the screen after every key."""
    app = pilot.app
    for ch in text:
        event = events.Key(ch if ch.isalnum() else _character_to_key(ch), ch)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


async def fill(pilot: Any, app: KoordinationApp, values: dict[str, Any]) -> None:
    """Fill a form's fields in Tab order; each one must have the focus and be in view."""
    form = app.screen
    assert isinstance(form, FormScreen)
    for spec in form.form.fields:
        widget = form.query_one(f"#field-{spec.key}")
        if not widget.display or (widget.parent is not None and not widget.parent.display):
            continue
        await pilot.pause()
        assert app.focused is widget, f"{spec.key}: focus is on {app.focused}"
        assert in_view(widget), f"{spec.key} is out of view"
        if spec.key in values:
            value = values[spec.key]
            if isinstance(widget, Select):
                await choose(pilot, widget, value)
            else:
                assert isinstance(widget, Input | TextArea)
                await pilot.press("ctrl+a" if isinstance(widget, TextArea) else "ctrl+u")
                await type_text(pilot, value)
                assert (widget.text if isinstance(widget, TextArea) else widget.value) == value
        await pilot.press("tab")
    await settle(pilot, app)


async def test_directory_forms_are_filled_and_saved_by_keyboard_at_80x24(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # Person: ten fields, more than the dialog shows at once.
        await pilot.press("2", "n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        assert {"ctrl+s", "escape"} <= footer_keys(app)  # the form's keys, not the list's
        await fill(
            pilot,
            app,
            {
                "salutation": "Frau",
                "title": "Dr.",
                "given_name": "Tastatur",
                "family_name": "Testerin",
                "emails": "tastatur@example.org",
                "phones": "0511 42",
                "postal_address": "Hauptstr. 1, 30159 Hannover",
                "preferred_channel": Channel.POST,
                "tags": "Formulartest",
                "notes": "per Tastatur",
            },
        )
        assert in_view(app.screen.query_one("#save", Button))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)

        await pilot.press("3", "n")
        await settle(pilot, app)
        await fill(
            pilot,
            app,
            {
                "name": "Tastaturverein",
                "short_name": "TV",
                "sector": Sector.ZIVILGESELLSCHAFT,
                "kind": OrganisationKind.INITIATIVE,
                "address": "Am Markt 2",
                "phone": "0511 43",
                "email": "verein@example.org",
                "website": "https://verein.example.org",
                "notes": "gegründet per Tastatur",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        await pilot.press("4", "n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        parent = form.query_one("#field-parent_id", Select)
        parent_id = next(v for _l, v in parent._options if v is not Select.NULL)
        await fill(
            pilot,
            app,
            {
                "name": "AK Tastatur",
                "kind": GroupKind.PROJEKTGRUPPE,
                "description": "alles ohne Maus",
                "parent_id": parent_id,
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)

    core = core_on(demo_db)
    d = core.directory
    person = next(p for p in d.list_people() if "Testerin" in p.name)
    full = d.get_person(person.id)
    assert (full.salutation, full.title, full.given_name) == ("Frau", "Dr.", "Tastatur")
    assert list(full.emails) == ["tastatur@example.org"]
    assert list(full.phones) == ["0511 42"]
    assert full.postal_address == "Hauptstr. 1, 30159 Hannover"
    assert full.preferred_channel is Channel.POST
    assert list(full.tags) == ["Formulartest"] and full.notes == "per Tastatur"
    org = next(o for o in d.list_organisations() if o.name == "Tastaturverein")
    org = d.get_organisation(org.id)
    assert (org.short_name, org.sector, org.kind) == (
        "TV",
        Sector.ZIVILGESELLSCHAFT,
        OrganisationKind.INITIATIVE,
    )
    assert (org.address, org.phone, org.email) == ("Am Markt 2", "0511 43", "verein@example.org")
    assert org.website == "https://verein.example.org" and org.notes == "gegründet per Tastatur"
    group = d.get_group(next(g.id for g in d.list_groups() if g.name == "AK Tastatur"))
    assert (group.kind, group.description, group.parent_id) == (
        GroupKind.PROJEKTGRUPPE,
        "alles ohne Maus",
        parent_id,
    )
    core.close()


async def test_meeting_form_stacks_below_100_columns_and_saves_by_keyboard(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("6", "n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, MeetingFormScreen)
        assert form.has_class("-narrow")
        # The first field to type in is the title; Shift+Tab goes back to the kind.
        assert app.focused is form.query_one("#field-title")
        await pilot.press("shift+tab")
        await fill(
            pilot,
            app,
            {
                "kind": MeetingKind.WERKSTATT,
                "title": "Tastaturtreffen",
                "day": "20.10.2026",
                "start": "17:00",
                "end": "19:30",
                "address": "Rathausplatz 1",
                "room": "Saal 2",
                "online_url": "https://treffen.example.org",
                "public": False,
                "description": "alles per Tastatur",
            },
        )
        # After the last field: the group list, in view, ticked with the space bar.
        groups = form.query_one("#meeting-groups", CheckList)
        assert app.focused is groups and in_view(groups)
        await pilot.press("space")
        await settle(pilot, app)
        first_group = groups.get_option_at_index(0).value
        assert list(groups.selected) == [first_group]
        assert "[x]" in str(groups.render_line(0).text)  # readable without colour
        assert "[ ]" in str(groups.render_line(1).text)
        assert in_view(form.query_one("#save", Button))
        assert {"ctrl+s", "escape"} <= footer_keys(app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, MeetingFormScreen)

    core = core_on(demo_db)
    saved = next(m for m in core.meetings.list_meetings() if m.title == "Tastaturtreffen")
    assert saved.kind is MeetingKind.WERKSTATT
    assert saved.start.strftime("%d.%m.%Y %H:%M") == "20.10.2026 17:00"
    assert saved.end.strftime("%H:%M") == "19:30"
    assert (saved.address, saved.room) == ("Rathausplatz 1", "Saal 2")
    assert saved.online_url == "https://treffen.example.org"
    assert saved.public is False and saved.description == "alles per Tastatur"
    assert saved.group_ids == (first_group,)
    core.close()


async def test_esc_asks_before_discarding_typed_text(demo_db: str) -> None:
    core = core_on(demo_db)
    people_before = len(core.directory.list_people())
    core.close()
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # Nothing typed: Esc closes at once.
        await pilot.press("2", "n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        assert not app.screen.unsaved_changes()
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen | ConfirmScreen)

        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Frau")
        assert form.unsaved_changes()
        await pilot.press("escape")
        await settle(pilot, app)
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.title_text == "Änderungen verwerfen?"
        labels = [str(b.label) for b in question.query(Button)]
        assert labels == ["Verwerfen (j)", "Zurück zum Formular (n)"]
        # The safe answer has the focus: Enter after Esc loses nothing.
        assert app.focused is question.query_one("#no")
        await pilot.press("n")
        await settle(pilot, app)
        assert app.screen is form
        assert form.query_one("#field-salutation", Input).value == "Frau"
        await pilot.press("escape", "j")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen | ConfirmScreen)
    core = core_on(demo_db)
    assert len(core.directory.list_people()) == people_before
    core.close()
