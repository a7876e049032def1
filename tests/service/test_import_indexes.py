"""A large people import builds the plain indexes of the tables it fills once at the end
(SQLite): afterwards they are exactly the indexes of before, the people are found through them,
and an import that fails gives them back with its rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, inspect, text
from support.consents import import_people

from koordination.db.engine import Database
from koordination.db.errors import DUPLICATE
from koordination.errors import KoordinationError
from koordination.services.directory.imports import bulk, people, people_writer
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory

#: The tables a people import fills, with the plain indexes SQLite builds anew.
FILLED = ("person", "person_email", "person_phone", "affiliation", "consent", "audit_entry")


def _file(tmp_path: Path, rows: int) -> Path:
    lines = ["Vorname;Nachname;E-Mail;Telefon;Organisation;Sektor;Einwilligung"]
    for n in range(rows):
        lines.append(
            f"Anna;Muster{n};anna.{n}@example.org;0561 {1234500 + n};Verein {n % 7};"
            "Zivilgesellschaft;Einladungen"
        )
    path = tmp_path / "stadt.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _indexes(db: Database) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [
        (
            table,
            sorted(
                (ix["name"] or "", ix["column_names"])
                for ix in inspect(db.engine).get_indexes(table)
            ),
        )
        for table in FILLED
    ]
    if db.is_sqlite:  # the very statements, so column order and expressions count too
        with db.engine.connect() as conn:
            found += [
                (str(name), str(sql))
                for name, sql in conn.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
                )
            ]
    return found


def test_a_large_import_leaves_the_indexes_as_they_were(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)  # a city's file, in small
    before = _indexes(db)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        report = import_people(Imports(db), _file(tmp_path, 40))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert report.created == 40
    dropped = [sql for sql in statements if sql.startswith("DROP INDEX")]
    if db.is_sqlite:  # PostgreSQL keeps its indexes while the rows go in
        # person: the search index; e-mails: by address (unique) and by person; phones: by
        # person; affiliations: by person and organisation; consents: by person and text; the
        # trail: time, owner kind and owner.
        assert len(dropped) == 11
        assert sum(sql.startswith("CREATE INDEX") for sql in statements) == 10
        unique = [sql for sql in statements if sql.startswith("CREATE UNIQUE INDEX")]
        assert len(unique) == 1 and "address_key" in unique[0]
    else:
        assert not dropped
    assert _indexes(db) == before
    directory = Directory(db)
    found = directory.list_people(PeopleFilter("muster17"))
    assert [r.name for r in found] == ["Anna Muster17"]
    assert found[0].emails == ("anna.17@example.org",) and found[0].organisation == "Verein 3"


def test_a_failed_large_import_gives_the_indexes_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)
    monkeypatch.setattr(people_writer, "CHUNK", 10)  # the failure comes after 30 rows went in
    before = _indexes(db)
    real = people_writer.person_search_text
    calls = iter(range(1000))

    def broken(*args: object, **kwargs: object) -> str:
        if next(calls) == 35:
            raise KoordinationError("Die Platte ist voll.")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(people_writer, "person_search_text", broken)
    with pytest.raises(KoordinationError):
        import_people(Imports(db), _file(tmp_path, 40))
    assert _indexes(db) == before
    assert Directory(db).count_people() == 0


def test_a_duplicate_address_is_refused_when_its_index_is_rebuilt(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique index on the addresses is rebuilt too: a duplicate that got past the
    reader's checks fails the rebuild, and with it the whole import."""
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)
    directory = Directory(db)
    import_people(Imports(db), _file(tmp_path, 1))  # anna.0@example.org is stored now
    before = _indexes(db)
    monkeypatch.setattr(people, "check_existing", lambda *args, **kwargs: None)
    with pytest.raises(KoordinationError) as failed:
        import_people(Imports(db), _file(tmp_path, 40))  # anna.0 again, unnoticed
    assert str(failed.value) == DUPLICATE["address_key"]
    assert _indexes(db) == before
    assert directory.count_people() == 1
