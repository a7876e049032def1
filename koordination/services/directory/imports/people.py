"""Importing people: every row is read and checked first, then all are written or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from koordination.domain.enums import Channel, ConsentPurpose, GroupRole, Sector, fold
from koordination.domain.inputs.directory import OrganisationInput
from koordination.domain.inputs.validation import (
    email_problem,
    format_date,
    phone_problem,
    split_multi,
)
from koordination.domain.models import Group
from koordination.domain.phones import phone_forms
from koordination.errors import ImportFailed
from koordination.services.directory.imports.cells import (
    YES,
    ConsentPairs,
    cached_date,
    cached_fold,
    city_day,
    clean_cell,
    compose_address,
    consent_cells,
    consent_days,
    consents,
    labels,
    parse_channel,
    parse_role,
    parse_sector,
    with_instants,
)
from koordination.services.directory.imports.consents import ImportConsents
from koordination.services.directory.imports.headers import (
    PERSON_ALIASES,
    find_header,
    map_headers,
    no_header,
)
from koordination.services.directory.imports.organisations import insert_organisations, orgs_by_key
from koordination.services.directory.imports.people_checks import (
    check_existing,
    check_known_people,
    check_post,
)
from koordination.services.directory.imports.people_writer import (
    OrgIds,
    PersonPlan,
)
from koordination.services.directory.imports.report import (
    PROGRESS_EVERY,
    Existing,
    Problems,
    Progress,
    Warnings,
)
from koordination.services.directory.search import email_key
from koordination.services.tables.reader import records, sniff


@dataclass
class _NewOrg:
    """An organisation the file names that is not stored yet: made along with its people."""

    name: str
    sector: Sector | None
    line: int


def _groups_by_key(session: Session) -> dict[str, tuple[int, str]]:
    groups: dict[str, tuple[int, str]] = {}
    for gid, name in session.execute(select(Group.id, Group.name).order_by(Group.id)):
        groups.setdefault(fold(name), (gid, name))
    return groups


#: The single-valued columns the hot loop reads, in the order _PeopleReader._row unpacks them.
_ROW_FIELDS = (
    "family_name",
    "given_name",
    "salutation",
    "title",
    "address",
    "channel",
    "organisation",
    "sector",
    "function",
    "groups",
    "consent",
    "consent_date",
    "tags",
    "notes",
)


class PeopleReader:
    """Phase one: read and check every row, remember what to write, write nothing."""

    def __init__(
        self,
        session: Session,
        path: Path,
        existing: Existing,
        today: date,
        progress: Progress | None,
        sheet: str | None = None,
        imported: ImportConsents | None = None,
    ) -> None:
        self.session = session
        #: The catalogue wordings named for this import (a new consent without one
        #: refuses the whole file).
        self.imported = imported or ImportConsents({}, path.name, path.name)
        self.path = path
        self.sheet = sheet
        self.existing = existing
        self.today = today
        self.progress = progress
        self.problems = Problems()
        self.warnings = Warnings()
        self.plans: list[PersonPlan] = []
        self.groups = _groups_by_key(session)
        self.orgs = orgs_by_key(session)
        self.new_orgs: dict[str, _NewOrg] = {}
        self.email_lines: dict[str, int] = {}
        #: The person number a row carries (the "Nr." column of koordination's own export).
        self.numbers: dict[int, int] = {}
        self.org_sector_warned: set[str] = set()
        self.overlong_warned = False
        #: The consents of cells read before without a problem (a city repeats a few thousand
        #: pairs of "Einwilligung" and "Einwilligung am").
        self.consents_read: dict[tuple[str, str], ConsentPairs] = {}
        self.total = 0

    # The hot loop: a city has 100,000 rows, so column positions are resolved once, cells are
    # read by index and everything with few distinct values (sectors, dates, ...) is cached.
    def read(self) -> None:
        fmt = sniff(self.path, self.sheet)
        rows = records(self.path, fmt)
        header, notes = find_header(rows, PERSON_ALIASES, self.path)
        for note in notes:
            self.warnings.add(note)
        cols = map_headers(header.cells, PERSON_ALIASES)
        if len(cols.at) < 2 and "family_name" not in cols.at:
            raise no_header(self.path, "Nachname;Vorname;E-Mail")
        if "family_name" not in cols.at:
            raise ImportFailed(
                f"Die Datei {self.path.name} hat keine Spalte „Nachname“ "
                "(auch „Name“ oder „Familienname“). Ohne Nachnamen kann niemand angelegt werden."
            )
        for w in cols.warnings:
            self.warnings.add(w)
        if "role" in cols.at and "groups" not in cols.at:
            self.warnings.add("Die Spalte „Rolle“ wird ohne Spalte „Gruppe“ nicht verwendet.")
        self.cols = cols
        self.width = len(header.cells) + 1  # the last slot is an always-empty stand-in
        self.idx = {name: found[0][0] for name, found in cols.at.items()}
        empty = self.width - 1
        self.pos = tuple(self.idx.get(name, empty) for name in _ROW_FIELDS)
        self.email_cols = tuple(cols.at.get("email", ()))
        self.phone_cols = tuple(cols.at.get("phone", ()))
        self.address_parts = (
            tuple(self.idx.get(name, empty) for name in ("street", "postcode", "city"))
            if "street" in cols.at or "city" in cols.at
            else None
        )
        self.total = max(fmt.lines - header.line, 1)
        count = 0
        progress = self.progress
        width = self.width
        row_ = self._row
        number_at = self.idx.get("number")
        for line, raw in rows:
            cells = [c.strip() for c in raw]
            if number_at is not None and number_at < len(cells):
                number = cells[number_at]
                # Only what can be one of our ids: not "²", not 20 digits (no SQL integer).
                if number.isdecimal() and len(number) <= 18:
                    self.numbers[line] = int(number)
            joined = "\n".join(cells)
            if not joined.strip():
                continue
            if joined[:1] == "'" or "\n'" in joined or "\r" in joined:
                cells = [clean_cell(c) for c in cells]
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            else:  # more cells than headers: the stand-in slot must stay empty
                if any(cells[width - 1 :]) and not self.overlong_warned:
                    self.overlong_warned = True
                    self.warnings.add(
                        f"Zeile {line} hat mehr Zellen als die Kopfzeile Spalten; "
                        "Zellen ohne Überschrift werden nicht importiert."
                    )
                del cells[width - 1 :]
                cells.append("")
            row_(line, cells)
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, 2 * max(self.total, count))
        self.total = count
        check_existing(
            self.session,
            self.plans,
            email_lines=self.email_lines,
            existing=self.existing,
            cols=self.cols,
            problems=self.problems,
        )
        check_known_people(
            self.session,
            self.plans,
            numbers=self.numbers,
            existing=self.existing,
            cols=self.cols,
            problems=self.problems,
            warnings=self.warnings,
        )
        check_post(self.plans, cols=self.cols, problems=self.problems)
        self._refuse_unnamed()

    def _cell(self, cells: list[str], name: str) -> str:
        return cells[self.idx.get(name, -1)]  # -1: the always-empty stand-in

    def _row(self, line: int, cells: list[str]) -> None:
        (
            i_family,
            i_given,
            i_salutation,
            i_title,
            i_address,
            i_channel,
            i_org,
            i_sector,
            i_function,
            i_groups,
            i_consent,
            i_consent_date,
            i_tags,
            i_notes,
        ) = self.pos
        add = self.problems.add
        n_problems = len(self.problems.items)

        family = cells[i_family]
        if not family:
            add(
                line,
                self.cols.label("family_name", "Nachname"),
                "Der Nachname darf nicht leer sein.",
            )
        emails, keys = self._emails(line, cells)
        phones = self._phones(line, cells)

        address = cells[i_address]
        if not address and self.address_parts:
            street, postcode, city = self.address_parts
            address = compose_address(cells[street], cells[postcode], cells[city])

        channel: Channel | None = None
        if raw := cells[i_channel]:
            channel = parse_channel(raw)
            if channel is None:
                add(
                    line,
                    self.cols.label("channel", "Einladungsweg"),
                    f"„{raw}“ ist kein Einladungsweg (möglich: {labels(Channel)}).",
                )

        org_key = ""
        sector_raw = cells[i_sector]
        if org_name := cells[i_org]:
            org_key = cached_fold(org_name)
            new = self.new_orgs.get(org_key)
            # Most rows name an organisation seen before and add nothing to it: skip the checks.
            if not (
                (org_key in self.orgs and not sector_raw)
                or (new is not None and new.sector is not None and not sector_raw)
                or (new is not None and new.sector is parse_sector(sector_raw))
            ):
                org_key = self._organisation(line, org_name, sector_raw)
        elif sector_raw and parse_sector(sector_raw) is None:
            self._bad_sector(line, sector_raw)

        groups = self._groups(line, cells) if cells[i_groups] else ()
        consents_: ConsentPairs = ()
        consent_raw = cells[i_consent]
        consent_date = cells[i_consent_date]
        if consent_raw or consent_date:
            known = self.consents_read.get((consent_raw, consent_date))
            if known is not None:
                consents_ = known
            else:
                before = len(self.problems.items)
                hit = consent_cells(consent_raw, consent_date)
                if hit is not None and (hit[1] is None or hit[1] <= self.today):
                    consents_ = hit[0]
                else:  # something is wrong: the slow path says what
                    consents_ = self._consent(line, consent_raw, consent_date)
                if consents_:
                    consents_ = self._named(line, consent_raw, consents_)
                if len(self.problems.items) == before:
                    self.consents_read[consent_raw, consent_date] = consents_
        tags_raw = cells[i_tags]
        tags = tuple(sorted(set(split_multi(tags_raw)))) if tags_raw else ()

        if len(self.problems.items) != n_problems:
            return
        email_tuple = tuple(emails)
        key_tuple = tuple(keys)
        self.plans.append(
            PersonPlan(
                line,
                cells[i_salutation],
                cells[i_title],
                cells[i_given],
                family,
                email_tuple,
                email_tuple if key_tuple == email_tuple else key_tuple,
                tuple(phones),
                address,
                cells[i_notes],
                channel,
                tags,
                org_key,
                cells[i_function] if org_key else "",
                groups,
                consents_,
            )
        )

    def _emails(self, line: int, cells: list[str]) -> tuple[list[str], list[str]]:
        """The row's valid, new addresses and their keys; each bad or repeated one a problem."""
        email_lines = self.email_lines
        emails: list[str] = []
        keys: list[str] = []
        for index, title in self.email_cols:
            value = cells[index]
            if not value:
                continue
            for address in split_multi(value) if ("," in value or ";" in value) else (value,):
                key = email_key(address)
                if key == address:
                    key = address  # the same object: lower-case addresses are stored once
                if key in keys:
                    continue
                if msg := email_problem(address):
                    self.problems.add(line, title, msg)
                    continue
                first = email_lines.get(key)
                if first is not None:
                    self.problems.add(
                        line, title, f"Die E-Mail {address} steht schon in Zeile {first}."
                    )
                    continue
                email_lines[key] = line
                keys.append(key)
                emails.append(address)
        return emails, keys

    def _phones(self, line: int, cells: list[str]) -> list[str]:
        phones: list[str] = []
        keys: set[str] = set()  # one number in two spellings is one number
        for index, title in self.phone_cols:
            value = cells[index]
            if not value:
                continue
            for number in split_multi(value) if ("," in value or ";" in value) else (value,):
                forms = phone_forms(number)
                if forms is None:
                    self.problems.add(line, title, phone_problem(number) or "")
                elif forms[0] not in keys:
                    keys.add(forms[0])
                    phones.append(forms[1])
        return phones

    def _bad_sector(self, line: int, raw: str) -> None:
        self.problems.add(
            line,
            self.cols.label("sector", "Sektor"),
            f"„{raw}“ ist kein Sektor (möglich: {labels(Sector)}).",
        )

    def _organisation(self, line: int, name: str, sector_raw: str) -> str:
        key = cached_fold(name)
        sector: Sector | None = None
        if sector_raw:
            sector = parse_sector(sector_raw)
            if sector is None:
                self._bad_sector(line, sector_raw)
                return key
        known = self.orgs.get(key)
        if known is not None:
            if sector is not None and sector != known[2] and key not in self.org_sector_warned:
                self.org_sector_warned.add(key)
                self.warnings.add(
                    f"Zeile {line}: {known[1]} ist als {known[2].label} gespeichert, nicht als "
                    f"{sector.label}; der Sektor der Organisation bleibt unverändert."
                )
            return key
        new = self.new_orgs.get(key)
        if new is None:
            new = self.new_orgs[key] = _NewOrg(name, sector, line)
        elif new.sector is None:
            new.sector = sector
        elif sector is not None and sector != new.sector and key not in self.org_sector_warned:
            self.org_sector_warned.add(key)
            self.warnings.add(
                f"Zeile {line}: {new.name} hat in Zeile {new.line} den Sektor "
                f"{new.sector.label}; dieser wird verwendet."
            )
        if new.sector is None:
            self.problems.add(
                line,
                self.cols.label("sector", "Sektor"),
                f"Die Organisation „{name}“ ist neu; bitte ihren Sektor angeben "
                f"({labels(Sector)}).",
            )
        return key

    def _paired(
        self, line: int, name: str, label: str, count: int, cells: list[str]
    ) -> list[str] | None:
        """A cell with one value for all groups, or one value per group in the same order."""
        raw = self._cell(cells, name)
        if not raw:
            return [""] * count
        parts = split_multi(raw)
        if len(parts) == 1:
            return parts * count
        if len(parts) == count:
            return parts
        self.problems.add(
            line,
            self.cols.label(name, label),
            f"{len(parts)} Angaben für {count} Gruppen; bitte eine Angabe für alle "
            "oder eine je Gruppe (in derselben Reihenfolge).",
        )
        return None

    def _group_names(self, line: int, raw: str) -> list[tuple[int, str]] | None:
        whole = self.groups.get(cached_fold(raw))
        if whole is not None:
            return [whole]
        # Group names may contain commas: split on semicolons alone if that finds them all.
        names = [p.strip() for p in raw.split(";") if p.strip()]
        if len(names) < 2 or any(cached_fold(n) not in self.groups for n in names):
            names = split_multi(raw)
        found: list[tuple[int, str]] = []
        for n in names:
            group = self.groups.get(cached_fold(n))
            if group is None:
                self.problems.add(
                    line,
                    self.cols.label("groups", "Gruppe"),
                    f"Die Gruppe „{n}“ gibt es nicht. Bitte zuerst anlegen oder den Namen prüfen.",
                )
                return None
            if group not in found:
                found.append(group)
        return found

    def _groups(
        self, line: int, cells: list[str]
    ) -> tuple[tuple[int, GroupRole, date | None, date | None], ...]:
        groups = self._group_names(line, self._cell(cells, "groups"))
        if groups is None:
            return ()
        n = len(groups)
        roles = self._paired(line, "role", "Rolle", n, cells)
        since = self._paired(line, "since", "Mitglied seit", n, cells)
        until = self._paired(line, "until", "Mitglied bis", n, cells)
        if roles is None or since is None or until is None:
            return ()
        result = []
        for (gid, _gname), role_raw, from_raw, to_raw in zip(
            groups, roles, since, until, strict=True
        ):
            role = GroupRole.MITGLIED
            if role_raw:
                parsed = parse_role(role_raw)
                if parsed is None:
                    self.problems.add(
                        line,
                        self.cols.label("role", "Rolle"),
                        f"„{role_raw}“ ist keine Rolle (möglich: {labels(GroupRole)}).",
                    )
                    return ()
                role = parsed
            start = self._date(line, "since", "Mitglied seit", from_raw)
            end = self._date(line, "until", "Mitglied bis", to_raw)
            if start and end and end < start:
                self.problems.add(
                    line,
                    self.cols.label("until", "Mitglied bis"),
                    f"Das Ende ({format_date(end)}) liegt vor dem Beginn ({format_date(start)}).",
                )
                return ()
            result.append((gid, role, start, end))
        return tuple(result)

    def _date(self, line: int, name: str, label: str, raw: str) -> date | None:
        if not raw:
            return None
        try:
            return cached_date(raw)
        except ValueError as exc:
            self.problems.add(line, self.cols.label(name, label), str(exc))
            return None

    def _named(self, line: int, raw: str, pairs: ConsentPairs) -> ConsentPairs:
        """The row's consents as the catalogue wordings named for the import give them: a
        bare "ja" agrees to the one purpose named; a purpose named by none refuses the file
        (see ``_refuse_unnamed``), a day before its wording was valid is a problem."""
        texts = self.imported.texts
        if cached_fold(raw) in YES:
            pairs = tuple((self.imported.yes_purpose, at) for _purpose, at in pairs)
        for purpose, at in pairs:
            text = texts.get(purpose)
            if text is not None and at is not None and city_day(at) < text.valid_from:
                self.problems.add(
                    line,
                    self.cols.label("consent_date", "Einwilligung am"),
                    f"Das Datum {format_date(city_day(at))} liegt vor der "
                    f"Fassung {text.version} „{purpose.label}“ (gültig ab "
                    f"{format_date(text.valid_from)}); zugestimmt wurde einem anderen Text.",
                )
        return pairs

    def _refuse_unnamed(self) -> None:
        """A consent the import would create without a catalogue wording refuses the file.
        (One a stored person already has is no new consent: a re-imported export passes.)"""
        texts = self.imported.texts
        unnamed: dict[ConsentPurpose, int] = {}
        for plan in self.plans:
            if plan.existing_id is None and not plan.skip:
                for purpose, _at in plan.consents:
                    if purpose not in texts:
                        unnamed.setdefault(purpose, plan.line)
        if unnamed:
            raise self.imported.refuse(unnamed, self.cols.label("consent", "Einwilligung"))

    def _consent(self, line: int, raw: str, date_raw: str) -> ConsentPairs:
        """The slow path for consent cells: says what is wrong."""
        column = self.cols.label("consent_date", "Einwilligung am")
        if not raw:
            self.problems.add(
                line,
                column,
                "Ein Datum ohne Einwilligung: bitte in „Einwilligung“ angeben, wofür "
                "(z. B. Einladungen).",
            )
            return ()
        purposes = consents(raw)
        if isinstance(purposes, str):
            self.problems.add(line, self.cols.label("consent", "Einwilligung"), purposes)
            return ()
        if not date_raw or not purposes:
            return tuple((p, None) for p in purposes)
        days = consent_days(date_raw, len(purposes))
        if isinstance(days, str):
            self.problems.add(line, column, days)
            return ()
        for day in days:
            if day > self.today:
                self.problems.add(
                    line, column, f"Das Datum {format_date(day)} liegt in der Zukunft."
                )
                return ()
        return with_instants(purposes, days)


def insert_new_orgs(conn: Connection, new_orgs: dict[str, _NewOrg], now: datetime) -> OrgIds:
    """The organisations the file brings along, with only a name and a sector."""
    data = []
    for org in new_orgs.values():
        assert org.sector is not None  # the reader made it a problem otherwise
        data.append(OrganisationInput(name=org.name, sector=org.sector))
    ids = insert_organisations(conn, data, now)
    return {key: (oid, d.name) for key, oid, d in zip(new_orgs, ids, data, strict=True)}
