"""Mitwirkungsmöglichkeiten: the engagement offers of the network's organisations in a list
(offene, alle, zu prüfen), the highlighted one in detail, and adding, editing, confirming,
closing as besetzt, the preview of its public page and the publication, as `koordination
angebote` does. Opened from Organisationen (H) or the palette; imported only then, so it
costs the start nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from koordination.clock import CITY_ZONE
from koordination.domain.enums import OfferStatus
from koordination.errors import KoordinationError
from koordination.tui.keys import bind
from koordination.tui.widgets.column_fit import (
    FitColumn,
    FittedTable,
    clip_cell,
    needed_widths,
    set_columns,
)
from koordination.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.offers import OfferRecord
    from koordination.outputs.registry import Produced
    from koordination.tui.dialogs.offers import OfferChoices, OfferFormResult

OFFERS_CSS = Path(__file__).with_name("offers.tcss")
T = TypeVar("T")

#: The title always (never below 18 cells) and the state; then the kind (fits beside the
#: title at 80 columns), the organisation, the expiry, the Stadtteil and the last
#: confirmation drop out in this order for room (the detail below says all of it).
COLUMNS = [
    FitColumn("title", "Titel", 34, min_width=18, grow=True),
    FitColumn("organisation", "Organisation", 26, min_width=14, priority=3),
    FitColumn("kind", "Art", 10, priority=2),
    FitColumn("district", "Stadtteil", 16, min_width=10, priority=5),
    FitColumn("status", "Stand", 10, priority=1),
    FitColumn("expires", "Bis", 10, priority=4),
    FitColumn("confirmed", "Bestätigt", 10, priority=6),
]
#: In the review list the last confirmation is what it is about (the state reads "zu
#: prüfen" in every row): it comes first.
REVIEW_PRIORITIES = {"confirmed": 1, "status": 6}

#: A title longer than this is cut with "…" rather than pushing the kind and the state out
#: of the table (the detail below shows it whole).
TITLE_ROOM = 50
#: A title in a notice is cut after this many characters.
NOTICE_TITLE = 60

#: The list modes: open offers, all of them, those to review.
OPEN, ALL, REVIEW = "offen", "alle", "pruefen"
#: The state a row reads, for the eye (the words say it without colour).
STATUS_STYLES = {
    OfferStatus.OFFEN: "",
    OfferStatus.BESETZT: "dim",
    OfferStatus.ABGELAUFEN: "bold red",
}
STALE = "zu prüfen"


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(CITY_ZONE):%d.%m.%Y}"


def quoted(title: str) -> str:
    """„title“ for a notice, cut with "…" when long (a 300-character title would fill it)."""
    if len(title) > NOTICE_TITLE:
        title = title[: NOTICE_TITLE - 1].rstrip() + "…"
    return f"„{title}“"


def offer_values(offer: OfferRecord, stale: bool) -> dict[str, Any]:
    """The cells of one offer by column key, whole (the table clips them)."""
    status = Text(offer.status.label, STATUS_STYLES[offer.status])
    if stale and offer.status == OfferStatus.OFFEN:
        status = Text(STALE, "bold yellow")
    return {
        "title": Text(offer.title),
        "organisation": Text(offer.organisation),
        "kind": Text(offer.kind.label),
        "district": Text(offer.district or ("online" if offer.online else "–")),
        "status": status,
        "expires": Text(f"{offer.expires_on:%d.%m.%Y}"),
        "confirmed": Text(_day(offer.confirmed_at), "bold yellow" if stale else ""),
    }


def offer_detail(offer: OfferRecord, stale: bool) -> Text:
    """The highlighted offer: what it is, where it stands, whom citizens ask."""
    from koordination.outputs.builders.offers import contact_lines, when_text

    text = Text()
    text.append(f"Nr. {offer.id} · {offer.title}", style="bold")
    facts = [offer.organisation, offer.kind.label, offer.hours_text, when_text(offer)]
    facts.append(offer.where)
    text.append("\n" + " · ".join(f for f in facts if f))
    state = f"Stand: {offer.status.label}"
    if offer.status == OfferStatus.ABGELAUFEN:
        state += f" seit {offer.expires_on:%d.%m.%Y} (y bestätigt mit neuem Datum)"
    elif offer.status == OfferStatus.OFFEN:
        state += f", veröffentlicht bis {offer.expires_on:%d.%m.%Y}"
    text.append("\n" + state, style=STATUS_STYLES[offer.status])
    confirmed = f" · bestätigt am {_day(offer.confirmed_at)}"
    text.append(confirmed, style="bold yellow" if stale else "dim")
    if stale:
        text.append(" – zu prüfen", style="bold yellow")
    if offer.reminded_at is not None:
        text.append(f" · erinnert am {_day(offer.reminded_at)}", style="dim")
    more = [f"Passt für: {', '.join(offer.tags)}" if offer.tags else ""]
    more.append(f"Thema: {offer.action_field}" if offer.action_field else "")
    if any(more):
        text.append("\n" + " · ".join(m for m in more if m))
    text.append("\nKontakt (öffentlich): " + " · ".join(contact_lines(offer.contact)))
    if offer.contact_person_id and not offer.contact.personal:
        text.append(
            f"\n{offer.contact_person} wird nicht genannt (keine Einwilligung „Kontaktdaten "
            "im Netzwerk teilen“ oder eingeschränkt).",
            style="italic",
        )
    return text


class OffersScreen(Screen[None]):
    """The offers of the network; ``organisation_id`` is the organisation a new offer is of
    (the one highlighted in Organisationen)."""

    CSS_PATH = OFFERS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Zurück zu den Organisationen", label="Zurück"),
        bind("new", "new", "Mitwirkungsmöglichkeit anlegen"),
        bind("edit", "edit", "Mitwirkungsmöglichkeit bearbeiten"),
        bind("accept", "confirm", "Angebot bestätigen: ist noch aktuell", label="Bestätigen"),
        bind("done", "close_offer", "Angebot als besetzt schließen", label="Besetzt"),
        bind("open", "preview", "Vorschau: die Seite des Angebots auf der Website"),
        bind("open_only", "toggle_open", "Nur offene / alle Angebote zeigen"),
        bind(
            "review",
            "toggle_review",
            "Zu prüfen: offene Angebote, seit 6 Monaten nicht bestätigt",
            label="Zu prüfen",
        ),
        bind(
            "export",
            "publish",
            "Angebote veröffentlichen: Website-Ordner, Wegweiser als PDF",
            label="Veröffentlichen",
            show=False,
        ),
        bind("history", "history", "Verlauf: Änderungen (Angebot)", show=False),
        bind("reload", "reload", "Liste neu laden", show=False),
    ]

    def __init__(self, core: Core, *, organisation_id: int | None = None) -> None:
        super().__init__()
        self.core = core
        self.organisation_id = organisation_id
        self.mode = OPEN
        self.offers: list[OfferRecord] = []
        #: Offers on the review list (open, not confirmed for six months).
        self.stale: set[int] = set()
        self._widths: dict[str, int] = {}
        #: Put the cursor on this offer once the list is loaded (one just saved).
        self._select: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Mitwirkungsmöglichkeiten", classes="offers-title", id="offers-title")
        yield FittedTable(id="offers-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="offers-detail", classes="offers-detail")
        yield Static("Wird geladen …", id="offers-status", classes="status-line")
        yield KeyFooter()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#offers-table", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="offers-load")
    def load(self) -> None:
        from koordination.services.offers.service import OfferFilter

        offers = self.core.offers
        try:
            review = offers.review()
            if self.mode == REVIEW:
                found = review
            else:
                found = offers.find(OfferFilter(open_only=self.mode == OPEN))
        except KoordinationError as exc:
            self.app.call_from_thread(self._status, exc.message)
            return
        self.app.call_from_thread(self._loaded, found, {o.id for o in review})

    def _status(self, text: str) -> None:
        self.query_one("#offers-status", Static).update(escape(text))

    def _loaded(self, offers: list[OfferRecord], stale: set[int]) -> None:
        current = self.current()
        wanted = self._select or (current.id if current else None)
        near = self.table.cursor_row if current else 0
        self._select = None
        self.offers = offers
        self.stale = stale
        self._render_rows()
        index = next((i for i, o in enumerate(offers) if o.id == wanted), near)
        if offers:
            self.table.move_cursor(row=max(0, min(index, len(offers) - 1)), animate=False)
        self._show_detail()
        self._describe()

    def _describe(self) -> None:
        title = {
            OPEN: "Mitwirkungsmöglichkeiten – offene Angebote",
            ALL: "Mitwirkungsmöglichkeiten – alle Angebote",
            REVIEW: "Mitwirkungsmöglichkeiten – zu prüfen (seit 6 Monaten nicht bestätigt)",
        }[self.mode]
        self.query_one("#offers-title", Static).update(title)
        count = len(self.offers)
        words = "1 Angebot" if count == 1 else f"{count} Angebote"
        parts = [words]
        if self.mode != REVIEW and self.stale:
            parts.append(f"{len(self.stale)} zu prüfen (P)")
        parts.append("o: alle" if self.mode == OPEN else "o: nur offene")
        parts.append("Strg+E veröffentlichen")
        self._status("  ·  ".join(parts))

    def _render_rows(self) -> None:
        columns = COLUMNS
        if self.mode == REVIEW:
            columns = [
                replace(c, priority=REVIEW_PRIORITIES.get(c.key, c.priority)) for c in COLUMNS
            ]
        rows = [offer_values(o, o.id in self.stale) for o in self.offers]
        needs = needed_widths(rows)
        needs["title"] = min(needs.get("title", 0), TITLE_ROOM)
        self._widths = set_columns(self.table, columns, needs)
        for offer, values in zip(self.offers, rows, strict=True):
            cells = [clip_cell(values[key], width) for key, width in self._widths.items()]
            self.table.add_row(*cells, key=str(offer.id))

    def on_fitted_table_resized(self, event: FittedTable.Resized) -> None:
        event.stop()
        index = self.table.cursor_row
        self._render_rows()
        if self.offers:
            self.table.move_cursor(row=index, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def current(self) -> OfferRecord | None:
        index = self.table.cursor_row if self.offers else -1
        return self.offers[index] if 0 <= index < len(self.offers) else None

    def _show_detail(self) -> None:
        offer = self.current()
        detail = self.query_one("#offers-detail", Static)
        if offer is None:
            detail.update(
                Text(
                    "Noch keine Mitwirkungsmöglichkeit in dieser Ansicht. n legt eine an; "
                    "o zeigt alle.",
                    style="dim",
                )
            )
        else:
            detail.update(offer_detail(offer, offer.id in self.stale))

    def _selected(self) -> OfferRecord | None:
        offer = self.current()
        if offer is None:
            self.notify("Bitte zuerst ein Angebot in der Liste auswählen.", severity="warning")
        return offer

    # ------------------------------------------------------------------ service calls
    @work(thread=True, group="offers-service")
    def _call(
        self,
        call: Callable[[], T],
        done: Callable[[T], Any],
        failed: Callable[[KoordinationError], Any] | None = None,
    ) -> None:
        """One use case off the UI thread; a German refusal becomes a notice (and
        ``failed`` is told, e.g. to open the form again with what was typed)."""
        try:
            result = call()
        except KoordinationError as exc:
            self.app.call_from_thread(self._refused, exc, failed)
        except Exception as exc:  # the screen must survive anything the database throws
            self.app.call_from_thread(
                self._refused, KoordinationError(f"Unerwarteter Fehler: {exc}"), failed
            )
        else:
            self.app.call_from_thread(done, result)

    def _refused(
        self, exc: KoordinationError, failed: Callable[[KoordinationError], Any] | None
    ) -> None:
        self.notify(exc.message, title="Nicht gespeichert", severity="error", timeout=12)
        if failed is not None:
            failed(exc)

    def _saved(self, offer: OfferRecord, message: str) -> None:
        self.notify(message, title="Mitwirkungsmöglichkeiten", markup=False, timeout=8)
        if offer.contact_person_id and not offer.contact.personal:
            self.notify(
                f"{offer.contact_person} wird nicht veröffentlicht (keine Einwilligung "
                "„Kontaktdaten im Netzwerk teilen“); die Website nennt die Organisation.",
                title="Hinweis",
                severity="warning",
                markup=False,
                timeout=12,
            )
        self._select = offer.id
        self.load()

    # ------------------------------------------------------------------ the form
    def action_new(self) -> None:
        from koordination.tui.dialogs.offers import read_choices

        highlighted = self.current()
        organisation = self.organisation_id or (
            highlighted.organisation_id if highlighted else None
        )
        self._call(
            lambda: read_choices(self.core, organisation),
            lambda choices: self._open_form(None, choices, organisation),
        )

    def action_edit(self) -> None:
        from koordination.tui.dialogs.offers import read_choices

        offer = self._selected()
        if offer is None:
            return

        def read() -> tuple[OfferRecord, OfferChoices]:
            fresh = self.core.offers.get(offer.id)
            return fresh, read_choices(self.core, fresh.organisation_id, fresh)

        self._call(read, lambda got: self._open_form(got[0], got[1], got[0].organisation_id))

    def _open_form(
        self,
        record: OfferRecord | None,
        choices: OfferChoices,
        organisation_id: int | None,
        values: dict[str, Any] | None = None,
        refused: str = "",
    ) -> None:
        from koordination.tui.dialogs.offers import OfferForm, form_values

        title = "Mitwirkungsmöglichkeit anlegen"
        if record is not None:
            title = escape(f"Mitwirkungsmöglichkeit bearbeiten – {record.title}")
        shown = values if values is not None else form_values(record, choices, organisation_id)

        def done(result: OfferFormResult | None) -> None:
            if result is None:
                return

            def again(exc: KoordinationError) -> None:
                self._open_form(record, choices, organisation_id, result.values, exc.message)

            if record is None:
                self._call(
                    lambda: self.core.offers.add(result.data),
                    lambda saved: self._saved(
                        saved,
                        f"{quoted(saved.title)} ist angelegt und bis {saved.expires_on:%d.%m.%Y} "
                        "veröffentlicht.",
                    ),
                    again,
                )
            else:
                self._call(
                    lambda: self.core.offers.update(record, result.data),
                    lambda saved: self._saved(saved, f"{quoted(saved.title)} ist gespeichert."),
                    again,
                )

        self.app.push_screen(OfferForm(self.core, title, choices, shown, refused=refused), done)

    # ------------------------------------------------------------------ confirm and close
    def action_confirm(self) -> None:
        offer = self._selected()
        if offer is None:
            return
        from koordination.domain.inputs.offers import past_date_problem

        today = self.core.clock.today()
        if offer.ends_at is not None and (problem := past_date_problem(offer.ends_at, today)):
            self.notify(
                f"{quoted(offer.title)}: {problem} (e: bearbeiten; danach ist es wieder offen).",
                title="Nicht bestätigt",
                severity="warning",
                markup=False,
                timeout=12,
            )
            return
        if offer.expires_on >= today:
            self._confirm(offer, None)
            return
        from koordination.tui.dialogs.offers import expiry_form

        def done(day: Any) -> None:
            if day is not None:
                self._confirm(offer, day)

        self.app.push_screen(expiry_form(offer, self.core.clock.today()), done)

    def _confirm(self, offer: OfferRecord, day: Any) -> None:
        again = "wieder offen und " if offer.status != OfferStatus.OFFEN else ""
        self._call(
            lambda: self.core.offers.confirm(offer.id, day),
            lambda saved: self._saved(
                saved,
                f"{quoted(saved.title)} ist bestätigt, {again}bis {saved.expires_on:%d.%m.%Y} "
                "veröffentlicht.",
            ),
        )

    def action_close_offer(self) -> None:
        offer = self._selected()
        if offer is None:
            return
        if offer.status == OfferStatus.BESETZT:
            self.notify(
                f"{quoted(offer.title)} ist schon besetzt (y öffnet es wieder).", markup=False
            )
            return
        from koordination.tui.dialogs.form import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._call(
                    lambda: self.core.offers.close(offer.id),
                    lambda saved: self._saved(
                        saved,
                        f"{quoted(saved.title)} ist besetzt; mit der nächsten Veröffentlichung "
                        "verschwindet es von der Website.",
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                "Als besetzt schließen?",
                [
                    f"{quoted(offer.title)} ({offer.organisation}) ist besetzt.",
                    "Es erscheint auf keiner Seite mehr; y (Bestätigen) öffnet es wieder.",
                ],
                "Besetzt",
                "Abbrechen",
            ),
            answer,
        )

    # ------------------------------------------------------------------ preview, publish
    @on(DataTable.RowSelected)
    def action_preview(self) -> None:
        offer = self._selected()
        if offer is None:
            return
        from koordination.tui.dialogs.offers import OfferPreview

        def closed(publish: bool | None) -> None:
            if publish:
                self.action_publish()

        self.app.push_screen(OfferPreview(offer), closed)

    def action_publish(self) -> None:
        from koordination.tui.dialogs.export import PublishDialog

        offers = self.core.offers

        def describe() -> str:
            shown = len(offers.publication().offers)
            return (
                f"Veröffentlicht werden die {shown} offenen, nicht abgelaufenen Angebote; "
                "besetzte und abgelaufene nicht. Eine frühere Veröffentlichung im Zielordner "
                "wird ersetzt."
            )

        def published(made: list[Produced] | None) -> None:
            if made:
                self.load()

        self.app.push_screen(
            PublishDialog(
                self.core,
                ["angebote", "wegweiser"],
                subject_for=lambda _key: offers.publication(),
                title="Angebote veröffentlichen",
                note="Veröffentlicht werden die offenen, nicht abgelaufenen Angebote.",
                describe=describe,
                counted="Angebote",
            ),
            published,
        )

    # ------------------------------------------------------------------ the rest
    def action_toggle_open(self) -> None:
        self.mode = ALL if self.mode == OPEN else OPEN
        self.load()

    def action_toggle_review(self) -> None:
        self.mode = OPEN if self.mode == REVIEW else REVIEW
        self.load()

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        offer = self._selected()
        if offer is not None:
            self.app.push_screen(AuditScreen(self.core, "offer", offer.id, offer.title))

    def action_reload(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def palette_entries(self) -> list[tuple[str, str, str]]:
        """(title, help, action) of this screen's keys, for the palette while it is open."""
        from koordination.tui.dialogs.common import key_label

        return [
            (b.tooltip, f"Mitwirkungsmöglichkeiten, Taste {key_label(b)}", f"screen.{b.action}")
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.tooltip
        ]
