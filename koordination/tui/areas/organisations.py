"""The Organisationen area: list, search, sector filter, detail, forms, archive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Select

from koordination.domain.enums import Sector
from koordination.domain.records.directory import OrganisationRecord, OrganisationRow, Saved
from koordination.errors import KoordinationError
from koordination.tui.areas.list_area import ListArea, list_bindings
from koordination.tui.formatting import number, organisation_detail
from koordination.tui.keys import bind
from koordination.tui.widgets.lazy_table import Column, Counter, Loader, Row

if TYPE_CHECKING:
    from rich.console import RenderableType

    from koordination.domain.inputs.directory import OrganisationInput
    from koordination.services.directory.service import Directory
    from koordination.tui.dialogs.form import FormScreen


def organisation_row(r: OrganisationRow) -> Row:
    return Row(r.id, (r.name, r.sector.label, r.kind.label, number(r.people), r.email))


class OrganisationsArea(ListArea):
    TITLE = "Organisationen"
    NOUN = "Organisationen"
    IMPORT_KIND = "organisations"
    EXPORT_KIND = "organisations"
    SEARCH_HINT = "Suchen: Name, Kurzname, E-Mail …"
    RECORD_NOUN = "Organisation"
    CHANGED = "organisation"
    # Sector, kind and e-mail are in the detail; the number of people is not.
    SHOWN_IN_DETAIL = (1, 2, 4)
    COLUMNS = [
        Column("Name", 34, 3, min_width=18),
        Column("Sektor", 17, 0, priority=2, min_width=12),
        Column("Art", 20, 1, priority=3, min_width=12),
        Column("Personen", 8, 0, priority=1, min_width=8),
        Column("E-Mail", 28, 1, priority=4, min_width=16),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings(
            "Organisation",
            "Organisationen",
            [
                bind(
                    "offers",
                    "offers",
                    "Mitwirkungsmöglichkeiten: Angebote der Organisationen pflegen und "
                    "veröffentlichen",
                ),
            ],
            can_import=True,
        ),
    ]

    def compose_filters(self) -> Iterable[Widget]:
        yield Select(
            Sector.choices(),
            prompt="Alle Sektoren",
            id=f"{self.id}-sector",
            classes="filter",
            compact=True,
        )

    def list_filter(self) -> Any:
        from koordination.services.directory.search import (
            OrganisationFilter,  # loaded with the database
        )

        return OrganisationFilter(
            search=self.search.value, sector=self.select_value("sector"), archived=self.archived
        )

    def source(self, directory: Directory) -> tuple[Loader, Counter]:
        f = self.list_filter()

        def loader(offset: int, limit: int) -> list[Row]:
            return [organisation_row(r) for r in directory.list_organisations(f, offset, limit)]

        return loader, lambda: directory.count_organisations(f)

    def fetch(self, directory: Directory, row_id: int) -> OrganisationRecord:
        return directory.get_organisation(row_id)

    def render_detail(self, record: Any) -> RenderableType:
        return organisation_detail(record, self.today())

    def action_new(self, data: OrganisationInput | None = None, refused: str = "") -> None:
        """The form for a new organisation; with ``data`` it opens again with what was typed
        and why saving it was refused."""
        if self.needs_core() is None:
            return

        def done(result: OrganisationInput | None) -> None:
            if result is not None:
                self._save(None, result)

        self.app.push_screen(self._form("Organisation anlegen", None, data, refused), done)

    def action_edit(
        self,
        data: OrganisationInput | None = None,
        original: OrganisationRecord | None = None,
        refused: str = "",
    ) -> None:
        record: OrganisationRecord | None = original or self.selected()
        if record is None:
            return

        def done(result: OrganisationInput | None) -> None:
            if result is not None:
                self._save(record, result)

        title = f"Organisation bearbeiten – {record.name}"
        self.app.push_screen(self._form(title, record, data, refused), done)

    @staticmethod
    def _form(
        title: str,
        record: OrganisationRecord | None,
        typed: OrganisationInput | None,
        refused: str,
    ) -> FormScreen:
        from koordination.tui.areas.refused import RefusedForm
        from koordination.tui.dialogs.directory import (
            ORGANISATION_FIELDS,
            build_organisation,
            organisation_form,
            organisation_values,
        )

        if typed is None:
            return organisation_form(title, record)
        values = organisation_values(typed)
        return RefusedForm(title, ORGANISATION_FIELDS, values, build_organisation, refused)

    def _save(self, original: OrganisationRecord | None, data: OrganisationInput) -> None:
        assert self.core is not None
        directory = self.core.directory

        def call() -> Saved[OrganisationRecord]:
            if original is None:
                return directory.create_organisation(data)
            return directory.update_organisation(original, data)

        def done(saved: Saved[OrganisationRecord]) -> None:
            self.notify(f"{saved.record.name} wurde gespeichert.", title="Gespeichert")
            self.select_after_load = saved.record.id
            for warning in saved.warnings:
                self.notify(warning, title="Hinweis: mögliche Dublette", severity="warning")
            self.changed("organisation")

        def failed(exc: KoordinationError) -> None:
            # What was typed comes back in the form, with the reason (a name taken …).
            self.refresh_detail()
            if original is None:
                self.action_new(data, refused=exc.message)
            else:
                self.action_edit(data, original, refused=exc.message)

        self.call_service(call, done, failed)

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        record: OrganisationRecord | None = self.selected()
        if record is not None and self.core is not None:
            self.app.push_screen(AuditScreen(self.core, "organisation", record.id, record.name))

    def action_offers(self) -> None:
        """The engagement offers (imported only now: the screen is no part of the start); a
        new offer is of the highlighted organisation."""
        from koordination.tui.screens.offers import OffersScreen

        core = self.needs_core()
        if core is not None:
            current = self.current.id if self.current is not None else None
            self.app.push_screen(OffersScreen(core, organisation_id=current))

    def set_archived(self, directory: Directory, record: Any, archive: bool) -> OrganisationRecord:
        return directory.set_organisation_archived(record, archive)
