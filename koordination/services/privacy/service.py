"""The Privacy service: the access report and erasure of one person, one transaction each."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.audit import REQUESTER
from koordination.db.backup_contents import HeldCopy, copies_holding
from koordination.db.engine import Database
from koordination.domain.enums import PrivacyRequestKind
from koordination.services.privacy.access_report import AccessReview, access_report, access_review
from koordination.services.privacy.audit_trail import record_act
from koordination.services.privacy.erasure import (
    ErasureReport,
    compact_storage,
    erase_in_session,
    person_to_erase,
)
from koordination.services.privacy.requests import complete_open


class Privacy:
    """Data protection for one person: the access report (Art. 15/20) and erasure (Art. 17)."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def access_report(self, person_id: int, *, requester: str = "") -> dict[str, Any]:
        """Everything stored about the person, as of now, as a dict JSON can hold (see
        :mod:`koordination.services.privacy.access_report`); the letter is built from it in
        ``outputs``."""
        report = access_report(self.db, person_id, self.clock.now(), requester=requester)
        # Logged before the report leaves the service: only Datenschutz may (db.roles).
        record_act(self.db, "auskunft", person_id=person_id, requester=requester)
        return report

    def access_review(self, person_id: int) -> AccessReview:
        """What the office checks before the access report goes out: mentions by family name
        that may mean a namesake, and the controller's data still missing."""
        return access_review(self.db, person_id)

    def person_to_erase(self, person_id: int) -> str:
        """The name of a person who can be erased, for the question before; raises the German
        error the erasure itself would raise (unknown, or erased already)."""
        return person_to_erase(self.db, person_id)

    def erase_person(
        self, person_id: int, *, requester: str = "", mask_surnames: bool = False
    ) -> ErasureReport:
        """Erase one person (Art. 17 DSGVO) in one transaction, then rewrite the storage; see
        :mod:`koordination.services.privacy.erasure`. ``mask_surnames``: the office confirmed
        that the mentions :meth:`surnames_to_confirm` lists are the person's.

        Cannot be undone except from a backup. Raises when the person does not exist or was
        erased already; then nothing is changed."""
        with self.db.session() as session:
            # The erasure answers the person's open requests for it (Art. 17), noting who
            # asked; before the erasure, which replaces the person's name there too.
            complete_open(
                session,
                person_id,
                (PrivacyRequestKind.LOESCHUNG,),
                self.clock.now(),
                requester=requester,
            )
            session.info[REQUESTER] = requester  # named in the erasure's entry of the trail
            report = erase_in_session(
                session,
                person_id,
                today=self.clock.today(),
                now=self.clock.now(),
                mask_surnames=mask_surnames,
            )
        notes = self.compact_storage(report.tables)
        return dataclasses.replace(report, notes=(*report.notes, *notes))

    def surnames_to_confirm(self, person_id: int) -> tuple[Any, ...]:
        """Mentions by salutation and a family name someone else shares ("Frau Weiß"), each
        with ``where``, ``field`` and ``excerpt`` (the access review's ambiguous mentions): the
        erasure replaces them only when the office confirms (``mask_surnames``)."""
        return self.access_review(person_id).ambiguous

    def copies_holding(self, person_id: int) -> list[HeldCopy]:
        """The backups that still hold the person (not erased there), with when each goes;
        restoring one of them erases the person again (see ``restore.py``)."""
        return copies_holding(self.db, person_id, self.clock.today())

    def compact_storage(self, tables: Iterable[str] = ()) -> list[str]:
        """Make erased values unreachable in the database files too; see
        :func:`koordination.services.privacy.erasure.compact_storage`."""
        return compact_storage(self.db, tables)
