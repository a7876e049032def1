"""The record of messages koordination sends by itself, on SQLite and PostgreSQL: a message is
claimed once per occasion and person; a refused one may be claimed again; one a dead run left
on its way becomes unklar and is never claimed again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import update

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import CircularState
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import Notice
from koordination.services.directory.service import Directory
from koordination.services.notices import Notices, Outgoing

DAY = date(2026, 12, 7)


def _outgoing(person_id: int, occasion: str = "termin:1:2026-12-08T17:00:00+00:00") -> Outgoing:
    return Outgoing(occasion, person_id, "Anna Muster", "anna@example.org", "Erinnerung", _never)


def _never(message_id: str) -> EmailMessage:
    raise AssertionError("not built in these tests")


def test_a_message_is_claimed_once_a_refused_one_again_and_a_dead_runs_one_never(
    db: Database,
) -> None:
    clock = Clock.fixed(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    person = (
        Directory(db, Clock.on(DAY))
        .create_person(PersonInput(family_name="Muster", given_name="Anna"))
        .record.id
    )
    notices = Notices(db, clock)
    item = _outgoing(person)

    first = notices._claim(item, "example.org")
    assert first is not None
    assert notices._claim(item, "example.org") is None  # on its way: nobody takes it again
    assert notices._claim(_outgoing(person, "aufgabe:3:2026-12-10"), None) is not None

    notices._finish(first[0], CircularState.FEHLGESCHLAGEN, "Empfänger abgelehnt (550)")
    [recorded] = [r for (o, _), r in notices.recorded([item.occasion]).items()]
    assert recorded.state == CircularState.FEHLGESCHLAGEN and not recorded.done
    again = notices._claim(item, "example.org")
    assert again == first  # the same row and Message-ID
    assert notices.recorded([item.occasion])[(item.occasion, person)].name == "Anna Muster"

    # The run dies while the server takes it: a later run settles it as unklar, never again.
    with db.session() as session:
        session.execute(
            update(Notice)
            .where(Notice.id == first[0])
            .values(attempted_at=clock.now() - timedelta(hours=1))
        )
    notices._settle()
    recorded = notices.recorded([item.occasion])[(item.occasion, person)]
    assert recorded.state == CircularState.UNKLAR and recorded.done
    assert "unklar" in recorded.problem
    assert notices._claim(item, "example.org") is None
    assert recorded.line().startswith("Anna Muster <anna@example.org>: Zustellung unklar (07.12.")
