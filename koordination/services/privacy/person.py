"""The person a data-protection request is about: loaded with all they own, and the label
they are shown with once erased."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.domain.models import Affiliation, Person
from koordination.domain.records.directory import erased_name, is_current
from koordination.errors import NotFoundError
from koordination.services.directory.records import whole_person_load


def load_person(session: Session, person_id: int) -> Person:
    person = session.scalar(
        select(Person).where(Person.id == person_id).options(*whole_person_load())
    )
    if person is None:
        raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
    return person


def label_affiliation(person: Person, today: date) -> Affiliation | None:
    """The affiliation an erased person's label names: their first current organisation (the
    one attendance and the statistics count them for), else the one they left last."""
    affiliations = sorted(person.affiliations, key=lambda a: a.id)
    current = [a for a in affiliations if is_current(a.valid_from, a.valid_to, today)]
    ended = sorted(affiliations, key=lambda a: a.valid_to or date.max)
    return current[0] if current else (ended[-1] if ended else None)


def erasure_label(person: Person, today: date) -> str:
    """The label an erased person is shown with: "N. N. (Sektor, Organisation)" from
    :func:`label_affiliation`."""
    chosen = label_affiliation(person, today)
    if chosen is None:
        return erased_name(None, "")
    return erased_name(chosen.organisation.sector, chosen.organisation.name)
