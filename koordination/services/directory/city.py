"""The city profile, its contact person and the controller's data for the data-protection
texts (the legal bases per purpose, the supervisory authority proposed from the Bundesland,
the processors proposed from the delivery settings)."""

from __future__ import annotations

from dataclasses import fields, replace

from sqlalchemy import select

from koordination.domain.authorities import proposed_authority
from koordination.domain.controller import (
    NO_TRANSFERS,
    bases_to_store,
    legal_bases,
    stored_bases,
)
from koordination.domain.enums import Bundesland
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
            return self._record(city, self._contact_name(session, city.contact_person_id))

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
            old_norm = city.state_law_basis or ""
            for f in fields(CityProfileInput):
                value = getattr(data, f.name)
                if f.name == "legal_bases":
                    # Only what differs from the defaults is kept: a default follows the norm.
                    value = bases_to_store(value, data.state_law_basis, old_norm)
                setattr(city, f.name, value.strip() if isinstance(value, str) else value)
            city.office_phone = normal_phone(city.office_phone)
            city.updated_at = self.clock.now()
            self._save(session, "Das Stadtprofil")
            return self._record(city, contact)

    def _record(self, city: CityProfile, contact: str) -> CityProfileRecord:
        record = self._city_record(city, contact)
        bases = legal_bases(stored_bases(city.legal_bases), city.state_law_basis)
        return replace(record, legal_bases=bases)

    @staticmethod
    def proposed_authority(bundesland: Bundesland | None) -> str:
        """The supervisory authority of a public body in ``bundesland`` ("" without one)."""
        return proposed_authority(bundesland)

    @staticmethod
    def proposed_processors() -> str:
        """Processors (Art. 28 DSGVO) as far as the delivery settings name them: the mail
        server, the CalDAV host, the mailbox for answers; one a line, "" when none is set."""
        return proposed_processors()

    @staticmethod
    def proposed_transfers() -> str:
        return NO_TRANSFERS

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


#: The delivery settings' tables and the key naming the server, with what the server does.
_SERVERS = (
    ("smtp", "host", "E-Mail-Versand (SMTP)"),
    ("caldav", "url", "Kalender (CalDAV)"),
    ("imap", "host", "Postfach für Antworten (IMAP)"),
)


def proposed_processors() -> str:
    # Only the server names are read, from the file itself: the loaders of delivery would
    # fetch passwords from the keyring, which a proposal has no business touching.
    import tomllib
    from urllib.parse import urlsplit

    from koordination.paths import config_file

    try:
        values = tomllib.loads(config_file().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return ""
    lines = []
    for table, key, what in _SERVERS:
        section = values.get(table)
        server = section.get(key) if isinstance(section, dict) else None
        if not isinstance(server, str) or not server.strip():
            continue
        host = urlsplit(server.strip()).hostname if "://" in server else server.strip()
        lines.append(f"{what}: Betreiber von {host} (Auftragsverarbeitung, Art. 28 DSGVO)")
    return "\n".join(lines)
