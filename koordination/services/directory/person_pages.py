"""Full person records for a page of ids, read with one Core query per table (an export of a
city reads 100,000 of them; loading each person through the ORM took ~14 s)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from koordination.domain.enums import Sector
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
    MembershipRecord,
    PersonRecord,
    display_name,
    is_current,
)
from koordination.services.consent import SHARING, has_current_consent


def person_records(
    session: Session,
    ids: Sequence[int],
    today: date,
    *,
    members: Select[Any] | None = None,
    shareable_at: datetime | None = None,
) -> dict[int, PersonRecord]:
    """The records of the people ``ids`` (at most a few thousand) by id: the same values and
    orders as ``DirectoryBase._person_record`` gives for each person loaded through the ORM.

    ``members``: a query of exactly these ids (a keyset page) to select the rows of every
    table by, instead of a list of bound ids that SQLAlchemy would coerce one by one on each
    query. ``shareable_at``: the records as ``consent.shareable_person`` gives them at that
    instant, built so directly (the contact data of those without the consent are not read,
    their notes are left out)."""
    if not ids:
        return {}
    scope: Sequence[int] | Select[Any] = ids if members is None else members
    consents: dict[int, list[ConsentRecord]] = defaultdict(list)
    for cid, pid, purpose, basis, version, given, withdrawn in session.execute(
        select(
            Consent.id,
            Consent.person_id,
            Consent.purpose,
            Consent.legal_basis,
            Consent.text_version,
            Consent.given_at,
            Consent.withdrawn_at,
        )
        .where(Consent.person_id.in_(scope))
        .order_by(Consent.person_id, Consent.id)
    ):
        consents[pid].append(ConsentRecord(cid, purpose, basis, version, given, withdrawn))
    withheld: frozenset[int] = frozenset()
    if shareable_at is not None:
        # The one rule (consent.shareable_person): no sharing consent, no contact data and no
        # notes.
        withheld = frozenset(
            pid for pid in ids if not has_current_consent(consents[pid], SHARING, shareable_at)
        )
    emails: dict[int, list[str]] = defaultdict(list)
    for pid, address in session.execute(
        select(PersonEmail.person_id, PersonEmail.address)
        .where(PersonEmail.person_id.in_(scope))
        .order_by(PersonEmail.person_id, PersonEmail.position)
    ):
        if pid not in withheld:
            emails[pid].append(address)
    phones: dict[int, list[str]] = defaultdict(list)
    for pid, number in session.execute(
        select(PersonPhone.person_id, PersonPhone.number)
        .where(PersonPhone.person_id.in_(scope))
        .order_by(PersonPhone.person_id, PersonPhone.position)
    ):
        if pid not in withheld:
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
            postal_address="" if pid in withheld else address,
            notes="" if pid in withheld else notes,
            tags=tuple(tags.get(pid, ())),
            preferred_channel=channel,
            archived=archived,
            affiliations=tuple(affiliations.get(pid, ())),
            memberships=tuple(memberships.get(pid, ())),
            consents=tuple(consents.get(pid, ())),
        )
        for pid, version, salutation, title, given, family, address, notes, channel, archived in (
            people
        )
    }
