"""Who a circular reaches: the audience as typed ("gruppe:AK Stadtteilarbeit", "sektor:
Wirtschaft", "organisation:Tafel e.V.", "person:12", "alle") resolved to people, and of those
who receives it and who does not, with the reason in German.

A message goes only to a person with a current consent "Informationen der Koordinierungsstelle
erhalten" (nobody has it implicitly), whose processing is not restricted (Art. 18 DSGVO), who
is not archived and who has an e-mail address; the first address is used. Erased people are
nobody's audience.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, union
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE
from koordination.domain.enums import ConsentPurpose, Sector, fold
from koordination.domain.models import (
    Affiliation,
    Consent,
    Group,
    GroupMembership,
    Organisation,
    Person,
    PersonEmail,
)
from koordination.domain.records.circulars import LeftOut, PlannedRecipient
from koordination.domain.records.directory import display_name
from koordination.errors import KoordinationError
from koordination.services.circulars.text import greeting
from koordination.services.consent import current_consent
from koordination.services.privacy.restriction import RESTRICTED, is_restricted

PURPOSE = ConsentPurpose.INFORMATIONEN

#: The kinds of audience and the words accepted for them.
_KINDS = {
    "gruppe": "gruppe",
    "group": "gruppe",
    "sektor": "sektor",
    "sector": "sektor",
    "organisation": "organisation",
    "org": "organisation",
    "person": "person",
}
FORMS = "gruppe:NAME, sektor:NAME, organisation:NAME, person:NR oder alle"


@dataclass(frozen=True)
class Part:
    """One part of the audience: its kind and what the office typed after the colon."""

    kind: str
    value: str = ""

    def __str__(self) -> str:
        return "alle" if self.kind == "alle" else f"{self.kind}:{self.value}"


def parse(text: str) -> Part:
    """One audience as typed; a German error naming the forms when it is none."""
    stripped = " ".join(text.split())
    if fold(stripped) in ("alle", "allepersonen"):
        return Part("alle")
    kind, colon, value = stripped.partition(":")
    found = _KINDS.get(fold(kind))
    if not colon or found is None or not value.strip():
        raise KoordinationError(
            f"„{text.strip()}“ ist keine Empfängerangabe. Möglich sind {FORMS} "
            "(zum Beispiel „gruppe:AK Stadtteilarbeit“)."
        )
    return Part(found, value.strip())


def _current(valid_from: Any, valid_to: Any, today: date) -> ColumnElement[bool]:
    return and_(
        or_(valid_from.is_(None), valid_from <= today),
        or_(valid_to.is_(None), valid_to >= today),
    )


def people_of(session: Session, part: Part, today: date) -> Select[int]:
    """The ids of the people ``part`` names (a German error when its group, sector,
    organisation or person does not exist)."""
    if part.kind == "alle":
        return select(Person.id)
    if part.kind == "gruppe":
        group_id = _group(session, part.value)
        return select(GroupMembership.person_id).where(
            GroupMembership.group_id == group_id,
            _current(GroupMembership.valid_from, GroupMembership.valid_to, today),
        )
    if part.kind == "sektor":
        sector = Sector.parse(part.value)
        if sector is None:
            names = ", ".join(s.label for s in Sector)
            raise KoordinationError(f"„{part.value}“ ist kein Sektor ({names}).")
        return (
            select(Affiliation.person_id)
            .join(Organisation, Organisation.id == Affiliation.organisation_id)
            .where(
                Organisation.sector == sector,
                Organisation.archived.is_(False),
                _current(Affiliation.valid_from, Affiliation.valid_to, today),
            )
        )
    if part.kind == "organisation":
        organisation_id = _organisation(session, part.value)
        return select(Affiliation.person_id).where(
            Affiliation.organisation_id == organisation_id,
            _current(Affiliation.valid_from, Affiliation.valid_to, today),
        )
    number = part.value.removeprefix("Nr.").strip()
    person = session.get(Person, int(number)) if number.isdecimal() and len(number) < 18 else None
    if person is None or person.erased_at is not None:
        raise KoordinationError(f"Eine Person Nr. {part.value} gibt es nicht.")
    return select(Person.id).where(Person.id == person.id)


def choices(session: Session) -> list[str]:
    """Every audience as it is typed, for completion: everyone, the groups, the sectors and
    the organisations (not archived), each kind in alphabetical order."""
    groups = session.scalars(select(Group.name).where(Group.archived.is_(False)))
    organisations = session.scalars(
        select(Organisation.name).where(Organisation.archived.is_(False))
    )
    return [
        "alle",
        *(f"gruppe:{n}" for n in sorted(groups, key=str.casefold)),
        *(f"sektor:{s.label}" for s in Sector),
        *(f"organisation:{n}" for n in sorted(organisations, key=str.casefold)),
    ]


def _group(session: Session, name: str) -> int:
    if name.isdecimal() and len(name) < 18 and session.get(Group, int(name)) is not None:
        return int(name)
    key = fold(name)
    found = [i for i, n in session.execute(select(Group.id, Group.name)) if fold(n) == key]
    if not found:
        raise KoordinationError(
            f"Die Gruppe „{name}“ gibt es nicht. `koordination groups list` zeigt alle."
        )
    return found[0]


def _organisation(session: Session, name: str) -> int:
    if name.isdecimal() and len(name) < 18 and session.get(Organisation, int(name)) is not None:
        return int(name)
    found = session.scalar(select(Organisation.id).where(Organisation.name_key == fold(name)))
    if found is None:
        raise KoordinationError(
            f"Die Organisation „{name}“ gibt es nicht. `koordination organisations list` "
            "zeigt alle."
        )
    return found


def classify(
    session: Session, parts: list[Part], now: datetime, *, informal: bool
) -> tuple[list[PlannedRecipient], list[LeftOut]]:
    """Everybody the parts name, once each in the directory's order: who receives the
    circular (with the greeting) and who does not, with the reason."""
    if not parts:
        raise KoordinationError(f"Bitte mindestens einen Empfängerkreis angeben: {FORMS}.")
    today = now.astimezone(CITY_ZONE).date()
    audience = union(*(people_of(session, p, today) for p in parts)).subquery()
    ids = select(audience.c[0])
    people = session.execute(
        select(
            Person.id,
            Person.salutation,
            Person.title,
            Person.given_name,
            Person.family_name,
            Person.archived,
            Person.restricted_at,
            Person.restriction_reason,
        )
        .where(Person.id.in_(ids), Person.erased_at.is_(None))
        .order_by(Person.sort_key, Person.id)
    ).all()
    consenting = set(
        session.scalars(
            select(Consent.person_id).where(
                current_consent(PURPOSE, now), Consent.person_id.in_(ids)
            )
        )
    )
    withdrawn = set(
        session.scalars(
            select(Consent.person_id).where(
                Consent.purpose == PURPOSE,
                Consent.withdrawn_at.is_not(None),
                Consent.person_id.in_(ids),
            )
        )
    )
    first_email: dict[int, str] = {}
    for person_id, address in session.execute(
        select(PersonEmail.person_id, PersonEmail.address)
        .where(PersonEmail.person_id.in_(ids))
        .order_by(PersonEmail.person_id, PersonEmail.position, PersonEmail.id)
    ):
        first_email.setdefault(person_id, address)
    recipients: list[PlannedRecipient] = []
    left_out: list[LeftOut] = []
    for row in people:
        name = display_name(row.title, row.given_name, row.family_name)
        reason = ""
        if is_restricted(row):
            reason = RESTRICTED
        elif row.archived:
            reason = "archiviert"
        elif row.id not in consenting:
            reason = (
                f"Einwilligung „{PURPOSE.label}“ widerrufen"
                if row.id in withdrawn
                else f"keine Einwilligung „{PURPOSE.label}“"
            )
        elif row.id not in first_email:
            reason = "keine E-Mail-Adresse"
        if reason:
            left_out.append(LeftOut(row.id, name, reason))
            continue
        line = greeting(
            row.salutation, row.title, row.given_name, row.family_name, informal=informal
        )
        recipients.append(PlannedRecipient(row.id, name, first_email[row.id], line))
    return recipients, left_out
