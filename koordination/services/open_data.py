"""What the open-data export (OParl) may show, read in one transaction: the network's groups,
organisations, memberships, public meetings and their agendas, and names and contact data
only of people with a current consent "Veröffentlichung in offenen Daten" (the one rule,
services/consent.py). Sharing contact data within the network ("Kontaktdaten im Netzwerk
teilen") is not publishing them on the internet: that consent alone publishes nobody. The
OParl builder in the output layer makes the files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose, DecisionResult, MinutesStatus
from koordination.domain.models import (
    Affiliation,
    AgendaItem,
    CityProfile,
    Decision,
    Group,
    GroupMembership,
    Meeting,
    Organisation,
    Person,
    Sitting,
)
from koordination.domain.phones import shown_phone
from koordination.domain.records.open_data import (
    AffiliationData,
    CityData,
    GroupData,
    GroupMembershipData,
    ItemData,
    MeetingData,
    OParlSource,
    OrganisationData,
    SharedPerson,
    SittingData,
)
from koordination.errors import KoordinationError
from koordination.services.consent import consenting_people
from koordination.services.meetings.service import Meetings
from koordination.services.privacy.restriction import restricted_people, unrestricted

#: The consent that lets a person (with their contact data) into the open data.
PUBLISHING = ConsentPurpose.OFFENE_DATEN


class OpenData:
    """Reads what may go into the open-data export."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def source(self, now: datetime | None = None) -> OParlSource:
        """Everything the export is built from, as of ``now`` (default: the clock's now).
        Names and contact data are read only for people with a current consent to publication
        in open data; of everybody else only membership rows are read. A German error when the
        city profile has no name."""
        source = _read(self.db, now or self.clock.now())
        if source.shared:
            # Names and contact data leave the office: logged first (only Datenschutz may).
            from koordination.services.privacy.audit_trail import record_act

            facts = {"Was": "Offene Daten (OParl)", "Personen": len(source.shared)}
            record_act(self.db, "export", facts=facts)
        return source


def _read(db: Database, now: datetime) -> OParlSource:
    """Read what may go into the export. Names and contact data are read only for people
    with a current consent to publication; of everybody else only membership rows are read."""
    with db.session() as session:
        if not db.is_sqlite:
            # One snapshot for all queries, so references between the lists agree.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
        if city is None or not city.name.strip():
            raise KoordinationError(
                "Für die offenen Daten fehlt der Name der Stadt. Bitte zuerst das Stadtprofil "
                "ausfüllen."
            )
        city_data = CityData(
            city.id, city.name.strip(), city.office_name, city.office_email, city.office_address
        )
        groups = tuple(
            GroupData(g.id, g.kind, g.name, g.parent_id, g.created_at, g.updated_at)
            for g in session.scalars(
                select(Group).where(Group.archived.is_(False)).order_by(Group.id)
            )
        )
        organisations = tuple(
            OrganisationData(
                o.id,
                o.name,
                o.short_name,
                o.sector,
                o.kind,
                o.website,
                o.archived,
                o.created_at,
                o.updated_at,
            )
            for o in session.scalars(select(Organisation).order_by(Organisation.id))
        )
        gm = GroupMembership
        memberships = tuple(
            GroupMembershipData(*row)
            for row in session.execute(
                select(
                    gm.id,
                    gm.group_id,
                    gm.person_id,
                    gm.role,
                    gm.valid_from,
                    gm.valid_to,
                    gm.voting_right,
                    gm.representing_id,
                )
                .join(Group, Group.id == gm.group_id)
                .where(Group.archived.is_(False))
                # A restricted person (Art. 18 DSGVO) is not published, not even as a seat.
                .where(gm.person_id.not_in(restricted_people()))
                .order_by(gm.id)
            )
        )
        consenting = consenting_people(PUBLISHING, now)
        shared = tuple(
            SharedPerson(
                p.id,
                p.salutation,
                p.title,
                p.given_name,
                p.family_name,
                tuple(e.address for e in p.emails),
                tuple(shown_phone(ph.number) for ph in p.phones),
                p.created_at,
                p.updated_at,
            )
            for p in session.scalars(
                select(Person)
                .where(Person.id.in_(consenting), Person.archived.is_(False), unrestricted())
                .options(selectinload(Person.emails), selectinload(Person.phones))
                .order_by(Person.id)
            )
        )
        shared_ids = {p.id for p in shared}
        a = Affiliation
        affiliations = tuple(
            AffiliationData(*row)
            for row in session.execute(
                select(a.id, a.person_id, a.organisation_id, a.function, a.valid_from, a.valid_to)
                .where(a.person_id.in_(consenting))
                .order_by(a.id)
            )
            if row.person_id in shared_ids
        )
        meetings = tuple(
            MeetingData(
                m.id,
                m.kind,
                m.status,
                Meetings.event_of(m, ("", "")),
                tuple(g.id for g in m.groups),
                m.created_at,
                m.updated_at,
            )
            for m in session.scalars(
                select(Meeting)
                .where(Meeting.public.is_(True))
                .options(selectinload(Meeting.groups), selectinload(Meeting.overrides))
                .order_by(Meeting.id)
            )
        )
        sittings = _read_sittings(session, select(Meeting.id).where(Meeting.public.is_(True)))
    return OParlSource(
        city_data,
        groups,
        organisations,
        memberships,
        shared,
        affiliations,
        meetings,
        sittings,
        now,
    )


def _read_sittings(session: Session, public_meetings: Select[Any]) -> tuple[SittingData, ...]:
    """The sittings of public meetings with their agendas; decisions of approved minutes only."""
    of_public = select(Sitting.id).where(Sitting.meeting_id.in_(public_meetings))
    rows = session.execute(
        select(
            Sitting.id,
            Sitting.meeting_id,
            Sitting.occurrence,
            Sitting.minutes_status,
            Sitting.started_at,
            Sitting.ended_at,
        )
        .where(Sitting.meeting_id.in_(public_meetings))
        .order_by(Sitting.id)
    ).all()
    approved = {r.id for r in rows if r.minutes_status == MinutesStatus.GENEHMIGT}
    items: dict[int, list[Any]] = {}
    for item in session.execute(
        select(
            AgendaItem.id,
            AgendaItem.sitting_id,
            AgendaItem.parent_id,
            AgendaItem.title,
            AgendaItem.public,
        )
        .where(AgendaItem.sitting_id.in_(of_public))
        .order_by(AgendaItem.sitting_id, AgendaItem.position, AgendaItem.id)
    ):
        items.setdefault(item.sitting_id, []).append(item)
    decisions: dict[int, list[tuple[str, DecisionResult]]] = {}
    for item_id, wording, result in session.execute(
        select(Decision.item_id, Decision.wording, Decision.result)
        .join(AgendaItem, AgendaItem.id == Decision.item_id)
        .join(Sitting, Sitting.id == AgendaItem.sitting_id)
        .where(Sitting.minutes_status == MinutesStatus.GENEHMIGT)
        .where(Sitting.meeting_id.in_(public_meetings))
        .order_by(Decision.item_id, Decision.position, Decision.id)
    ):
        decisions.setdefault(item_id, []).append((wording, result))
    return tuple(
        SittingData(
            r.id,
            r.meeting_id,
            r.occurrence,
            r.id in approved,
            r.started_at,
            r.ended_at,
            tuple(
                ItemData(i.id, i.parent_id, i.title, i.public, tuple(decisions.get(i.id, ())))
                for i in items.get(r.id, ())
            ),
        )
        for r in rows
    )
