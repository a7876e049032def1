"""Checks on a whole file of people once every row is read: e-mails and people already
stored (a problem, an update or a skipped row) and post without an address."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from koordination.domain.enums import Channel
from koordination.domain.models import Person, PersonEmail
from koordination.domain.records.directory import display_name
from koordination.services.directory.imports.cells import sort_key
from koordination.services.directory.imports.headers import Columns
from koordination.services.directory.imports.people_writer import PersonPlan
from koordination.services.directory.imports.report import Existing, Problems, Warnings


def check_existing(
    session: Session,
    plans: list[PersonPlan],
    *,
    email_lines: dict[str, int],
    existing: Existing,
    cols: Columns,
    problems: Problems,
) -> None:
    """E-mails already in the database: a problem, an update or a skipped row."""
    if not email_lines:
        return
    by_line = {p.line: p for p in plans}
    owners: dict[int, list[tuple[str, int, str]]] = {}
    stmt = select(PersonEmail.address_key, PersonEmail.person_id)
    stored = session.scalar(select(func.count()).select_from(PersonEmail)) or 0
    if stored <= 4 * len(email_lines):
        # Cheaper to read every stored key once than to ask for the file's keys in chunks.
        batches: Iterable[Any] = [session.execute(stmt)]
    else:
        keys = list(email_lines)
        batches = (
            session.execute(stmt.where(PersonEmail.address_key.in_(keys[i : i + 500])))
            for i in range(0, len(keys), 500)
        )
    matches: list[tuple[str, int]] = []
    for batch in batches:
        matches.extend((key, pid) for key, pid in batch if key in email_lines)
    names = _names(session, {pid for _key, pid in matches})
    for key, pid in matches:
        owners.setdefault(email_lines[key], []).append((key, pid, names.get(pid, "")))
    col = cols.label("email", "E-Mail")
    updated_by: dict[int, int] = {}
    for line in sorted(owners):
        found = owners[line]
        key, pid, name = found[0]
        if existing == "error":
            problems.add(
                line,
                col,
                f"Die E-Mail {key} gehört schon zu {name} (Nr. {pid}). Beim Import "
                "„aktualisieren“ oder „überspringen“ wählen, oder die Zeile entfernen.",
            )
        elif len({p for _k, p, _n in found}) > 1:
            others = ", ".join(f"{n} (Nr. {p})" for _k, p, n in found)
            problems.add(
                line, col, f"Die E-Mails dieser Zeile gehören verschiedenen Personen: {others}."
            )
        elif (plan := by_line.get(line)) is None:
            continue  # the row has problems of its own
        elif existing == "skip":
            plan.skip = True
        elif pid in updated_by:
            problems.add(
                line,
                col,
                f"{name} (Nr. {pid}) wird schon in Zeile {updated_by[pid]} aktualisiert.",
            )
        else:
            updated_by[pid] = line
            plan.existing_id = pid


def check_known_people(
    session: Session,
    plans: list[PersonPlan],
    *,
    numbers: dict[int, int],
    existing: Existing,
    cols: Columns,
    problems: Problems,
    warnings: Warnings,
) -> None:
    """Rows without a matching e-mail that are still known: by the "Nr." of an export
    (when the name agrees), or — without any e-mail — by the same name. Such rows are never
    added a second time silently: a problem, an update or a skipped row, as for e-mails."""
    open_plans = [
        p
        for p in plans
        if (not p.emails or p.line in numbers) and p.existing_id is None and not p.skip
    ]
    if not open_plans:
        return
    by_id: dict[int, tuple[str, str]] = {}
    ids = sorted({numbers[p.line] for p in open_plans if p.line in numbers})
    for i in range(0, len(ids), 500):
        stmt = select(Person.id, Person.sort_key, Person.given_name, Person.family_name)
        for pid, key, given, family in session.execute(stmt.where(Person.id.in_(ids[i : i + 500]))):
            by_id[pid] = (key, display_name("", given, family))
    nameless = {sort_key(p.family_name, p.given_name) for p in open_plans if not p.emails}
    by_name: dict[str, list[tuple[int, str]]] = {}
    names = sorted(nameless)
    for i in range(0, len(names), 500):
        stmt = select(Person.id, Person.sort_key, Person.given_name, Person.family_name)
        for pid, key, given, family in session.execute(
            stmt.where(Person.sort_key.in_(names[i : i + 500]))
        ):
            by_name.setdefault(key, []).append((pid, display_name("", given, family)))
    claimed = {p.existing_id for p in plans if p.existing_id is not None}
    number_col = cols.label("number", "Nr.")
    for plan in open_plans:
        key = sort_key(plan.family_name, plan.given_name)
        match: tuple[int, str] | None = None
        number = numbers.get(plan.line)
        if number is not None and number in by_id:
            stored_key, stored_name = by_id[number]
            if stored_key == key:
                match = (number, stored_name)
            else:
                warnings.add(
                    f"Zeile {plan.line}: Nr. {number} ist {stored_name}, nicht "
                    f"{display_name('', plan.given_name, plan.family_name)}; die Nummer "
                    "wird nicht verwendet."
                )
        if match is None and not plan.emails and len(by_name.get(key, [])) == 1:
            match = by_name[key][0]
        if match is None:
            continue
        pid, name = match
        if existing == "error":
            problems.add(
                plan.line,
                number_col if number is not None else cols.label("family_name", "Name"),
                f"{name} (Nr. {pid}) gibt es schon. Beim Import „aktualisieren“ oder "
                "„überspringen“ wählen, oder die Zeile entfernen.",
            )
        elif existing == "skip":
            plan.skip = True
        elif pid in claimed:
            problems.add(
                plan.line,
                number_col,
                f"{name} (Nr. {pid}) wird schon in einer anderen Zeile aktualisiert.",
            )
        else:
            claimed.add(pid)
            plan.existing_id = pid


def check_post(plans: list[PersonPlan], *, cols: Columns, problems: Problems) -> None:
    """A new person invited by post needs an address (an update may have one stored)."""
    for plan in plans:
        if (
            plan.channel == Channel.POST
            and not plan.postal_address
            and plan.existing_id is None
            and not plan.skip
        ):
            problems.add(
                plan.line,
                cols.label("channel", "Einladungsweg"),
                "Post gewählt, aber keine Postanschrift angegeben.",
            )


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    id_list = sorted(ids)
    for i in range(0, len(id_list), 500):
        stmt = select(Person.id, Person.given_name, Person.family_name).where(
            Person.id.in_(id_list[i : i + 500])
        )
        for pid, given, family in session.execute(stmt):
            found[pid] = display_name("", given, family)
    return found
