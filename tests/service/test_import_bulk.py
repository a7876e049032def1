"""A people import writes in bulk: the number of statements and ORM flushes does not grow with
the rows of the file (a city has 100,000), and the trail gets one entry for the whole file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from support.consents import catalogue_text, import_people

from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import AuditEntry
from koordination.services.directory.imports.service import Imports


def _city(path: Path, rows: int) -> Path:
    """``rows`` new people (the file's name keeps their addresses apart from other files')."""
    lines = ["Vorname;Nachname;E-Mail;Telefon;Organisation;Sektor;Einwilligung"]
    for n in range(rows):
        lines.append(
            f"Anna;Muster{n};anna.{n}@{path.stem}.example.org;0561 {1234500 + n};"
            f"Verein {path.stem} {n % 7};Zivilgesellschaft;Einladungen"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import_counting(db: Database, path: Path) -> tuple[int, int]:
    statements: list[str] = []
    flushes: list[int] = []

    def statement(*args: Any) -> None:
        statements.append(str(args[2]))

    def flushed(*_args: Any) -> None:
        flushes.append(1)

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(Session, "after_flush", flushed)
    try:
        import_people(Imports(db), path)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(Session, "after_flush", flushed)
    return len(statements), len(flushes)


def test_statements_and_flushes_do_not_grow_with_the_rows(db: Database, tmp_path: Path) -> None:
    catalogue_text(Imports(db), ConsentPurpose.EINLADUNGEN)  # not counted: made once
    small = _import_counting(db, _city(tmp_path / "klein.csv", 3))
    with db.session() as session:
        before = len(session.scalars(select(AuditEntry)).all())
    large = _import_counting(db, _city(tmp_path / "gross.csv", 400))
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert large[1] == small[1]
    assert large[0] <= small[0] + 5
    # One entry for the file, and one per consent in its person's trail (in bulk too).
    new = entries[before:]
    assert [(e.kind, e.record_id) for e in new if e.kind == "person"] == [("person", None)]
    consents = [e for e in new if e.kind == "consent"]
    assert len(consents) == 400 and {e.action for e in consents} == {"import"}
    assert len({e.owner_id for e in consents}) == 400
    assert len(new) == 401
