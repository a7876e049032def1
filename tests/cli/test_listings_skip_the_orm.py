"""The listings read through Core: ``people list`` and ``meetings list`` never configure the
ORM's mappers (that alone costs more than the whole list of a city), and the people list's rows
are the ones the ORM's records give (the dates: tests/service/test_meeting_listing.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from koordination.clock import SYSTEM_CLOCK
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.models import Person
from koordination.domain.records.directory import PersonRecord, PersonRow
from koordination.services.directory.listing import list_people
from koordination.services.directory.search import PeopleFilter, text_matches
from koordination.services.directory.service import Directory

SCRIPT = """
import contextlib, io, json, sys
from koordination.cli.main import main
from koordination.domain.models import Base
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({
    "code": code,
    "out": out.getvalue(),
    "unconfigured": Base.registry._new_mappers,
    "modules": sorted(sys.modules),
}))
"""


def run_unconfigured(*argv: str) -> tuple[str, bool, set[str]]:
    """The output of ``koordination ARGV`` in a fresh process, whether its mappers were still
    unconfigured when it ended, and the modules it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0, done.stderr
    return seen["out"], seen["unconfigured"], set(seen["modules"])


def _url(db: Database) -> str:
    return str(db.path) if db.path else db.url.render_as_string(hide_password=False)


def _row(r: PersonRecord) -> PersonRow:
    """The list row of a person's full record, loaded through the ORM."""
    today = SYSTEM_CLOCK.today()
    current = [a for a in r.affiliations if a.current(today)]
    return PersonRow(
        id=r.id,
        name=r.display_name,
        emails=r.emails,
        organisation=current[0].organisation_name if current else "",
        sector=current[0].sector if current else None,
        groups=tuple(sorted(m.group_name for m in r.memberships if m.current(today))),
        archived=r.archived,
        restricted=r.restricted_at is not None,
    )


def orm_rows(db: Database, f: PeopleFilter) -> list[PersonRow]:
    """What the list of ``f`` shows, worked out from every person's full record."""
    directory = Directory(db)
    today = SYSTEM_CLOCK.today()
    with db.session() as session:
        people = session.execute(
            select(Person.id, Person.search_text).order_by(Person.sort_key, Person.id)
        ).all()
    rows = []
    for pid, search_text in people:
        record = directory.get_person(pid)
        if record.archived != f.archived or not text_matches(search_text, f.search):
            continue
        current = [a for a in record.affiliations if a.current(today)]
        if f.sector is not None and all(a.sector != f.sector for a in current):
            continue
        if f.tag and f.tag not in record.tags:
            continue
        groups = [m.group_id for m in record.memberships if m.current(today)]
        if f.group_id is not None and f.group_id not in groups:
            continue
        rows.append(_row(record))
    return rows


def _json(rows: list[PersonRow]) -> list[dict[str, Any]]:
    from koordination.outputs.builders.directory import person_row_json

    return [person_row_json(r) for r in rows]


def test_people_list_configures_no_mapper_and_shows_what_the_records_hold(
    demo_city: Database,
) -> None:
    out, unconfigured, _ = run_unconfigured("--db", _url(demo_city), "people", "list", "--json")
    assert unconfigured, "people list configured the ORM's mappers"
    shown = json.loads(out)
    assert len(shown) > 100
    assert shown == _json(orm_rows(demo_city, PeopleFilter()))


def test_meetings_list_configures_no_mapper_and_loads_no_meetings_service(
    demo_city: Database,
) -> None:
    out, unconfigured, modules = run_unconfigured(
        *("--db", _url(demo_city), "meetings", "list"),
        *("--from", "01.01.2020", "--to", "31.12.2030", "--json"),
    )
    assert unconfigured, "meetings list configured the ORM's mappers"
    assert len(json.loads(out)) > 10
    # the dates only: not the service with its invitations, replies and their records
    for absent in (
        "koordination.services.meetings.service",
        "koordination.services.meetings.invitations",
        "koordination.services.meetings.records",
        "koordination.domain.records.meetings",
        "koordination.domain.inputs.meetings",
    ):
        assert absent not in modules, absent


FILTERS = {
    "alle": PeopleFilter(),
    "archiviert": PeopleFilter(archived=True),
    "Suche": PeopleFilter(search="wei"),
    "Sektor": PeopleFilter(sector=Sector.VERWALTUNG),
    "Schlagwort": PeopleFilter(tag="Presse"),
    "Gruppe": PeopleFilter(group_id=1),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_list_rows_equal_the_rows_of_the_full_records(demo_city: Database, name: str) -> None:
    with demo_city.engine.begin() as conn:
        # two people restricted (Art. 18 DSGVO), one of them archived
        first = conn.scalars(select(Person.id).order_by(Person.id).limit(1)).one()
        conn.execute(update(Person).where(Person.id.in_([first, first + 7])).values(archived=True))
        conn.execute(
            update(Person)
            .where(Person.id.in_([first, first + 3]))
            .values(restricted_at=SYSTEM_CLOCK.now())
        )
    f = FILTERS[name]
    expected = orm_rows(demo_city, f)
    assert expected, "the filter selects nobody in the demo city"
    assert list_people(demo_city, SYSTEM_CLOCK.today(), f) == expected
    # a page in the middle is the same part of the list
    assert list_people(demo_city, SYSTEM_CLOCK.today(), f, 2, 3) == expected[2:5]


COLLECTIONS = """
import gc, json, sys
starts = []
gc.callbacks.append(lambda phase, info: phase == "start" and starts.append(gc.get_count()[0]))
from koordination.cli.main import main
code = main()
print(json.dumps({"code": code, "largest": max(starts, default=0)}))
"""


def test_the_program_freezes_its_objects_before_the_collector_is_back(
    demo_sqlite: Callable[..., Path],
) -> None:
    """A command runs without the collector; when the program ends, its objects are frozen
    before the collector is on again, so no collection walks the ~100,000 objects a run made
    (with the collector back first, one did: ~35 ms of every command)."""
    done = subprocess.run(
        [sys.executable, "-c", COLLECTIONS, "--db", str(demo_sqlite()), "people", "list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0, done.stderr
    # the collector's own threshold (700 new objects), not a whole run's objects
    assert seen["largest"] < 5_000
