"""An erasure survives a restore: `people erase` names the backups that still hold the person,
and `db restore` of an older backup erases the person again and keeps the ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from support.backup import add_network, url_of

from koordination.cli.main import main
from koordination.db import auto_backup, migrations
from koordination.db.engine import Database
from koordination.domain.models import ErasureLedger, Person


def _person(db: Database, family_name: str) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM person WHERE family_name = :n"), {"n": family_name}
            ).scalar_one()
        )


def test_erased_person_stays_erased_after_restoring_an_older_backup(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_network(db)
    url = url_of(db)
    suffix = ".sqlite3" if db.is_sqlite else ".dump"
    folder = tmp_path / "taeglich"
    auto_backup.configure_auto_backup(db, enabled=True, keep=3, folder=folder)
    daily = auto_backup.run_auto_backup(db, datetime.now(UTC))
    manual = tmp_path / "data" / f"vor-dem-loeschen{suffix}"
    migrations.backup(db, manual)
    juergen, renate = _person(db, "Weiß"), _person(db, "Schäfer")
    capsys.readouterr()

    assert main(["--db", url, "people", "erase", str(juergen), "--yes"]) == 0
    assert main(["--db", url, "people", "erase", str(renate), "--yes"]) == 0
    erased = capsys.readouterr().out
    assert "Die Person steht noch in 2 Sicherungen:" in erased
    assert f"{daily} (tägliche Sicherung): wird nach 3 weiteren täglichen Sicherungen" in erased
    assert f"{manual} (Sicherung): wird nicht automatisch gelöscht" in erased
    with db.session() as session:
        before = sorted(
            session.execute(select(ErasureLedger.person_number, ErasureLedger.erased_at))
        )
    assert [n for n, _ in before] == [juergen, renate]

    assert main(["--db", url, "db", "restore", str(manual), "--yes"]) == 0

    out = capsys.readouterr().out
    assert (
        f"Nach der Wiederherstellung erneut gelöscht: 2 Personen (Nr. {juergen}, {renate})" in out
    )
    with db.session() as session:
        people = {p.id: p for p in session.scalars(select(Person)).all()}
        ledger = sorted(
            session.execute(select(ErasureLedger.person_number, ErasureLedger.erased_at))
        )
        emails = session.execute(text("SELECT address FROM person_email")).scalars().all()
    assert people[juergen].erased_at is not None and people[renate].erased_at is not None
    assert "Weiß" not in people[juergen].family_name and people[renate].given_name == ""
    assert emails == []
    assert set(before) <= set(ledger), "the ledger of the replaced database is merged"
    assert len([n for n, _ in ledger if n == juergen]) == 2, "the replay is recorded too"
    if db.path is not None:
        db.dispose()
        assert b"juergen.weiss@tafel.example" not in db.path.read_bytes()

    # Restoring the same backup again erases again, and adds nothing twice to the ledger.
    assert main(["--db", url, "db", "restore", str(manual), "--yes"]) == 0
    assert "erneut gelöscht: 2 Personen" in capsys.readouterr().out
    with db.session() as session:
        again = session.execute(select(ErasureLedger.person_number)).scalars().all()
    assert sorted(again).count(juergen) == 3
