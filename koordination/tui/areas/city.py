"""The Stadtprofil area: edit the city's profile with validation as you type."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static

from koordination.domain.records.directory import CityProfileRecord
from koordination.tui.areas.base import Area
from koordination.tui.keys import bind

#: Fields of the profile that hold sentences rather than a name or a number.
LONG_TEXTS = frozenset({"portrait", "focus", "vision", "achievements", "resources"})


class CityArea(Area):
    TITLE = "Stadtprofil"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("edit", "edit", "Stadtprofil bearbeiten"),
        bind("save", "save", "Stadtprofil speichern"),
        # The Verwerfen button says it on screen; in a field the footer's room is for
        # "Esc Feld verlassen".
        bind("undo", "revert", "Stadtprofil: Änderungen verwerfen", label="Verwerfen", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.record: CityProfileRecord | None = None
        #: What the form held when last loaded or saved: anything else is unsaved.
        self._saved_values: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        from koordination.tui.dialogs.directory import CITY_FIELDS, build_city
        from koordination.tui.widgets.form import FormFields

        yield Static(
            "Das Profil der Stadt im Netzwerk Engagierte Stadt. e bearbeitet, Strg+S "
            "speichert; Esc verlässt das Feld, dann wechseln 1–0 den Bereich.",
            classes="area-hint",
        )
        # The long texts wrap at word boundaries instead of running off the right edge.
        fields = [replace(s, kind="lines") if s.key in LONG_TEXTS else s for s in CITY_FIELDS]
        yield FormFields(fields, {}, build_city, id="city-form", classes="city-form")
        with Horizontal(classes="form-buttons"):
            yield Button("Speichern", variant="primary", id="city-save")
            yield Button("Verwerfen", id="city-revert")
            yield Static("", id="city-summary", classes="form-summary")

    @property
    def form(self) -> Any:
        from koordination.tui.widgets.form import FormFields

        return self.query_one("#city-form", FormFields)

    def on_mount(self) -> None:
        self._saved_values = self.form.values()

    def on_resize(self) -> None:
        # A low terminal: no blank line between the fields, so more of the profile is seen.
        self.set_class((self.size.height or self.app.size.height) < 30, "-short")

    # ------------------------------------------------------------------ nothing lost
    def unsaved_changes(self) -> bool:
        """Whether the form holds edits that are not saved (Strg+Q asks then)."""
        return self._saved_values is not None and self.form.values() != self._saved_values

    def flush_saves(self) -> None:
        """Nothing is saved behind the user's back: the profile is saved with Strg+S only, so
        a half-typed (perhaps invalid) profile is never written on quitting; the app asks."""

    def focus_default(self) -> None:
        from textual.widgets import Input, TextArea

        focused = self.screen.focused
        if (
            focused is None
            or self not in focused.ancestors
            or isinstance(focused, Input | TextArea)
        ):
            # Coming into the area, or Esc in a field (the app's "leave field"): onto the
            # button bar, never into a text, so 1–0 switch areas instead of typing digits
            # over the city's name. Editing starts with e, or Shift+Tab into the form.
            self.query_one("#city-save", Button).focus()

    def action_edit(self) -> None:
        self.query_one("#field-name").focus()

    def reload(self, keep_position: bool = False) -> None:
        if self.core is not None:
            directory = self.core.directory
            self.call_service(
                lambda: (directory.contact_candidates(), directory.get_city()), self._loaded
            )

    def _loaded(self, loaded: tuple[list[tuple[str, int]], CityProfileRecord | None]) -> None:
        from textual.widgets import Select

        candidates, record = loaded
        self.query_one("#field-contact_person_id", Select).set_options(candidates)
        self.show(record)

    def data_changed(self, what: str) -> None:
        if what == "city":
            self.reload()

    def show(self, record: CityProfileRecord | None) -> None:
        from koordination.tui.dialogs.directory import city_values

        self.record = record
        self.form.set_values(city_values(record))
        self._saved_values = self.form.values()
        self.query_one("#city-summary", Static).update("")

    @on(Button.Pressed, "#city-save")
    def action_save(self) -> None:
        core = self.needs_core()
        if core is None:
            return
        directory = core.directory
        problems = self.form.reveal_all()
        summary = self.query_one("#city-summary", Static)
        if problems:
            summary.update("Bitte korrigieren: " + "; ".join(str(p) for p in problems))
            self.notify("Das Stadtprofil wurde nicht gespeichert.", severity="error")
            return
        data, _ = self.form.result()
        original = self.record
        sent = self.form.values()

        def done(saved: CityProfileRecord) -> None:
            self.record = saved
            self._saved_values = sent
            summary.update("")
            self.notify(f"Stadtprofil {saved.name} gespeichert.", title="Gespeichert")
            self.changed("city")

        self.call_service(lambda: directory.save_city(original, data), done)

    @on(Button.Pressed, "#city-revert")
    def action_revert(self) -> None:
        self.show(self.record)
