"""People: their details, search and lists, shareable exports, consents and affiliations."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from koordination.domain.inputs.directory import (
    PersonInput,
)
from koordination.domain.inputs.validation import date_order
from koordination.domain.models import (
    Affiliation,
    Organisation,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
)
from koordination.domain.records.directory import (
    AffiliationRecord,
    ExportedPerson,
    PersonRecord,
    PersonRow,
    Saved,
    display_name,
)
from koordination.errors import FieldError, ValidationError
from koordination.services.directory import listing
from koordination.services.directory.listing import ListParts, Scope
from koordination.services.directory.person_pages import (
    EXPORT_COLUMNS,
    ExportParts,
    exported_people,
)
from koordination.services.directory.person_pages import (
    person_records as page_of_person_records,
)
from koordination.services.directory.records import (
    DirectoryBase,
    changed_labels,
    chunks,
    conflict_error,
)
from koordination.services.directory.search import (
    ALL_PEOPLE,
    PeopleFilter,
    email_key,
    person_sort_key,
    search_terms,
)

_P = TypeVar("_P")
_T = TypeVar("_T")

_PERSON_LABELS = {
    "salutation": "Anrede",
    "title": "Titel",
    "given_name": "Vorname",
    "family_name": "Nachname",
    "emails": "E-Mail",
    "phones": "Telefon",
    "postal_address": "Postanschrift",
    "notes": "Notizen",
    "tags": "Schlagworte",
    "preferred_channel": "Einladungsweg",
    "archived": "Archiviert",
    "affiliations": "Organisationen",
    "memberships": "Gruppen",
    "consents": "Einwilligungen",
}


def _refuse_restricted(person: Person) -> None:
    """The one check of a restriction (Art. 18 DSGVO) before an edit; imported on first use,
    so listing people does not load the privacy services."""
    from koordination.services.privacy.restriction import refuse_restricted

    refuse_restricted(person)


class People(DirectoryBase):
    """Use cases on people. Every public method is one transaction."""

    # ------------------------------------------------------------------ people
    def get_person(self, person_id: int) -> PersonRecord:
        from koordination.services.privacy.objections import objection_records

        with self.db.session() as session:
            record = self._person_record(self._load_person(session, person_id))
            # The detail shows them; page-wise records (exports) leave them out.
            return dataclasses.replace(record, objections=objection_records(session, person_id))

    def person_duplicates(self, data: PersonInput, exclude_id: int | None = None) -> list[str]:
        """Warnings about people that are likely the same: the same name. (An address that
        belongs to someone else is no warning but a refusal: see ``address_owners``.)"""
        data = data.normalised()
        if not data.family_name:
            return []
        key = person_sort_key(data.family_name, data.given_name)
        stmt = select(Person.id, Person.given_name, Person.family_name).where(
            Person.sort_key == key
        )
        if exclude_id is not None:
            stmt = stmt.where(Person.id != exclude_id)
        with self.db.session() as session:
            return [
                f"Es gibt schon eine Person {given} {family} (Nr. {pid})."
                for pid, given, family in session.execute(stmt.limit(5))
            ]

    def address_owners(self, data: PersonInput, exclude_id: int | None = None) -> list[FieldError]:
        """The addresses of ``data`` that already belong to another person: each address is
        one person's (the database holds it unique), so saving would be refused."""
        keys = [email_key(e) for e in data.normalised().emails]
        if not keys:
            return []
        stmt = (
            select(PersonEmail.address, Person.id, Person.given_name, Person.family_name)
            .join(Person)
            .where(PersonEmail.address_key.in_(keys))
        )
        if exclude_id is not None:
            stmt = stmt.where(Person.id != exclude_id)
        with self.db.session() as session:
            return [
                FieldError("E-Mail", f"{address} gehört schon zu {given} {family} (Nr. {pid}).")
                for address, pid, given, family in session.execute(stmt)
            ]

    def create_person(self, data: PersonInput) -> Saved[PersonRecord]:
        data = data.normalised()
        if errors := data.problems() or self.address_owners(data):
            raise ValidationError(errors)
        warnings = self.person_duplicates(data)
        with self.db.session() as session:
            person = Person(family_name=data.family_name)
            self._apply_person(person, data)
            session.add(person)
            self._save(session, "Die Person")
            self._refresh_person_search(person)
            self._save(session, "Die Person")
            return Saved(
                self._person_record(self._load_person(session, person.id)), tuple(warnings)
            )

    def update_person(self, original: PersonRecord, data: PersonInput) -> Saved[PersonRecord]:
        data = data.normalised()
        if errors := data.problems() or self.address_owners(data, exclude_id=original.id):
            raise ValidationError(errors)
        warnings = self.person_duplicates(data, exclude_id=original.id)
        with self.db.session() as session:
            person = self._load_person(session, original.id)
            _refuse_restricted(person)
            if person.version != original.version:
                current = self._person_record(person)
                raise conflict_error(
                    f"{original.display_name} (Nr. {original.id})",
                    changed_labels(original, current, _PERSON_LABELS),
                )
            self._apply_person(person, data)
            self._refresh_person_search(person)
            person.updated_at = self.clock.now()  # always bump the version
            self._save(session, original.display_name)
            return Saved(self._person_record(person), tuple(warnings))

    @staticmethod
    def _apply_person(person: Person, data: PersonInput) -> None:
        person.salutation = data.salutation
        person.title = data.title
        person.given_name = data.given_name
        person.family_name = data.family_name
        person.postal_address = data.postal_address
        person.notes = data.notes
        person.preferred_channel = data.preferred_channel
        person.sort_key = person_sort_key(data.family_name, data.given_name)
        # Keep the rows of addresses that stay: the unit of work inserts before it deletes,
        # and a new row for the same address would collide with the unique address key.
        kept = {e.address_key: e for e in person.emails}
        emails: list[PersonEmail] = []
        for i, address in enumerate(data.emails):
            row = kept.pop(email_key(address), None) or PersonEmail(address_key=email_key(address))
            row.address, row.position = address, i
            emails.append(row)
        person.emails = emails
        person.phones = [PersonPhone(number=n, position=i) for i, n in enumerate(data.phones)]
        person.tags = [PersonTag(tag=t) for t in sorted(set(data.tags))]

    def set_person_archived(
        self, original: PersonRecord, archived: bool, reason: str = ""
    ) -> PersonRecord:
        """Archive (with the reason, e.g. "ausgeschieden", "verzogen") or bring back."""
        with self.db.session() as session:
            person = self._load_person(session, original.id)
            _refuse_restricted(person)
            if person.version != original.version:
                raise conflict_error(
                    f"{original.display_name} (Nr. {original.id})",
                    changed_labels(original, self._person_record(person), _PERSON_LABELS),
                )
            person.archived = archived
            person.archive_reason = " ".join(reason.split()) if archived else ""
            self._save(session, original.display_name)
            return self._person_record(person)

    def _people_query(self, f: PeopleFilter) -> Select[Any]:
        return listing.people_query(f, self.today())

    def count_people(self, f: PeopleFilter = ALL_PEOPLE) -> int:
        stmt = self._people_query(f)
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0

    def list_people(
        self, f: PeopleFilter = ALL_PEOPLE, offset: int = 0, limit: int | None = None
    ) -> list[PersonRow]:
        return listing.list_people(self.db, self.today(), f, offset, limit)

    def person_records(
        self, f: PeopleFilter = ALL_PEOPLE, offset: int = 0, limit: int | None = None
    ) -> list[PersonRecord]:
        """Full records in the order of ``list_people``, page-wise (for exports)."""
        stmt = self._people_query(f).order_by(Person.archived, Person.sort_key, Person.id)
        stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        today = self.today()
        with self.db.session() as session:
            ids = list(session.scalars(stmt))
            found: dict[int, PersonRecord] = {}
            for chunk in chunks(ids, 900):
                found.update(page_of_person_records(session, chunk, today))
            return [found[i] for i in ids]

    # ------------------------------------------------------------------ exports
    # A table export leaves the office: a person's e-mail addresses, phone numbers and postal
    # address go into it only with a current consent "Kontaktdaten im Netzwerk teilen" (the one
    # rule, services/consent.py). Names, memberships and the consents themselves stay, so the
    # file still imports. The office's complete copy is the database backup.

    def _keyset_pages(
        self, f: PeopleFilter, columns: Sequence[Any], size: int
    ) -> Iterator[tuple[Session, Sequence[Any], Select[Any] | None]]:
        """The people ``f`` selects in the order of ``list_people``, ``size`` rows of
        ``columns`` (the id first) at a time, each page in a session of its own and with a
        query of exactly its ids (``None`` for a search, where each run would scan again).

        Each page starts after the previous one's sort key and id, so the last page of a city
        costs what the first does; OFFSET walked every row before it."""
        from koordination.services.privacy.restriction import unrestricted

        searching = bool(search_terms(f.search))
        after: tuple[str, int] | None = None
        while True:
            # A restricted person (Art. 18 DSGVO) leaves the office in no export.
            stmt = self._people_query(f).where(unrestricted())
            if after is not None:
                stmt = stmt.where(tuple_(Person.sort_key, Person.id) > tuple_(*after))
            stmt = stmt.order_by(Person.sort_key, Person.id).limit(size)
            with self.db.session() as session:
                page = session.execute(stmt.with_only_columns(*columns, Person.sort_key)).all()
                if not page:
                    return
                yield session, page, None if searching else stmt
            if len(page) < size:
                return
            after = (page[-1][-1], page[-1][0])

    def _log_export(self) -> None:
        """Logged before the first page is read: only Datenschutz may export people."""
        from koordination.services.privacy.audit_trail import record_act

        record_act(self.db, "export", facts={"Was": "Personenliste"})

    def _export_pages(
        self,
        f: PeopleFilter,
        columns: Sequence[Any],
        size: int,
        read: Callable[[Session, Iterable[Scope]], _P],
        build: Callable[[Sequence[Any], _P], list[_T]],
    ) -> Iterator[list[_T]]:
        """The people ``f`` selects in the order of ``list_people`` as an export shows them,
        ``size`` at a time: ``read`` gets what the export shows of the other tables, ``build``
        makes a page of them from rows of ``columns`` (the id first).

        The whole directory (everybody current) reads each other table once, in one snapshot
        with the people, who are streamed in list order: a fixed number of statements however
        many people there are. A filtered export reads the other tables page by page."""
        from koordination.services.privacy.restriction import unrestricted

        self._log_export()
        if f == ALL_PEOPLE:
            with self.db.session() as session:
                parts = read(session, (None,))
                # A restricted person (Art. 18 DSGVO) leaves the office in no export.
                stmt = (
                    self._people_query(f)
                    .where(unrestricted())
                    .with_only_columns(*columns)
                    .order_by(Person.sort_key, Person.id)
                )
                conn = session.connection().execution_options(yield_per=size)
                for page in conn.execute(stmt).partitions():
                    yield build(page, parts)
            return
        for session, page, members in self._keyset_pages(f, columns, size):
            ids = [row[0] for row in page]
            yield build(page, read(session, chunks(ids, 900) if members is None else (members,)))

    def shareable_people_pages(
        self, f: PeopleFilter = ALL_PEOPLE, *, now: datetime, size: int = 1000
    ) -> Iterator[list[PersonRow]]:
        """``list_people`` as an export may show it, page after page: e-mail addresses only of
        those with a current sharing consent at ``now``."""
        today = self.today()

        def read(session: Session, scopes: Iterable[Scope]) -> ListParts:
            return ListParts(session.connection(), scopes, today, shareable_at=now)

        def build(page: Sequence[Any], parts: ListParts) -> list[PersonRow]:
            return parts.rows(page)

        return self._export_pages(f, listing.ROW_COLUMNS, size, read, build)

    def exported_people_pages(
        self, f: PeopleFilter = ALL_PEOPLE, *, now: datetime, size: int = 1000
    ) -> Iterator[list[ExportedPerson]]:
        """The people as a table export writes them (``consent.shareable_person`` at ``now``,
        what holds today), page after page in the order of ``list_people``."""
        today = self.today()

        def read(session: Session, scopes: Iterable[Scope]) -> ExportParts:
            return ExportParts(session, scopes, today, now)

        return self._export_pages(f, EXPORT_COLUMNS, size, read, exported_people)

    def tags(self) -> list[str]:
        with self.db.session() as session:
            return list(session.scalars(select(PersonTag.tag).distinct().order_by(PersonTag.tag)))

    # ------------------------------------------------------------------ affiliations
    def add_affiliation(
        self,
        person_id: int,
        organisation_id: int,
        function: str = "",
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> AffiliationRecord:
        if err := date_order("Zeitraum", valid_from, valid_to):
            raise ValidationError([err])
        with self.db.session() as session:
            person = self._load_person(session, person_id)
            _refuse_restricted(person)
            org = self._get(session, Organisation, organisation_id, "Organisation")
            aff = Affiliation(
                organisation=org,
                function=function.strip(),
                valid_from=valid_from,
                valid_to=valid_to,
            )
            person.affiliations.append(aff)
            self._refresh_person_search(person)
            person.updated_at = self.clock.now()
            self._save(session, "Die Person")
            return self._affiliation_record(
                aff, display_name(person.title, person.given_name, person.family_name)
            )

    def end_affiliation(self, affiliation_id: int, valid_to: date | None = None) -> None:
        """Close an affiliation (history is kept, nothing is deleted)."""
        end = valid_to or self.today()
        with self.db.session() as session:
            aff = self._get(session, Affiliation, affiliation_id, "Zugehörigkeit")
            if err := date_order("Zeitraum", aff.valid_from, end):
                raise ValidationError([err])
            person = self._load_person(session, aff.person_id)
            _refuse_restricted(person)
            aff.valid_to = end
            self._refresh_person_search(person)
            person.updated_at = self.clock.now()
            self._save(session, "Die Person")
