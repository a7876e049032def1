"""Directory dialogs: person, organisation, group, consents, memberships and affiliations (the
city profile's fields are in ``areas/city_form.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, Input, Label, Select, Static

from koordination.clock import CITY_ZONE, Clock
from koordination.domain.enums import (
    Channel,
    ConsentChannel,
    ConsentPurpose,
    GroupKind,
    GroupRole,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import (
    CONSENT_FIELDS,
    AffiliationInput,
    ConsentInput,
    ConsentTextInput,
    GroupInput,
    MembershipInput,
    OrganisationInput,
    PersonInput,
    build_affiliation,
    build_consent,
    build_consent_text,
    build_membership,
    build_withdrawal,
)
from koordination.domain.inputs.validation import date_value, split_multi
from koordination.domain.records.consent import ConsentTextRecord
from koordination.domain.records.directory import (
    GroupRecord,
    OrganisationRecord,
    PersonRecord,
)
from koordination.errors import FieldError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import FormScreen, InputDialog, dialog_buttons
from koordination.tui.dialogs.pickers import person_list
from koordination.tui.keys import bind
from koordination.tui.widgets.form import Builder, FieldSpec
from koordination.tui.widgets.lazy_table import Column, LazyTable, Row
from koordination.tui.widgets.search_list import SearchList

# ---------------------------------------------------------------------- helpers


def _day_text(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# ---------------------------------------------------------------------- people

PERSON_FIELDS = [
    FieldSpec("salutation", "Anrede", placeholder="z. B. Frau, Herr"),
    FieldSpec("title", "Titel", placeholder="z. B. Dr."),
    FieldSpec("given_name", "Vorname"),
    FieldSpec("family_name", "Nachname"),
    FieldSpec("emails", "E-Mail", placeholder="mehrere mit ; trennen"),
    FieldSpec("phones", "Telefon", placeholder="mehrere mit ; trennen"),
    FieldSpec("postal_address", "Postanschrift", placeholder="Straße Nr., PLZ Ort"),
    FieldSpec(
        "preferred_channel",
        "Einladungsweg",
        kind="select",
        choices=Channel.choices(),
        allow_blank=False,
    ),
    FieldSpec(
        "tags", "Schlagworte", placeholder="mehrere mit , trennen", error_names=("Schlagworte",)
    ),
    FieldSpec("notes", "Notizen"),
]


def build_person(values: dict[str, Any]) -> tuple[PersonInput, list[FieldError]]:
    data = PersonInput(
        family_name=values["family_name"],
        given_name=values["given_name"],
        salutation=values["salutation"],
        title=values["title"],
        emails=split_multi(values["emails"]),
        phones=split_multi(values["phones"]),
        postal_address=values["postal_address"],
        notes=values["notes"],
        tags=split_multi(values["tags"]),
        preferred_channel=values["preferred_channel"] or Channel.EMAIL,
    )
    return data, data.problems()


def person_values(p: PersonRecord | PersonInput | None) -> dict[str, Any]:
    if p is None:
        return {"preferred_channel": Channel.EMAIL}
    return {
        "salutation": p.salutation,
        "title": p.title,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "emails": "; ".join(p.emails),
        "phones": "; ".join(p.phones),
        "postal_address": p.postal_address,
        "preferred_channel": p.preferred_channel,
        "tags": ", ".join(p.tags),
        "notes": p.notes,
    }


# ---------------------------------------------------------------------- organisations

ORGANISATION_FIELDS = [
    FieldSpec("name", "Name"),
    FieldSpec("short_name", "Kurzname"),
    FieldSpec("sector", "Sektor", kind="select", choices=Sector.choices()),
    FieldSpec("kind", "Art", kind="select", choices=OrganisationKind.choices(), allow_blank=False),
    FieldSpec("address", "Anschrift"),
    FieldSpec("phone", "Telefon"),
    FieldSpec("email", "E-Mail"),
    FieldSpec("website", "Webseite", placeholder="https://"),
    FieldSpec("notes", "Notizen"),
]


def build_organisation(values: dict[str, Any]) -> tuple[OrganisationInput, list[FieldError]]:
    data = OrganisationInput(
        name=values["name"],
        sector=values["sector"],
        kind=values["kind"] or OrganisationKind.SONSTIGE,
        short_name=values["short_name"],
        address=values["address"],
        phone=values["phone"],
        email=values["email"],
        website=values["website"],
        notes=values["notes"],
    )
    return data, data.problems()


def organisation_values(o: OrganisationRecord | OrganisationInput | None) -> dict[str, Any]:
    if o is None:
        return {"kind": OrganisationKind.VEREIN}
    return {key.key: getattr(o, key.key) for key in ORGANISATION_FIELDS}


# ---------------------------------------------------------------------- groups


def group_fields(parents: Sequence[tuple[str, int]]) -> list[FieldSpec]:
    return [
        FieldSpec("name", "Name"),
        FieldSpec("kind", "Art", kind="select", choices=GroupKind.choices(), allow_blank=False),
        FieldSpec("description", "Beschreibung"),
        FieldSpec("parent_id", "Übergeordnete Gruppe", kind="select", choices=list(parents)),
    ]


def build_group(values: dict[str, Any]) -> tuple[GroupInput, list[FieldError]]:
    data = GroupInput(
        name=values["name"],
        kind=values["kind"] or GroupKind.ARBEITSKREIS,
        description=values["description"],
        parent_id=values["parent_id"],
    )
    return data, data.problems()


def group_form(
    title: str, g: GroupRecord | GroupInput | None, parents: Sequence[tuple[str, int]]
) -> FormScreen:
    values: dict[str, Any] = {"kind": GroupKind.ARBEITSKREIS}
    if g is not None:
        values = {
            "name": g.name,
            "kind": g.kind,
            "description": g.description,
            "parent_id": g.parent_id,
        }
    return FormScreen(title, group_fields(parents), values, build_group)


# ---------------------------------------------------------------------- city

# ---------------------------------------------------------------------- consents


def consent_form(person_name: str, clock: Clock, texts: Sequence[ConsentTextRecord]) -> FormScreen:
    """Record a consent to one wording of the catalogue, with its channel and its proof."""
    fields = [
        FieldSpec(
            "text",
            "Text",
            kind="select",
            choices=[(t.label, t) for t in texts],
            error_names=("Text", CONSENT_FIELDS["purpose"], CONSENT_FIELDS["version"]),
        ),
        FieldSpec("channel", CONSENT_FIELDS["channel"], kind="select", choices=_CHANNELS),
        FieldSpec(
            "evidence",
            CONSENT_FIELDS["evidence"],
            placeholder="z. B. Formular Nr. 12, E-Mail vom 03.02.2026",
        ),
        FieldSpec("given_at", CONSENT_FIELDS["given_at"], placeholder="TT.MM.JJJJ"),
    ]
    values: dict[str, Any] = {"given_at": _day_text(clock.today())}

    def build(values: dict[str, Any]) -> tuple[ConsentInput | None, list[FieldError]]:
        text: ConsentTextRecord | None = values.get("text")
        typed = {
            **values,
            "purpose": text.purpose if text else None,
            "version": text.version if text else "",
        }
        data, problems = build_consent(typed, clock.now())
        if text is None:
            problems = [p for p in problems if p.field not in ("Zweck", "Fassung")]
            problems.insert(0, FieldError("Text", "bitte den Text wählen, dem zugestimmt wurde."))
        elif data is not None and data.given_at.astimezone(CITY_ZONE).date() < text.valid_from:
            problems.append(
                FieldError(
                    CONSENT_FIELDS["given_at"],
                    f"liegt vor der Gültigkeit dieser Fassung (ab {_day_text(text.valid_from)}).",
                )
            )
        return (None if problems else data), problems

    return FormScreen(
        f"Einwilligung erfassen – {person_name}",
        fields,
        values,
        build,
        note="Nur Texte aus dem Katalog der Einwilligungstexte (Taste D).",
    )


#: The channels a consent typed in by hand can come by (Import is the import's own).
_CHANNELS = [(c.label, c) for c in ConsentChannel if c != ConsentChannel.IMPORT]


def consent_text_form(today: date) -> FormScreen:
    """A new wording for the catalogue: purpose, version, valid from and the text itself."""
    fields = [
        FieldSpec(
            "purpose", CONSENT_FIELDS["purpose"], kind="select", choices=ConsentPurpose.choices()
        ),
        FieldSpec("version", CONSENT_FIELDS["version"], placeholder="z. B. 2026-01"),
        FieldSpec("valid_from", CONSENT_FIELDS["valid_from"], placeholder="TT.MM.JJJJ"),
        FieldSpec("wording", CONSENT_FIELDS["wording"], kind="lines"),
    ]

    def build(values: dict[str, Any]) -> tuple[ConsentTextInput | None, list[FieldError]]:
        wording = values.get("wording")
        if isinstance(wording, list):
            values = {**values, "wording": "\n".join(wording)}
        return build_consent_text(values)

    return FormScreen(
        "Einwilligungstext anlegen",
        fields,
        {"valid_from": _day_text(today)},
        build,
        note="Ein Text, dem schon zugestimmt wurde, bleibt unverändert: neue Fassung anlegen.",
    )


class ConsentTextsScreen(Dialog[bool]):
    """The catalogue of consent texts, read-only; n adds a wording (dismisses with True)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("new", "add", "Einwilligungstext anlegen", label="Neuer Text"),
        bind("cancel", "close", "Schließen", label="Schließen"),
    ]

    def __init__(self, texts: Sequence[ConsentTextRecord]) -> None:
        super().__init__()
        self.texts = list(texts)

    def compose(self) -> ComposeResult:
        lines: list[str] = []
        for t in self.texts:
            lines.append(f"[b]{escape(t.label)}[/b]")
            lines.append(escape(t.wording))
            lines.append("")
        if not lines:
            lines = ["Der Katalog ist leer. Mit n legen Sie den ersten Text an."]
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static("Einwilligungstexte", classes="dialog-title")
            with VerticalScroll(id="consent-texts"):
                yield Static("\n".join(lines).rstrip())
            yield dialog_buttons(
                "Neuer Text", "Schließen", save_id="add", cancel_id="close", save_verb="new"
            )

    def on_mount(self) -> None:
        self.query_one("#consent-texts").focus()

    @on(Button.Pressed, "#add")
    def action_add(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(False)


@dataclass(frozen=True)
class Ending:
    """Which record to end (a consent or a membership) and when."""

    id: int
    at: date


def build_ending(
    label: str, date_label: str, today: date, starts: Mapping[int, date | None] | None = None
) -> Builder:
    """Checks an :class:`Ending` (not after ``today``); ``starts`` (id -> start day) catches an
    end before the start."""

    def build(values: dict[str, Any]) -> tuple[Ending | None, list[FieldError]]:
        problems: list[FieldError] = []
        if values["id"] is None:
            problems.append(FieldError(label, "bitte auswählen."))
        when = date_value(values, "at", date_label, problems)
        if values["at"].strip() == "":
            problems.append(FieldError(date_label, "darf nicht leer sein."))
        if when and when > today:
            problems.append(FieldError(date_label, "liegt in der Zukunft."))
        start = (starts or {}).get(values["id"]) if values["id"] is not None else None
        if when and start and when < start:
            problems.append(
                FieldError(date_label, f"liegt vor dem Beginn ({start.strftime('%d.%m.%Y')}).")
            )
        if problems or when is None:
            return None, problems
        return Ending(values["id"], when), []

    return build


def withdraw_form(person_name: str, purposes: Sequence[ConsentPurpose], clock: Clock) -> FormScreen:
    """Withdraw every current consent of one purpose: how the withdrawal came, and when."""
    fields = [
        FieldSpec(
            "purpose",
            "Einwilligung",
            kind="select",
            choices=[(p.label, p) for p in purposes],
            error_names=("Einwilligung", CONSENT_FIELDS["purpose"]),
        ),
        FieldSpec("channel", CONSENT_FIELDS["channel"], kind="select", choices=_CHANNELS),
        FieldSpec("withdrawn_at", CONSENT_FIELDS["withdrawn_at"], placeholder="TT.MM.JJJJ"),
    ]
    values: dict[str, Any] = {"withdrawn_at": _day_text(clock.today())}
    if len(purposes) == 1:
        values["purpose"] = purposes[0]
    return FormScreen(
        f"Einwilligung widerrufen – {person_name}",
        fields,
        values,
        lambda values: build_withdrawal(values, clock.now()),
    )


def end_membership_form(
    group_name: str, choices: Sequence[tuple[str, int]], today: date
) -> FormScreen:
    fields = [
        FieldSpec("id", "Mitglied", kind="select", choices=list(choices)),
        FieldSpec("at", "Ende am", placeholder="TT.MM.JJJJ"),
    ]
    return FormScreen(
        f"Mitgliedschaft beenden – {group_name}",
        fields,
        {"at": _day_text(today)},
        build_ending("Mitglied", "Ende am", today),
        note="Die Mitgliedschaft bleibt als Verlauf erhalten.",
    )


# ---------------------------------------------------------------------- memberships


class MembershipScreen(InputDialog[MembershipInput | None]):
    """Add a member: find the person by typing, then role and represented organisation."""

    BINDINGS = [
        bind("save", "save", "Mitglied hinzufügen", label="Hinzufügen"),
        bind("cancel", "cancel", "Schließen (fragt, wenn etwas geändert ist)"),
    ]

    def __init__(
        self,
        group_name: str,
        people: Callable[[str, int, int], Sequence[Row]],
        count_people: Callable[[str], int],
        organisations: Sequence[tuple[str, int]],
        today: date,
    ) -> None:
        super().__init__()
        self.group_name = group_name
        self.people = people
        self.count_people = count_people
        self.organisations = list(organisations)
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(f"Mitglied hinzufügen – {self.group_name}", classes="dialog-title")
            yield person_list(self.people, self.count_people)
            yield Static("", id="picked", classes="field-problem")
            yield Label("Rolle", classes="field-label")
            yield Select(
                GroupRole.choices(), value=GroupRole.MITGLIED, allow_blank=False, id="role"
            )
            yield Label("Vertritt Organisation", classes="field-label")
            yield Select(self.organisations, prompt="– keine –", id="representing")
            yield Label("Seit", classes="field-label")
            yield Input(_day_text(self.today), placeholder="TT.MM.JJJJ", id="since")
            yield dialog_buttons("Hinzufügen")

    def on_mount(self) -> None:
        self.remember_initial()

    def snapshot(self) -> Any:
        return (
            self.query_one("#role", Select).value,
            self.query_one("#representing", Select).value,
            self.query_one("#since", Input).value,
        )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        data, problems = build_membership(
            {
                "person_id": self.query_one(SearchList).cursor_id,
                "role": self.query_one("#role", Select).value,
                "representing_id": self.query_one("#representing", Select).value,
                "since": self.query_one("#since", Input).value,
            }
        )
        if data is None:
            self.query_one("#picked", Static).update(escape("\n".join(str(p) for p in problems)))
            return
        self.dismiss(data)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


# ---------------------------------------------------------------------- affiliations


def end_affiliation_form(
    person_name: str,
    choices: Sequence[tuple[str, int]],
    starts: Mapping[int, date | None],
    today: date,
) -> FormScreen:
    fields = [
        FieldSpec("id", "Organisation", kind="select", choices=list(choices)),
        FieldSpec("at", "Ende am", placeholder="TT.MM.JJJJ"),
    ]
    values: dict[str, Any] = {"at": _day_text(today)}
    if len(choices) == 1:
        values["id"] = choices[0][1]
    return FormScreen(
        f"Zugehörigkeit beenden – {person_name}",
        fields,
        values,
        build_ending("Organisation", "Ende am", today, starts),
        note="Die Zugehörigkeit bleibt als Verlauf erhalten.",
    )


class AffiliationScreen(InputDialog[AffiliationInput | None]):
    """Assign a person to an organisation: find it by typing, then function and start date."""

    BINDINGS = [
        bind("save", "save", "Person der Organisation zuordnen", label="Zuordnen"),
        bind("cancel", "cancel", "Schließen (fragt, wenn etwas geändert ist)"),
    ]

    def __init__(
        self,
        person_name: str,
        organisations: Callable[[str, int, int], Sequence[Row]],
        count_organisations: Callable[[str], int],
        today: date,
    ) -> None:
        super().__init__()
        self.person_name = person_name
        self.organisations = organisations
        self.count_organisations = count_organisations
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(f"Organisation zuordnen – {self.person_name}", classes="dialog-title")
            yield SearchList(
                label="Organisation suchen",
                placeholder="Name, Kurzname oder E-Mail",
                columns=[Column("Name", 40, 3), Column("Sektor", 18, 1)],
                empty_text="Keine Organisation gefunden.",
                fetch=self.organisations,
                count=self.count_organisations,
                search_id="organisation-search",
                table_id="organisation-picker",
            )
            yield Label("Funktion", classes="field-label")
            yield Input(placeholder="z. B. Geschäftsführung, Ehrenamt", id="function")
            yield Label("Seit", classes="field-label")
            yield Input(_day_text(self.today), placeholder="TT.MM.JJJJ", id="since")
            yield Static("", id="since-problem", classes="dialog-problem")
            yield Static("", id="affiliation-problem", classes="dialog-problem")
            yield dialog_buttons("Zuordnen")

    def on_mount(self) -> None:
        self.remember_initial()

    def snapshot(self) -> Any:
        return (self.query_one("#function", Input).value, self.query_one("#since", Input).value)

    @on(LazyTable.RowSelected, "#organisation-picker")
    def _picked(self) -> None:
        self.query_one("#function", Input).focus()

    def _since(self, problems: list[FieldError]) -> date | None:
        return date_value(
            {"since": self.query_one("#since", Input).value}, "since", "Seit", problems
        )

    @on(Input.Changed, "#since")
    def _since_changed(self) -> None:
        problems: list[FieldError] = []
        self._since(problems)
        self.query_one("#since", Input).set_class(bool(problems), "-invalid")
        self.query_one("#since-problem", Static).update(escape("\n".join(str(p) for p in problems)))
        if not problems:
            self.query_one("#affiliation-problem", Static).update("")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        data, problems = build_affiliation(
            {
                "organisation_id": self.query_one(SearchList).cursor_id,
                "function": self.query_one("#function", Input).value,
                "since": self.query_one("#since", Input).value,
            }
        )
        if data is None:
            self.query_one("#affiliation-problem", Static).update(
                escape("Bitte korrigieren: " + "; ".join(str(p) for p in problems))
            )
            return
        self.dismiss(data)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
