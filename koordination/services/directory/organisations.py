"""Organisations: their details, duplicates, search and lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from koordination.domain.enums import (
    fold,
)
from koordination.domain.inputs.directory import (
    OrganisationInput,
)
from koordination.domain.models import (
    Affiliation,
    Group,
    GroupMembership,
    Organisation,
)
from koordination.domain.phones import normal_phone
from koordination.domain.records.directory import (
    OrganisationRecord,
    OrganisationRow,
    Saved,
    display_name,
)
from koordination.errors import ValidationError
from koordination.services.directory.records import (
    DirectoryBase,
    changed_labels,
    conflict_error,
    current_at,
)
from koordination.services.directory.search import (
    ALL_ORGANISATIONS,
    OrganisationFilter,
    organisation_search_text,
    search_terms,
    term_matches,
)

_ORG_LABELS = {
    "name": "Name",
    "short_name": "Kurzname",
    "sector": "Sektor",
    "kind": "Art",
    "address": "Anschrift",
    "phone": "Telefon",
    "email": "E-Mail",
    "website": "Webseite",
    "notes": "Notizen",
    "archived": "Archiviert",
}


class Organisations(DirectoryBase):
    """Use cases on organisations. Every public method is one transaction."""

    # ------------------------------------------------------------------ organisations
    def _load_organisation(self, session: Session, org_id: int) -> Organisation:
        return self._get(session, Organisation, org_id, "Organisation")

    def get_organisation(self, org_id: int) -> OrganisationRecord:
        today = self.today()
        with self.db.session() as session:
            org = self._load_organisation(session, org_id)
            affs = session.scalars(
                select(Affiliation)
                .where(Affiliation.organisation_id == org_id)
                .options(selectinload(Affiliation.person), selectinload(Affiliation.organisation))
                .order_by(Affiliation.id)
            ).all()
            people = tuple(
                self._affiliation_record(
                    a, display_name(a.person.title, a.person.given_name, a.person.family_name)
                )
                for a in affs
            )
            groups = session.scalars(
                select(Group.name)
                .join(GroupMembership)
                .where(
                    or_(
                        GroupMembership.representing_id == org_id,
                        GroupMembership.person_id.in_(
                            select(Affiliation.person_id).where(
                                Affiliation.organisation_id == org_id,
                                current_at(Affiliation, today),
                            )
                        ),
                    ),
                    current_at(GroupMembership, today),
                )
                .distinct()
                .order_by(Group.name)
            ).all()
            return self._organisation_record(org, people=people, groups=tuple(groups))

    def organisation_duplicates(
        self, data: OrganisationInput, exclude_id: int | None = None
    ) -> list[str]:
        stmt = select(Organisation.id, Organisation.name).where(
            Organisation.name_key == fold(data.name)
        )
        if exclude_id is not None:
            stmt = stmt.where(Organisation.id != exclude_id)
        with self.db.session() as session:
            return [
                f"Es gibt schon eine Organisation „{name}“ (Nr. {oid})."
                for oid, name in session.execute(stmt)
            ]

    def create_organisation(self, data: OrganisationInput) -> Saved[OrganisationRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        warnings = self.organisation_duplicates(data)
        with self.db.session() as session:
            org = Organisation()
            _apply_organisation(org, data)
            session.add(org)
            self._save(session, "Die Organisation")
            return Saved(self._organisation_record(org), tuple(warnings))

    def update_organisation(
        self, original: OrganisationRecord, data: OrganisationInput
    ) -> Saved[OrganisationRecord]:
        if errors := data.problems():
            raise ValidationError(errors)
        warnings = self.organisation_duplicates(data, exclude_id=original.id)
        with self.db.session() as session:
            org = self._load_organisation(session, original.id)
            if org.version != original.version:
                raise conflict_error(
                    f"Die Organisation {original.name}",
                    changed_labels(original, self._organisation_record(org), _ORG_LABELS),
                )
            renamed = org.name != data.name.strip()
            _apply_organisation(org, data)
            org.updated_at = self.clock.now()
            self._save(session, f"Die Organisation {original.name}")
            if renamed:
                self._refresh_search_of_members(session, org.id)
            return Saved(self._organisation_record(org), tuple(warnings))

    def _refresh_search_of_members(self, session: Session, org_id: int) -> None:
        person_ids = session.scalars(
            select(Affiliation.person_id).where(Affiliation.organisation_id == org_id).distinct()
        ).all()
        for pid in person_ids:
            self._refresh_person_search(self._load_person(session, pid))

    def set_organisation_archived(
        self, original: OrganisationRecord, archived: bool
    ) -> OrganisationRecord:
        with self.db.session() as session:
            org = self._load_organisation(session, original.id)
            if org.version != original.version:
                raise conflict_error(
                    f"Die Organisation {original.name}",
                    changed_labels(original, self._organisation_record(org), _ORG_LABELS),
                )
            org.archived = archived
            self._save(session, f"Die Organisation {original.name}")
            return self._organisation_record(org)

    def _organisations_query(self, f: OrganisationFilter) -> Select[Any]:
        stmt = select(Organisation.id).where(Organisation.archived == f.archived)
        for term in search_terms(f.search):
            stmt = stmt.where(term_matches(Organisation.search_text, term))
        if f.sector is not None:
            stmt = stmt.where(Organisation.sector == f.sector)
        if f.group_id is not None:
            today = self.today()
            stmt = stmt.where(
                or_(
                    exists()
                    .where(GroupMembership.representing_id == Organisation.id)
                    .where(GroupMembership.group_id == f.group_id)
                    .where(current_at(GroupMembership, today)),
                    exists()
                    .where(Affiliation.organisation_id == Organisation.id)
                    .where(current_at(Affiliation, today))
                    .where(GroupMembership.person_id == Affiliation.person_id)
                    .where(GroupMembership.group_id == f.group_id)
                    .where(current_at(GroupMembership, today)),
                )
            )
        return stmt

    def count_organisations(self, f: OrganisationFilter = ALL_ORGANISATIONS) -> int:
        with self.db.session() as session:
            stmt = select(func.count()).select_from(self._organisations_query(f).subquery())
            return session.scalar(stmt) or 0

    def list_organisations(
        self,
        f: OrganisationFilter = ALL_ORGANISATIONS,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[OrganisationRow]:
        today = self.today()
        people = (
            select(func.count(Affiliation.id))
            .where(Affiliation.organisation_id == Organisation.id, current_at(Affiliation, today))
            .scalar_subquery()
        )
        stmt = (
            self._organisations_query(f)
            .add_columns(
                Organisation.name,
                Organisation.short_name,
                Organisation.sector,
                Organisation.kind,
                Organisation.email,
                people,
                Organisation.archived,
            )
            .order_by(Organisation.name_key, Organisation.id)
            .offset(offset)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.session() as session:
            return [OrganisationRow(*row) for row in session.execute(stmt)]

    def organisation_records(
        self,
        f: OrganisationFilter = ALL_ORGANISATIONS,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[OrganisationRecord]:
        """Records (without people and groups) in the order of ``list_organisations``."""
        ids = self._organisations_query(f).order_by(Organisation.name_key, Organisation.id)
        stmt = select(Organisation).where(Organisation.id.in_(ids.offset(offset).limit(limit)))
        with self.db.session() as session:
            orgs = session.scalars(stmt.order_by(Organisation.name_key, Organisation.id))
            return [self._organisation_record(o) for o in orgs]

    def find_organisation(self, name: str) -> OrganisationRecord | None:
        with self.db.session() as session:
            org = session.scalar(
                select(Organisation).where(Organisation.name_key == fold(name)).limit(1)
            )
            return self._organisation_record(org) if org else None


def _apply_organisation(org: Organisation, data: OrganisationInput) -> None:
    assert data.sector is not None
    org.name = data.name.strip()
    org.name_key = fold(org.name)
    org.short_name = data.short_name.strip()
    org.sector = data.sector
    org.kind = data.kind
    org.address = data.address.strip()
    org.phone = normal_phone(data.phone)
    org.email = data.email.strip()
    org.website = data.website.strip()
    org.notes = data.notes.strip()
    org.search_text = organisation_search_text(org.name, org.short_name, org.email)
