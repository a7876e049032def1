"""The dialogs of the engagement offers (Mitwirkungsmöglichkeiten): the offer form with the
rules of `build_offer` as you type (the organisation by name, its people as contacts), the new
expiry day an expired offer needs to be confirmed, and the preview of its public page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, Select, Static

from koordination.clock import CITY_ZONE
from koordination.domain.enums import HoursPeriod, OfferKind, OfferStatus, Suitability
from koordination.domain.inputs.offers import OfferInput, build_offer, expiry_problem, last_day
from koordination.domain.inputs.validation import date_value
from koordination.errors import FieldError, KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import FormScreen, dialog_buttons
from koordination.tui.keys import bind
from koordination.tui.widgets.form import Builder, FieldSpec, FormFields

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.offers import OfferRecord

#: The contact choice "nobody": citizens are sent to the organisation's own address.
NO_CONTACT = 0
NO_CONTACT_LABEL = "keine – die Organisation wird genannt"


@dataclass(frozen=True)
class OfferChoices:
    """What the form offers to choose from, read in a worker before it opens."""

    #: Organisations that may offer (not archived): name → number.
    organisations: dict[str, int]
    districts: Sequence[str]
    action_fields: Sequence[tuple[str, int]]
    #: The people of the organisation the form opens with: (label, person number).
    people: Sequence[tuple[str, int]]
    today: date
    #: Organisation number → name, for the values of a stored offer.
    names: dict[int, str] = field(default_factory=dict)
    #: Case-folded name → number: "tafel musterstadt e.v." finds the Tafel too.
    folded: dict[str, int] = field(default_factory=dict)

    def organisation_id(self, text: Any) -> int | None:
        """The organisation a typed name means (spaces tidied, case ignored)."""
        name = " ".join(str(text or "").split())
        return self.organisations.get(name) or self.folded.get(name.casefold())


def read_choices(
    core: Core, organisation_id: int | None, record: OfferRecord | None = None
) -> OfferChoices:
    """Runs in a worker: the choices of the offer form (for ``record``: with its contact and
    action field even when they are no longer among the current ones)."""
    from koordination.services.directory.search import OrganisationFilter

    directory = core.directory
    rows = directory.list_organisations(OrganisationFilter(), 0, 100_000)
    organisations = {r.name: r.id for r in rows}
    kept = record.action_field_id if record else None
    fields = [
        (f.title, f.id)
        for f in core.fields.tree(include_archived=kept is not None)
        if not f.archived or f.id == kept
    ]
    contact = (
        (record.contact_person_id, record.contact_person)
        if record is not None and record.contact_person_id
        else None
    )
    return OfferChoices(
        organisations=organisations,
        districts=core.offers.districts(),
        action_fields=fields,
        people=people_of(core, organisation_id, contact),
        today=core.clock.today(),
        names={number: name for name, number in organisations.items()},
        folded={name.casefold(): number for name, number in organisations.items()},
    )


def people_of(
    core: Core, organisation_id: int | None, contact: tuple[int, str] | None = None
) -> list[tuple[str, int]]:
    """Runs in a worker: the contact choices for an organisation (its current people), with
    the offer's ``contact`` (number, name) kept when they are not (or no longer) among them."""
    today = core.clock.today()
    people: dict[int, str] = {}
    if organisation_id:
        try:
            record = core.directory.get_organisation(organisation_id)
        except KoordinationError:
            record = None
        for a in record.people if record else ():
            if a.current(today):
                people.setdefault(a.person_id, a.person_name)
    if contact is not None and contact[0] not in people:
        people[contact[0]] = f"{contact[1]} (Nr. {contact[0]})"
    ordered = sorted(people.items(), key=lambda kv: kv[1].casefold())
    return [(NO_CONTACT_LABEL, NO_CONTACT), *((name, pid) for pid, name in ordered)]


def offer_fields(choices: OfferChoices) -> list[FieldSpec]:
    """The form's fields in the order of the public page: who, what, how long, when, where,
    for whom, whom to ask, until when."""
    return [
        FieldSpec(
            "organisation",
            "Organisation",
            placeholder="Name (beim Tippen erscheinen Vorschläge, → übernimmt)",
            suggestions=sorted(choices.organisations, key=str.casefold),
        ),
        FieldSpec("title", "Titel", placeholder="z. B. Helferinnen für das Stadtteilfest"),
        FieldSpec("kind", "Art", kind="select", choices=OfferKind.choices()),
        FieldSpec("description", "Beschreibung", kind="lines", placeholder="worum es geht"),
        FieldSpec(
            "needed",
            "Gebraucht wird",
            kind="lines",
            error_names=("Was gebraucht wird",),
            placeholder="Fähigkeiten, Zeit, was mitzubringen ist",
        ),
        FieldSpec("hours", "Stunden", placeholder="Zeitaufwand, z. B. 2 oder 1,5"),
        FieldSpec("hours_per", "Stunden je", kind="select", choices=HoursPeriod.choices()),
        FieldSpec("starts", "Beginn", placeholder="nur mit Termin: TT.MM.JJJJ HH:MM"),
        FieldSpec("ends", "Ende", placeholder="z. B. 18:00 oder TT.MM.JJJJ HH:MM"),
        FieldSpec("place", "Ort", placeholder="Adresse oder Treffpunkt"),
        FieldSpec("district", "Stadtteil", suggestions=choices.districts),
        FieldSpec(
            "online",
            "Online",
            kind="select",
            choices=[("nein, vor Ort", False), ("ja, online", True)],
            allow_blank=False,
        ),
        FieldSpec(
            "tags",
            "Passt für",
            placeholder="mit Komma, z. B. für Jugendliche, barrierefrei",
            suggestions=[s.label for s in Suitability],
        ),
        FieldSpec("action_field_id", "Handlungsfeld", kind="select", choices=choices.action_fields),
        FieldSpec(
            "contact_person_id",
            "Kontaktperson",
            kind="select",
            choices=choices.people,
            allow_blank=False,
        ),
        FieldSpec(
            "expires",
            "Ablaufdatum",
            placeholder="TT.MM.JJJJ; leer: Ende des Termins bzw. in 6 Monaten",
        ),
    ]


def offer_builder(choices: OfferChoices) -> Builder:
    """`build_offer` with the organisation by its name and the dates checked against today,
    so the form says all of it as you type (each problem at once, not after the others)."""

    def build(values: dict[str, Any]) -> tuple[OfferInput | None, list[FieldError]]:
        name = " ".join(str(values.get("organisation") or "").split())
        organisation_id = choices.organisation_id(name)
        data, problems = build_offer({**values, "organisation_id": organisation_id}, choices.today)
        if name and organisation_id is None:
            problems = [p for p in problems if p.field != "Organisation"]
            problems.insert(
                0,
                FieldError(
                    "Organisation",
                    f"„{name}“ steht nicht (oder nur im Archiv) im Verzeichnis; beim Tippen "
                    "erscheinen Vorschläge, → übernimmt.",
                ),
            )
        return (None, problems) if problems else (data, [])

    return build


def form_values(
    record: OfferRecord | None, choices: OfferChoices, organisation_id: int | None
) -> dict[str, Any]:
    """The form's values: of the stored offer, or a new one of ``organisation_id``."""
    from koordination.domain.inputs.offers import offer_values

    if record is None:
        return {
            "organisation": choices.names.get(organisation_id or 0, ""),
            "online": False,
            "contact_person_id": NO_CONTACT,
        }
    values = offer_values(record)
    values["organisation"] = record.organisation
    values["contact_person_id"] = record.contact_person_id or NO_CONTACT
    return values


@dataclass(frozen=True)
class OfferFormResult:
    """What the form hands back: the offer to save and the values as typed (the form opens
    again with them when saving is refused)."""

    data: OfferInput
    values: dict[str, Any]


class OfferForm(FormScreen):
    """The offer form. When another organisation is typed, the contact choices follow it
    (read in a worker); ``refused`` opens it again with what was typed and why it was not
    saved."""

    def __init__(
        self,
        core: Core,
        title: str,
        choices: OfferChoices,
        values: dict[str, Any],
        *,
        refused: str = "",
    ) -> None:
        note = f"[b red]Nicht gespeichert:[/] {escape(refused)}" if refused else ""
        super().__init__(title, offer_fields(choices), values, offer_builder(choices), note=note)
        self.core = core
        self.choices = choices
        self.refused = refused
        self._people_of = choices.organisation_id(values.get("organisation"))

    def on_resize(self) -> None:
        # A terminal made smaller keeps the scroll position: the field being typed into
        # would be out of sight.
        focused = self.focused
        if focused is None:
            return
        self.call_after_refresh(focused.scroll_visible, animate=False, immediate=True)
        if focused.id and focused.id.startswith("field-"):
            # ... and what is wrong with it, on the line below.
            problem = self.query_one(f"#problem-{focused.id.removeprefix('field-')}")
            if problem.display:
                self.call_after_refresh(problem.scroll_visible, animate=False, immediate=True)

    def unsaved_changes(self) -> bool:
        # A refused form holds typed input that was never saved.
        return bool(self.refused) or super().unsaved_changes()

    @on(FormFields.Validated)
    def _follow_organisation(self) -> None:
        # FormScreen's own handler (the summary line) runs as well.
        organisation_id = self.choices.organisation_id(self.form.values().get("organisation"))
        if organisation_id is not None and organisation_id != self._people_of:
            self._people_of = organisation_id
            self._load_people(organisation_id)

    @work(thread=True, exclusive=True, group="offer-people")
    def _load_people(self, organisation_id: int) -> None:
        people = people_of(self.core, organisation_id)
        self.app.call_from_thread(self._show_people, organisation_id, people)

    def _show_people(self, organisation_id: int, people: list[tuple[str, int]]) -> None:
        if organisation_id != self._people_of or not self.is_attached:
            return
        select: Select[Any] = self.query_one("#field-contact_person_id", Select)
        current = select.value
        select.set_options(people)
        select.value = current if any(pid == current for _, pid in people) else NO_CONTACT

    def action_save(self) -> None:
        problems = self.form.reveal_all()
        if problems:
            # To the first field that is wrong (unless the cursor is in one): at 80×24 it may
            # be far above or below what shows.
            focused = self.focused
            if focused is None or not focused.has_class("-invalid"):
                wrong = [s for s in self.form.fields if any(p.field in s.names for p in problems)]
                if wrong:
                    self.query_one(f"#field-{wrong[0].key}").focus()
            self.notify(
                "Bitte korrigieren: " + "; ".join(str(p) for p in problems),
                title="Nicht gespeichert",
                severity="error",
                markup=False,
            )
            return
        data, _ = self.form.result()
        self.dismiss(OfferFormResult(data, self.form.values()))

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.prevent_default()  # FormScreen's handler would dismiss with the bare input
        self.action_save()


def expiry_form(record: OfferRecord, today: date) -> FormScreen:
    """The new expiry day an offer past its old one needs to be confirmed."""

    def build(values: dict[str, Any]) -> tuple[date | None, list[FieldError]]:
        problems: list[FieldError] = []
        day = date_value(values, "expires", "Gilt bis", problems)
        if day is None and not problems:
            problems.append(FieldError("Gilt bis", "bitte das neue Ablaufdatum angeben."))
        elif day is not None and (problem := expiry_problem(day, today, last_day(record.ends_at))):
            problems.append(FieldError("Gilt bis", problem))
        return (None, problems) if problems else (day, [])

    form = FormScreen(
        escape(f"Bestätigen – {record.title}"),
        [FieldSpec("expires", "Gilt bis", placeholder="TT.MM.JJJJ")],
        {},
        build,
        note=f"Das Angebot ist am {record.expires_on:%d.%m.%Y} abgelaufen. Bis wann gilt es "
        "jetzt? Danach erscheint es wieder auf der Website.",
    )
    form.add_class("offer-expiry")
    return form


# ---------------------------------------------------------------------------- preview


def preview_text(record: OfferRecord) -> Text:
    """The offer's public page as text: what a citizen reads there (the same facts, in the
    same order, with the contact the publication names)."""
    from koordination.outputs.builders.offers import contact_lines, facts

    text = Text()
    if record.status != OfferStatus.OFFEN:
        text.append(
            f"Nicht veröffentlicht: {record.status.label}. Das Angebot steht auf keiner Seite "
            "der Website und nicht im Wegweiser.\n\n",
            style="bold red",
        )
    text.append(record.title, style="bold")
    text.append(f"\nEin Angebot von {record.organisation}\n\n")
    pairs = [(label, value) for label, value in facts(record) if label != "Anbieter"]
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        text.append(f"{label:<{width}}  ", style="bold")
        text.append(f"{value}\n")
    for heading, body in (
        ("Worum es geht", record.description),
        ("Was gebraucht wird", record.needed),
    ):
        if body.strip():
            text.append(f"\n{heading}\n", style="bold underline")
            text.append(body.strip() + "\n")
    text.append("\nKontakt\n", style="bold underline")
    text.append("\n".join(contact_lines(record.contact)) + "\n")
    if record.contact_person_id and not record.contact.personal:
        text.append(
            f"\n{record.contact_person} wird nicht genannt: ohne Einwilligung „Kontaktdaten im "
            "Netzwerk teilen“ (oder eingeschränkt) nennt die Website die Organisation.",
            style="italic",
        )
    return text


class OfferPreview(Dialog[bool]):
    """The public page of one offer as text; Strg+E goes on to the publication (dismisses
    with True)."""

    BINDINGS = [
        bind(
            "export",
            "publish",
            "Angebote veröffentlichen (Website, Wegweiser)",
            label="Veröffentlichen",
        ),
        bind("cancel", "close", "Vorschau schließen", label="Schließen"),
    ]

    def __init__(self, record: OfferRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        confirmed = self.record.confirmed_at.astimezone(CITY_ZONE)
        with Vertical(id="dialog", classes="offer-preview"):
            yield Static(
                f"Vorschau: Seite „angebot-{self.record.id}.html“ der Website",
                classes="dialog-title",
            )
            with VerticalScroll(id="offer-preview-page"):
                yield Static(preview_text(self.record), id="offer-preview-text")
            yield Static(
                f"Zuletzt bestätigt am {confirmed:%d.%m.%Y}.",
                classes="dialog-note",
                id="offer-preview-note",
            )
            yield dialog_buttons(
                "Veröffentlichen",
                "Schließen",
                save_id="offer-preview-publish",
                cancel_id="offer-preview-close",
                save_verb="export",
            )

    def on_mount(self) -> None:
        self.query_one("#offer-preview-page").focus()

    @on(Button.Pressed, "#offer-preview-publish")
    def action_publish(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#offer-preview-close")
    def action_close(self) -> None:
        self.dismiss(False)
