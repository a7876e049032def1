"""Writing checked people: new ones in bulk, existing ones updated through the ORM."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, selectinload

from koordination.domain.enums import (
    Channel,
    ConsentChannel,
    ConsentPurpose,
    GroupRole,
    LegalBasis,
)
from koordination.domain.models import (
    Affiliation,
    AuditEntry,
    Consent,
    GroupMembership,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
)
from koordination.domain.records.directory import is_current
from koordination.services.directory.imports.bulk import (
    CHUNK,
    Bulk,
    indexes_rebuilt,
    new_ids,
    table_of,
)
from koordination.services.directory.imports.cells import ConsentPairs, sort_key
from koordination.services.directory.imports.consents import (
    ConsentEntries,
    ImportConsents,
)
from koordination.services.directory.search import person_search_text, person_sort_key

#: Stored or new organisations by folded name: (id, name).
OrgIds = dict[str, tuple[int, str]]


@dataclass(slots=True)
class PersonPlan:
    """What one checked row of a people file will write."""

    line: int
    salutation: str
    title: str
    given_name: str
    family_name: str
    emails: tuple[str, ...]
    #: email_key() of each address (the same tuple when the addresses are lower-case already)
    email_keys: tuple[str, ...]
    phones: tuple[str, ...]
    postal_address: str
    notes: str
    channel: Channel | None
    tags: tuple[str, ...]
    org_key: str
    function: str
    #: (group id, role, valid from, valid to)
    groups: tuple[tuple[int, GroupRole, date | None, date | None], ...]
    consents: ConsentPairs
    existing_id: int | None = None
    skip: bool = False


_PERSON_COLUMNS = (
    "id",
    "salutation",
    "title",
    "given_name",
    "family_name",
    "postal_address",
    "notes",
    "preferred_channel",
    "archived",
    "art14_source",
    "sort_key",
    "search_text",
    "version",
    "created_at",
    "updated_at",
)


def insert_people(
    conn: Connection,
    plans: list[PersonPlan],
    org_ids: OrgIds,
    now: datetime,
    tick: Callable[[int], None],
    imported: ImportConsents | None = None,
    entries: ConsentEntries | None = None,
) -> int:
    """Insert new people with everything that hangs on them; returns memberships made.
    ``imported``: the catalogue wordings the consents point at and the list's name (the
    people's Art. 14 source); ``entries`` collects each consent's audit entry."""
    b_person = Bulk(conn, table_of(Person), _PERSON_COLUMNS)
    b_email = Bulk(
        conn, table_of(PersonEmail), ("id", "person_id", "address", "address_key", "position")
    )
    b_phone = Bulk(conn, table_of(PersonPhone), ("id", "person_id", "number", "position"))
    b_tag = Bulk(conn, table_of(PersonTag), ("person_id", "tag"))
    b_consent = Bulk(
        conn,
        table_of(Consent),
        (
            "id",
            "person_id",
            "purpose",
            "legal_basis",
            "text_version",
            "given_at",
            "text_id",
            "channel",
            "evidence",
        ),
    )
    b_aff = Bulk(conn, table_of(Affiliation), ("id", "person_id", "organisation_id", "function"))
    b_member = Bulk(
        conn,
        table_of(GroupMembership),
        (
            "id",
            "group_id",
            "person_id",
            "role",
            "valid_from",
            "valid_to",
            "voting_right",
            "representing_id",
        ),
    )
    counts = {
        Person: len(plans),
        PersonEmail: sum(len(p.emails) for p in plans),
        PersonPhone: sum(len(p.phones) for p in plans),
        Consent: sum(len(p.consents) for p in plans),
        Affiliation: sum(1 for p in plans if p.org_key),
        GroupMembership: sum(len(p.groups) for p in plans),
    }
    person_ids = iter(new_ids(conn, table_of(Person), counts[Person]))
    email_ids = iter(new_ids(conn, table_of(PersonEmail), counts[PersonEmail]))
    phone_ids = iter(new_ids(conn, table_of(PersonPhone), counts[PersonPhone]))
    consent_ids = iter(new_ids(conn, table_of(Consent), counts[Consent]))
    aff_ids = iter(new_ids(conn, table_of(Affiliation), counts[Affiliation]))
    member_ids = iter(new_ids(conn, table_of(GroupMembership), counts[GroupMembership]))
    # Values that repeat are converted for the driver once, up front.
    stamp = b_person.value("created_at", now)
    false = b_person.value("archived", False)
    channels: dict[Channel | None, Any] = {
        ch: b_person.value("preferred_channel", ch) for ch in Channel
    }
    channels[None] = channels[Channel.EMAIL]
    purposes = {p: b_consent.value("purpose", p) for p in ConsentPurpose}
    einwilligung = b_consent.value("legal_basis", LegalBasis.EINWILLIGUNG)
    consent_now = b_consent.value("given_at", now)
    texts = {p: (t.id, t.version) for p, t in (imported.texts if imported else {}).items()}
    by_import = b_consent.value("channel", ConsentChannel.IMPORT)
    evidence = imported.evidence if imported else ""
    source = imported.source if imported else ""
    given_at = b_consent.value
    member_value = b_member.value
    search_text = person_search_text
    # A consent's values and its entry's text depend only on its purpose and instant, and a
    # city's consents were given on a few thousand instants.
    consent_values: dict[tuple[ConsentPurpose, datetime | None], tuple[tuple[Any, ...], str]] = {}
    memberships = 0
    with ExitStack() as rebuilt:
        # A city's worth of new rows: the indexes are built once the rows are in.
        for model, count in counts.items():
            rebuilt.enter_context(indexes_rebuilt(conn, table_of(model), count))
        if entries is not None:
            rebuilt.enter_context(indexes_rebuilt(conn, table_of(AuditEntry), counts[Consent]))
        for start in range(0, len(plans), CHUNK):
            people: list[tuple[Any, ...]] = []
            emails: list[tuple[Any, ...]] = []
            phones: list[tuple[Any, ...]] = []
            tags: list[tuple[Any, ...]] = []
            consents: list[tuple[Any, ...]] = []
            affs: list[tuple[Any, ...]] = []
            members: list[tuple[Any, ...]] = []
            for p in plans[start : start + CHUNK]:
                pid = next(person_ids)
                org = org_ids[p.org_key] if p.org_key else None
                people.append(
                    (
                        pid,
                        p.salutation,
                        p.title,
                        p.given_name,
                        p.family_name,
                        p.postal_address,
                        p.notes,
                        channels[p.channel],
                        false,
                        source,
                        sort_key(p.family_name, p.given_name),
                        search_text(
                            p.title, p.given_name, p.family_name, p.emails, (org[1],) if org else ()
                        ),
                        1,
                        stamp,
                        stamp,
                    )
                )
                for i, (address, key) in enumerate(zip(p.emails, p.email_keys, strict=True)):
                    emails.append((next(email_ids), pid, address, key, i))
                for i, number in enumerate(p.phones):
                    phones.append((next(phone_ids), pid, number, i))
                for tag in p.tags:
                    tags.append((pid, tag))
                for pair in p.consents:
                    cid = next(consent_ids)
                    try:
                        values, changes = consent_values[pair]
                    except KeyError:
                        purpose, at = pair
                        text_id, version = texts[purpose]  # the reader refused unnamed ones
                        values = (
                            purposes[purpose],
                            einwilligung,
                            version,
                            given_at("given_at", at) if at else consent_now,
                            text_id,
                            by_import,
                            evidence,
                        )
                        changes = entries.changes(purpose, at or now) if entries else ""
                        consent_values[pair] = values, changes
                    consents.append((cid, pid, *values))
                    if entries is not None:
                        entries.add(cid, pid, changes)
                if org is not None:
                    affs.append((next(aff_ids), pid, org[0], p.function))
                for gid, role, since, until in p.groups:
                    members.append(
                        (
                            next(member_ids),
                            gid,
                            pid,
                            member_value("role", role),
                            member_value("valid_from", since),
                            member_value("valid_to", until),
                            member_value("voting_right", True),
                            org[0] if org else None,
                        )
                    )
            memberships += len(members)
            b_person.run(people)
            b_email.run(emails)
            b_phone.run(phones)
            b_tag.run(tags)
            b_consent.run(consents)
            if entries is not None:
                entries.run()
            b_aff.run(affs)
            b_member.run(members)
            tick(len(people))
    return memberships


def update_people(
    session: Session,
    plans: list[PersonPlan],
    org_ids: OrgIds,
    today: date,
    now: datetime,
    tick: Callable[[int], None],
    imported: ImportConsents | None = None,
) -> int:
    """Bring existing people up to date from their rows (ORM: versions, relationships;
    the audit listener writes the entries)."""
    memberships = 0
    for start in range(0, len(plans), 500):
        chunk = plans[start : start + 500]
        people = {
            p.id: p
            for p in session.scalars(
                select(Person)
                .where(Person.id.in_([plan.existing_id for plan in chunk]))
                .options(
                    selectinload(Person.emails),
                    selectinload(Person.phones),
                    selectinload(Person.tags),
                    selectinload(Person.consents),
                    selectinload(Person.affiliations).selectinload(Affiliation.organisation),
                    selectinload(Person.memberships),
                )
            )
        }
        for plan in chunk:
            assert plan.existing_id is not None
            person = people[plan.existing_id]
            memberships += _update_person(person, plan, org_ids, today, now, imported)
        session.flush()
        session.expunge_all()
        tick(len(chunk))
    return memberships


def _update_person(
    person: Person,
    plan: PersonPlan,
    org_ids: OrgIds,
    today: date,
    now: datetime,
    imported: ImportConsents | None = None,
) -> int:
    """Fill in what the row says; empty cells never erase what is stored."""
    for attr in ("salutation", "title", "given_name", "family_name", "postal_address", "notes"):
        value = getattr(plan, attr)
        if value:
            setattr(person, attr, value)
    if plan.channel is not None:
        person.preferred_channel = plan.channel
    known = {e.address_key for e in person.emails}
    for address, key in zip(plan.emails, plan.email_keys, strict=True):
        if key not in known:
            person.emails.append(
                PersonEmail(address=address, address_key=key, position=len(person.emails))
            )
    if plan.phones and [ph.number for ph in person.phones] != list(plan.phones):
        person.phones = [PersonPhone(number=n, position=i) for i, n in enumerate(plan.phones)]
    have_tags = {t.tag for t in person.tags}
    for tag in plan.tags:
        if tag not in have_tags:
            person.tags.append(PersonTag(tag=tag))
    active = {c.purpose for c in person.consents if c.withdrawn_at is None}
    for purpose, at in plan.consents:
        if purpose not in active:
            text = imported.texts.get(purpose) if imported is not None else None
            if imported is None or text is None:  # a new consent needs its wording
                raise (imported or ImportConsents({}, "", "")).refuse(
                    {purpose: plan.line}, "Einwilligung"
                )
            person.consents.append(
                Consent(
                    purpose=purpose,
                    legal_basis=LegalBasis.EINWILLIGUNG,
                    text_version=text.version,
                    text_id=text.id,
                    channel=ConsentChannel.IMPORT,
                    evidence=imported.evidence,
                    given_at=at or now,
                )
            )
    org_names = [
        a.organisation.name
        for a in person.affiliations
        if a.organisation is not None and is_current(a.valid_from, a.valid_to, today)
    ]
    org = org_ids.get(plan.org_key) if plan.org_key else None
    if org is not None and not any(
        a.organisation_id == org[0] and is_current(a.valid_from, a.valid_to, today)
        for a in person.affiliations
    ):
        person.affiliations.append(Affiliation(organisation_id=org[0], function=plan.function))
        org_names.append(org[1])
    made = 0
    for gid, role, since, until in plan.groups:
        if any(
            m.group_id == gid and is_current(m.valid_from, m.valid_to, today)
            for m in person.memberships
        ):
            continue
        person.memberships.append(
            GroupMembership(
                group_id=gid,
                role=role,
                valid_from=since,
                valid_to=until,
                voting_right=True,
                representing_id=org[0] if org else None,
            )
        )
        made += 1
    person.sort_key = person_sort_key(person.family_name, person.given_name)
    person.search_text = person_search_text(
        person.title,
        person.given_name,
        person.family_name,
        (e.address for e in person.emails),
        org_names,
    )
    person.updated_at = now  # always bump the version, as Directory.update_person does
    return made


def count_new_memberships(session: Session, plans: list[PersonPlan], today: date) -> int:
    """For a dry run: memberships an update would add (groups the person is not yet in)."""
    count = 0
    for start in range(0, len(plans), 500):
        chunk = plans[start : start + 500]
        current: set[tuple[int, int]] = set()
        stmt = select(
            GroupMembership.person_id,
            GroupMembership.group_id,
            GroupMembership.valid_from,
            GroupMembership.valid_to,
        ).where(GroupMembership.person_id.in_([p.existing_id for p in chunk]))
        for pid, gid, since, until in session.execute(stmt):
            if is_current(since, until, today):
                current.add((pid, gid))
        for p in chunk:
            assert p.existing_id is not None
            count += sum(1 for g in p.groups if (p.existing_id, g[0]) not in current)
    return count
