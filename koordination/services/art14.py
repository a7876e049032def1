"""The information owed under Art. 14 DSGVO to people whose data came from someone else's
list (an import): who still awaits it, and marking it sent.

An import notes the list as the person's source; until the office records that the
information went out, the person is flagged "Art. 14 Information offen".
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.models import Person
from koordination.domain.records.consent import Art14Row
from koordination.domain.records.directory import display_name
from koordination.errors import FieldError, NotFoundError, ValidationError

#: How the faces name the flag.
ART14_OPEN = "Art. 14 Information offen"


class Art14Notices:
    """Who still awaits the Art. 14 information; every method one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def open(self) -> list[Art14Row]:
        """Everybody flagged, by name: not erased, source noted, information not yet sent."""
        stmt = (
            select(
                Person.id,
                Person.title,
                Person.given_name,
                Person.family_name,
                Person.art14_source,
                Person.created_at,
            )
            .where(
                Person.art14_source != "",
                Person.art14_informed_at.is_(None),
                Person.erased_at.is_(None),
            )
            .order_by(Person.sort_key, Person.id)
        )
        with self.db.session() as session:
            return [
                Art14Row(pid, display_name(title, given, family), source, created)
                for pid, title, given, family, source, created in session.execute(stmt)
            ]

    def mark_informed(self, person_ids: Collection[int], at: datetime | None = None) -> int:
        """Record that the information was sent to these people (at ``at``, default now);
        returns how many were still flagged. All or nothing: an unknown number or one
        without a noted source is refused with a German message."""
        now = self.clock.now()
        when = at or now
        if when > now:
            raise ValidationError([FieldError("Informiert am", "liegt in der Zukunft.")])
        ids = list(dict.fromkeys(person_ids))
        with self.db.session() as session:
            people = {
                p.id: p
                for p in session.scalars(
                    select(Person).where(Person.id.in_(ids), Person.erased_at.is_(None))
                )
            }
            missing = [str(i) for i in ids if i not in people]
            if missing:
                raise NotFoundError(f"Person Nr. {', '.join(missing)} wurde nicht gefunden.")
            unsourced = [str(p.id) for p in people.values() if not p.art14_source]
            if unsourced:
                raise ValidationError(
                    [
                        FieldError(
                            "Person",
                            f"Nr. {', '.join(unsourced)}: die Daten stammen nicht aus einer "
                            "fremden Liste; eine Information nach Art. 14 ist nicht vermerkt "
                            "und nicht nötig.",
                        )
                    ]
                )
            flagged = [p for p in people.values() if p.art14_informed_at is None]
            for person in flagged:
                person.art14_informed_at = when
                person.updated_at = now
            return len(flagged)
