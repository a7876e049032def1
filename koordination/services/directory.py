"""The network directory: people, organisations, groups, consents and the city profile."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    ConsentPurpose,
    GroupKind,
    GroupRole,
    LegalBasis,
    Sector,
    fold,
)
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from koordination.domain.inputs.validation import date_order
from koordination.domain.models import (
    Affiliation,
    CityProfile,
    Consent,
    Group,
    GroupMembership,
    Organisation,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
)
from koordination.domain.records.directory import (
    AffiliationRecord,
    CityProfileRecord,
    ConsentRecord,
    GroupRecord,
    GroupRow,
    MembershipRecord,
    OrganisationRecord,
    OrganisationRow,
    Overview,
    PersonRecord,
    PersonRow,
    Saved,
    display_name,
    is_current,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError
from koordination.services.consent import SHARING, consenting_ids, shareable_person

R = TypeVar("R")


@dataclass(frozen=True)
class PeopleFilter:
    search: str = ""
    sector: Sector | None = None
    group_id: int | None = None
    tag: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class OrganisationFilter:
    search: str = ""
    sector: Sector | None = None
    group_id: int | None = None
    archived: bool = False


@dataclass(frozen=True)
class GroupFilter:
    """What :meth:`Directory.list_groups` is asked for, as one value (the export takes it)."""

    search: str = ""
    sector: Sector | None = None
    archived: bool = False


def search_terms(text: str) -> list[str]:
    return [t for t in text.lower().split() if t]


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def person_sort_key(family_name: str, given_name: str) -> str:
    return f"{fold(family_name)} {fold(given_name)}"


def person_search_text(
    title: str, given: str, family: str, emails: Iterable[str], organisations: Iterable[str]
) -> str:
    text = " ".join([title, given, family, *emails, *organisations]).lower()
    # Bounded so that it fits a B-tree index entry on PostgreSQL (about 2,700 bytes).
    return text[:SEARCH_TEXT_MAX]


SEARCH_TEXT_MAX = 600


def email_key(address: str) -> str:
    return address.strip().lower()


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
_ORG_LABELS = {
    "name": "Name",
    "short_name": "Kurzname",
    "sector": "Sektor",
    "kind": "Art",
    "address": "Anschrift",
    "phone": "Telefon",
    "email": "E-Mail",
    "website": "Webseite",
    "notes": "Notizen",
    "archived": "Archiviert",
}
_GROUP_LABELS = {
    "kind": "Art",
    "name": "Name",
    "description": "Beschreibung",
    "parent_id": "Übergeordnete Gruppe",
    "archived": "Archiviert",
}


def _changed_labels(old: Any, new: Any, labels: dict[str, str]) -> list[str]:
    return [
        label
        for name, label in labels.items()
        if getattr(old, name, None) != getattr(new, name, None)
    ]


def _conflict(what: str, changed: Sequence[str]) -> ConflictError:
    detail = f" Geändert wurde: {', '.join(changed)}." if changed else ""
    return ConflictError(
        f"{what} wurde inzwischen an anderer Stelle geändert.{detail} "
        "Ihre Änderungen wurden nicht gespeichert. Bitte neu laden und erneut bearbeiten."
    )


class Directory:
    """Use cases of the directory. Every public method is one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return self.clock.today()

    # ------------------------------------------------------------------ helpers
    def _get(self, session: Session, model: type[R], ident: int, what: str) -> R:
        obj = session.get(model, ident)
        if obj is None:
            raise NotFoundError(f"{what} Nr. {ident} wurde nicht gefunden.")
        return obj

    def _save(self, session: Session, what: str) -> None:
        try:
            session.flush()
        except StaleDataError as exc:
            raise _conflict(what, []) from exc

    # ------------------------------------------------------------------ records
    def _person_record(self, p: Person) -> PersonRecord:
        name = display_name(p.title, p.given_name, p.family_name)
        current_sector = self._current_sector(p)
        return PersonRecord(
            id=p.id,
            version=p.version,
            salutation=p.salutation,
            title=p.title,
            given_name=p.given_name,
            family_name=p.family_name,
            emails=tuple(e.address for e in p.emails),
            phones=tuple(ph.number for ph in p.phones),
            postal_address=p.postal_address,
            notes=p.notes,
            tags=tuple(t.tag for t in p.tags),
            preferred_channel=p.preferred_channel,
            archived=p.archived,
            affiliations=tuple(self._affiliation_record(a, name) for a in p.affiliations),
            memberships=tuple(
                self._membership_record(m, name, current_sector) for m in p.memberships
            ),
            consents=tuple(
                ConsentRecord(
                    id=c.id,
                    purpose=c.purpose,
                    legal_basis=c.legal_basis,
                    text_version=c.text_version,
                    given_at=c.given_at,
                    withdrawn_at=c.withdrawn_at,
                )
                for c in p.consents
            ),
        )

    def _current_sector(self, p: Person) -> Sector | None:
        today = self.today()
        for a in p.affiliations:
            if is_current(a.valid_from, a.valid_to, today):
                return a.organisation.sector
        return None

    @staticmethod
    def _affiliation_record(a: Affiliation, person_name: str) -> AffiliationRecord:
        return AffiliationRecord(
            id=a.id,
            person_id=a.person_id,
            person_name=person_name,
            organisation_id=a.organisation_id,
            organisation_name=a.organisation.name,
            sector=a.organisation.sector,
            function=a.function,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
        )

    @staticmethod
    def _membership_record(
        m: GroupMembership, person_name: str, person_sector: Sector | None
    ) -> MembershipRecord:
        rep = m.representing
        return MembershipRecord(
            id=m.id,
            group_id=m.group_id,
            group_name=m.group.name,
            person_id=m.person_id,
            person_name=person_name,
            role=m.role,
            valid_from=m.valid_from,
            valid_to=m.valid_to,
            voting_right=m.voting_right,
            representing_id=m.representing_id,
            representing_name=rep.name if rep else "",
            sector=rep.sector if rep else person_sector,
        )

    @staticmethod
    def _organisation_record(o: Organisation, **extra: Any) -> OrganisationRecord:
        return OrganisationRecord(
            id=o.id,
            version=o.version,
            name=o.name,
            short_name=o.short_name,
            sector=o.sector,
            kind=o.kind,
            address=o.address,
            phone=o.phone,
            email=o.email,
            website=o.website,
            notes=o.notes,
            archived=o.archived,
            **extra,
        )

    @staticmethod
    def _city_record(c: CityProfile, contact: str = "") -> CityProfileRecord:
        values = {
            f.name: getattr(c, f.name) for f in fields(CityProfileRecord) if hasattr(c, f.name)
        }
        return CityProfileRecord(**values, contact_person=contact)

    @staticmethod
    def _contact_name(session: Session, person_id: int | None) -> str:
        person = session.get(Person, person_id) if person_id is not None else None
        return display_name(person.title, person.given_name, person.family_name) if person else ""

    _PERSON_LOAD = (
        selectinload(Person.emails),
        selectinload(Person.phones),
        selectinload(Person.tags),
        selectinload(Person.consents),
        selectinload(Person.affiliations).selectinload(Affiliation.organisation),
        selectinload(Person.memberships).selectinload(GroupMembership.group),
        selectinload(Person.memberships).selectinload(GroupMembership.representing),
    )

    def _load_person(self, session: Session, person_id: int) -> Person:
        person = session.scalar(
            select(Person).where(Person.id == person_id).options(*self._PERSON_LOAD)
        )
        if person is None:
            raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
        return person

    # ------------------------------------------------------------------ people
    def get_person(self, person_id: int) -> PersonRecord:
        with self.db.session() as session:
            return self._person_record(self._load_person(session, person_id))

    def person_duplicates(self, data: PersonInput, exclude_id: int | None = None) -> list[str]:
        """Warnings about people that are likely the same: same e-mail or same name."""
        data = data.normalised()
        warnings: list[str] = []
        with self.db.session() as session:
            keys = [email_key(e) for e in data.emails]
            if keys:
                stmt = (
                    select(PersonEmail.address, Person.id, Person.given_name, Person.family_name)
                    .join(Person)
                    .where(PersonEmail.address_key.in_(keys))
                )
                if exclude_id is not None:
                    stmt = stmt.where(Person.id != exclude_id)
                for address, pid, given, family in session.execute(stmt):
                    warnings.append(
                        f"Die E-Mail {address} gehört schon zu {given} {family} (Nr. {pid})."
                    )
            if data.family_name:
                key = person_sort_key(data.family_name, data.given_name)
                stmt2 = select(Person.id, Person.given_name, Person.family_name).where(
                    Person.sort_key == key
                )
                if exclude_id is not None:
                    stmt2 = stmt2.where(Person.id != exclude_id)
                for pid, given, family in session.execute(stmt2.limit(5)):
                    warnings.append(f"Es gibt schon eine Person {given} {family} (Nr. {pid}).")
        return warnings

    def create_person(self, data: PersonInput) -> Saved[PersonRecord]:
        data = data.normalised()
        if errors := data.problems():
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
        if errors := data.problems():
            raise ValidationError(errors)
        warnings = self.person_duplicates(data, exclude_id=original.id)
        with self.db.session() as session:
            person = self._load_person(session, original.id)
            if person.version != original.version:
                current = self._person_record(person)
                raise _conflict(
                    f"{original.display_name} (Nr. {original.id})",
                    _changed_labels(original, current, _PERSON_LABELS),
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
        person.emails = [
            PersonEmail(address=a, address_key=email_key(a), position=i)
            for i, a in enumerate(data.emails)
        ]
        person.phones = [PersonPhone(number=n, position=i) for i, n in enumerate(data.phones)]
        person.tags = [PersonTag(tag=t) for t in sorted(set(data.tags))]

    def _refresh_person_search(self, person: Person) -> None:
        today = self.today()
        orgs = [
            a.organisation.name
            for a in person.affiliations
            if a.organisation is not None and is_current(a.valid_from, a.valid_to, today)
        ]
        person.search_text = person_search_text(
            person.title,
            person.given_name,
            person.family_name,
            (e.address for e in person.emails),
            orgs,
        )

    def set_person_archived(self, original: PersonRecord, archived: bool) -> PersonRecord:
        with self.db.session() as session:
            person = self._load_person(session, original.id)
            if person.version != original.version:
                raise _conflict(
                    f"{original.display_name} (Nr. {original.id})",
                    _changed_labels(original, self._person_record(person), _PERSON_LABELS),
                )
            person.archived = archived
            self._save(session, original.display_name)
            return self._person_record(person)

    def _people_query(self, f: PeopleFilter) -> Select[Any]:
        if search_terms(f.search):
            # A substring search cannot use an index. Walking ix_person_archived_sort in order and
            # testing each row is slow for rare terms (~90 ms on 100k people); a plain scan plus a
            # top-N sort is bounded (~15 ms). Wrapping the columns keeps the planner off the index.
            stmt = select(Person.id).where(func.coalesce(Person.archived, False) == f.archived)
        else:
            stmt = select(Person.id).where(Person.archived == f.archived)
        for term in search_terms(f.search):
            stmt = stmt.where(Person.search_text.like(like_pattern(term), escape="\\"))
        today = self.today()
        if f.sector is not None:
            stmt = stmt.where(
                exists()
                .where(Affiliation.person_id == Person.id)
                .where(Affiliation.organisation_id == Organisation.id)
                .where(Organisation.sector == f.sector)
                .where(_current(Affiliation, today))
            )
        if f.group_id is not None:
            stmt = stmt.where(
                exists()
                .where(GroupMembership.person_id == Person.id)
                .where(GroupMembership.group_id == f.group_id)
                .where(_current(GroupMembership, today))
            )
        if f.tag:
            stmt = stmt.where(
                exists()
                .where(PersonTag.person_id == Person.id)
                .where(PersonTag.tag == f.tag.strip())
            )
        return stmt

    def count_people(self, f: PeopleFilter = PeopleFilter()) -> int:
        stmt = self._people_query(f)
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0

    def list_people(
        self, f: PeopleFilter = PeopleFilter(), offset: int = 0, limit: int | None = None
    ) -> list[PersonRow]:
        columns = (Person.id, Person.title, Person.given_name, Person.family_name, Person.archived)
        if search_terms(f.search):
            # See _people_query: scan the covering search index for the ids of one page,
            # then read the names of just those rows.
            page = (
                self._people_query(f)
                .add_columns(Person.sort_key)
                .order_by(Person.sort_key.concat(""), Person.id)
                .offset(offset)
                .limit(limit)
                .subquery()
            )
            stmt = (
                select(*columns)
                .join(page, page.c.id == Person.id)
                .order_by(page.c.sort_key, page.c.id)
            )
        else:
            stmt = self._people_query(f).with_only_columns(*columns)
            stmt = stmt.order_by(Person.archived, Person.sort_key, Person.id).offset(offset)
            if limit is not None:
                stmt = stmt.limit(limit)
        with self.db.session() as session:
            base = session.execute(stmt).all()
            return self._person_rows(session, base)

    def _person_rows(self, session: Session, base: Sequence[Any]) -> list[PersonRow]:
        ids = [row[0] for row in base]
        emails: dict[int, list[str]] = defaultdict(list)
        orgs: dict[int, tuple[str, Sector]] = {}
        groups: dict[int, list[str]] = defaultdict(list)
        today = self.today()
        for chunk in _chunks(ids, 900):
            for pid, address in session.execute(
                select(PersonEmail.person_id, PersonEmail.address)
                .where(PersonEmail.person_id.in_(chunk))
                .order_by(PersonEmail.person_id, PersonEmail.position)
            ):
                emails[pid].append(address)
            for pid, name, sector in session.execute(
                select(Affiliation.person_id, Organisation.name, Organisation.sector)
                .join(Organisation)
                .where(Affiliation.person_id.in_(chunk), _current(Affiliation, today))
                .order_by(Affiliation.person_id, Affiliation.id)
            ):
                orgs.setdefault(pid, (name, sector))
            for pid, gname in session.execute(
                select(GroupMembership.person_id, Group.name)
                .join(Group)
                .where(GroupMembership.person_id.in_(chunk), _current(GroupMembership, today))
                .order_by(GroupMembership.person_id, Group.name)
            ):
                groups[pid].append(gname)
        rows = []
        for pid, title, given, family, archived in base:
            org = orgs.get(pid)
            rows.append(
                PersonRow(
                    id=pid,
                    name=display_name(title, given, family),
                    emails=tuple(emails.get(pid, ())),
                    organisation=org[0] if org else "",
                    sector=org[1] if org else None,
                    groups=tuple(groups.get(pid, ())),
                    archived=archived,
                )
            )
        return rows

    def person_records(
        self, f: PeopleFilter = PeopleFilter(), offset: int = 0, limit: int | None = None
    ) -> list[PersonRecord]:
        """Full records in the order of ``list_people``, page-wise (for exports)."""
        stmt = self._people_query(f).order_by(Person.archived, Person.sort_key, Person.id)
        stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.session() as session:
            ids = list(session.scalars(stmt))
            found: dict[int, PersonRecord] = {}
            for chunk in _chunks(ids, 900):
                for p in session.scalars(
                    select(Person).where(Person.id.in_(chunk)).options(*self._PERSON_LOAD)
                ):
                    found[p.id] = self._person_record(p)
                session.expunge_all()
            return [found[i] for i in ids]

    # ------------------------------------------------------------------ exports
    # A table export leaves the office: a person's e-mail addresses, phone numbers and postal
    # address go into it only with a current consent "Kontaktdaten im Netzwerk teilen" (the one
    # rule, services/consent.py). Names, memberships and the consents themselves stay, so the
    # file still imports. The office's complete copy is the database backup.

    def shareable_people(
        self,
        f: PeopleFilter = PeopleFilter(),
        offset: int = 0,
        limit: int | None = None,
        *,
        now: datetime,
    ) -> list[PersonRow]:
        """One page of ``list_people`` as an export may show it: e-mail addresses only of
        those with a current sharing consent at ``now``."""
        rows = self.list_people(f, offset, limit)
        sharing = consenting_ids(self.db, [r.id for r in rows if r.emails], SHARING, now)
        return [r if r.id in sharing or not r.emails else replace(r, emails=()) for r in rows]

    def shareable_person_records(
        self,
        f: PeopleFilter = PeopleFilter(),
        offset: int = 0,
        limit: int | None = None,
        *,
        now: datetime,
    ) -> list[PersonRecord]:
        """One page of ``person_records`` as an export may show it (see ``shareable_person``)."""
        return [shareable_person(p, now) for p in self.person_records(f, offset, limit)]

    def groups_matching(self, f: GroupFilter = GroupFilter()) -> list[GroupRow]:
        """``list_groups`` asked with one filter value (what the group export takes)."""
        return self.list_groups(f.search, f.archived, f.sector)

    def tags(self) -> list[str]:
        with self.db.session() as session:
            return list(session.scalars(select(PersonTag.tag).distinct().order_by(PersonTag.tag)))

    # ------------------------------------------------------------------ consents
    def record_consent(
        self,
        person_id: int,
        purpose: ConsentPurpose,
        legal_basis: LegalBasis = LegalBasis.EINWILLIGUNG,
        text_version: str = "",
        given_at: datetime | None = None,
    ) -> ConsentRecord:
        """Add a consent as given; earlier records of the same purpose stay as history."""
        given = given_at or self.clock.now()
        if given > self.clock.now():
            raise ValidationError([FieldError("Erteilt am", "liegt in der Zukunft.")])
        with self.db.session() as session:
            person = self._get(session, Person, person_id, "Person")
            consent = Consent(
                person_id=person.id,
                purpose=purpose,
                legal_basis=legal_basis,
                text_version=text_version.strip(),
                given_at=given,
            )
            session.add(consent)
            person.updated_at = self.clock.now()
            self._save(session, "Die Person")
            return ConsentRecord(
                consent.id, purpose, legal_basis, consent.text_version, given, None
            )

    def withdraw_consent(self, consent_id: int, at: datetime | None = None) -> ConsentRecord:
        when = at or self.clock.now()
        with self.db.session() as session:
            consent = self._get(session, Consent, consent_id, "Einwilligung")
            if consent.withdrawn_at is not None:
                raise ValidationError([FieldError("Einwilligung", "wurde bereits widerrufen.")])
            if when < consent.given_at:
                raise ValidationError(
                    [FieldError("Widerrufen am", "liegt vor der Erteilung der Einwilligung.")]
                )
            consent.withdrawn_at = when
            consent.person.updated_at = self.clock.now()
            self._save(session, "Die Person")
            return ConsentRecord(
                consent.id,
                consent.purpose,
                consent.legal_basis,
                consent.text_version,
                consent.given_at,
                when,
            )

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
            aff.valid_to = end
            person = self._load_person(session, aff.person_id)
            self._refresh_person_search(person)
            person.updated_at = self.clock.now()
            self._save(session, "Die Person")

    # ------------------------------------------------------------------ organisations
    def _load_organisation(self, session: Session, org_id: int) -> Organisation:
        return self._get(session, Organisation, org_id, "Organisation")

    def get_organisation(self, org_id: int) -> OrganisationRecord:
        today = self.today()
        with self.db.session() as session:
            org = self._load_organisation(session, org_id)
            affs = session.scalars(
                select(Affiliation)
                .where(Affiliation.organisation_id == org_id)
                .options(selectinload(Affiliation.person), selectinload(Affiliation.organisation))
                .order_by(Affiliation.id)
            ).all()
            people = tuple(
                self._affiliation_record(
                    a, display_name(a.person.title, a.person.given_name, a.person.family_name)
                )
                for a in affs
            )
            groups = session.scalars(
                select(Group.name)
                .join(GroupMembership)
                .where(
                    or_(
                        GroupMembership.representing_id == org_id,
                        GroupMembership.person_id.in_(
                            select(Affiliation.person_id).where(
                                Affiliation.organisation_id == org_id,
                                _current(Affiliation, today),
                            )
                        ),
                    ),
                    _current(GroupMembership, today),
                )
                .distinct()
                .order_by(Group.name)
            ).all()
            return self._organisation_record(org, people=people, groups=tuple(groups))

    def organisation_duplicates(
        self, data: OrganisationInput, exclude_id: int | None = None
    ) -> list[str]:
        stmt = select(Organisation.id, Organisation.name).where(
            Organisation.name_key == fold(data.name)
        )
        if exclude_id is not None:
            stmt = stmt.where(Organisation.id != exclude_id)
        with self.db.session() as session:
            return [
                f"Es gibt schon eine Organisation „{name}“ (Nr. {oid})."
                for oid, name in session.execute(stmt)
            ]

    def create_organisation(self, data: OrganisationInput) -> Saved[OrganisationRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        warnings = self.organisation_duplicates(data)
        with self.db.session() as session:
            org = Organisation()
            _apply_organisation(org, data)
            session.add(org)
            self._save(session, "Die Organisation")
            return Saved(self._organisation_record(org), tuple(warnings))

    def update_organisation(
        self, original: OrganisationRecord, data: OrganisationInput
    ) -> Saved[OrganisationRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        warnings = self.organisation_duplicates(data, exclude_id=original.id)
        with self.db.session() as session:
            org = self._load_organisation(session, original.id)
            if org.version != original.version:
                raise _conflict(
                    f"Die Organisation {original.name}",
                    _changed_labels(original, self._organisation_record(org), _ORG_LABELS),
                )
            renamed = org.name != data.name.strip()
            _apply_organisation(org, data)
            org.updated_at = self.clock.now()
            self._save(session, f"Die Organisation {original.name}")
            if renamed:
                self._refresh_search_of_members(session, org.id)
            return Saved(self._organisation_record(org), tuple(warnings))

    def _refresh_search_of_members(self, session: Session, org_id: int) -> None:
        person_ids = session.scalars(
            select(Affiliation.person_id).where(Affiliation.organisation_id == org_id).distinct()
        ).all()
        for pid in person_ids:
            self._refresh_person_search(self._load_person(session, pid))

    def set_organisation_archived(
        self, original: OrganisationRecord, archived: bool
    ) -> OrganisationRecord:
        with self.db.session() as session:
            org = self._load_organisation(session, original.id)
            if org.version != original.version:
                raise _conflict(
                    f"Die Organisation {original.name}",
                    _changed_labels(original, self._organisation_record(org), _ORG_LABELS),
                )
            org.archived = archived
            self._save(session, f"Die Organisation {original.name}")
            return self._organisation_record(org)

    def _organisations_query(self, f: OrganisationFilter) -> Select[Any]:
        stmt = select(Organisation.id).where(Organisation.archived == f.archived)
        for term in search_terms(f.search):
            stmt = stmt.where(Organisation.search_text.like(like_pattern(term), escape="\\"))
        if f.sector is not None:
            stmt = stmt.where(Organisation.sector == f.sector)
        if f.group_id is not None:
            today = self.today()
            stmt = stmt.where(
                or_(
                    exists()
                    .where(GroupMembership.representing_id == Organisation.id)
                    .where(GroupMembership.group_id == f.group_id)
                    .where(_current(GroupMembership, today)),
                    exists()
                    .where(Affiliation.organisation_id == Organisation.id)
                    .where(_current(Affiliation, today))
                    .where(GroupMembership.person_id == Affiliation.person_id)
                    .where(GroupMembership.group_id == f.group_id)
                    .where(_current(GroupMembership, today)),
                )
            )
        return stmt

    def count_organisations(self, f: OrganisationFilter = OrganisationFilter()) -> int:
        with self.db.session() as session:
            stmt = select(func.count()).select_from(self._organisations_query(f).subquery())
            return session.scalar(stmt) or 0

    def list_organisations(
        self,
        f: OrganisationFilter = OrganisationFilter(),
        offset: int = 0,
        limit: int | None = None,
    ) -> list[OrganisationRow]:
        today = self.today()
        people = (
            select(func.count(Affiliation.id))
            .where(Affiliation.organisation_id == Organisation.id, _current(Affiliation, today))
            .scalar_subquery()
        )
        stmt = (
            self._organisations_query(f)
            .add_columns(
                Organisation.name,
                Organisation.short_name,
                Organisation.sector,
                Organisation.kind,
                Organisation.email,
                people,
                Organisation.archived,
            )
            .order_by(Organisation.name_key, Organisation.id)
            .offset(offset)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.session() as session:
            return [OrganisationRow(*row) for row in session.execute(stmt)]

    def organisation_records(
        self,
        f: OrganisationFilter = OrganisationFilter(),
        offset: int = 0,
        limit: int | None = None,
    ) -> list[OrganisationRecord]:
        """Records (without people and groups) in the order of ``list_organisations``."""
        ids = self._organisations_query(f).order_by(Organisation.name_key, Organisation.id)
        stmt = select(Organisation).where(Organisation.id.in_(ids.offset(offset).limit(limit)))
        with self.db.session() as session:
            orgs = session.scalars(stmt.order_by(Organisation.name_key, Organisation.id))
            return [self._organisation_record(o) for o in orgs]

    def find_organisation(self, name: str) -> OrganisationRecord | None:
        with self.db.session() as session:
            org = session.scalar(
                select(Organisation).where(Organisation.name_key == fold(name)).limit(1)
            )
            return self._organisation_record(org) if org else None

    # ------------------------------------------------------------------ groups
    def _load_group(self, session: Session, group_id: int) -> Group:
        group = session.scalar(
            select(Group)
            .where(Group.id == group_id)
            .options(
                selectinload(Group.parent),
                selectinload(Group.memberships)
                .selectinload(GroupMembership.person)
                .selectinload(Person.affiliations)
                .selectinload(Affiliation.organisation),
                selectinload(Group.memberships).selectinload(GroupMembership.representing),
            )
        )
        if group is None:
            raise NotFoundError(f"Gruppe Nr. {group_id} wurde nicht gefunden.")
        return group

    def _group_record(self, g: Group) -> GroupRecord:
        today = self.today()
        members = []
        for m in g.memberships:
            p = m.person
            members.append(
                self._membership_record(
                    m, display_name(p.title, p.given_name, p.family_name), self._current_sector(p)
                )
            )
        balance = Counter(m.sector for m in members if m.sector and m.current(today))
        return GroupRecord(
            id=g.id,
            version=g.version,
            kind=g.kind,
            name=g.name,
            description=g.description,
            parent_id=g.parent_id,
            parent_name=g.parent.name if g.parent else "",
            archived=g.archived,
            members=tuple(members),
            sector_balance={s: balance[s] for s in Sector if balance[s]},
        )

    def get_group(self, group_id: int) -> GroupRecord:
        with self.db.session() as session:
            return self._group_record(self._load_group(session, group_id))

    def find_group(self, name_or_id: str) -> GroupRecord | None:
        """A group by its number or (case-tolerant) name."""
        with self.db.session() as session:
            gid: int | None
            if name_or_id.strip().isdigit():
                gid = int(name_or_id)
            else:
                key = fold(name_or_id)
                gid = next(
                    (i for i, n in session.execute(select(Group.id, Group.name)) if fold(n) == key),
                    None,
                )
            if gid is None or session.get(Group, gid) is None:
                return None
            return self._group_record(self._load_group(session, gid))

    def _check_parent(self, session: Session, group_id: int | None, parent_id: int | None) -> None:
        seen = {group_id} if group_id is not None else set()
        current = parent_id
        while current is not None:
            if current in seen:
                raise ValidationError(
                    [
                        FieldError(
                            "Übergeordnete Gruppe", "eine Gruppe kann nicht in sich selbst liegen."
                        )
                    ]
                )
            seen.add(current)
            parent = self._get(session, Group, current, "Gruppe")
            current = parent.parent_id

    def create_group(self, data: GroupInput) -> Saved[GroupRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        with self.db.session() as session:
            self._check_parent(session, None, data.parent_id)
            group = Group(
                kind=data.kind,
                name=data.name.strip(),
                description=data.description.strip(),
                parent_id=data.parent_id,
            )
            session.add(group)
            self._save(session, "Die Gruppe")
            return Saved(self._group_record(self._load_group(session, group.id)))

    def update_group(self, original: GroupRecord, data: GroupInput) -> Saved[GroupRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        with self.db.session() as session:
            group = self._load_group(session, original.id)
            if group.version != original.version:
                raise _conflict(
                    f"Die Gruppe {original.name}",
                    _changed_labels(original, self._group_record(group), _GROUP_LABELS),
                )
            self._check_parent(session, group.id, data.parent_id)
            group.kind = data.kind
            group.name = data.name.strip()
            group.description = data.description.strip()
            group.parent_id = data.parent_id
            group.updated_at = self.clock.now()
            self._save(session, f"Die Gruppe {original.name}")
            session.expire(group, ["parent"])
            return Saved(self._group_record(group))

    def set_group_archived(self, original: GroupRecord, archived: bool) -> GroupRecord:
        with self.db.session() as session:
            group = self._load_group(session, original.id)
            if group.version != original.version:
                raise _conflict(f"Die Gruppe {original.name}", [])
            group.archived = archived
            self._save(session, f"Die Gruppe {original.name}")
            return self._group_record(group)

    def list_groups(
        self, search: str = "", archived: bool = False, sector: Sector | None = None
    ) -> list[GroupRow]:
        today = self.today()
        members = (
            select(func.count(GroupMembership.id))
            .where(GroupMembership.group_id == Group.id, _current(GroupMembership, today))
            .scalar_subquery()
        )
        parent = Group.__table__.alias("parent")
        stmt = (
            select(Group.id, Group.kind, Group.name, parent.c.name, members, Group.archived)
            .outerjoin(parent, parent.c.id == Group.parent_id)
            .where(Group.archived == archived)
        )
        for term in search_terms(search):
            stmt = stmt.where(func.lower(Group.name).like(like_pattern(term), escape="\\"))
        if sector is not None:
            stmt = stmt.where(
                exists()
                .where(GroupMembership.group_id == Group.id)
                .where(_current(GroupMembership, today))
                .where(GroupMembership.representing_id == Organisation.id)
                .where(Organisation.sector == sector)
            )
        with self.db.session() as session:
            rows = [
                GroupRow(gid, kind, name, pname or "", count, arch)
                for gid, kind, name, pname, count, arch in session.execute(stmt)
            ]
        # The consortium first, then working groups, project groups, networks.
        order = list(GroupKind)
        return sorted(rows, key=lambda r: (order.index(r.kind), fold(r.name)))

    def add_membership(
        self,
        group_id: int,
        person_id: int,
        role: GroupRole = GroupRole.MITGLIED,
        valid_from: date | None = None,
        valid_to: date | None = None,
        voting_right: bool = True,
        representing_id: int | None = None,
    ) -> MembershipRecord:
        if err := date_order("Zeitraum", valid_from, valid_to):
            raise ValidationError([err])
        with self.db.session() as session:
            group = self._get(session, Group, group_id, "Gruppe")
            person = self._load_person(session, person_id)
            rep = (
                self._get(session, Organisation, representing_id, "Organisation")
                if representing_id is not None
                else None
            )
            m = GroupMembership(
                group=group,
                person=person,
                role=role,
                valid_from=valid_from,
                valid_to=valid_to,
                voting_right=voting_right,
                representing=rep,
            )
            session.add(m)
            group.updated_at = self.clock.now()
            self._save(session, f"Die Gruppe {group.name}")
            name = display_name(person.title, person.given_name, person.family_name)
            return self._membership_record(m, name, self._current_sector(person))

    def end_membership(self, membership_id: int, valid_to: date | None = None) -> None:
        end = valid_to or self.today()
        with self.db.session() as session:
            m = self._get(session, GroupMembership, membership_id, "Mitgliedschaft")
            if err := date_order("Zeitraum", m.valid_from, end):
                raise ValidationError([err])
            m.valid_to = end
            m.group.updated_at = self.clock.now()
            self._save(session, f"Die Gruppe {m.group.name}")

    # ------------------------------------------------------------------ city
    def get_city(self) -> CityProfileRecord | None:
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            if city is None:
                return None
            return self._city_record(city, self._contact_name(session, city.contact_person_id))

    def save_city(
        self, original: CityProfileRecord | None, data: CityProfileInput
    ) -> CityProfileRecord:
        if errors := data.problems():
            raise ValidationError(errors)
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            if city is None:
                city = CityProfile()
                session.add(city)
            elif original is None or city.version != original.version:
                raise _conflict("Das Stadtprofil", [])
            with session.no_autoflush:  # a new, still empty profile must not be written yet
                contact = self._contact_name(session, data.contact_person_id)
            if data.contact_person_id is not None and not contact:
                raise ValidationError(
                    [FieldError("Feste Ansprechperson", "Diese Person gibt es nicht (mehr).")]
                )
            for f in fields(CityProfileInput):
                value = getattr(data, f.name)
                setattr(city, f.name, value.strip() if isinstance(value, str) else value)
            city.updated_at = self.clock.now()
            self._save(session, "Das Stadtprofil")
            return self._city_record(city, contact)

    def contact_candidates(self) -> list[tuple[str, int]]:
        """People who can be the city's fixed contact: active members of a group (and the
        current contact), as (name, number) in name order."""
        today = self.today()
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            current = city.contact_person_id if city else None
            rows = session.execute(
                select(Person.id, Person.title, Person.given_name, Person.family_name)
                .join(GroupMembership, GroupMembership.person_id == Person.id)
                .where(
                    Person.archived.is_(False),
                    (GroupMembership.valid_to.is_(None)) | (GroupMembership.valid_to >= today),
                )
                .distinct()
            ).all()
            people = {pid: display_name(t, g, f) for pid, t, g, f in rows}
            if current is not None and current not in people:
                people[current] = self._contact_name(session, current)
        return sorted(((n, pid) for pid, n in people.items() if n), key=lambda c: c[0].casefold())

    # ------------------------------------------------------------------ overview
    def overview(self) -> Overview:
        today = self.today()
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            # A person counts for the sector of their first current organisation.
            first_aff = (
                select(func.min(Affiliation.id))
                .where(Affiliation.person_id == Person.id, _current(Affiliation, today))
                .correlate(Person)
                .scalar_subquery()
            )
            people_stmt = (
                select(Organisation.sector, func.count(Person.id))
                .select_from(Person)
                .outerjoin(Affiliation, Affiliation.id == first_aff)
                .outerjoin(Organisation, Organisation.id == Affiliation.organisation_id)
                .where(Person.archived.is_(False))
                .group_by(Organisation.sector)
            )
            people: dict[Sector | None, int] = {
                sector: count for sector, count in session.execute(people_stmt)
            }
            orgs_stmt = (
                select(Organisation.sector, func.count(Organisation.id))
                .where(Organisation.archived.is_(False))
                .group_by(Organisation.sector)
            )
            orgs: dict[Sector, int] = {
                sector: count for sector, count in session.execute(orgs_stmt)
            }
        return Overview(
            city=self._city_record(city) if city else None,
            people_per_sector=people,
            organisations_per_sector=orgs,
            groups=tuple(self.list_groups()),
            people_total=sum(people.values()),
            organisations_total=sum(orgs.values()),
        )


def _current(model: Any, today: date) -> Any:
    return and_(
        or_(model.valid_from.is_(None), model.valid_from <= today),
        or_(model.valid_to.is_(None), model.valid_to >= today),
    )


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_organisation(org: Organisation, data: OrganisationInput) -> None:
    assert data.sector is not None
    org.name = data.name.strip()
    org.name_key = fold(org.name)
    org.short_name = data.short_name.strip()
    org.sector = data.sector
    org.kind = data.kind
    org.address = data.address.strip()
    org.phone = data.phone.strip()
    org.email = data.email.strip()
    org.website = data.website.strip()
    org.notes = data.notes.strip()
    org.search_text = organisation_search_text(org.name, org.short_name, org.email)


def organisation_search_text(name: str, short_name: str, email: str) -> str:
    return " ".join((name, short_name, email)).lower()
