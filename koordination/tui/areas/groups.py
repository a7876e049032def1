"""The Gruppen area: groups with members, sector balance and the missing-sector warning."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Static

from koordination.domain.records.directory import GroupRecord, GroupRow
from koordination.tui.areas.list_area import ListArea, list_bindings
from koordination.tui.areas.people import person_search
from koordination.tui.formatting import group_detail, missing_sectors_warning, number
from koordination.tui.keys import bind
from koordination.tui.widgets.lazy_table import Column, Counter, Loader, Row

if TYPE_CHECKING:
    from rich.console import RenderableType

    from koordination.domain.inputs.directory import MembershipInput
    from koordination.services.directory.service import Directory
    from koordination.tui.areas.list_area import Savers
    from koordination.tui.dialogs.directory import Ending
    from koordination.tui.dialogs.form import FormScreen


def group_row(r: GroupRow) -> Row:
    return Row(r.id, (r.name, r.kind.label, r.parent_name, number(r.members)))


class GroupsArea(ListArea):
    TITLE = "Gruppen"
    NOUN = "Gruppen"
    EXPORT_KIND = "groups"
    SEARCH_HINT = "Suchen: Name der Gruppe …"
    RECORD_NOUN = "Gruppe"
    CHANGED = "group"
    SHOWN_IN_DETAIL = (1, 2, 3)
    COLUMNS = [
        Column("Name", 40, 3, min_width=18),
        Column("Art", 27, 1, priority=2, min_width=12),
        Column("Gehört zu", 30, 1, priority=3, min_width=12),
        Column("Mitgl.", 6, 0, priority=1, min_width=6),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings(
            "Gruppe",
            "Gruppen",
            [
                bind("add_member", "add_member", "Mitglied hinzufügen"),
                bind("end_member", "end_membership", "Mitgliedschaft beenden"),
            ],
        ),
    ]

    def compose_detail_top(self) -> Iterable[Widget]:
        # The warning sits above the member list so a long list cannot hide it.
        warning = Static("", id=f"{self.id}-warning", classes="sector-warning")
        warning.display = False
        yield warning

    def compose_filters(self) -> Iterable[Widget]:
        yield self.sector_filter()

    def list_filter(self) -> Any:
        from koordination.services.directory.search import GroupFilter  # loaded with the database

        return GroupFilter(
            search=self.search.value, sector=self.select_value("sector"), archived=self.archived
        )

    def source(self, directory: Directory) -> tuple[Loader, Counter]:
        f = self.list_filter()
        rows: list[Row] = []
        fetched = False

        def all_rows() -> list[Row]:
            nonlocal rows, fetched
            if not fetched:
                rows = [group_row(g) for g in directory.list_groups(f.search, f.archived, f.sector)]
                fetched = True
            return rows

        return (lambda offset, limit: all_rows()[offset : offset + limit]), lambda: len(all_rows())

    def fetch(self, directory: Directory, row_id: int) -> GroupRecord:
        return directory.get_group(row_id)

    def render_detail(self, record: Any) -> RenderableType:
        return group_detail(record, self.today())

    def show_record(self, record: Any) -> None:
        super().show_record(record)
        warning = self.query_one(f"#{self.id}-warning", Static)
        text = missing_sectors_warning(record) if record is not None else ""
        warning.update(text)
        warning.display = bool(text)

    # ------------------------------------------------------------------ add / edit
    def _parents(self, exclude: int | None) -> list[tuple[str, int]]:
        table = self.table
        rows = [table.row_at(i) for i in range(min(table.row_count, table.page_size))]
        return [(r.cells[0], r.id) for r in rows if r is not None and r.id != exclude]

    def form(self, title: str, record: Any, typed: Any, refused: str) -> FormScreen:
        from koordination.tui.dialogs.directory import group_form

        return group_form(title, record, self._parents(None if record is None else record.id))

    def save_refused(self, original: Any, data: Any, reason: str) -> None:
        """The group form does not open again with what was typed: the notification says
        why it was not saved."""

    def savers(self, directory: Directory) -> Savers:
        return directory.create_group, directory.update_group

    def set_archived(self, directory: Directory, record: Any, archive: bool) -> GroupRecord:
        return directory.set_group_archived(record, archive)

    # ------------------------------------------------------------------ members
    def action_add_member(self) -> None:
        record: GroupRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        directory = core.directory
        from koordination.services.directory.search import OrganisationFilter

        people, count = person_search(directory)

        def open_dialog(organisations: list[tuple[str, int]]) -> None:
            from koordination.tui.dialogs.directory import MembershipScreen

            def done(data: MembershipInput | None) -> None:
                if data is None:
                    return
                self.call_service(
                    lambda: directory.add_membership(
                        record.id,
                        data.person_id,
                        data.role,
                        valid_from=data.valid_from,
                        representing_id=data.representing_id,
                    ),
                    lambda m: self._members_changed(f"{m.person_name} ist jetzt Mitglied."),
                )

            self.app.push_screen(
                MembershipScreen(record.name, people, count, organisations, self.today()), done
            )

        self.call_service(
            lambda: [
                (o.name, o.id) for o in directory.list_organisations(OrganisationFilter(), 0, 2000)
            ],
            open_dialog,
        )

    def action_end_membership(self) -> None:
        from koordination.tui.dialogs.directory import end_membership_form

        record: GroupRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        directory = core.directory
        today = self.today()
        current = [
            (f"{m.person_name} ({m.role.label})", m.id) for m in record.members if m.current(today)
        ]
        if not current:
            self.notify(f"{record.name} hat keine aktuellen Mitglieder.", severity="warning")
            return

        def done(ending: Ending | None) -> None:
            if ending is not None:
                self.call_service(
                    lambda: directory.end_membership(ending.id, ending.at),
                    lambda _none: self._members_changed("Mitgliedschaft beendet."),
                )

        self.app.push_screen(end_membership_form(record.name, current, today), done)

    def _members_changed(self, message: str) -> None:
        self.notify(message, title="Mitglieder")
        self.changed("group")
