"""The people list: which people a filter selects, and a page of their list rows, read through
Core on the tables.

Nothing here touches the ORM's mapped attributes: a statement that names one makes SQLAlchemy
configure every mapper first (~50 ms, more than the whole list of a city), so ``koordination
people list`` never does. Exports and the interface share the filter (``people_query``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVarTuple, cast

from sqlalchemy import Connection, Row, Select, Subquery, Table, and_, exists, or_, select

from koordination.db.engine import Database
from koordination.domain import models
from koordination.domain.enums import Sector
from koordination.domain.records.directory import PersonRow, display_name
from koordination.services.directory.search import (
    ALL_PEOPLE,
    PeopleFilter,
    search_terms,
    term_matches,
)

_Ts = TypeVarTuple("_Ts")


def current_at(model: Any, today: date) -> Any:
    """The condition that a row of ``model`` (a model or a table's columns) with ``valid_from``
    and ``valid_to`` holds on ``today``."""
    return and_(
        or_(model.valid_from.is_(None), model.valid_from <= today),
        or_(model.valid_to.is_(None), model.valid_to >= today),
    )


def chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


person = _table(models.Person)
person_email = _table(models.PersonEmail)
person_tag = _table(models.PersonTag)
affiliation = _table(models.Affiliation)
organisation = _table(models.Organisation)
membership = _table(models.GroupMembership)
group = _table(models.Group)

#: What a list row needs of the person, in this order.
ROW_COLUMNS = (
    person.c.id,
    person.c.title,
    person.c.given_name,
    person.c.family_name,
    person.c.archived,
)


def people_query(f: PeopleFilter, today: date) -> Select[Any]:
    """The ids of the people ``f`` selects (unordered; the callers sort by sort key and id)."""
    p = person.c
    # ix_person_search (archived, sort_key, id, search_text) holds each row's search text
    # in list order: a page of a search walks it and stops after the page's last match,
    # never reading the table or sorting (see search.py).
    stmt = select(p.id).where(p.archived == f.archived)
    for term in search_terms(f.search):
        stmt = stmt.where(term_matches(p.search_text, term))
    if f.sector is not None:
        a, o = affiliation.c, organisation.c
        stmt = stmt.where(
            exists()
            .where(a.person_id == p.id)
            .where(a.organisation_id == o.id)
            .where(o.sector == f.sector)
            .where(current_at(a, today))
        )
    if f.group_id is not None:
        m = membership.c
        stmt = stmt.where(
            exists()
            .where(m.person_id == p.id)
            .where(m.group_id == f.group_id)
            .where(current_at(m, today))
        )
    if f.tag:
        t = person_tag.c
        stmt = stmt.where(exists().where(t.person_id == p.id).where(t.tag == f.tag.strip()))
    return stmt


#: Whose rows of the other tables a query reads: a list of ids (at most a few hundred), a
#: query of exactly the ids of a page, or ``None`` for everybody (an export of them all).
Scope = Sequence[int] | Select[Any] | None


def page_of(f: PeopleFilter, today: date, offset: int, limit: int | None) -> Subquery:
    """One page of :func:`people_query` in list order: the ids and sort keys, ``limit`` from
    ``offset`` on (all without a limit)."""
    p = person.c
    return (
        people_query(f, today)
        .add_columns(p.sort_key)
        .order_by(p.sort_key, p.id)
        .offset(offset)
        .limit(limit)
        .subquery()
    )


def within(stmt: Select[*_Ts], column: Any, scope: Scope) -> Select[*_Ts]:
    """``stmt`` limited to the rows of the people ``scope`` names."""
    return stmt if scope is None else stmt.where(column.in_(scope))


def fetched(conn: Connection, stmt: Select[*_Ts]) -> Iterator[Row[*_Ts]]:
    """The rows of ``stmt``, fetched a few thousand at a time: row by row costs a call into
    the driver each, all at once holds a whole table's rows besides what is made of them."""
    for part in conn.execute(stmt).partitions(4096):
        yield from part


class ListParts:
    """What the rows of the list show of the other tables, by person id: e-mail addresses,
    the first current organisation with its sector, the current groups, the restriction.

    With ``shareable_at`` (an export): e-mail addresses only of those who currently consent to
    sharing their contact data (``consent.consenting_people``), selected in SQL: the others'
    addresses never leave the database."""

    def __init__(
        self,
        conn: Connection,
        scopes: Iterable[Scope],
        today: date,
        *,
        shareable_at: datetime | None = None,
    ) -> None:
        self.emails: dict[int, list[str]] = defaultdict(list)
        self.orgs: dict[int, tuple[str, Sector]] = {}
        self.groups: dict[int, list[str]] = defaultdict(list)
        self.restricted: set[int] = set()
        e, a, o = person_email.c, affiliation.c, organisation.c
        m, g, p = membership.c, group.c, person.c
        addresses = select(e.person_id, e.address)
        if shareable_at is not None:
            from koordination.services.consent import SHARING, consenting_people

            addresses = addresses.where(e.person_id.in_(consenting_people(SHARING, shareable_at)))
        for scope in scopes:
            emails, orgs = self.emails, self.orgs
            for pid, address in fetched(
                conn, within(addresses, e.person_id, scope).order_by(e.person_id, e.position)
            ):
                emails[pid].append(address)
            for pid, name, sector in fetched(
                conn,
                within(
                    select(a.person_id, o.name, o.sector)
                    .join(organisation, o.id == a.organisation_id)
                    .where(current_at(a, today)),
                    a.person_id,
                    scope,
                ).order_by(a.person_id, a.id),
            ):
                if pid not in orgs:
                    orgs[pid] = (name, sector)
            for pid, name in fetched(
                conn,
                within(
                    select(m.person_id, g.name)
                    .join(group, g.id == m.group_id)
                    .where(current_at(m, today)),
                    m.person_id,
                    scope,
                ).order_by(m.person_id, g.name),
            ):
                self.groups[pid].append(name)
            self.restricted.update(
                conn.scalars(within(select(p.id).where(p.restricted_at.is_not(None)), p.id, scope))
            )

    def rows(self, people: Iterable[Sequence[Any]]) -> list[PersonRow]:
        """The list rows of ``people``, rows of :data:`ROW_COLUMNS` (and maybe more after
        them): a page of an export makes a thousand at a time."""
        emails, orgs, groups, restricted = self.emails, self.orgs, self.groups, self.restricted
        out = []
        for pid, title, given, family, archived, *_ in people:
            org = orgs.get(pid)
            out.append(
                PersonRow(
                    pid,
                    display_name(title, given, family),
                    tuple(emails.get(pid, ())),
                    org[0] if org else "",
                    org[1] if org else None,
                    tuple(groups.get(pid, ())),
                    archived,
                    pid in restricted,
                )
            )
        return out


def list_people(
    db: Database,
    today: date,
    f: PeopleFilter = ALL_PEOPLE,
    offset: int = 0,
    limit: int | None = None,
) -> list[PersonRow]:
    """The list rows of the people ``f`` selects, by family and given name, ``limit`` from
    ``offset`` on (all without a limit)."""
    p = person.c
    # The ids of one page from the search index alone (see people_query), then the names of
    # just those rows.
    page = page_of(f, today, offset, limit)
    stmt = select(*ROW_COLUMNS).join(page, page.c.id == p.id).order_by(page.c.sort_key, page.c.id)
    with db.session() as session:
        conn = session.connection()
        base = conn.execute(stmt).all()
        parts = ListParts(conn, chunks([row[0] for row in base], 900), today)
    return parts.rows(base)


# ---------------------------------------------------------------------------- screen lines


@dataclass(frozen=True)
class PersonLine:
    """One line of the Personen screen and its person pickers: what their columns show."""

    id: int
    name: str
    organisation: str
    sector: Sector | None
    #: The first address (by position), "" without one.
    email: str
    restricted: bool


def people_lines_query(f: PeopleFilter, today: date, offset: int, limit: int) -> Select[Any]:
    """The statement of :func:`people_lines`: the page's ids from the search index alone (see
    ``people_query``), then per person of the page its name, its first e-mail address and the
    organisation of its first current affiliation, each looked up through its table's
    ``person_id`` index. One statement per page, however many tables the line shows."""
    p, e, a, o = person.c, person_email.c, affiliation.c, organisation.c
    page = page_of(f, today, offset, limit)
    first_email = (
        select(e.address).where(e.person_id == p.id).order_by(e.position).limit(1)
    ).scalar_subquery()
    # ListParts's organisation: the current affiliation with the lowest id.
    first_organisation = (
        select(a.organisation_id)
        .where(a.person_id == p.id)
        .where(current_at(a, today))
        .order_by(a.id)
        .limit(1)
    ).scalar_subquery()
    return (
        select(
            p.id,
            p.title,
            p.given_name,
            p.family_name,
            p.restricted_at.is_not(None),
            first_email,
            o.name,
            o.sector,
        )
        .select_from(page)
        .join(person, p.id == page.c.id)
        .outerjoin(organisation, o.id == first_organisation)
        .order_by(page.c.sort_key, page.c.id)
    )


def people_lines(
    db: Database, today: date, f: PeopleFilter, offset: int, limit: int
) -> list[PersonLine]:
    """The lines of the people ``f`` selects, by family and given name, ``limit`` from
    ``offset`` on: what ``list_people`` gives of them, in one statement (a page of the screen
    is read with every key typed into its search field)."""
    with db.engine.connect() as conn:
        rows = conn.execute(people_lines_query(f, today, offset, limit)).all()
    return [
        PersonLine(
            pid, display_name(title, given, family), org or "", sector, email or "", restricted
        )
        for pid, title, given, family, restricted, email, org, sector in rows
    ]
