"""The city profile and its contact person."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import select

from koordination.domain.inputs.directory import (
    CityProfileInput,
)
from koordination.domain.models import (
    CityProfile,
    GroupMembership,
    Person,
)
from koordination.domain.phones import normal_phone
from koordination.domain.records.directory import (
    CityProfileRecord,
    display_name,
)
from koordination.errors import FieldError, ValidationError
from koordination.services.directory.records import DirectoryBase, conflict_error


class City(DirectoryBase):
    """Use cases on the city profile. Every public method is one transaction."""

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
                raise conflict_error("Das Stadtprofil", [])
            with session.no_autoflush:  # a new, still empty profile must not be written yet
                contact = self._contact_name(session, data.contact_person_id)
            if data.contact_person_id is not None and not contact:
                raise ValidationError(
                    [FieldError("Feste Ansprechperson", "Diese Person gibt es nicht (mehr).")]
                )
            for f in fields(CityProfileInput):
                value = getattr(data, f.name)
                setattr(city, f.name, value.strip() if isinstance(value, str) else value)
            city.office_phone = normal_phone(city.office_phone)
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
