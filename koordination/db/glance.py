"""The Übersicht's first figures read with the standard library's sqlite3, before SQLAlchemy.

The interface paints the city and the people and organisations per sector from here while the
core (SQLAlchemy, the models, the services) loads behind them; the core's own
``Directory.overview`` then paints the same figures again with the other cards. Only a SQLite
file at :data:`~koordination.db.schema_head.HEAD_REVISION` is read, read-only, in three short
queries; anything else (PostgreSQL, a missing, older, newer, foreign or damaged file) answers
``None`` and the interface waits for the core, which explains what is wrong. A test compares
these figures with ``Directory.overview`` so the two cannot drift apart.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from koordination.db.schema_head import HEAD_REVISION
from koordination.domain.enums import Bundesland, Sector

PREFIX = "sqlite:///"

#: A person counts for the sector of their first organisation current on the day (as in
#: ``Directory.overview``); archived people do not count. One pass over the affiliations in
#: ``person_id`` order finds each person's first current one (a lookup per person cost three
#: times as long on a city of 100,000); the people without one are the rest of
#: :data:`PEOPLE` and count under None.
PEOPLE_PER_SECTOR = """
WITH first_current AS (
    SELECT person_id, min(id) AS affiliation_id FROM affiliation
    WHERE (valid_from IS NULL OR valid_from <= :today)
      AND (valid_to IS NULL OR valid_to >= :today)
    GROUP BY person_id
)
SELECT organisation.sector, count(*)
FROM first_current
JOIN person ON person.id = first_current.person_id AND person.archived = 0
JOIN affiliation ON affiliation.id = first_current.affiliation_id
JOIN organisation ON organisation.id = affiliation.organisation_id
GROUP BY organisation.sector
"""
PEOPLE = "SELECT count(*) FROM person WHERE archived = 0"
ORGANISATIONS_PER_SECTOR = """
SELECT sector, count(id) FROM organisation WHERE archived = 0 GROUP BY sector
"""
CITY = """
SELECT name, bundesland, inhabitants, network_since, tandem_partner, focus
FROM city_profile ORDER BY id LIMIT 1
"""


@dataclass(frozen=True)
class CityGlance:
    """What the Übersicht's city card shows (a part of ``CityProfileRecord``)."""

    name: str
    bundesland: Bundesland | None
    inhabitants: int | None
    network_since: int | None
    tandem_partner: str
    focus: str


@dataclass(frozen=True)
class Glance:
    """The city and the sector table of the Übersicht (the figures of ``Overview``)."""

    city: CityGlance | None
    people_per_sector: dict[Sector | None, int]
    organisations_per_sector: dict[Sector, int]

    @property
    def people_total(self) -> int:
        return sum(self.people_per_sector.values())

    @property
    def organisations_total(self) -> int:
        return sum(self.organisations_per_sector.values())


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///`` URL (as ``resolve_url`` makes them), else None."""
    if not url.startswith(PREFIX) or "?" in url:
        return None
    path = url.removeprefix(PREFIX)
    if not path or path == ":memory:":
        return None
    return Path(path)


def connect(path: Path) -> sqlite3.Connection:
    """``path`` opened read-only: nothing, not even the journal mode, is written."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def first_glance(url: str, today: date) -> Glance | None:
    """The figures of the Übersicht on ``today``, if ``url`` is a SQLite file at the schema
    this version works with; else (or on any doubt) None."""
    path = sqlite_file(url)
    try:
        if path is None or not path.is_file():
            return None
        conn = connect(path)
    except (OSError, sqlite3.Error):
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if revision != [(HEAD_REVISION,)]:
            return None
        row = conn.execute(CITY).fetchone()
        day = {"today": today.isoformat()}
        people: dict[Sector | None, int] = {
            Sector(sector): count for sector, count in conn.execute(PEOPLE_PER_SECTOR, day)
        }
        (everybody,) = conn.execute(PEOPLE).fetchone()
        if without := everybody - sum(people.values()):
            people[None] = without
        organisations = {
            Sector(sector): count for sector, count in conn.execute(ORGANISATIONS_PER_SECTOR)
        }
    except (sqlite3.Error, ValueError):
        return None  # the core says what is wrong with the file
    finally:
        conn.close()
    city = None
    if row is not None:
        name, land, inhabitants, since, tandem, focus = row
        city = CityGlance(
            name, Bundesland(land) if land else None, inhabitants, since, tandem or "", focus or ""
        )
    return Glance(city, people, organisations)
