"""The Directory service: people, organisations, groups and the city profile in one place, and
the overview of the whole network."""

from __future__ import annotations

from sqlalchemy import func, select

from koordination.domain.enums import (
    Sector,
)
from koordination.domain.models import (
    Affiliation,
    CityProfile,
    Organisation,
    Person,
)
from koordination.domain.records.directory import (
    Overview,
)
from koordination.services.directory.city import City
from koordination.services.directory.groups import Groups
from koordination.services.directory.organisations import Organisations
from koordination.services.directory.people import People
from koordination.services.directory.records import current_at


class Directory(People, Organisations, Groups, City):
    """Use cases of the directory. Every public method is one transaction."""

    def overview(self) -> Overview:
        today = self.today()
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
            # A person counts for the sector of their first current organisation: one pass
            # over the affiliations finds each person's (as koordination.db.glance does).
            first_current = (
                select(Affiliation.person_id, func.min(Affiliation.id).label("affiliation_id"))
                .where(current_at(Affiliation, today))
                .group_by(Affiliation.person_id)
                .cte("first_current")
            )
            people_stmt = (
                select(Organisation.sector, func.count())
                .select_from(first_current)
                .join(
                    Person,
                    (Person.id == first_current.c.person_id) & Person.archived.is_(False),
                )
                .join(Affiliation, Affiliation.id == first_current.c.affiliation_id)
                .join(Organisation, Organisation.id == Affiliation.organisation_id)
                .group_by(Organisation.sector)
            )
            people: dict[Sector | None, int] = {
                sector: count for sector, count in session.execute(people_stmt)
            }
            everybody = session.scalar(
                select(func.count()).select_from(Person).where(Person.archived.is_(False))
            )
            if without := (everybody or 0) - sum(people.values()):
                people[None] = without
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
