"""Search-as-you-type on an index, on SQLite and PostgreSQL: a page of a search walks
ix_person_search (archived, sort_key, id, search_text) in list order and stops at the page's end,
PostgreSQL answers rare terms from trigram indexes (or, without pg_trgm, says so on upgrade and
still finds everything), and the rows are exactly those of a substring test in list order, for
every spelling, hyphens, e-mail fragments, % and _ and quotes."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy import event, insert, inspect, text
from sqlalchemy.engine import make_url

from koordination.clock import Clock
from koordination.db import migrations
from koordination.db.engine import Database
from koordination.db.search_indexes import TRIGRAM_INDEXES
from koordination.domain.enums import OrganisationKind, Sector
from koordination.domain.inputs.directory import OrganisationInput, PersonInput
from koordination.domain.models import Person
from koordination.services.directory.search import (
    OrganisationFilter,
    PeopleFilter,
    person_search_text,
    person_sort_key,
    plain_spelling,
    search_terms,
)
from koordination.services.directory.service import Directory

TRIGRAMS = {index for _table, index in TRIGRAM_INDEXES}


@pytest.fixture
def directory(db: Database) -> Directory:
    return Directory(db, Clock.on(date(2026, 11, 22)))


def _statements(db: Database, run: Any) -> list[tuple[str, Any]]:
    """The statements ``run()`` sends that read search_text, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "search_text" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert seen, "the search ran no statement on search_text"
    return seen


def _plan(db: Database, statement: str, parameters: Any, *settings: str) -> list[tuple[int, str]]:
    """The query plan: (parent node, text) per line, SQLite's tree or PostgreSQL's lines."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            for setting in settings:
                cursor.execute(setting)
            if db.is_sqlite:
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                return [(int(row[1]), str(row[3])) for row in cursor.fetchall()]
            cursor.execute(f"EXPLAIN {statement}", parameters)
            return [(0, str(row[0])) for row in cursor.fetchall()]
        finally:
            cursor.close()


def _fill(db: Database, count: int) -> None:
    """``count`` people written the way the bulk import writes them: every tenth a
    Müller, names and e-mails otherwise drawn from a short list."""
    given = ["Anna", "Bernd", "Clara", "Dieter", "Emine", "Jörg", "Lena", "Paul", "Sophie"]
    family = ["Bauer", "Krüger", "Meier", "Schmidt", "Schäfer", "Wagner", "Yilmaz", "Zimmer"]
    rows = []
    for i in range(count):
        g, f = given[i % len(given)], ("Müller" if i % 10 == 0 else family[i % len(family)])
        email = f"{g}.{f}.{i}@example.org".lower()
        rows.append(
            {
                "given_name": g,
                "family_name": f,
                "sort_key": person_sort_key(f, g),
                "search_text": person_search_text("", g, f, [email], ["Sportverein Nord"]),
                "archived": i % 50 == 0,
            }
        )
    with db.session() as session:
        session.execute(insert(Person), rows)
        session.commit()


# --- the plans --------------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(migrated_sqlite: Callable[..., Path]) -> Iterator[Database]:
    database = Database(str(migrated_sqlite()))
    yield database
    database.dispose()


@pytest.fixture
def pg_db(pg_url: str, templates: Any) -> Iterator[Database]:
    templates.fill(pg_url, "migrated")
    database = Database(pg_url)
    yield database
    database.dispose()


@pytest.mark.parametrize("analysed", [False, True], ids=["no-statistics", "analysed"])
def test_a_search_page_walks_the_search_index_in_list_order_on_sqlite(
    sqlite_db: Database, analysed: bool
) -> None:
    db, directory = sqlite_db, Directory(sqlite_db)
    _fill(db, 500)
    if analysed:  # as PRAGMA optimize leaves a database after a bulk import
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    for typed in ("m", "mül", "anna müller"):
        statements = _statements(
            db, lambda typed=typed: directory.list_people(PeopleFilter(typed), 0, 200)
        )
        plan = _plan(db, *statements[0])
        lines = [line for _parent, line in plan]
        assert "SEARCH person USING COVERING INDEX ix_person_search (archived=?)" in lines, plan
        assert not any(line.startswith("SCAN person") for line in lines), plan
        # The page itself needs no sort; only its at most 200 rows are put in order again.
        page = next(i for i, (_p, line) in enumerate(plan) if line.startswith("MATERIALIZE"))
        inside = [line for parent, line in plan[page + 1 :] if parent != 0]
        assert not any("TEMP B-TREE" in line for line in inside), plan


@pytest.mark.postgres
def test_postgresql_answers_rare_terms_from_the_trigram_index_and_common_ones_in_order(
    pg_db: Database,
) -> None:
    db, directory = pg_db, Directory(pg_db)
    _fill(db, 20_000)
    # As autovacuum leaves the table: statistics, and the trigram index's pending list merged.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE person"))

    def plan_of(typed: str) -> list[str]:
        statements = _statements(db, lambda: directory.list_people(PeopleFilter(typed), 0, 200))
        return [line.strip().removeprefix("->  ") for _parent, line in _plan(db, *statements[0])]

    rare = plan_of("zqxw")
    assert any(line.startswith("Bitmap Index Scan on ix_person_search_trgm") for line in rare), rare
    assert not any(line.startswith("Seq Scan on person") for line in rare), rare
    # A common term walks the search index in list order and stops after the page: the page's
    # LIMIT sits right on the index scan, with no sort between them.
    common = plan_of("a")
    limit = next(i for i, line in enumerate(common) if line.startswith("Limit"))
    assert common[limit + 1].startswith("Index Only Scan using ix_person_search on person"), common


# --- the rows: exactly a substring test in list order ---------------------------------------


def _reference(db: Database, search: str, archived: bool = False) -> list[int]:
    """The ids a search must give, worked out in Python from the stored texts."""
    terms = search_terms(search)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, sort_key, search_text FROM person WHERE archived = :a"),
            {"a": archived},
        ).all()
    found = [
        (sort_key, pid)
        for pid, sort_key, stored in rows
        if all(t in stored or plain_spelling(t) in stored for t in terms)
    ]
    return [pid for _key, pid in sorted(found)]


#: Short and long terms, common and rare, umlauts, two terms, e-mail parts, digits.
TERMS = (
    "",
    "m",
    "mü",
    "mül",
    "muller",
    "MUELLER",
    "anna",
    "anna müll",
    "zim",
    "ß",
    "zq",
    "@exa",
    ".7@",
    "1",
    "schäfer jörg",
    "archived",
)


def test_the_rows_of_a_search_are_those_of_a_substring_test_in_list_order(
    directory: Directory, db: Database
) -> None:
    _fill(db, 700)
    for typed in TERMS:
        expected = _reference(db, typed)
        found = [r.id for r in directory.list_people(PeopleFilter(typed))]
        assert found == expected, typed
        assert directory.count_people(PeopleFilter(typed)) == len(expected), typed
        # Page by page as the lists load them: the same rows, none twice, none left out.
        pages = [directory.list_people(PeopleFilter(typed), at, 64) for at in range(0, 768, 64)]
        assert [r.id for page in pages for r in page] == expected, typed
        archived = [r.id for r in directory.list_people(PeopleFilter(typed, archived=True))]
        assert archived == _reference(db, typed, archived=True), typed


# --- what a coordinator types -----------------------------------------------------------------


@pytest.fixture
def city(directory: Directory) -> Directory:
    def org(name: str, email: str = "") -> int:
        data = OrganisationInput(
            name=name, sector=Sector.ZIVILGESELLSCHAFT, kind=OrganisationKind.VEREIN, email=email
        )
        return directory.create_organisation(data).record.id

    foerder = org("Förderverein Süd-Ost e.V.", "kontakt@foerderverein-sued.de")
    prozent = org("100% Ehrenamt_Netz", "info@100prozent.de")
    for given, family, email, member_of in (
        ("Jürgen", "Müller-Lüdenscheidt", "j.mueller@beispiel-stadt.de", foerder),
        ("Anna-Lena", "Strauß", "anna_lena.strauss@example.org", None),
        ("Seán", "O'Neill", "sean.o'neill@example.org", prozent),
        ("Heinz", "Groß", "", None),
        ('Zoë "Zo"', "Quote", "", None),
    ):
        person = directory.create_person(
            PersonInput(given_name=given, family_name=family, emails=[email] if email else [])
        ).record
        if member_of is not None:
            directory.add_affiliation(person.id, member_of, "Vorsitz")
    return directory


def _names(directory: Directory, typed: str) -> list[str]:
    names = [r.name for r in directory.list_people(PeopleFilter(typed))]
    assert directory.count_people(PeopleFilter(typed)) == len(names)
    return names


#: What is typed, and whom it finds, in list order.
TYPED: tuple[tuple[str, list[str]], ...] = (
    # Umlauts and ß, written, spelled out or plain, in names and organisations.
    ("müller", ["Jürgen Müller-Lüdenscheidt"]),
    ("mueller-lue", ["Jürgen Müller-Lüdenscheidt"]),
    ("MULLER-LUDEN", ["Jürgen Müller-Lüdenscheidt"]),
    ("jurgen", ["Jürgen Müller-Lüdenscheidt"]),
    ("groß", ["Heinz Groß"]),
    ("gross", ["Heinz Groß"]),
    ("gros", ["Heinz Groß"]),
    ("strauss", ["Anna-Lena Strauß"]),
    ("sued-ost", ["Jürgen Müller-Lüdenscheidt"]),
    ("förderverein süd", ["Jürgen Müller-Lüdenscheidt"]),
    ("sean", ["Seán O'Neill"]),
    ("zoe", ['Zoë "Zo" Quote']),
    # Hyphens belong to the word: either half, the whole, and across the hyphen.
    ("anna-lena", ["Anna-Lena Strauß"]),
    ("-lena", ["Anna-Lena Strauß"]),
    ("na-le", ["Anna-Lena Strauß"]),
    ("lüdenscheidt", ["Jürgen Müller-Lüdenscheidt"]),
    # E-mail fragments: the part before @, the domain, a dot, the @ itself.
    ("j.mue", ["Jürgen Müller-Lüdenscheidt"]),
    ("@beispiel-stadt", ["Jürgen Müller-Lüdenscheidt"]),
    ("stadt.de", ["Jürgen Müller-Lüdenscheidt"]),
    # In list order (family names): Müller-Lüdenscheidt, O'Neill, Strauß.
    ("@", ["Jürgen Müller-Lüdenscheidt", "Seán O'Neill", "Anna-Lena Strauß"]),
    # % and _ are letters like any other, quotes too: no wildcard, no broken statement.
    ("100%", ["Seán O'Neill"]),
    ("%", ["Seán O'Neill"]),
    ("0%_", []),
    ("ehrenamt_netz", ["Seán O'Neill"]),
    ("a_l", ["Anna-Lena Strauß"]),
    ("_", ["Seán O'Neill", "Anna-Lena Strauß"]),
    ("a%l", []),
    ("o'neill", ["Seán O'Neill"]),
    ("'", ["Seán O'Neill"]),
    ('"', ['Zoë "Zo" Quote']),
    ('"zo"', ['Zoë "Zo" Quote']),
    ('o" q', ['Zoë "Zo" Quote']),
    ("\\", []),
    ("'; drop table person; --", []),
)


def test_what_a_coordinator_types_finds_the_people_meant(city: Directory) -> None:
    wrong: dict[str, list[str]] = {}
    for typed, expected in TYPED:
        for variant in (typed, typed.upper()):
            if (found := _names(city, variant)) != expected:
                wrong[variant] = found
    assert wrong == {}


def test_organisations_are_searched_the_same_way(city: Directory) -> None:
    def found(typed: str) -> list[str]:
        rows = city.list_organisations(OrganisationFilter(typed))
        assert city.count_organisations(OrganisationFilter(typed)) == len(rows)
        return [r.name for r in rows]

    assert found("sued-ost") == ["Förderverein Süd-Ost e.V."]
    assert found("foerderverein-sued.de") == ["Förderverein Süd-Ost e.V."]
    assert found("100%") == ["100% Ehrenamt_Netz"]
    assert found("t_n") == ["100% Ehrenamt_Netz"]
    assert found("t%n") == []
    assert found("e.v") == ["Förderverein Süd-Ost e.V."]
    assert found("'") == []


# --- upgrading a database that has people -----------------------------------------------------


def _upgrade_to(db: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    command.upgrade(cfg, revision)


def _downgrade_to(db: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    command.downgrade(cfg, revision)


def _indexes(db: Database, table: str) -> dict[str, list[str]]:
    """The indexes of ``table``: name → its columns."""
    with db.engine.connect() as conn:
        return {
            str(i["name"]): [str(c) for c in i["column_names"]]
            for i in inspect(conn).get_indexes(table)
        }


INSERT_PEOPLE = """
INSERT INTO person (id, salutation, title, given_name, family_name, postal_address, notes,
    preferred_channel, archived, sort_key, search_text, version, created_at, updated_at)
VALUES
 (1, 'Frau', 'Dr.', 'Änne', 'Müller', '', '', 'email', :false, 'mueller aenne',
  'dr. änne anne müller muller aenne.mueller@example.org aenne.muller@example.org', 1, :now, :now),
 (2, 'Herr', '', 'Jörg', 'Schäfer', '', '', 'telefon', :false, 'schaefer joerg',
  'jörg jorg schäfer schafer', 1, :now, :now),
 (3, 'Herr', '', 'Paul', 'Müller', '', '', 'email', :true, 'mueller paul',
  'paul müller muller', 1, :now, :now)
"""


def test_an_older_database_with_people_gets_the_search_index_and_finds_them(db_url: str) -> None:
    db = Database(db_url)
    try:
        _upgrade_to(db, "0013")
        now = "2025-03-01 09:30:00.000000" if db.is_sqlite else "2025-03-01 09:30:00+00"
        with db.engine.begin() as conn:
            conn.execute(text(INSERT_PEOPLE), {"false": False, "true": True, "now": now})
        assert _indexes(db, "person")["ix_person_search"][1] == "search_text"

        migrations.upgrade(db)

        person = _indexes(db, "person")
        assert person["ix_person_search"] == ["archived", "sort_key", "id", "search_text"]
        assert "ix_person_archived_sort" not in person
        trigram = set(person) | set(_indexes(db, "organisation"))
        assert (trigram & TRIGRAMS == TRIGRAMS) is (not db.is_sqlite)
        directory = Directory(db, Clock.on(date(2026, 11, 22)))
        assert [r.name for r in directory.list_people(PeopleFilter("muller"))] == [
            "Dr. Änne Müller"
        ]
        assert [r.name for r in directory.list_people(PeopleFilter("mül", archived=True))] == [
            "Paul Müller"
        ]
        assert [r.name for r in directory.list_people(PeopleFilter("jor"))] == ["Jörg Schäfer"]

        # And back: the earlier version finds its two indexes again, and every person.
        _downgrade_to(db, "0013")
        person = _indexes(db, "person")
        assert person["ix_person_search"] == ["archived", "search_text", "sort_key", "id"]
        assert person["ix_person_archived_sort"] == ["archived", "sort_key", "id"]
        assert not (set(person) | set(_indexes(db, "organisation"))) & TRIGRAMS
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM person")).scalar_one() == 3
    finally:
        db.dispose()


# --- PostgreSQL without the right to create an extension -------------------------------------


@pytest.fixture
def limited_pg_url(pg_url: str) -> Iterator[str]:
    """``pg_url`` for a login that may create tables but not extensions (a shared database
    whose administration keeps CREATE on the database for itself)."""
    url = make_url(pg_url)
    role = f"r_{uuid.uuid4().hex[:12]}"
    with _as_admin(url) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT ALL ON SCHEMA public TO {}").format(sql.Identifier(role)))
        conn.execute(
            sql.SQL("REVOKE CREATE ON DATABASE {} FROM PUBLIC").format(
                sql.Identifier(url.database or "")
            )
        )
    yield url.set(username=role).render_as_string(hide_password=False)
    with _as_admin(url) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _as_admin(url: Any) -> psycopg.Connection[Any]:
    conninfo = f"host={url.host} port={url.port} user=postgres dbname={url.database}"
    return psycopg.connect(conninfo, autocommit=True)


def _db_upgrade(url: str) -> str:
    """What `koordination db upgrade` writes, run as a coordinator runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "koordination", "--db", url, "db", "upgrade"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout + done.stderr


@pytest.mark.postgres
def test_without_pg_trgm_db_upgrade_says_so_in_german_and_makes_the_indexes_once_it_can(
    limited_pg_url: str,
) -> None:
    output = _db_upgrade(limited_pg_url)

    db = Database(limited_pg_url)
    try:
        assert migrations.current_revision(db) == migrations.head_revision(), output
        assert output.count("Die Erweiterung pg_trgm fehlt") == 1, output
        assert "Die Suche findet trotzdem alles" in output
        assert "Traceback" not in output
        indexes = set(_indexes(db, "person")) | set(_indexes(db, "organisation"))
        assert not indexes & TRIGRAMS
        directory = Directory(db, Clock.on(date(2026, 11, 22)))
        directory.create_person(PersonInput(given_name="Jürgen", family_name="Müller"))
        assert [r.name for r in directory.list_people(PeopleFilter("muell"))] == ["Jürgen Müller"]

        # The administration grants the right: the next run makes the indexes and says so,
        # the one after has nothing more to say about them.
        url = make_url(limited_pg_url)
        with _as_admin(url) as conn:
            conn.execute(
                sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(
                    sql.Identifier(url.database or ""), sql.Identifier(url.username or "")
                )
            )
        again = _db_upgrade(limited_pg_url)
        assert "Die Suche hat jetzt ihre Trigramm-Indizes" in again, again
        assert "pg_trgm fehlt" not in again
        indexes = set(_indexes(db, "person")) | set(_indexes(db, "organisation"))
        assert indexes >= TRIGRAMS
        assert "pg_trgm" not in _db_upgrade(limited_pg_url)
        assert [r.name for r in directory.list_people(PeopleFilter("muell"))] == ["Jürgen Müller"]
    finally:
        db.dispose()
