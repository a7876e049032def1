"""Approving minutes: the frozen version with its fingerprint, corrections after approval and
reading an approved version back."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from koordination.domain.enums import MinutesStatus
from koordination.domain.models import MinutesVersion, Sitting
from koordination.domain.records.meetings import SittingRecord, VersionRecord, content_json
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError
from koordination.services.meetings.times import local
from koordination.services.sittings.records import SittingsBase


def fingerprint(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class Approval(SittingsBase):
    """Use cases on the approval of minutes. Every public method is one transaction."""

    def submit(self, sitting_id: int) -> None:
        """Entwurf → zur Genehmigung."""
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            sitting.minutes_status = MinutesStatus.ZUR_GENEHMIGUNG

    def approve(self, sitting_id: int, by: str) -> VersionRecord:
        """Freeze the minutes as they are now: a new version with its fingerprint."""
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            if sitting.minutes_status != MinutesStatus.ZUR_GENEHMIGUNG:
                raise ValidationError(
                    [FieldError("Protokoll", "Bitte das Protokoll zuerst zur Genehmigung geben.")]
                )
            record = self._record(session, self._load(session, sitting.id))
            content = content_json(record)
            version = MinutesVersion(
                number=len(sitting.versions) + 1,
                approved_at=self.now(),
                approved_by=by.strip(),
                content=content,
                fingerprint=fingerprint(content),
            )
            sitting.versions.append(version)
            sitting.minutes_status = MinutesStatus.GENEHMIGT
            session.flush()
            return VersionRecord(
                version.number,
                local(version.approved_at),
                version.approved_by,
                version.fingerprint,
            )

    def start_correction(self, original: SittingRecord) -> None:
        """Open approved minutes for a correction; the approved version stays as it was."""
        with self.db.session() as session:
            sitting = session.get(Sitting, original.id)
            if sitting is None:
                raise NotFoundError(f"Sitzung Nr. {original.id} wurde nicht gefunden.")
            if sitting.version != original.version:
                raise ConflictError("Das Protokoll wurde inzwischen geändert. Bitte neu laden.")
            if sitting.minutes_status != MinutesStatus.GENEHMIGT:
                raise ValidationError([FieldError("Protokoll", "ist nicht genehmigt.")])
            sitting.minutes_status = MinutesStatus.ENTWURF
            sitting.updated_at = self.now()

    def approved_content(
        self, sitting_id: int, number: int | None = None
    ) -> tuple[dict[str, Any], str]:
        """The frozen minutes (newest or version ``number``) and their fingerprint."""
        with self.db.session() as session:
            sitting = self._load(session, sitting_id)
            if not sitting.versions:
                raise ValidationError([FieldError("Protokoll", "ist noch nicht genehmigt.")])
            version = (
                sitting.versions[-1]
                if number is None
                else next((v for v in sitting.versions if v.number == number), None)
            )
            if version is None:
                raise NotFoundError(f"Fassung {number} dieses Protokolls gibt es nicht.")
            return json.loads(version.content), version.fingerprint
