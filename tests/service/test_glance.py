"""The Übersicht's first figures, read with sqlite3 before the core is open, are the core's own
figures (``Directory.overview``) on the demo city and on the edge cases, and they are read only
from a SQLite file at the current schema, read-only, in a handful of indexed queries."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.core import first_glance
from koordination.db.engine import Database
from koordination.db.glance import PEOPLE_PER_SECTOR, Glance, connect
from koordination.domain.enums import Bundesland, OrganisationKind, Sector
from koordination.domain.inputs.directory import CityProfileInput, OrganisationInput, PersonInput
from koordination.services.directory.service import Directory

DAY = date(2026, 11, 22)
CLOCK = Clock.on(DAY)


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def assert_same_figures(url: str, clock: Clock = CLOCK) -> Glance:
    """The glance at ``url`` says what the core's overview says (and returns the glance)."""
    glance = first_glance(url, clock)
    assert glance is not None
    db = Database(url)
    try:
        overview = Directory(db, clock).overview()
    finally:
        db.dispose()
    assert glance.people_per_sector == overview.people_per_sector
    assert glance.organisations_per_sector == overview.organisations_per_sector
    assert glance.people_total == overview.people_total
    assert glance.organisations_total == overview.organisations_total
    if overview.city is None:
        assert glance.city is None
    else:
        assert glance.city is not None
        for name in ("name", "bundesland", "inhabitants", "network_since", "tandem_partner"):
            assert getattr(glance.city, name) == getattr(overview.city, name), name
        assert glance.city.focus == overview.city.focus
    return glance


def test_the_glance_at_the_demo_city_shows_the_cores_figures(
    demo_sqlite: Callable[..., Path],
) -> None:
    glance = assert_same_figures(url_of(demo_sqlite()), Clock.on(SYSTEM_CLOCK.today()))
    assert glance.city is not None and glance.people_total > 0


def test_the_glance_at_an_empty_database_shows_no_city_and_zeros(
    migrated_sqlite: Callable[..., Path],
) -> None:
    glance = assert_same_figures(url_of(migrated_sqlite()))
    assert glance.city is None
    assert glance.people_total == glance.organisations_total == 0


def _edge_city(d: Directory) -> None:
    """People whose sector takes a rule: none, two current, not yet, no more, archived, and
    at an organisation closed since."""
    d.save_city(
        None,
        CityProfileInput(
            name="Teststadt", bundesland=Bundesland.HE, inhabitants=1234, focus="Jugend"
        ),
    )

    def org(name: str, sector: Sector) -> int:
        data = OrganisationInput(name=name, sector=sector, kind=OrganisationKind.VEREIN)
        return d.create_organisation(data).record.id

    def person(family: str) -> int:
        return d.create_person(PersonInput(given_name="Eva", family_name=family)).record.id

    verein, amt, firma = (
        org("Verein", Sector.ZIVILGESELLSCHAFT),
        org("Amt", Sector.VERWALTUNG),
        org("Firma", Sector.WIRTSCHAFT),
    )
    person("Ohne")  # no organisation at all: counted without a sector
    two = person("Zwei")
    d.add_affiliation(two, amt)  # the first current organisation counts
    d.add_affiliation(two, verein)
    later = person("Später")
    d.add_affiliation(later, firma, valid_from=date(2027, 1, 1))  # not yet: no sector
    ended = person("Ehemals")
    d.add_affiliation(ended, firma, valid_to=date(2026, 1, 31))  # over: no sector
    d.add_affiliation(ended, verein, valid_from=date(2026, 2, 1))  # the current one counts
    gone = person("Archiviert")
    d.add_affiliation(gone, verein)
    d.set_person_archived(d.get_person(gone), True, "verzogen")
    closed = org("Geschlossen", Sector.POLITIK)
    d.add_affiliation(person("Bei Geschlossen"), closed)
    d.set_organisation_archived(d.get_organisation(closed), True)


#: The people per sector of :func:`_edge_city`.
EDGE_PEOPLE = {
    None: 2,
    Sector.VERWALTUNG: 1,
    Sector.ZIVILGESELLSCHAFT: 1,
    Sector.POLITIK: 1,
}


def test_archived_people_and_people_without_a_current_organisation_count_as_the_core_counts(
    migrated_sqlite: Callable[..., Path],
) -> None:
    url = url_of(migrated_sqlite())
    db = Database(url)
    try:
        _edge_city(Directory(db, CLOCK))
    finally:
        db.dispose()
    glance = assert_same_figures(url)
    assert glance.people_per_sector == EDGE_PEOPLE
    assert Sector.POLITIK not in glance.organisations_per_sector
    assert glance.city is not None and glance.city.name == "Teststadt"


def test_the_core_counts_the_people_per_sector_alike_on_both_backends(db: Database) -> None:
    d = Directory(db, CLOCK)
    _edge_city(d)
    overview = d.overview()
    assert overview.people_per_sector == EDGE_PEOPLE
    assert overview.people_total == 5


def test_only_a_sqlite_file_at_the_current_schema_is_read(
    migrated_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    path = migrated_sqlite()
    assert first_glance(url_of(path), CLOCK) is not None
    assert first_glance(url_of(tmp_path / "missing.sqlite3"), CLOCK) is None
    assert first_glance("postgresql+psycopg://anna@localhost/stadt", CLOCK) is None
    foreign = tmp_path / "foreign.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.close()
    assert first_glance(url_of(foreign), CLOCK) is None
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is no database" * 100)
    assert first_glance(url_of(broken), CLOCK) is None
    with sqlite3.connect(path) as conn:  # an older (or newer) schema: the core upgrades it
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert first_glance(url_of(path), CLOCK) is None


def test_the_glance_writes_nothing(migrated_sqlite: Callable[..., Path]) -> None:
    path = migrated_sqlite()
    before = path.read_bytes()
    with pytest.raises(sqlite3.OperationalError):
        connect(path).execute("CREATE TABLE x (y)")
    assert first_glance(url_of(path), CLOCK) is not None
    assert path.read_bytes() == before


def test_the_people_per_sector_find_each_persons_organisation_by_index(
    migrated_sqlite: Callable[..., Path],
) -> None:
    """One pass over the affiliations in the order of the index on ``person_id``, each
    person then found by id (a scan of all affiliations per person would grow with the
    square, a lookup per person cost three times the pass)."""
    conn = sqlite3.connect(migrated_sqlite())
    try:
        plan = [
            row[-1]
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN {PEOPLE_PER_SECTOR}", {"today": "2026-11-22"}
            )
        ]
    finally:
        conn.close()
    assert any(
        step.startswith("SCAN affiliation USING INDEX ix_affiliation_person_id") for step in plan
    ), plan
    assert any(step.startswith("SEARCH person USING INTEGER PRIMARY KEY") for step in plan), plan
    assert sum(step.startswith("SCAN") for step in plan) == 2, plan  # affiliations, first_current


def test_the_glance_imports_neither_sqlalchemy_nor_the_models(
    demo_sqlite: Callable[..., Path],
) -> None:
    script = textwrap.dedent(
        f"""
        import json, sys
        from koordination.core import first_glance
        glance = first_glance({url_of(demo_sqlite())!r})
        print(json.dumps([glance.people_total, sorted(sys.modules)]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    total, modules = json.loads(out.strip().splitlines()[-1])
    assert total > 0
    assert not [m for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic", "textual")]
    assert "koordination.domain.models" not in modules
    assert "koordination.db.engine" not in modules
