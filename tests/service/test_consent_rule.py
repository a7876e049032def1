"""The query form of the consent rule over long lists: ids are asked in chunks (the databases
limit bound parameters), and a consent far down the list is found like the first."""

from __future__ import annotations

from datetime import UTC, date, datetime

from support.consents import give_consent

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.inputs.directory import PersonInput
from koordination.services.consent import SHARING, consenting_ids, shareable_person
from koordination.services.directory.service import Directory

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_a_consent_beyond_the_second_chunk_of_ids_is_found(db: Database) -> None:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    first, last = (
        directory.create_person(PersonInput(given_name=n, family_name="Beispiel")).record.id
        for n in ("Anna", "Bernd")
    )
    for pid in (first, last):
        give_consent(directory, pid, SHARING)
    # Ids without anyone behind them pad the list: Bernd comes after two full chunks.
    padding = list(range(10_000, 12_000))
    ids = [first, first, *padding, last]
    assert consenting_ids(db, ids, SHARING, NOW) == {first, last}
    assert consenting_ids(db, ids, ConsentPurpose.EINLADUNGEN, NOW) == set()


def test_a_person_without_a_sharing_consent_leaves_the_office_without_notes(db: Database) -> None:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    pid = directory.create_person(
        PersonInput(
            given_name="Lea",
            family_name="Beispiel",
            emails=["lea@example.org"],
            notes="Rollstuhl, braucht barrierefreien Raum",
        )
    ).record.id
    withheld = shareable_person(directory.get_person(pid), NOW)
    assert (withheld.emails, withheld.notes) == ((), "")
    give_consent(directory, pid, SHARING)
    shared = shareable_person(directory.get_person(pid), NOW)
    assert shared.notes == "Rollstuhl, braucht barrierefreien Raum"
    assert shared.emails == ("lea@example.org",)
