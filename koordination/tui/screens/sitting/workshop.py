"""The Werkstatt pane of the sitting screen: cards by cluster with their dot-votes, new cards,
clusters, votes and a card turned into a task."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from koordination.domain.enums import CardKind, MeetingKind
from koordination.domain.records.meetings import CardRecord, SittingRecord
from koordination.tui.keys import bind
from koordination.tui.messages import DataChanged
from koordination.tui.screens.sitting.base import SittingBase
from koordination.tui.widgets.column_fit import (
    FitColumn,
    needed_widths,
    row_cells,
    set_columns,
)

if TYPE_CHECKING:
    from koordination.domain.inputs.sittings import CardInput, TaskInput

KEYS: list[Binding] = [
    bind("new", "card_new", "Werkstatt: Karte anlegen", label="Neue Karte"),
    bind("edit", "card_cluster", "Werkstatt: Cluster der Karte ändern", label="Cluster"),
    bind("add_member", "card_vote_up", "Karte: ein Punkt dazu", label="Punkt +"),
    bind("end_member", "card_vote_down", "Karte: ein Punkt weg", label="Punkt −"),
    bind("task", "card_task", "Werkstatt: Karte wird Aufgabe", label="Zur Aufgabe"),
]

COLUMNS = [
    FitColumn("text", "Karte", 56, min_width=24, grow=True),
    FitColumn("kind", "Art", 11, priority=2),
    FitColumn("votes", "Punkte", 18, min_width=8),
    FitColumn("task", "Aufgabe", 18, min_width=12, priority=1),
]

#: Cards without a cluster are listed last, under this heading.
NO_CLUSTER = "Ohne Cluster"
#: More dots than this are shown as a number only (the row stays one line).
MAX_DOTS = 12

CARD_STYLE = {
    CardKind.IDEE: "green",
    CardKind.ERKENNTNIS: "cyan",
    CardKind.FRAGE: "yellow",
}


def dots(votes: int) -> str:
    """The dot-votes of a card as dots and a number: "●●● 3"."""
    shown = "●" * min(votes, MAX_DOTS) + ("…" if votes > MAX_DOTS else "")
    return f"{shown} {votes}".strip()


def clustered(cards: tuple[CardRecord, ...]) -> list[tuple[str, list[CardRecord]]]:
    """Cards by cluster, the clusters with the most dots first and the unclustered last;
    within a cluster the cards with the most dots first."""
    by_cluster: dict[str, list[CardRecord]] = {}
    for card in cards:
        by_cluster.setdefault(card.cluster, []).append(card)
    for members in by_cluster.values():
        members.sort(key=lambda c: (-c.votes, c.id))
    order = sorted(
        by_cluster,
        key=lambda name: (name == "", -sum(c.votes for c in by_cluster[name]), name.lower()),
    )
    return [(name or NO_CLUSTER, by_cluster[name]) for name in order]


class WorkshopPane(SittingBase):
    """Tab 5: the cards of a workshop (Werkstatt), clustered and weighted."""

    def _show_cards(self, record: SittingRecord) -> None:
        table = self.query_one("#sitting-cards", DataTable)
        row = table.cursor_row
        self.card_rows = []
        groups = clustered(record.cards)
        rows: list[tuple[str, dict[str, Any]]] = []
        for name, members in groups:
            dots_total = sum(c.votes for c in members)
            heading: dict[str, Any] = {
                "text": Text(name, style="bold reverse"),
                "kind": Text(f"{len(members)} Karten", style="dim"),
                "votes": Text(f"{dots_total} Punkte", style="dim"),
                "task": "",
            }
            rows.append((f"cluster-{len(self.card_rows)}", heading))
            self.card_rows.append(None)
            for card in members:
                task = Text(f"→ Aufgabe Nr. {card.task_id}", style="green") if card.task_id else ""
                values: dict[str, Any] = {
                    "text": Text("  " + card.text),
                    "kind": Text(card.kind.label, style=CARD_STYLE.get(card.kind, "")),
                    "votes": Text(dots(card.votes), style="bold magenta" if card.votes else "dim"),
                    "task": task,
                }
                rows.append((f"card-{card.id}", values))
                self.card_rows.append(card)
        widths = set_columns(table, COLUMNS, needed_widths(values for _key, values in rows))
        for key, values in rows:
            table.add_row(*row_cells(widths, values, clip=True), key=key)
        if self._select_card is not None:
            row = next(
                (i for i, c in enumerate(self.card_rows) if c and c.id == self._select_card), row
            )
            self._select_card = None
        elif row == 0 and len(self.card_rows) > 1:
            row = 1  # the first card, not its heading
        self._restore(table, row)
        table.border_title = f"Karten – {len(record.cards)} in {len(groups)} Clustern"
        hint = "[dim]Genehmigt: die Karten sind nur lesbar.[/dim]" if record.frozen else ""
        if not record.cards:
            hint = "Noch keine Karten (n: neue Karte). " + hint
        if record.kind != MeetingKind.WERKSTATT:
            hint += "[dim]Karten sind vor allem für Werkstätten gedacht.[/dim]"
        self.query_one("#sitting-cards-hint", Static).update(hint)

    def _clusters(self) -> list[str]:
        if self.record is None:
            return []
        return sorted({c.cluster for c in self.record.cards if c.cluster}, key=str.lower)

    def _card(self) -> CardRecord | None:
        table = self.query_one("#sitting-cards", DataTable)
        row = table.cursor_row
        card = self.card_rows[row] if 0 <= row < len(self.card_rows) else None
        if card is None:
            self.notify("Bitte zuerst eine Karte wählen.", severity="warning")
        return card

    def action_card_new(self) -> None:
        from koordination.tui.dialogs.sitting import card_form

        record = self.record
        if record is None:
            return
        # A new card goes to the cluster the cursor is in: that is where the talk is.
        table = self.query_one("#sitting-cards", DataTable)
        row = table.cursor_row
        here = next((c.cluster for c in reversed(self.card_rows[: row + 2]) if c is not None), "")
        minutes = self.minutes

        def done(data: CardInput | None) -> None:
            if data is None:
                return

            def call() -> tuple[int, SittingRecord]:
                card_id = minutes.add_card(record.id, data)
                return card_id, minutes.get(record.id)

            def added(result: tuple[int, SittingRecord]) -> None:
                # The cursor goes to the new card, wherever its cluster sorts.
                self._select_card, new = result
                self.show(new)
                self.notify(f"Karte „{data.text}“ angelegt.", markup=False)

            self.run_service(call, added, reload=False)

        self.app.push_screen(card_form(self._clusters(), here), done)

    def action_card_cluster(self) -> None:
        from koordination.tui.dialogs.sitting import cluster_form

        card = self._card()
        if card is None:
            return
        minutes = self.minutes

        def done(cluster: str | None) -> None:
            if cluster is None:
                return
            self._select_card = card.id
            self.run_service(
                lambda: minutes.group_card(card.id, cluster),
                lambda _none: self.notify(
                    f"Karte jetzt unter „{cluster or NO_CLUSTER}“.", markup=False
                ),
            )

        self.app.push_screen(cluster_form(card, self._clusters()), done)

    def _vote(self, delta: int) -> None:
        card = self._card()
        if card is None:
            return
        if delta < 0 and card.votes == 0:
            self.notify("Die Karte hat keine Punkte.", severity="warning")
            return
        minutes = self.minutes
        self._select_card = card.id
        self.run_service(lambda: minutes.vote(card.id, delta))

    def action_card_vote_up(self) -> None:
        self._vote(1)

    def action_card_vote_down(self) -> None:
        self._vote(-1)

    def action_card_task(self) -> None:
        from koordination.tui.dialogs.sitting import card_task_form

        record = self.record
        card = self._card()
        if record is None or card is None:
            return
        if card.task_id is not None:
            self.notify(f"Diese Karte ist schon Aufgabe Nr. {card.task_id}.", severity="warning")
            return
        minutes = self.minutes
        people = [(a.name, a.person_id) for a in record.attendance if a.person_id is not None]

        def done(data: TaskInput | None) -> None:
            if data is None:
                return

            def made(number: int) -> None:
                self.notify(f"Aus der Karte wurde Aufgabe Nr. {number}.", title="Werkstatt")
                self.post_message(DataChanged("task"))

            self._select_card = card.id
            self.run_service(
                lambda: minutes.card_to_task(
                    card.id, person_id=data.person_id, group_id=data.group_id, due=data.due
                ),
                made,
            )

        self.app.push_screen(card_task_form(card, people, self.groups), done)
