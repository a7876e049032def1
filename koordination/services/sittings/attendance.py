"""Who attended a sitting, for which organisation and sector."""

from __future__ import annotations

from koordination.domain.enums import AttendanceStatus
from koordination.domain.models import Attendance, Person
from koordination.domain.records.directory import is_current
from koordination.domain.records.meetings import SittingRecord
from koordination.errors import NotFoundError
from koordination.services.sittings.records import SittingsBase


class AttendanceList(SittingsBase):
    """Use cases on a sitting's attendance list. Every public method is one transaction."""

    def _attendance(self, person: Person, status: AttendanceStatus) -> Attendance:
        today = self.today()
        current = [a for a in person.affiliations if is_current(a.valid_from, a.valid_to, today)]
        org = current[0].organisation if current else None
        return Attendance(
            person=person,
            status=status,
            organisation=org.name if org else "",
            sector=org.sector if org else None,
        )

    def set_attendance(
        self, sitting_id: int, person_id: int, status: AttendanceStatus
    ) -> SittingRecord:
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            row = next((a for a in sitting.attendance if a.person_id == person_id), None)
            if row is None:
                person = session.get(Person, person_id)
                if person is None:
                    raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
                sitting.attendance.append(self._attendance(person, status))
            else:
                row.status = status
            session.flush()
            return self._record(session, self._load(session, sitting.id))

    @staticmethod
    def sector_counts(record: SittingRecord) -> dict[str, int]:
        """Present people (and guests) per sector label; "ohne Zuordnung" for the rest."""
        counts: dict[str, int] = {}
        for row in record.attendance:
            if row.status in (AttendanceStatus.ANWESEND, AttendanceStatus.GAST):
                key = row.sector.label if row.sector else "ohne Zuordnung"
                counts[key] = counts.get(key, 0) + 1
        return counts
