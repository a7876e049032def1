"""The erasure ledger keeps the office's answer about mentions by salutation and family name
("Frau Weiß"), and a replay after restoring an older backup gives the same answer: confirmed
mentions are replaced again, declined ones stay. On SQLite and PostgreSQL; ``read_ledger``
reads the answer from the database being replaced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import ErasureLedger, Person
from koordination.errors import KoordinationError
from koordination.services.directory.service import Directory
from koordination.services.privacy.restore import Erasure, read_ledger, replay_erasures
from koordination.services.privacy.service import Privacy

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
NOTE = "Frau Weiß bittet um Vertraulichkeit. Greta Weiß berichtet vom Sprachcafé."


def _greta_mentioned(db: Database) -> tuple[int, int]:
    """A new Greta Weiß beside the demo's other Weiß, mentioned in another person's notes."""
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    pid = directory.create_person(
        PersonInput(salutation="Frau", given_name="Greta", family_name="Weiß")
    ).record.id
    noted = directory.create_person(
        PersonInput(given_name="Kim", family_name="Notiz", notes=NOTE)
    ).record.id
    return pid, noted


def _notes(db: Database, person_id: int) -> str:
    with db.session() as session:
        return str(session.get(Person, person_id).notes)  # type: ignore[union-attr]


@pytest.mark.parametrize("confirmed", [True, False])
def test_a_replay_gives_the_answer_the_office_gave_about_mentions_by_family_name(
    demo_city: Database, confirmed: bool
) -> None:
    db = demo_city
    pid, noted = _greta_mentioned(db)
    # Restoring a backup from before the erasure: the person and the mention are back.
    at = datetime(2026, 11, 1, tzinfo=UTC)
    replay = replay_erasures(db, [Erasure(pid, at, "", confirmed)], clock=Clock.fixed(NOW))
    assert replay.erased_again == (pid,)
    with db.session() as session:
        merged = session.scalar(
            select(ErasureLedger.masked_surnames).where(ErasureLedger.erased_at == at)
        )
    assert merged is confirmed  # the merged ledger keeps the answer for the next restore
    with pytest.raises(KoordinationError, match="bereits am"):
        Privacy(db).person_to_erase(pid)
    notes = _notes(db, noted)
    assert "Greta Weiß" not in notes
    assert ("Frau Weiß" in notes) is not confirmed


def test_the_ledger_records_the_answer_and_read_ledger_returns_it(
    demo_city: Database, db_url: str
) -> None:
    db = demo_city
    pid, _noted = _greta_mentioned(db)
    Privacy(db, Clock.fixed(NOW)).erase_person(pid, mask_surnames=True)
    other = Directory(db).create_person(PersonInput(given_name="Kai", family_name="Ohne")).record
    Privacy(db, Clock.fixed(NOW)).erase_person(other.id)
    db.dispose()
    found = {e.person_number: e.masked_surnames for e in read_ledger(db_url)}
    assert found == {pid: True, other.id: False}
