"""Restoring a backup without bringing erased people back: the erasure ledger of the database
being replaced is read first, and every erasure whose person is back in the restored data is
applied again (with the same code as ``people erase``, and the same answer about mentions by
salutation and family name); the ledgers are merged."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, literal, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db import backup
from koordination.db.engine import Database, resolve_url
from koordination.domain.models import ErasureLedger, Person
from koordination.errors import KoordinationError
from koordination.services.privacy.erasure import compact_storage, erase_in_session

#: Person numbers asked for at once (SQLite's limit on bound values is far above).
_CHUNK = 500


@dataclass(frozen=True)
class Erasure:
    person_number: int
    erased_at: datetime
    #: The proof of consents without the person (JSON, see ``ErasureLedger``); merged along.
    consent_history: str = ""
    #: The office confirmed the mentions by salutation and family name ("Frau Weiß").
    masked_surnames: bool = False


@dataclass(frozen=True)
class Replay:
    """What the replay did: the people erased again, ledger entries added, notes (German)."""

    erased_again: tuple[int, ...] = ()
    merged: int = 0
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if not self.erased_again:
            return ""
        count = len(self.erased_again)
        people = "1 Person" if count == 1 else f"{count} Personen"
        numbers = ", ".join(str(n) for n in self.erased_again)
        return f"Nach der Wiederherstellung erneut gelöscht: {people} (Nr. {numbers})"


@dataclass(frozen=True)
class RestoreOutcome:
    result: backup.RestoreResult
    replay: Replay


def read_ledger(url: str) -> list[Erasure]:
    """The erasure ledger of the database at ``url`` as it is now; empty when there is none
    (no file yet, an older schema) or it cannot be read (a damaged file)."""
    where = backup.restore_target(url)
    if where.is_sqlite:
        return _read_sqlite_ledger(Path(where.name))
    db = Database(resolve_url(url))
    try:
        with db.engine.connect() as conn:
            if "erasure_ledger" not in inspect(conn).get_table_names():
                return []
            columns = {c["name"] for c in inspect(conn).get_columns("erasure_ledger")}
            history = ErasureLedger.consent_history if "consent_history" in columns else literal("")
            masked = ErasureLedger.masked_surnames if "masked_surnames" in columns else literal(0)
            rows = conn.execute(
                select(ErasureLedger.person_number, ErasureLedger.erased_at, history, masked)
            )
            return [Erasure(int(n), at, str(h or ""), bool(m)) for n, at, h, m in rows]
    except (SQLAlchemyError, KoordinationError):
        return []
    finally:
        db.dispose()


def _read_sqlite_ledger(path: Path) -> list[Erasure]:
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(erasure_ledger)")}
            # A ledger from before migration 0013 has no consent history, before 0018 no answer
            # about the mentions by family name.
            history = "consent_history" if "consent_history" in columns else "''"
            masked = "masked_surnames" if "masked_surnames" in columns else "0"
            rows = conn.execute(
                f"SELECT person_number, erased_at, {history}, {masked} FROM erasure_ledger"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [Erasure(int(n), _instant(at), str(h or ""), bool(m)) for n, at, h, m in rows]


def _instant(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def restore_keeping_erasures(
    url: str, source: Path, *, clock: Clock = SYSTEM_CLOCK
) -> RestoreOutcome:
    """``db restore``: replace the data at ``url`` by the backup ``source``, then erase again
    everyone the replaced database had erased (see :func:`replay_erasures`)."""
    ledger = read_ledger(url)
    result = backup.restore(url, source)
    db = Database(resolve_url(url))
    try:
        replay = replay_erasures(db, ledger, clock=clock)
    finally:
        db.dispose()
    return RestoreOutcome(result, replay)


def replay_erasures(
    db: Database, ledger: Sequence[Erasure], *, clock: Clock = SYSTEM_CLOCK
) -> Replay:
    """Merge ``ledger`` into the database's own and erase, in one transaction, every person in
    it who is in the data and not erased (the restored backup was older than the erasure)."""
    if not ledger:
        return Replay()
    with db.session() as session:
        known = {
            (int(n), _instant(at))
            for n, at in session.execute(
                select(ErasureLedger.person_number, ErasureLedger.erased_at)
            )
        }
        merged = 0
        for entry in sorted(set(ledger), key=lambda e: (e.erased_at, e.person_number)):
            # Known by number and instant: the same erasure, whatever history it carries.
            if (entry.person_number, _instant(entry.erased_at)) not in known:
                session.add(
                    ErasureLedger(
                        person_number=entry.person_number,
                        erased_at=entry.erased_at,
                        consent_history=entry.consent_history,
                        masked_surnames=entry.masked_surnames,
                    )
                )
                merged += 1
        back = sorted(_not_erased(session, {e.person_number for e in ledger}))
        # As the office answered then: were the mentions by family name the person's?
        masked = {e.person_number for e in ledger if e.masked_surnames}
        tables: set[str] = set()
        for number in back:
            report = erase_in_session(
                session,
                number,
                today=clock.today(),
                now=clock.now(),
                mask_surnames=number in masked,
            )
            tables |= report.tables
    notes = tuple(compact_storage(db, tables)) if back else ()
    return Replay(tuple(back), merged, notes)


def _not_erased(session: Session, numbers: Iterable[int]) -> list[int]:
    wanted = sorted(numbers)
    found: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found += session.scalars(
            select(Person.id).where(Person.id.in_(chunk), Person.erased_at.is_(None))
        ).all()
    return found
