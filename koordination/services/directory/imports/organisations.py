"""Importing organisations, and writing new ones (also those a people import brings along)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from koordination.domain.enums import OrganisationKind, Sector, fold
from koordination.domain.inputs.directory import OrganisationInput
from koordination.domain.models import Organisation
from koordination.domain.phones import normal_phone
from koordination.errors import ImportFailed
from koordination.services.directory.imports.bulk import (
    CHUNK,
    Bulk,
    new_ids,
    table_of,
)
from koordination.services.directory.imports.cells import (
    clean_cell,
    compose_address,
    labels,
    parse_kind,
    parse_sector,
)
from koordination.services.directory.imports.headers import (
    ORG_ALIASES,
    find_header,
    map_headers,
    no_header,
)
from koordination.services.directory.imports.report import (
    PROGRESS_EVERY,
    Existing,
    Problems,
    Progress,
    Warnings,
)
from koordination.services.directory.search import organisation_search_text
from koordination.services.tables.reader import records, sniff


def orgs_by_key(session: Session) -> dict[str, tuple[int, str, Sector]]:
    """Stored organisations by folded name: (id, name, sector); the oldest wins a tie."""
    orgs: dict[str, tuple[int, str, Sector]] = {}
    stmt = select(Organisation.id, Organisation.name_key, Organisation.name, Organisation.sector)
    for oid, key, name, sector in session.execute(stmt.order_by(Organisation.id)):
        orgs.setdefault(key, (oid, name, sector))
    return orgs


_ORG_COLUMNS = (
    "id",
    "name",
    "name_key",
    "short_name",
    "sector",
    "kind",
    "address",
    "phone",
    "email",
    "website",
    "notes",
    "archived",
    "search_text",
    "version",
    "created_at",
    "updated_at",
)


def insert_organisations(
    conn: Connection,
    orgs: Sequence[OrganisationInput],
    now: datetime,
    chunk_written: Callable[[int], None] | None = None,
) -> Sequence[int]:
    """Insert checked new organisations in chunks; returns their ids in the same order.

    ``chunk_written(start)`` is called after each chunk with the index it began at.
    """
    bulk = Bulk(conn, table_of(Organisation), _ORG_COLUMNS)
    ids = new_ids(conn, table_of(Organisation), len(orgs))
    v = bulk.value
    stamp = v("created_at", now)
    false = v("archived", False)
    rows = []
    for oid, d in zip(ids, orgs, strict=True):
        name = d.name.strip()
        rows.append(
            (
                oid,
                name,
                fold(name),
                d.short_name,
                v("sector", d.sector),
                v("kind", d.kind),
                d.address,
                normal_phone(d.phone),
                d.email,
                d.website,
                d.notes,
                false,
                organisation_search_text(name, d.short_name, d.email),
                1,
                stamp,
                stamp,
            )
        )
    for start in range(0, len(rows), CHUNK):
        bulk.run(rows[start : start + CHUNK])
        if chunk_written is not None:
            chunk_written(start)
    return ids


# ---------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _OrgPlan:
    line: int
    data: OrganisationInput
    existing_id: int | None = None
    skip: bool = False
    #: Which fields the row filled (updates change only those).
    given: frozenset[str] = frozenset()


#: OrganisationInput.problems() names fields by their German label; these are our columns.
_ORG_FIELD_LABELS = {
    "Name": "name",
    "Sektor": "sector",
    "E-Mail": "email",
    "Telefon": "phone",
    "Webseite": "website",
}
_OPTIONAL_FIELDS = ("short_name", "sector", "address", "phone", "email", "website", "notes")


def read_organisations(
    session: Session,
    path: Path,
    existing: Existing,
    progress: Progress | None,
    sheet: str | None = None,
) -> tuple[list[_OrgPlan], Warnings, int]:
    problems = Problems()
    fmt = sniff(path, sheet)
    rows = records(path, fmt)
    header, notes = find_header(rows, ORG_ALIASES, path)
    warnings = Warnings(notes)
    cols = map_headers(header.cells, ORG_ALIASES)
    if "name" not in cols.at:
        if len(cols.at) < 2:
            raise no_header(path, "Name;Sektor;Art;E-Mail")
        raise ImportFailed(
            f"Die Datei {path.name} hat keine Spalte „Name“ (auch „Organisation“). "
            "Ohne Namen kann keine Organisation angelegt werden."
        )
    for w in cols.warnings:
        warnings.add(w)
    known = orgs_by_key(session)
    seen: dict[str, int] = {}
    plans: list[_OrgPlan] = []
    estimate = max(fmt.lines - header.line, 1)
    count = 0

    def cell(cells: list[str], name: str) -> str:
        found = cols.first(name)
        return cells[found[0]] if found and found[0] < len(cells) else ""

    for line, raw in rows:
        cells = [clean_cell(c) for c in raw]
        if not any(cells):
            continue
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, 2 * max(estimate, count))
        before = len(problems.items)
        name = cell(cells, "name")
        sector_raw = cell(cells, "sector")
        sector = parse_sector(sector_raw) if sector_raw else None
        if sector_raw and sector is None:
            problems.add(
                line,
                cols.label("sector", "Sektor"),
                f"„{sector_raw}“ ist kein Sektor (möglich: {labels(Sector)}).",
            )
        kind_raw = cell(cells, "kind")
        kind = parse_kind(kind_raw) if kind_raw else OrganisationKind.SONSTIGE
        if kind is None:
            problems.add(
                line,
                cols.label("kind", "Art"),
                f"„{kind_raw}“ ist keine Art von Organisation (möglich: "
                f"{labels(OrganisationKind)}).",
            )
            kind = OrganisationKind.SONSTIGE
        address = cell(cells, "address")
        if not address and ("street" in cols.at or "city" in cols.at):
            address = compose_address(
                cell(cells, "street"), cell(cells, "postcode"), cell(cells, "city")
            )
        data = OrganisationInput(
            name=name,
            sector=sector,
            kind=kind,
            short_name=cell(cells, "short_name"),
            address=address,
            phone=cell(cells, "phone"),
            email=cell(cells, "email"),
            website=cell(cells, "website"),
            notes=cell(cells, "notes"),
        )
        key = fold(name)
        match = known.get(key) if key else None
        for err in data.problems():
            target = _ORG_FIELD_LABELS.get(err.field, "")
            if target == "sector" and (sector_raw or match is not None):
                continue  # a bad sector is reported above; an existing one keeps its own
            column = cols.label(target, err.field) if target else err.field
            message = err.message
            if target == "sector":
                message = f"Für eine neue Organisation bitte den Sektor angeben ({labels(Sector)})."
            elif target == "name":
                message = "Der Name darf nicht leer sein."
            problems.add(line, column, message)
        if key and key in seen:
            problems.add(
                line, cols.label("name", "Name"), f"„{name}“ steht schon in Zeile {seen[key]}."
            )
        elif key:
            seen[key] = line
        if len(problems.items) != before:
            continue
        given = frozenset(f for f in _OPTIONAL_FIELDS if getattr(data, f))
        if kind_raw:
            given |= {"kind"}
        plan = _OrgPlan(line, data, given=given)
        if match is not None:
            if existing == "error":
                problems.add(
                    line,
                    cols.label("name", "Name"),
                    f"Die Organisation „{match[1]}“ gibt es schon (Nr. {match[0]}). Beim Import "
                    "„aktualisieren“ oder „überspringen“ wählen, oder die Zeile entfernen.",
                )
                continue
            plan.existing_id = match[0]
            plan.skip = existing == "skip"
        plans.append(plan)
    if problems:
        raise problems.fail()
    return plans, warnings, count
