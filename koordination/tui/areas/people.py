"""The Personen area: 100,000 people searchable as you type, detail, forms, consents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Input, Select

from koordination.domain.records.directory import PersonRecord, Saved
from koordination.tui.areas.erasure import PersonPrivacyArea
from koordination.tui.areas.list_area import list_bindings
from koordination.tui.formatting import ended, period, person_detail
from koordination.tui.keys import bind
from koordination.tui.widgets.lazy_table import Column, Counter, Loader, Row

if TYPE_CHECKING:
    from rich.console import RenderableType

    from koordination.domain.inputs.directory import (
        AffiliationInput,
        ConsentInput,
        ConsentTextInput,
        PersonInput,
        WithdrawalInput,
    )
    from koordination.domain.records.consent import ConsentTextRecord
    from koordination.services.directory.listing import PersonLine
    from koordination.services.directory.service import Directory
    from koordination.tui.areas.list_area import FormFields, Savers
    from koordination.tui.dialogs.directory import Ending


def person_row(r: PersonLine) -> Row:
    return Row(
        r.id,
        (
            f"{r.name} (eingeschr.)" if r.restricted else r.name,
            r.organisation,
            r.sector.label if r.sector else "",
            r.email,
        ),
    )


def person_rows(directory: Directory, f: Any) -> Loader:
    """The rows of the people the filter ``f`` selects, page by page: one query per page."""
    from koordination.services.directory.listing import people_lines  # loaded with the database

    def rows(offset: int, limit: int) -> list[Row]:
        lines = people_lines(directory.db, directory.today(), f, offset, limit)
        return [person_row(line) for line in lines]

    return rows


def person_search(
    directory: Directory,
) -> tuple[Callable[[str, int, int], Sequence[Row]], Callable[[str], int]]:
    """Search-as-you-type over all people, for pickers: (rows for text, offset, limit; count)."""
    from koordination.services.directory.search import PeopleFilter  # loaded with the database

    def people(text: str, offset: int, limit: int) -> Sequence[Row]:
        return person_rows(directory, PeopleFilter(text))(offset, limit)

    def count(text: str) -> int:
        return directory.count_people(PeopleFilter(text))

    return people, count


class PeopleArea(PersonPrivacyArea):
    TITLE = "Personen"
    NOUN = "Personen"
    IMPORT_KIND = "people"
    EXPORT_KIND = "people"
    SEARCH_HINT = "Suchen: Name, E-Mail, Organisation …"
    SEARCH_HINT_NARROW = "Suchen: Name, E-Mail …"
    RECORD_NOUN = "Person"
    CREATED = "angelegt"
    # Three filters and the archive switch leave the search field too little room below that.
    NARROW_BELOW = 140
    CHANGED = "person"
    # Organisation, sector and e-mail are all in the detail.
    SHOWN_IN_DETAIL = (1, 2, 3)
    # A screen of rows with a margin, up to a 60-line terminal: a page is what every key
    # typed into the search waits for.
    PAGE_SIZE = 60
    COLUMNS = [
        Column("Name", 26, 2, min_width=18),
        Column("Organisation", 30, 2, priority=1, min_width=14),
        Column("Sektor", 17, 0, priority=3, min_width=12),
        Column("E-Mail", 30, 1, priority=2, min_width=16),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings(
            "Person",
            "Personen",
            [
                bind("consent", "add_consent", "Einwilligung erfassen"),
                bind("withdraw", "withdraw_consent", "Einwilligung widerrufen", show=False),
                bind(
                    "consent_texts",
                    "consent_texts",
                    "Katalog der Einwilligungstexte: ansehen, neue Fassung anlegen",
                    show=False,
                ),
                bind(
                    "art14_informed",
                    "art14_informed",
                    "Information nach Art. 14 DSGVO als versandt vermerken",
                    show=False,
                ),
                bind(
                    "add_member",
                    "add_affiliation",
                    "Person einer Organisation zuordnen",
                    label="Organisation +",
                    show=False,
                ),
                bind(
                    "end_member",
                    "end_affiliation",
                    "Zugehörigkeit zu einer Organisation beenden",
                    label="Organisation −",
                    show=False,
                ),
                bind(
                    "access_report",
                    "access_report",
                    "Auskunft nach Art. 15 DSGVO: alle Daten der Person als PDF, DOCX, ODT "
                    "und JSON",
                    show=False,
                ),
                bind(
                    "erase",
                    "erase",
                    "Person löschen nach Art. 17 DSGVO: Personendaten überall entfernen",
                    show=False,
                ),
                bind(
                    "restrict",
                    "restrict",
                    "Verarbeitung einschränken (Art. 18 DSGVO) oder die Einschränkung aufheben",
                    show=False,
                ),
                bind(
                    "objection",
                    "objection",
                    "Widerspruch (Art. 21 DSGVO) erfassen oder darüber entscheiden",
                    show=False,
                ),
            ],
            can_import=True,
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Group id -> name, for saying which group the list is filtered by.
        self._group_names: dict[int, str] = {}

    def compose_filters(self) -> Iterable[Widget]:
        # Short prompts: the three filters and the search share one line at 80 columns.
        yield self.sector_filter("Sektor")
        yield Select([], prompt="Gruppe", id=f"{self.id}-group", classes="filter", compact=True)
        yield Input(
            placeholder="Schlagwort", id=f"{self.id}-tag", classes="filter tag", compact=True
        )

    def load_all(self) -> None:
        super().load_all()
        self.load_groups()

    def load_groups(self) -> None:
        if self.core is not None:
            directory = self.core.directory
            self.call_service(
                lambda: [(g.name, g.id) for g in directory.list_groups()], self._set_groups
            )

    def _set_groups(self, choices: list[tuple[str, int]]) -> None:
        self._group_names = {group_id: name for name, group_id in choices}
        select = self.query_one(f"#{self.id}-group", Select)
        value = select.value
        with self.prevent(Select.Changed):
            select.set_options(choices)
            if value in {c[1] for c in choices}:
                select.value = value

    def data_changed(self, what: str) -> None:
        super().data_changed(what)
        if what == "group":
            self.load_groups()

    def list_filter(self) -> Any:
        return self.people_filter()

    def described_filters(self) -> list[str]:
        parts = super().described_filters()
        if (group := self.select_value("group")) is not None:
            parts.append(f"Gruppe {self._group_names.get(group, group)}")
        if tag := self.query_one(f"#{self.id}-tag", Input).value.strip():
            parts.append(f"Schlagwort „{tag}“")
        return parts

    def people_filter(self) -> Any:
        from koordination.services.directory.search import PeopleFilter  # loaded with the database

        return PeopleFilter(
            search=self.search.value,
            sector=self.select_value("sector"),
            group_id=self.select_value("group"),
            tag=self.query_one(f"#{self.id}-tag", Input).value.strip() or None,
            archived=self.archived,
        )

    def source(self, directory: Directory) -> tuple[Loader, Counter]:
        f = self.people_filter()
        return person_rows(directory, f), lambda: directory.count_people(f)

    def fetch(self, directory: Directory, row_id: int) -> PersonRecord:
        return directory.get_person(row_id)

    def render_detail(self, record: Any) -> RenderableType:
        return person_detail(record, self.today())

    # ------------------------------------------------------------------ add / edit
    def form_fields(self) -> FormFields:
        from koordination.tui.dialogs.directory import PERSON_FIELDS, build_person, person_values

        return PERSON_FIELDS, person_values, build_person

    def may_edit(self, record: PersonRecord) -> bool:
        return not self.refused_while_restricted(record)

    def submit(self, original: PersonRecord | None, data: PersonInput) -> None:
        """Likely duplicates are asked about before saving."""
        assert self.core is not None
        directory = self.core.directory
        exclude = original.id if original else None
        self.call_service(
            lambda: directory.person_duplicates(data, exclude_id=exclude),
            lambda warnings: self._confirm_duplicates(original, data, warnings),
        )

    def _confirm_duplicates(
        self, original: PersonRecord | None, data: PersonInput, warnings: list[str]
    ) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        if not warnings:
            self.save(original, data)
            return

        def answer(save: bool | None) -> None:
            if save:
                self.save(original, data)
            elif original is None:
                self.action_new(data)
            else:
                self.action_edit(data, original)

        self.app.push_screen(
            ConfirmScreen(
                "Mögliche Dublette", warnings, "Trotzdem speichern", "Zurück zum Formular"
            ),
            answer,
        )

    def savers(self, directory: Directory) -> Savers:
        return directory.create_person, directory.update_person

    def saved(self, original: PersonRecord | None, result: Saved[PersonRecord]) -> None:
        # The detail shows what was stored before the list is reloaded.
        self.show_record(result.record)
        super().saved(original, result)

    def set_archived(self, directory: Directory, record: Any, archive: bool) -> PersonRecord:
        return directory.set_person_archived(record, archive)

    # ------------------------------------------------------------------ consents
    def action_add_consent(self) -> None:
        from koordination.tui.dialogs.directory import consent_form

        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        consents = core.consents

        def ask(texts: list[ConsentTextRecord]) -> None:
            if not texts:
                self.notify(
                    "Der Katalog der Einwilligungstexte ist leer: bitte zuerst den Text anlegen, "
                    "dem zugestimmt wird (Taste D).",
                    severity="warning",
                )
                return
            self.app.push_screen(consent_form(record.display_name, core.clock, texts), done)

        def done(data: ConsentInput | None) -> None:
            if data is None:
                return
            self.call_service(
                lambda: consents.give(record.id, data),
                lambda c: self._consent_saved(f"Einwilligung „{c.purpose.label}“ erfasst."),
            )

        self.call_service(consents.texts, ask)

    def action_withdraw_consent(self) -> None:
        from koordination.tui.dialogs.directory import withdraw_form

        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        consents = core.consents
        active = list(dict.fromkeys(c.purpose for c in record.consents if c.active))
        if not active:
            self.notify(f"{record.display_name} hat keine aktive Einwilligung.", severity="warning")
            return

        def done(data: WithdrawalInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: consents.withdraw(record.id, data),
                    lambda _c: self._consent_saved(
                        f"Einwilligung „{data.purpose.label}“ widerrufen."
                    ),
                )

        self.app.push_screen(withdraw_form(record.display_name, active, core.clock), done)

    def _consent_saved(self, message: str) -> None:
        self.notify(message, title="Einwilligungen")
        self.refresh_detail()

    def action_consent_texts(self) -> None:
        """The catalogue of consent texts; n there adds a wording."""
        from koordination.tui.dialogs.directory import ConsentTextsScreen, consent_text_form

        core = self.core
        if core is None:
            return
        consents = core.consents

        def show(texts: list[ConsentTextRecord]) -> None:
            self.app.push_screen(ConsentTextsScreen(texts), chosen)

        def chosen(add: bool | None) -> None:
            if add:
                self.app.push_screen(consent_text_form(self.today()), save)

        def save(data: ConsentTextInput | None) -> None:
            if data is None:
                self.call_service(consents.texts, show)
                return

            def saved(text: ConsentTextRecord) -> None:
                self.notify(f"{text.label} angelegt.", title="Einwilligungstexte")
                self.call_service(consents.texts, show)

            self.call_service(lambda: consents.add_text(data), saved)

        self.call_service(consents.texts, show)

    def action_art14_informed(self) -> None:
        """Record that the person received the information owed under Art. 14 DSGVO."""
        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        if not record.art14_open:
            self.notify(
                f"Für {record.display_name} ist keine Information nach Art. 14 offen.",
                severity="warning",
            )
            return
        art14 = core.art14
        self.call_service(
            lambda: art14.mark_informed([record.id]),
            lambda _n: self._consent_saved(
                f"Information nach Art. 14 an {record.display_name} als versandt vermerkt."
            ),
        )

    # ------------------------------------------------------------------ organisations
    def action_add_affiliation(self) -> None:
        from koordination.services.directory.search import OrganisationFilter
        from koordination.tui.dialogs.directory import AffiliationScreen

        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        directory = core.directory

        def organisations(text: str, offset: int, limit: int) -> list[Row]:
            found = directory.list_organisations(OrganisationFilter(text), offset, limit)
            return [Row(o.id, (o.name, o.sector.label)) for o in found]

        def count(text: str) -> int:
            return directory.count_organisations(OrganisationFilter(text))

        def done(data: AffiliationInput | None) -> None:
            if data is None:
                return
            self.call_service(
                lambda: directory.add_affiliation(
                    record.id, data.organisation_id, data.function, valid_from=data.valid_from
                ),
                lambda a: self._affiliations_changed(
                    f"{record.display_name} gehört jetzt zu {a.organisation_name}."
                ),
            )

        self.app.push_screen(
            AffiliationScreen(record.display_name, organisations, count, self.today()), done
        )

    def action_end_affiliation(self) -> None:
        from koordination.tui.dialogs.directory import end_affiliation_form

        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        directory = core.directory
        today = self.today()
        # Also one ending later (its end can be brought forward), not one already ended.
        current = [a for a in record.affiliations if not ended(a.valid_to, today)]
        if not current:
            self.notify(
                f"{record.display_name} gehört zu keiner Organisation (mehr).", severity="warning"
            )
            return
        choices = [
            (
                ", ".join(
                    x for x in (a.organisation_name, a.function, period(a.valid_from, None)) if x
                ),
                a.id,
            )
            for a in current
        ]

        def done(ending: Ending | None) -> None:
            if ending is not None:
                self.call_service(
                    lambda: directory.end_affiliation(ending.id, ending.at),
                    lambda _none: self._affiliations_changed("Zugehörigkeit beendet."),
                )

        starts = {a.id: a.valid_from for a in current}
        self.app.push_screen(
            end_affiliation_form(record.display_name, choices, starts, today), done
        )

    def _affiliations_changed(self, message: str) -> None:
        self.notify(message, title="Organisationen", markup=False)
        # The organisation column and the sector of the row change with the affiliation.
        self.changed("person")

    # ------------------------------------------------------------------ data protection
    def action_access_report(self) -> None:
        from koordination.tui.dialogs.access_report import AccessReportDialog

        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return

        def review() -> str:
            # What the office checks before sending (never silently in the letter).
            lines = core.privacy.access_review(record.id).lines()
            return "Vor dem Versand prüfen:\n" + "\n".join(lines) if lines else ""

        self.app.push_screen(AccessReportDialog(core, record.id, record.display_name, review))
