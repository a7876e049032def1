"""The imports as use cases (``core.imports``): people and organisations from a CSV file, on
the core's database and clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import Organisation
from koordination.services.directory.imports.bulk import (
    enum_checks_skipped,
    gc_paused,
    write_failed,
)
from koordination.services.directory.imports.consents import (
    ConsentEntries,
    import_consents,
)
from koordination.services.directory.imports.organisations import (
    insert_organisations,
    orgs_by_key,
    read_organisations,
)
from koordination.services.directory.imports.people import PeopleReader, insert_new_orgs
from koordination.services.directory.imports.people_writer import (
    OrgIds,
    count_new_memberships,
    insert_people,
    update_people,
)
from koordination.services.directory.imports.report import Existing, ImportReport, Progress
from koordination.services.directory.search import organisation_search_text


class Imports:
    """Table imports into the directory: all rows or none, each one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def people(
        self,
        path: Path | str,
        *,
        existing: Existing = "error",
        dry_run: bool = False,
        progress: Progress | None = None,
        sheet: str | None = None,
        consents: Mapping[ConsentPurpose, str] | None = None,
        source: str | None = None,
    ) -> ImportReport:
        """Import people from a table (CSV, .xlsx or .ods; ``sheet`` or the first visible one):
        all rows or none.

        Every row is checked first; any problem raises :class:`ImportFailed` listing line, column
        and reason, and nothing is written. ``existing`` says what to do with a row whose e-mail is
        already in the database: ``"error"`` (a problem), ``"update"`` (fill in that person) or
        ``"skip"``. ``progress(done, total)`` counts every row once when checked and once when
        written.

        ``consents`` names the catalogue version (purpose → version) the list had people
        agree to: without it a column "Einwilligung" that says yes refuses the file. New
        people get ``source`` (default: the file's name) as the Art. 14 source of their data.
        """
        path = Path(path)
        day = self.clock.today()
        try:
            with gc_paused(), self.db.bulk_session() as session:
                if not dry_run:
                    self.db.serialise_bulk_write(session)
                imported = import_consents(session, consents or {}, path.name, source, day)
                reader = PeopleReader(session, path, existing, day, progress, sheet, imported)
                reader.read()
                if reader.problems:
                    raise reader.problems.fail()
                plans = [p for p in reader.plans if not p.skip]
                creates = [p for p in plans if p.existing_id is None]
                updates = [p for p in plans if p.existing_id is not None]
                wanted = {p.org_key for p in plans if p.org_key}
                new_orgs = {key: org for key, org in reader.new_orgs.items() if key in wanted}
                total = reader.total
                done = total
                report = ImportReport(
                    created=len(creates),
                    updated=len(updates),
                    skipped=len(reader.plans) - len(plans),
                    organisations_created=len(new_orgs),
                    memberships_created=0,
                    warnings=reader.warnings.result(),
                    dry_run=dry_run,
                )
                if dry_run:
                    memberships = sum(len(p.groups) for p in creates)
                    memberships += count_new_memberships(session, updates, day)
                    session.rollback()
                    if progress is not None:
                        progress(2 * total, 2 * total)
                    return replace(report, memberships_created=memberships)

                def tick(n: int) -> None:
                    nonlocal done
                    done += n
                    if progress is not None:
                        progress(min(done, 2 * total), 2 * total)

                del reader  # the plans are all we need from here on
                now = self.clock.now()
                conn = session.connection()
                org_ids: OrgIds = {
                    key: (oid, name) for key, (oid, name, _s) in orgs_by_key(session).items()
                }
                with enum_checks_skipped(conn):
                    org_ids.update(insert_new_orgs(conn, new_orgs, now))
                    entries = ConsentEntries(session, conn, imported)
                    memberships = insert_people(
                        conn, creates, org_ids, now, tick, imported, entries
                    )
                memberships += update_people(session, updates, org_ids, day, now, tick, imported)
                # The rows go in as bulk inserts without entries of their own: one for the file.
                new, changed = len(creates), len(updates)
                facts = {"Datei": path.name, "Zeilen": total, "neu": new, "aktualisiert": changed}
                audit.log(session, "import", "person", None, changes=facts)
                tick(len(plans) - len(creates) - len(updates))
                if progress is not None:
                    progress(2 * total, 2 * total)
                result = replace(report, memberships_created=memberships)
        except (IntegrityError, DBAPIError) as exc:
            raise write_failed(exc) from exc
        self.db.after_bulk_write()
        return result

    def organisations(
        self,
        path: Path | str,
        *,
        existing: Existing = "error",
        dry_run: bool = False,
        progress: Progress | None = None,
        sheet: str | None = None,
    ) -> ImportReport:
        """Import organisations from a table (CSV, .xlsx, .ods; Name, Kurzname, Sektor, Art,
        …): all rows or none.

        An organisation exists already when its name matches (case and spelling tolerant).
        """
        path = Path(path)
        try:
            with gc_paused(), self.db.session() as session:
                if not dry_run:
                    self.db.serialise_bulk_write(session)
                plans, warnings, total = read_organisations(
                    session, path, existing, progress, sheet
                )
                creates = [p for p in plans if p.existing_id is None]
                updates = [p for p in plans if p.existing_id is not None and not p.skip]
                report = ImportReport(
                    created=len(creates),
                    updated=len(updates),
                    skipped=sum(1 for p in plans if p.skip),
                    organisations_created=len(creates),
                    warnings=warnings.result(),
                    dry_run=dry_run,
                )
                if dry_run:
                    session.rollback()
                    if progress is not None:
                        progress(2 * total, 2 * total)
                    return report
                now = self.clock.now()
                conn = session.connection()

                def chunk_written(start: int) -> None:
                    if progress is not None:
                        progress(total + start, 2 * total)

                with enum_checks_skipped(conn):
                    insert_organisations(conn, [p.data for p in creates], now, chunk_written)
                for plan in updates:
                    org = session.get(Organisation, plan.existing_id)
                    assert org is not None
                    for attr in plan.given:
                        setattr(org, attr, getattr(plan.data, attr))
                    org.search_text = organisation_search_text(org.name, org.short_name, org.email)
                    org.updated_at = now
                session.flush()
                # The rows go in as bulk inserts without entries of their own: one for the file.
                new, changed = len(creates), len(updates)
                facts = {"Datei": path.name, "Zeilen": total, "neu": new, "aktualisiert": changed}
                audit.log(session, "import", "organisation", None, changes=facts)
                if progress is not None:
                    progress(2 * total, 2 * total)
                return report
        except (IntegrityError, DBAPIError) as exc:
            raise write_failed(exc) from exc
