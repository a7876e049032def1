"""The Anwesenheit pane of the sitting screen: who was there, by sector, and marking each
person present, absent, excused or a guest."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import DataTable, Static

from koordination.domain.enums import AttendanceStatus
from koordination.domain.records.meetings import SittingRecord
from koordination.tui.keys import bind
from koordination.tui.screens.sitting.base import SittingBase
from koordination.tui.widgets.column_fit import (
    FitColumn,
    needed_widths,
    row_cells,
    set_columns,
)

KEYS: list[Binding] = [
    bind("present", "toggle_present", "Person anwesend / abwesend"),
    bind("excused", "excused", "Person ist entschuldigt"),
    bind("guest", "guest", "Person ist Gast"),
]

COLUMNS = [
    FitColumn("name", "Name", 24, min_width=18),
    FitColumn("organisation", "Organisation", 40, min_width=14, priority=1, grow=True),
    # The count by sector stands above the table: the column goes first.
    FitColumn("sector", "Sektor", 18, min_width=10, priority=2),
    FitColumn("status", "Status", 12),
]

STATUS_STYLE = {
    AttendanceStatus.ANWESEND: "bold green",
    AttendanceStatus.ENTSCHULDIGT: "yellow",
    AttendanceStatus.ABWESEND: "dim",
    AttendanceStatus.GAST: "cyan",
}


class AttendancePane(SittingBase):
    """Tab 2: the attendance list and the count present per sector."""

    def _show_attendance(self, record: SittingRecord) -> None:
        from koordination.services.sittings.service import Sittings

        table = self.query_one("#sitting-attendance", DataTable)
        row = table.cursor_row
        rows: list[tuple[str, dict[str, Any]]] = []
        for i, a in enumerate(record.attendance):
            values: dict[str, Any] = {
                "name": a.name,
                "organisation": a.organisation or "–",
                "sector": a.sector.label if a.sector else "–",
                "status": Text(a.status.label, style=STATUS_STYLE.get(a.status, "")),
            }
            rows.append((str(a.person_id if a.person_id is not None else f"x{i}"), values))
        widths = set_columns(table, COLUMNS, needed_widths(values for _key, values in rows))
        for key, values in rows:
            table.add_row(*row_cells(widths, values, clip=True), key=key)
        self._restore(table, row)
        counts = Sittings.sector_counts(record)
        by_status = {s: 0 for s in AttendanceStatus}
        for a in record.attendance:
            by_status[a.status] += 1
        sectors = " · ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "noch niemand"
        self.query_one("#sitting-sectors", Static).update(
            f"[b]Anwesend nach Sektor:[/b] {escape(sectors)}\n"
            f"[dim]anwesend {by_status[AttendanceStatus.ANWESEND]} · entschuldigt "
            f"{by_status[AttendanceStatus.ENTSCHULDIGT]} · abwesend "
            f"{by_status[AttendanceStatus.ABWESEND]} · Gäste "
            f"{by_status[AttendanceStatus.GAST]}[/dim]"
        )

    def _set_attendance(self, status: AttendanceStatus | None) -> None:
        record = self.record
        if record is None:
            return
        table = self.query_one("#sitting-attendance", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(record.attendance):
            return
        person = record.attendance[row]
        if person.person_id is None:
            return
        if status is None:
            present = person.status == AttendanceStatus.ANWESEND
            status = AttendanceStatus.ABWESEND if present else AttendanceStatus.ANWESEND
        minutes, person_id, new = self.minutes, person.person_id, status
        self.run_service(
            lambda: minutes.set_attendance(record.id, person_id, new),
            self.show,
            reload=False,
        )

    def action_toggle_present(self) -> None:
        self._set_attendance(None)

    def action_excused(self) -> None:
        self._set_attendance(AttendanceStatus.ENTSCHULDIGT)

    def action_guest(self) -> None:
        self._set_attendance(AttendanceStatus.GAST)
