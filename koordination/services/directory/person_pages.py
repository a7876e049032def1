"""People many at a time: their full records, and what a table export writes of them (the
list rows are listing.py's). Each reads the other tables with one Core query per table, for a
page of people or, when an export takes the whole directory, for everybody at once (loading
each person through the ORM took ~14 s for a city of 100,000; a query per page and table still
looked up every person in every table's index, ~5 s). An export reads contact data only of
those who share them, and each organisation once instead of joined to every affiliation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, false, select, true, type_coerce, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType

from koordination.domain.enums import ConsentPurpose, GroupRole, Sector
from koordination.domain.models import (
    Affiliation,
    Consent,
    Group,
    GroupMembership,
    Organisation,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
)
from koordination.domain.phones import shown_phone
from koordination.domain.records.directory import (
    AffiliationRecord,
    ConsentRecord,
    ExportedPerson,
    MembershipRecord,
    PersonRecord,
    display_name,
    is_current,
)
from koordination.services.consent import SHARING, consenting_people
from koordination.services.directory.listing import Scope, current_at, fetched, within


def _stored(column: Any) -> Any:
    """``column`` as the database returns it, for :class:`_Converted` (same SQL, no cast)."""
    return type_coerce(column, NullType())


class _Converted(dict[Any, Any]):
    """A column's stored values and what its type makes of them, each converted once: a city
    repeats a few thousand instants and a handful of enum members in 100,000 rows, which
    SQLAlchemy would convert row by row."""

    def __init__(self, conn: Connection, column: Any) -> None:
        super().__init__()
        dialect = conn.dialect
        self._convert = column.type.dialect_impl(dialect).result_processor(dialect, None)

    def __missing__(self, stored: Any) -> Any:
        value = self[stored] = stored if self._convert is None else self._convert(stored)
        return value


# ---------------------------------------------------------------------------- full records


def person_records(
    session: Session,
    ids: Sequence[int],
    today: date,
) -> dict[int, PersonRecord]:
    """The records of the people ``ids`` (at most a few hundred) by id: the same values and
    orders as ``DirectoryBase._person_record`` gives for each person loaded through the ORM."""
    if not ids:
        return {}
    scope = ids
    consents: dict[int, list[ConsentRecord]] = defaultdict(list)
    for cid, pid, *values in session.execute(
        select(
            Consent.id,
            Consent.person_id,
            Consent.purpose,
            Consent.legal_basis,
            Consent.text_version,
            Consent.given_at,
            Consent.withdrawn_at,
            Consent.channel,
            Consent.evidence,
            Consent.withdrawal_channel,
        )
        .where(Consent.person_id.in_(scope))
        .order_by(Consent.person_id, Consent.id)
    ):
        consents[pid].append(ConsentRecord(cid, *values))
    emails: dict[int, list[str]] = defaultdict(list)
    for pid, address in session.execute(
        select(PersonEmail.person_id, PersonEmail.address)
        .where(PersonEmail.person_id.in_(scope))
        .order_by(PersonEmail.person_id, PersonEmail.position)
    ):
        emails[pid].append(address)
    phones: dict[int, list[str]] = defaultdict(list)
    for pid, number in session.execute(
        select(PersonPhone.person_id, PersonPhone.number)
        .where(PersonPhone.person_id.in_(scope))
        .order_by(PersonPhone.person_id, PersonPhone.position)
    ):
        phones[pid].append(shown_phone(number))
    tags: dict[int, list[str]] = defaultdict(list)
    for pid, tag in session.execute(
        select(PersonTag.person_id, PersonTag.tag)
        .where(PersonTag.person_id.in_(scope))
        .order_by(PersonTag.person_id, PersonTag.tag)
    ):
        tags[pid].append(tag)
    people = session.execute(
        select(
            Person.id,
            Person.version,
            Person.salutation,
            Person.title,
            Person.given_name,
            Person.family_name,
            Person.postal_address,
            Person.notes,
            Person.preferred_channel,
            Person.archived,
            Person.art14_source,
            Person.art14_informed_at,
            Person.restricted_at,
            Person.restriction_reason,
            Person.archive_reason,
        ).where(Person.id.in_(scope))
    ).all()
    names = {row[0]: display_name(row[3], row[4], row[5]) for row in people}
    affiliations: dict[int, list[AffiliationRecord]] = defaultdict(list)
    sectors: dict[int, Sector] = {}  # the sector of each person's first current affiliation
    for aid, pid, oid, org_name, sector, function, since, until in session.execute(
        select(
            Affiliation.id,
            Affiliation.person_id,
            Affiliation.organisation_id,
            Organisation.name,
            Organisation.sector,
            Affiliation.function,
            Affiliation.valid_from,
            Affiliation.valid_to,
        )
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.person_id.in_(scope))
        .order_by(Affiliation.person_id, Affiliation.id)
    ):
        affiliations[pid].append(
            AffiliationRecord(aid, pid, names[pid], oid, org_name, sector, function, since, until)
        )
        if pid not in sectors and is_current(since, until, today):
            sectors[pid] = sector
    memberships: dict[int, list[MembershipRecord]] = defaultdict(list)
    represented = aliased(Organisation)
    for row in session.execute(
        select(
            GroupMembership.id,
            GroupMembership.group_id,
            Group.name,
            GroupMembership.person_id,
            GroupMembership.role,
            GroupMembership.valid_from,
            GroupMembership.valid_to,
            GroupMembership.voting_right,
            GroupMembership.representing_id,
            represented.name,
            represented.sector,
        )
        .join(Group, Group.id == GroupMembership.group_id)
        .outerjoin(represented, represented.id == GroupMembership.representing_id)
        .where(GroupMembership.person_id.in_(scope))
        .order_by(GroupMembership.person_id, GroupMembership.id)
    ):
        mid, gid, group_name, pid, role, since, until, voting, rep_id, rep_name, rep_sector = row
        memberships[pid].append(
            MembershipRecord(
                id=mid,
                group_id=gid,
                group_name=group_name,
                person_id=pid,
                person_name=names[pid],
                role=role,
                valid_from=since,
                valid_to=until,
                voting_right=voting,
                representing_id=rep_id,
                representing_name=rep_name if rep_id is not None else "",
                sector=rep_sector if rep_id is not None else sectors.get(pid),
            )
        )
    return {
        pid: PersonRecord(
            id=pid,
            version=version,
            salutation=salutation,
            title=title,
            given_name=given,
            family_name=family,
            emails=tuple(emails.get(pid, ())),
            phones=tuple(phones.get(pid, ())),
            postal_address=address,
            notes=notes,
            tags=tuple(tags.get(pid, ())),
            preferred_channel=channel,
            archived=archived,
            affiliations=tuple(affiliations.get(pid, ())),
            memberships=tuple(memberships.get(pid, ())),
            consents=tuple(consents.get(pid, ())),
            art14_source=art14_source,
            art14_informed_at=art14_informed_at,
            restricted_at=restricted_at,
            restriction_reason=restriction_reason,
            archive_reason=archive_reason,
        )
        for (
            pid,
            version,
            salutation,
            title,
            given,
            family,
            address,
            notes,
            channel,
            archived,
            art14_source,
            art14_informed_at,
            restricted_at,
            restriction_reason,
            archive_reason,
        ) in people
    }


# ---------------------------------------------------------------------------- table exports


#: The columns of ``person`` an export reads, in the order ``exported_people`` takes them.
EXPORT_COLUMNS = (
    Person.id,
    Person.salutation,
    Person.title,
    Person.given_name,
    Person.family_name,
    Person.postal_address,
    Person.notes,
    _stored(Person.preferred_channel),
)


class ExportParts:
    """What a table export writes of the other tables, by person id, as of ``today`` and with
    the sharing rule at ``now`` (``consent.shareable_person``): contact data only of those
    with a current consent "Kontaktdaten im Netzwerk teilen" (the others' are not even read)."""

    def __init__(
        self, session: Session, scopes: Iterable[Scope], today: date, now: datetime
    ) -> None:
        conn = session.connection()  # Core rows: the ORM's row loading costs twice as much
        self.channels = _Converted(conn, Person.preferred_channel)
        purposes = _Converted(conn, Consent.purpose)
        instants = _Converted(conn, Consent.given_at)
        sectors = _Converted(conn, Organisation.sector)
        roles = _Converted(conn, GroupMembership.role)
        days = _Converted(conn, GroupMembership.valid_from)
        self.sharing: set[int] = set()
        self.consents: dict[int, list[tuple[ConsentPurpose, datetime]]] = defaultdict(list)
        self.emails: dict[int, list[str]] = defaultdict(list)
        self.phones: dict[int, list[str]] = defaultdict(list)
        self.tags: dict[int, list[str]] = defaultdict(list)
        self.affiliations: dict[int, tuple[str, str, Sector]] = {}
        self.memberships: dict[int, list[tuple[str, GroupRole, date | None]]] = defaultdict(list)
        consenting = consenting_people(SHARING, now)
        # E-mail addresses and phone numbers as one table, read in one statement.
        contact = union_all(
            select(
                PersonEmail.person_id,
                false().label("phone"),
                PersonEmail.position,
                PersonEmail.address.label("value"),
            ),
            select(PersonPhone.person_id, true(), PersonPhone.position, PersonPhone.number),
        ).subquery()
        for scope in scopes:
            self.sharing.update(conn.scalars(within(consenting, Consent.person_id, scope)).all())
            # Withdrawn consents are neither written nor current.
            for pid, purpose, given in fetched(
                conn,
                within(
                    select(
                        Consent.person_id, _stored(Consent.purpose), _stored(Consent.given_at)
                    ).where(Consent.withdrawn_at.is_(None)),
                    Consent.person_id,
                    scope,
                ).order_by(Consent.person_id, Consent.id),
            ):
                self.consents[pid].append((purposes[purpose], instants[given]))
            # Contact data are read only of those who share them: most of a city do not.
            for pid, phone, value in fetched(
                conn,
                within(
                    select(contact.c.person_id, contact.c.phone, contact.c.value).where(
                        contact.c.person_id.in_(consenting)
                    ),
                    contact.c.person_id,
                    scope,
                ).order_by(contact.c.person_id, contact.c.phone, contact.c.position),
            ):
                if phone:
                    self.phones[pid].append(shown_phone(value))
                else:
                    self.emails[pid].append(value)
            for pid, tag in fetched(
                conn,
                within(
                    select(PersonTag.person_id, PersonTag.tag), PersonTag.person_id, scope
                ).order_by(PersonTag.person_id, PersonTag.tag),
            ):
                self.tags[pid].append(tag)
            # The organisations by themselves (a few thousand for 100,000 people), rather
            # than joined to each affiliation.
            current = within(
                select(Affiliation.person_id, Affiliation.organisation_id, Affiliation.function)
                .where(current_at(Affiliation, today))
                .order_by(Affiliation.person_id, Affiliation.id),
                Affiliation.person_id,
                scope,
            )
            organisations = {
                oid: (name, sectors[sector])
                for oid, name, sector in conn.execute(
                    select(Organisation.id, Organisation.name, _stored(Organisation.sector)).where(
                        Organisation.id.in_(
                            current.with_only_columns(Affiliation.organisation_id).order_by(None)
                        )
                    )
                )
            }
            affiliations = self.affiliations
            # One tuple per organisation and function, however many people share it.
            held_by: dict[tuple[int, str], tuple[str, str, Sector]] = {}
            for pid, oid, function in fetched(conn, current):
                if pid not in affiliations:
                    held = held_by.get((oid, function))
                    if held is None:
                        name, sector = organisations[oid]
                        held = held_by[oid, function] = (name, function, sector)
                    affiliations[pid] = held
            for pid, group, role, since in fetched(
                conn,
                within(
                    select(
                        GroupMembership.person_id,
                        Group.name,
                        _stored(GroupMembership.role),
                        _stored(GroupMembership.valid_from),
                    )
                    .join(Group, Group.id == GroupMembership.group_id)
                    .where(current_at(GroupMembership, today)),
                    GroupMembership.person_id,
                    scope,
                ).order_by(GroupMembership.person_id, GroupMembership.id),
            ):
                self.memberships[pid].append((group, roles[role], days[since]))


def exported_people(base: Iterable[Sequence[Any]], parts: ExportParts) -> list[ExportedPerson]:
    """The people of ``base`` (rows of :data:`EXPORT_COLUMNS`) as an export writes them."""
    sharing, channels = parts.sharing, parts.channels
    emails, phones, tags = parts.emails, parts.phones, parts.tags
    affiliations, memberships, consents = parts.affiliations, parts.memberships, parts.consents
    # A table nobody in it has (no tags, no groups) is not asked 100,000 times; contact data
    # were read only of those who share them.
    tags_get = tags.get if tags else None
    memberships_get = memberships.get if memberships else None
    out = []
    for pid, salutation, title, given, family, address, notes, channel, *_ in base:
        shared = pid in sharing
        out.append(
            ExportedPerson(
                pid,
                salutation,
                title,
                given,
                family,
                emails.get(pid, ()) if shared else (),
                phones.get(pid, ()) if shared else (),
                address if shared else "",
                notes if shared else "",
                tags_get(pid, ()) if tags_get else (),
                channels[channel],
                affiliations.get(pid),
                memberships_get(pid, ()) if memberships_get else (),
                consents.get(pid, ()),
            )
        )
    return out
