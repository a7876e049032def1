"""The Organisationen area: list, search, sector filter, detail, forms, archive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import BindingType
from textual.widget import Widget

from koordination.domain.records.directory import OrganisationRecord, OrganisationRow, Saved
from koordination.tui.areas.list_area import ListArea, list_bindings
from koordination.tui.formatting import number, organisation_detail
from koordination.tui.keys import bind
from koordination.tui.widgets.lazy_table import Column, Counter, Loader, Row

if TYPE_CHECKING:
    from rich.console import RenderableType

    from koordination.services.directory.service import Directory
    from koordination.tui.areas.list_area import FormFields, Savers


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
        yield self.sector_filter()

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

    def form_fields(self) -> FormFields:
        from koordination.tui.dialogs.directory import (
            ORGANISATION_FIELDS,
            build_organisation,
            organisation_values,
        )

        return ORGANISATION_FIELDS, organisation_values, build_organisation

    def savers(self, directory: Directory) -> Savers:
        return directory.create_organisation, directory.update_organisation

    def saved(self, original: OrganisationRecord | None, result: Saved[OrganisationRecord]) -> None:
        super().saved(original, result)
        for warning in result.warnings:
            self.notify(warning, title="Hinweis: mögliche Dublette", severity="warning")

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
