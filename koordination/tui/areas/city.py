"""The Stadtprofil area: edit the city's profile and the controller's data for the
data-protection texts, with validation as you type; y fills the empty data-protection fields
with proposals (the Bundesland's supervisory authority, the servers of the delivery settings)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static

from koordination.domain.records.directory import CityProfileRecord
from koordination.tui.areas.base import Area
from koordination.tui.keys import bind


class CityArea(Area):
    TITLE = "Stadtprofil"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("edit", "edit", "Stadtprofil bearbeiten"),
        bind("save", "save", "Stadtprofil speichern"),
        # The Verwerfen button says it on screen; in a field the footer's room is for
        # "Esc Feld verlassen".
        bind("undo", "revert", "Stadtprofil: Änderungen verwerfen", label="Verwerfen", show=False),
        bind(
            "accept",
            "propose",
            "Stadtprofil: Vorschläge in leere Datenschutzfelder eintragen",
            label="Vorschläge annehmen",
            # The fields' hints say it; in the footer it would push out Strg+Q at 80 columns.
            show=False,
        ),
        bind(
            "export",
            "export",
            "Datenschutz-Unterlagen ausgeben (Verzeichnis Art. 30, Information Art. 13/14)",
            label="Unterlagen",
            show=False,
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.record: CityProfileRecord | None = None
        #: What the form held when last loaded or saved: anything else is unsaved.
        self._saved_values: dict[str, Any] | None = None
        #: The Bundesland and state norm the form showed last: a change of either updates
        #: the fields that still hold what followed from the old one.
        self._shown: tuple[Any, str] = (None, "")

    def compose(self) -> ComposeResult:
        from koordination.tui.areas.city_form import CITY_FIELDS, build_city
        from koordination.tui.widgets.form import FormFields

        yield Static(
            "Profil der Stadt und Angaben zum Datenschutz (unten). e bearbeitet, Strg+S "
            "speichert, Esc verlässt das Feld.",
            classes="area-hint",
        )
        yield FormFields(CITY_FIELDS, {}, build_city, id="city-form", classes="city-form")
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
        from koordination.tui.areas.city_form import city_values

        self.record = record
        self.form.set_values(city_values(record))
        self._saved_values = self.form.values()
        self._shown = (self._saved_values.get("bundesland"), self._norm(self._saved_values))
        self.query_one("#city-summary", Static).update("")

    @staticmethod
    def _norm(values: dict[str, Any]) -> str:
        return str(values.get("state_law_basis") or "")

    def on_form_fields_validated(self, _message: Any) -> None:
        """After every change: a new state norm goes into the legal bases still at their
        default; a new Bundesland proposes its authority where the old proposal stood."""
        from koordination.domain.authorities import proposed_authority
        from koordination.tui.areas.city_form import follow_norm

        if self._saved_values is None:
            return
        values = self.form.values()
        land, norm = values.get("bundesland"), self._norm(values)
        old_land, old_norm = self._shown
        if (land, norm) == self._shown:
            return
        self._shown = (land, norm)
        changes = follow_norm(values, old_norm, norm) if norm != old_norm else {}
        authority = values.get("supervisory_authority", "").strip()
        if land != old_land and authority in ("", proposed_authority(old_land)):
            changes["supervisory_authority"] = proposed_authority(land)
        if changes:
            self._fill(changes)

    def _fill(self, changes: dict[str, str]) -> None:
        from textual.widgets import Input, TextArea

        for key, value in changes.items():
            widget = self.query_one(f"#field-{key}")
            if isinstance(widget, TextArea):
                widget.load_text(value)
            elif isinstance(widget, Input):
                widget.value = value

    def action_export(self) -> None:
        """The office's paperwork from the profile and the retention rules, in the export
        dialog (the saved profile: unsaved edits are not in it)."""
        core = self.needs_core()
        if core is None:
            return
        from koordination.outputs.registry import PAPERWORK
        from koordination.tui.dialogs.export import ExportDialog

        self.app.push_screen(
            ExportDialog(
                core,
                PAPERWORK,
                None,
                title="Datenschutz-Unterlagen ausgeben (Entwurf)",
                note="Aus dem gespeicherten Stadtprofil und den Aufbewahrungsfristen.",
            )
        )

    def action_propose(self) -> None:
        """Fill the empty data-protection fields with what koordination can propose; the
        office checks them and saves with Strg+S."""
        from koordination.domain.authorities import proposed_authority
        from koordination.domain.controller import NO_TRANSFERS

        core = self.needs_core()
        if core is None:
            return
        values = self.form.values()
        proposals = {
            "supervisory_authority": proposed_authority(values.get("bundesland")),
            "processors": core.directory.proposed_processors(),
            "third_country_transfers": NO_TRANSFERS,
        }
        changes = {
            key: value
            for key, value in proposals.items()
            if value and not str(values.get(key) or "").strip()
        }
        summary = self.query_one("#city-summary", Static)
        if not changes:
            summary.update("Nichts vorzuschlagen: Felder schon ausgefüllt.")
            return
        self._fill(changes)
        summary.update("Vorschläge eingetragen, bitte prüfen.")

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
