"""CSV import of people and organisations, as German offices save them from Excel or LibreOffice."""

from __future__ import annotations

import codecs
import csv
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from koordination.db.engine import Database
from koordination.domain.enums import (
    Channel,
    ConsentPurpose,
    GroupRole,
    LabeledEnum,
    LegalBasis,
    OrganisationKind,
    Sector,
    fold,
)
from koordination.domain.models import (
    Affiliation,
    Base,
    Consent,
    Group,
    GroupMembership,
    Organisation,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
)
from koordination.domain.records import is_current
from koordination.errors import DatabaseError, ImportFailed, ImportProblem
from koordination.services.directory import (
    email_key,
    organisation_search_text,
    person_search_text,
    person_sort_key,
)
from koordination.services.inputs import OrganisationInput
from koordination.services.validation import (
    email_problem,
    format_date,
    parse_date,
    phone_problem,
    split_multi,
)

Progress = Callable[[int, int], None]
Existing = Literal["error", "update", "skip"]

CITY_ZONE = ZoneInfo("Europe/Berlin")
PROGRESS_EVERY = 1000
CHUNK = 2000  # rows per executemany; small enough to keep memory flat
MAX_WARNINGS = 200


# ---------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    organisations_created: int = 0
    memberships_created: int = 0
    warnings: tuple[str, ...] = ()
    dry_run: bool = False

    def summary(self) -> str:
        """One German sentence for the status line or the terminal."""
        verb = "würden" if self.dry_run else "wurden"
        parts = [f"{self.created} neu angelegt"]
        if self.updated:
            parts.append(f"{self.updated} aktualisiert")
        if self.skipped:
            parts.append(f"{self.skipped} übersprungen")
        text_ = f"{', '.join(parts)}"
        extra = []
        if self.organisations_created:
            extra.append(f"{self.organisations_created} neue Organisationen")
        if self.memberships_created:
            extra.append(f"{self.memberships_created} neue Gruppenmitgliedschaften")
        if extra:
            text_ += f" ({', '.join(extra)})"
        prefix = "Probelauf: " if self.dry_run else ""
        return f"{prefix}Einträge {verb} {text_}."


# ---------------------------------------------------------------------------- reading a file


class Row(NamedTuple):
    """One record of a table: the file line it starts on (header = 1) and its cells."""

    line: int
    cells: list[str]


@dataclass(frozen=True)
class TableFormat:
    encoding: str
    delimiter: str
    #: Physical lines in the file: an estimate of the rows, good enough for a progress bar.
    lines: int
    #: Excel's "sep=;" hint line in front of the header.
    sep_line: bool = False


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = (";", "\t", ",")  # ties go to the German Excel default
_DELIMITER_NAMES = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}


def _open_binary(path: Path) -> Any:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFailed(f"Die Datei {path} gibt es nicht.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} ist ein Ordner, keine CSV-Datei.") from None
    except OSError as exc:
        raise ImportFailed(
            f"Die Datei {path} kann nicht gelesen werden ({exc.strerror or exc})."
        ) from None


def _not_text(path: Path) -> ImportFailed:
    return ImportFailed(
        f"Die Datei {path.name} ist keine Textdatei (CSV). Bitte in der Tabellenkalkulation "
        "„Speichern unter …“ und das Format „CSV (Trennzeichen-getrennt)“ wählen."
    )


def _decodes(fh: Any, first: bytes, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes in ``encoding``; also counts its lines on the way."""
    decoder = codecs.getincrementaldecoder(encoding)()
    ok = True
    lines = 0
    chunk = first
    while chunk:
        lines += chunk.count(b"\n")
        if ok:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                ok = False
        chunk = fh.read(1 << 20)
    if ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            ok = False
    return ok, lines


def sniff(path: Path) -> TableFormat:
    """Encoding and delimiter of a CSV file as Excel or LibreOffice wrote it."""
    path = Path(path)
    with _open_binary(path) as fh:
        head: bytes = fh.read(1 << 16)
        if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
            raise ImportFailed(f"Die Datei {path.name} ist leer.")
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise ImportFailed(
                f"Die Datei {path.name} ist eine Excel- oder LibreOffice-Tabelle, keine CSV-Datei. "
                "Bitte „Speichern unter …“ und das Format „CSV (Trennzeichen-getrennt)“ wählen."
            )
        encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
        if encoding is None and b"\x00" in head:
            raise _not_text(path)
        if encoding is not None:
            ok, lines = _decodes(fh, head, encoding)
            if not ok:
                raise ImportFailed(
                    f"Die Datei {path.name} ist beschädigt: sie ist als {encoding} markiert, "
                    "enthält aber ungültige Zeichen."
                )
        else:
            ok, lines = _decodes(fh, head, "utf-8")
            encoding = "utf-8"
            if not ok:
                # German Excel's "CSV (Trennzeichen-getrennt)" is Windows-1252.
                fh.seek(0)
                ok, lines = _decodes(fh, fh.read(1 << 16), "cp1252")
                encoding = "cp1252"
                if not ok:
                    raise _not_text(path)
    text_head = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    controls = sum(1 for ch in text_head if ch < " " and ch not in "\t\r\n")
    if controls > max(2, len(text_head) // 200) or "\x00" in text_head:
        raise _not_text(path)
    first = _first_record(text_head)
    sep_line = False
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter = first.strip()[4]
        sep_line = True
    else:
        counts = _count_outside_quotes(first)
        delimiter = max(_DELIMITERS, key=lambda d: counts[d])
        if counts[delimiter] == 0:
            delimiter = ";"  # a single column
    return TableFormat(encoding, delimiter, lines + 1, sep_line)


def _first_record(text_: str) -> str:
    quoted = False
    for i, ch in enumerate(text_):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return text_[:i]
    return text_


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return counts


def iter_rows(path: Path, fmt: TableFormat | None = None) -> Iterator[Row]:
    """Every record of the file (header included), streamed, with the line it starts on."""
    for line, cells in _records(Path(path), fmt or sniff(Path(path))):
        yield Row(line, cells)


def _records(path: Path, fmt: TableFormat) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding=fmt.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=fmt.delimiter)
        start = 1
        try:
            for cells in reader:
                if fmt.sep_line and start == 1:
                    start = reader.line_num + 1
                    continue
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            reason = str(exc)
            if "field larger" in reason:
                what = "eine Zelle ist zu lang (mehr als 128.000 Zeichen)"
            else:
                what = "vermutlich fehlt ein schließendes Anführungszeichen"
            raise ImportFailed(
                f"Die Datei {path.name} ist ab Zeile {start} nicht lesbar: {what}."
            ) from None
        except UnicodeDecodeError:
            raise _not_text(path) from None


def read_table(path: Path) -> tuple[list[str], list[Row]]:
    """Header and data rows of a CSV file (encoding and delimiter detected; blank rows dropped)."""
    path = Path(path)
    rows = iter_rows(path)
    header: list[str] | None = None
    data: list[Row] = []
    for row in rows:
        if not any(c.strip() for c in row.cells):
            continue
        if header is None:
            header = [c.strip() for c in row.cells]
        else:
            data.append(row)
    if header is None:
        raise ImportFailed(f"Die Datei {path.name} ist leer.")
    return header, data


# ---------------------------------------------------------------------------- headers

_PERSON_ALIASES: dict[str, tuple[str, ...]] = {
    "salutation": ("Anrede",),
    "title": ("Titel", "Akademischer Titel"),
    "given_name": ("Vorname", "Vornamen", "Rufname"),
    "family_name": ("Nachname", "Name", "Familienname", "Zuname"),
    "email": ("E-Mail", "Email", "E-Mail-Adresse", "E-Mail-Adressen", "Mail", "Mailadresse"),
    "phone": ("Telefon", "Tel.", "Telefonnummer", "Mobil", "Handy", "Mobilnummer", "Festnetz"),
    "address": ("Anschrift", "Adresse", "Postanschrift"),
    "street": ("Straße", "Strasse", "Str.", "Straße und Hausnummer", "Straße/Hausnummer"),
    "postcode": ("PLZ", "Postleitzahl"),
    "city": ("Ort", "Wohnort", "Stadt"),
    "organisation": ("Organisation", "Organisationen", "Verein", "Institution", "Einrichtung"),
    "function": ("Funktion", "Position"),
    "sector": ("Sektor", "Bereich"),
    "groups": ("Gruppe", "Gruppen", "Arbeitskreis", "Arbeitskreise", "AK"),
    "role": ("Rolle", "Rollen"),
    "tags": ("Schlagworte", "Schlagwörter", "Tags", "Tag", "Stichworte"),
    "notes": ("Notizen", "Notiz", "Bemerkungen", "Bemerkung", "Kommentar"),
    "channel": ("Einladungsweg", "Kanal"),
    "consent": ("Einwilligung", "Einwilligungen"),
    "consent_date": ("Einwilligung am", "Einwilligungsdatum", "Einwilligung vom"),
    "since": ("Mitglied seit", "Von", "Seit"),
    "until": ("Mitglied bis", "Bis"),
    "number": ("Nr.", "Nr", "Nummer", "ID"),
}
_ORG_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Organisation", "Organisationsname", "Verein", "Institution", "Einrichtung"),
    "short_name": ("Kurzname", "Kürzel", "Abkürzung", "Kurzbezeichnung"),
    "sector": ("Sektor", "Bereich"),
    "kind": ("Art", "Typ", "Organisationsart"),
    "address": ("Anschrift", "Adresse", "Postanschrift"),
    "street": ("Straße", "Strasse", "Str.", "Straße und Hausnummer", "Straße/Hausnummer"),
    "postcode": ("PLZ", "Postleitzahl"),
    "city": ("Ort", "Stadt"),
    "phone": ("Telefon", "Tel.", "Telefonnummer"),
    "email": ("E-Mail", "Email", "E-Mail-Adresse", "Mail"),
    "website": ("Webseite", "Website", "Internet", "Internetseite", "Homepage", "Web", "URL"),
    "notes": ("Notizen", "Notiz", "Bemerkungen", "Bemerkung", "Kommentar"),
    "number": ("Nr.", "Nr", "Nummer", "ID"),
    "people": ("Personen",),
}
#: Columns that may appear several times ("E-Mail 2", "Telefon privat") and all count.
_MULTI = {"email": ("email", "mail"), "phone": ("telefon", "tel", "mobil", "handy")}
#: Columns our own exports write that carry nothing to import.
_QUIET = {"number", "people"}


@dataclass
class _Columns:
    """Where each field is in the file: field -> [(index, header as written)]."""

    at: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def first(self, name: str) -> tuple[int, str] | None:
        found = self.at.get(name)
        return found[0] if found else None

    def label(self, name: str, default: str) -> str:
        found = self.first(name)
        return found[1] if found else default


def _map_headers(header: Sequence[str], aliases: dict[str, tuple[str, ...]]) -> _Columns:
    lookup = {fold(alias): name for name, names in aliases.items() for alias in names}
    cols = _Columns()
    for index, raw in enumerate(header):
        title = raw.strip().lstrip("\ufeff")
        key = fold(title)
        if not key:
            continue
        name = lookup.get(key)
        if name is None:
            stem = key.rstrip("0123456789")
            name = next(
                (
                    multi
                    for multi, prefixes in _MULTI.items()
                    if multi in aliases and (lookup.get(stem) == multi or stem.startswith(prefixes))
                ),
                None,
            )
        if name is None:
            cols.warnings.append(f"Die Spalte „{title}“ ist unbekannt und wird nicht importiert.")
            continue
        if name in cols.at and name not in _MULTI:
            cols.warnings.append(
                f"Die Spalte „{title}“ kommt doppelt vor (wie „{cols.at[name][0][1]}“); "
                "nur die erste wird gelesen."
            )
            continue
        cols.at.setdefault(name, []).append((index, title))
    return cols


def _known_count(header: Sequence[str], aliases: dict[str, tuple[str, ...]]) -> int:
    return len(_map_headers(header, aliases).at)


def _find_header(
    rows: Iterator[tuple[int, list[str]]], aliases: dict[str, tuple[str, ...]], path: Path
) -> tuple[Row, list[str]]:
    """The header row: the first non-empty one, or a later one if title lines sit above it."""
    skipped: list[Row] = []
    for line, cells in rows:
        row = Row(line, cells)
        if not any(c.strip() for c in cells):
            continue
        if _known_count(cells, aliases) >= 2 or len(skipped) >= 5:
            break
        skipped.append(row)
    else:
        if not skipped:
            raise ImportFailed(f"Die Datei {path.name} ist leer.")
        row = skipped.pop(0)  # nothing better found: take the first row and let it fail below
        return row, []
    if _known_count(row.cells, aliases) < 2 and skipped:
        return skipped[0], []
    notes = [f"Zeile {r.line} steht über der Kopfzeile und wird nicht importiert." for r in skipped]
    return row, notes


def _no_header(path: Path, expected: str) -> ImportFailed:
    return ImportFailed(
        f"Die Datei {path.name} hat keine erkennbare Kopfzeile. Die erste Zeile muss die "
        f"Spaltennamen enthalten, z. B. {expected}."
    )


# ---------------------------------------------------------------------------- cell helpers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_cell(value: str) -> str:
    """A cell as typed: trimmed, line breaks as LF, our exports' formula guard (') taken off."""
    value = value.strip()
    if "\r" in value:  # a line break inside a cell, written as CRLF by some programs
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value[:1] == "'" and value[1:2] in _FORMULA_START and len(value) > 1:
        return value[1:].strip()
    return value


_cached_fold = lru_cache(maxsize=1 << 16)(fold)


def _sort_key(family: str, given: str) -> str:
    # Same as directory.person_sort_key, with fold() cached: names repeat a lot in a city.
    return f"{_cached_fold(family)} {_cached_fold(given)}"


@lru_cache(maxsize=4096)
def _date(value: str) -> date:
    return parse_date(value)


def _enum_cache(cls: type[LabeledEnum]) -> Callable[[str], Any]:
    return lru_cache(maxsize=1024)(cls.parse)


_parse_sector = _enum_cache(Sector)
_parse_role = _enum_cache(GroupRole)
_parse_channel = _enum_cache(Channel)
_parse_kind = _enum_cache(OrganisationKind)
_parse_purpose = _enum_cache(ConsentPurpose)


def _labels(cls: type[LabeledEnum]) -> str:
    return ", ".join(m.label for m in cls)


_YES = {"ja", "j", "x", "yes", "1", "wahr", "true"}
_NO = {"nein", "n", "no", "0", "falsch", "false", "keine", ""}


@lru_cache(maxsize=1024)
def _consents(value: str) -> tuple[ConsentPurpose, ...] | str:
    """The purposes of an "Einwilligung" cell, or the German reason it cannot be read."""
    key = fold(value)
    if key in _YES:
        return (ConsentPurpose.EINLADUNGEN,)
    if key in _NO:
        return ()
    purposes: list[ConsentPurpose] = []
    for part in split_multi(value):
        purpose = _parse_purpose(part)
        if purpose is None:
            return (
                f"„{part}“ ist keine bekannte Einwilligung "
                f"(möglich: {_labels(ConsentPurpose)} oder „ja“)."
            )
        if purpose not in purposes:
            purposes.append(purpose)
    return tuple(purposes)


ConsentPairs = tuple[tuple[ConsentPurpose, "datetime | None"], ...]


def _consent_days(date_raw: str, count: int) -> list[date] | str:
    """One date for all purposes, or one per purpose in the same order; else the reason."""
    parts = _split_list(date_raw)
    try:
        days = [_date(part) for part in parts]
    except ValueError as exc:
        return str(exc)
    if len(days) == 1:
        return days * count
    if len(days) == count:
        return days
    return (
        f"{len(days)} Daten für {count} Einwilligungen; bitte ein Datum für alle "
        "oder eines je Einwilligung (in derselben Reihenfolge)."
    )


@lru_cache(maxsize=1 << 14)
def _consent_cells(raw: str, date_raw: str) -> tuple[ConsentPairs, date | None] | None:
    """The consents with their instants and the latest day, or None if something is wrong.

    Cached: a city has a few thousand distinct cell pairs, and rows share the result.
    """
    if not raw:
        return None
    purposes = _consents(raw)
    if isinstance(purposes, str):
        return None
    if not date_raw or not purposes:
        return tuple((p, None) for p in purposes), None
    days = _consent_days(date_raw, len(purposes))
    if isinstance(days, str):
        return None
    pairs = tuple((p, _given_at(d)) for p, d in zip(purposes, days, strict=True))
    return pairs, max(days)


@lru_cache(maxsize=4096)
def _given_at(day: date) -> datetime:
    # Noon in the city: the calendar day survives any conversion between UTC and Berlin.
    return datetime.combine(day, time(12, 0), tzinfo=CITY_ZONE).astimezone(UTC)


def _split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,\n]+", value) if p.strip()]


def _compose_address(street: str, postcode: str, city: str) -> str:
    town = " ".join(p for p in (postcode, city) if p)
    return "\n".join(p for p in (street, town) if p)


# ---------------------------------------------------------------------------- people: plans


@dataclass(slots=True)
class _PersonPlan:
    line: int
    salutation: str
    title: str
    given_name: str
    family_name: str
    emails: tuple[str, ...]
    #: email_key() of each address (the same tuple when the addresses are lower-case already)
    email_keys: tuple[str, ...]
    phones: tuple[str, ...]
    postal_address: str
    notes: str
    channel: Channel | None
    tags: tuple[str, ...]
    org_key: str
    function: str
    #: (group id, role, valid from, valid to)
    groups: tuple[tuple[int, GroupRole, date | None, date | None], ...]
    #: (purpose, given at; None = the moment of the import)
    consents: ConsentPairs
    existing_id: int | None = None
    skip: bool = False


@dataclass
class _NewOrg:
    name: str
    sector: Sector | None
    line: int


class _Problems:
    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def add(self, line: int, column: str, reason: str) -> None:
        self.items.append(ImportProblem(line, column, reason))

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self) -> ImportFailed:
        self.items.sort(key=lambda p: p.line)
        return ImportFailed(
            f"Die Datei wurde nicht importiert: {len(self.items)} Fehler.", self.items
        )


class _Warnings:
    def __init__(self, initial: Iterable[str] = ()) -> None:
        self.items: list[str] = list(initial)
        self.dropped = 0

    def add(self, message: str) -> None:
        if len(self.items) < MAX_WARNINGS:
            self.items.append(message)
        else:
            self.dropped += 1

    def result(self) -> tuple[str, ...]:
        extra = [f"… und {self.dropped} weitere Hinweise"] if self.dropped else []
        return (*self.items, *extra)


def _groups_by_key(session: Session) -> dict[str, tuple[int, str]]:
    groups: dict[str, tuple[int, str]] = {}
    for gid, name in session.execute(select(Group.id, Group.name).order_by(Group.id)):
        groups.setdefault(fold(name), (gid, name))
    return groups


def _orgs_by_key(session: Session) -> dict[str, tuple[int, str, Sector]]:
    orgs: dict[str, tuple[int, str, Sector]] = {}
    stmt = select(Organisation.id, Organisation.name_key, Organisation.name, Organisation.sector)
    for oid, key, name, sector in session.execute(stmt.order_by(Organisation.id)):
        orgs.setdefault(key, (oid, name, sector))
    return orgs


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


class _PeopleReader:
    """Phase one: read and check every row, remember what to write, write nothing."""

    def __init__(
        self,
        session: Session,
        path: Path,
        existing: Existing,
        today: date,
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.path = path
        self.existing = existing
        self.today = today
        self.progress = progress
        self.problems = _Problems()
        self.warnings = _Warnings()
        self.plans: list[_PersonPlan] = []
        self.groups = _groups_by_key(session)
        self.orgs = _orgs_by_key(session)
        self.new_orgs: dict[str, _NewOrg] = {}
        self.email_lines: dict[str, int] = {}
        self.org_sector_warned: set[str] = set()
        self.overlong_warned = False
        self.total = 0

    # The hot loop: a city has 100,000 rows, so column positions are resolved once, cells are
    # read by index and everything with few distinct values (sectors, dates, ...) is cached.
    def read(self) -> None:
        fmt = sniff(self.path)
        rows = _records(self.path, fmt)
        header, notes = _find_header(rows, _PERSON_ALIASES, self.path)
        for note in notes:
            self.warnings.add(note)
        cols = _map_headers(header.cells, _PERSON_ALIASES)
        if len(cols.at) < 2 and "family_name" not in cols.at:
            raise _no_header(self.path, "Nachname;Vorname;E-Mail")
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
        for line, raw in rows:
            cells = [c.strip() for c in raw]
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
        self._check_existing()
        self._check_post()

    def _cell(self, cells: list[str], name: str) -> str:
        return cells[self.idx.get(name, -1)]

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
        email_lines = self.email_lines

        family = cells[i_family]
        if not family:
            add(
                line,
                self.cols.label("family_name", "Nachname"),
                "Der Nachname darf nicht leer sein.",
            )

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
                    add(line, title, msg)
                    continue
                first = email_lines.get(key)
                if first is not None:
                    add(line, title, f"Die E-Mail {address} steht schon in Zeile {first}.")
                    continue
                email_lines[key] = line
                keys.append(key)
                emails.append(address)

        phones: list[str] = []
        for index, title in self.phone_cols:
            value = cells[index]
            if not value:
                continue
            for number in split_multi(value) if ("," in value or ";" in value) else (value,):
                if msg := phone_problem(number):
                    add(line, title, msg)
                elif number not in phones:
                    phones.append(number)

        address = cells[i_address]
        if not address and self.address_parts:
            street, postcode, city = self.address_parts
            address = _compose_address(cells[street], cells[postcode], cells[city])

        channel: Channel | None = None
        if raw := cells[i_channel]:
            channel = _parse_channel(raw)
            if channel is None:
                add(
                    line,
                    self.cols.label("channel", "Einladungsweg"),
                    f"„{raw}“ ist kein Einladungsweg (möglich: {_labels(Channel)}).",
                )

        org_key = ""
        sector_raw = cells[i_sector]
        if org_name := cells[i_org]:
            org_key = _cached_fold(org_name)
            new = self.new_orgs.get(org_key)
            if not (
                (org_key in self.orgs and not sector_raw)
                or (new is not None and new.sector is not None and not sector_raw)
                or (new is not None and new.sector is _parse_sector(sector_raw))
            ):
                org_key = self._organisation(line, org_name, sector_raw)
        elif sector_raw and _parse_sector(sector_raw) is None:
            self._bad_sector(line, sector_raw)

        groups = self._groups(line, cells) if cells[i_groups] else ()
        consents: ConsentPairs = ()
        consent_raw = cells[i_consent]
        consent_date = cells[i_consent_date]
        if consent_raw or consent_date:
            hit = _consent_cells(consent_raw, consent_date)
            if hit is not None and (hit[1] is None or hit[1] <= self.today):
                consents = hit[0]
            else:  # something is wrong: the slow path says what
                consents = self._consent(line, consent_raw, consent_date)
        tags_raw = cells[i_tags]
        tags = tuple(sorted(set(_split_list(tags_raw)))) if tags_raw else ()

        if len(self.problems.items) != n_problems:
            return
        email_tuple = tuple(emails)
        key_tuple = tuple(keys)
        self.plans.append(
            _PersonPlan(
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
                consents,
            )
        )

    def _bad_sector(self, line: int, raw: str) -> None:
        self.problems.add(
            line,
            self.cols.label("sector", "Sektor"),
            f"„{raw}“ ist kein Sektor (möglich: {_labels(Sector)}).",
        )

    def _organisation(self, line: int, name: str, sector_raw: str) -> str:
        key = _cached_fold(name)
        sector: Sector | None = None
        if sector_raw:
            sector = _parse_sector(sector_raw)
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
                f"({_labels(Sector)}).",
            )
        return key

    def _paired(
        self, line: int, name: str, label: str, count: int, cells: list[str]
    ) -> list[str] | None:
        """A cell with one value for all groups, or one value per group in the same order."""
        raw = self._cell(cells, name)
        if not raw:
            return [""] * count
        parts = _split_list(raw)
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
        whole = self.groups.get(_cached_fold(raw))
        if whole is not None:
            return [whole]
        names = [p.strip() for p in raw.split(";") if p.strip()]
        if len(names) < 2 or any(_cached_fold(n) not in self.groups for n in names):
            names = _split_list(raw)
        found: list[tuple[int, str]] = []
        for n in names:
            group = self.groups.get(_cached_fold(n))
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
        raw = self._cell(cells, "groups")
        if not raw:
            return ()
        groups = self._group_names(line, raw)
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
                parsed = _parse_role(role_raw)
                if parsed is None:
                    self.problems.add(
                        line,
                        self.cols.label("role", "Rolle"),
                        f"„{role_raw}“ ist keine Rolle (möglich: {_labels(GroupRole)}).",
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
            return _date(raw)
        except ValueError as exc:
            self.problems.add(line, self.cols.label(name, label), str(exc))
            return None

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
        purposes = _consents(raw)
        if isinstance(purposes, str):
            self.problems.add(line, self.cols.label("consent", "Einwilligung"), purposes)
            return ()
        days = _consent_days(date_raw, len(purposes)) if date_raw and purposes else []
        if isinstance(days, str):
            self.problems.add(line, column, days)
            return ()
        for day in days:
            if day > self.today:
                self.problems.add(
                    line, column, f"Das Datum {format_date(day)} liegt in der Zukunft."
                )
                return ()
        if not days:
            return tuple((p, None) for p in purposes)
        return tuple((p, _given_at(d)) for p, d in zip(purposes, days, strict=True))

    def _check_existing(self) -> None:
        """E-mails already in the database: a problem, an update or a skipped row."""
        if not self.email_lines:
            return
        by_line = {p.line: p for p in self.plans}
        owners: dict[int, list[tuple[str, int, str]]] = {}
        stmt = select(PersonEmail.address_key, PersonEmail.person_id)
        stored = self.session.scalar(select(func.count()).select_from(PersonEmail)) or 0
        if stored <= 4 * len(self.email_lines):
            # Cheaper to read every stored key once than to ask for the file's keys in chunks.
            batches: Iterable[Any] = [self.session.execute(stmt)]
        else:
            keys = list(self.email_lines)
            batches = (
                self.session.execute(stmt.where(PersonEmail.address_key.in_(keys[i : i + 500])))
                for i in range(0, len(keys), 500)
            )
        matches: list[tuple[str, int]] = []
        for batch in batches:
            matches.extend((key, pid) for key, pid in batch if key in self.email_lines)
        names = self._names({pid for _key, pid in matches})
        for key, pid in matches:
            owners.setdefault(self.email_lines[key], []).append((key, pid, names.get(pid, "")))
        col = self.cols.label("email", "E-Mail")
        updated_by: dict[int, int] = {}
        for line in sorted(owners):
            found = owners[line]
            key, pid, name = found[0]
            if self.existing == "error":
                self.problems.add(
                    line,
                    col,
                    f"Die E-Mail {key} gehört schon zu {name} (Nr. {pid}). Beim Import "
                    "„aktualisieren“ oder „überspringen“ wählen, oder die Zeile entfernen.",
                )
                continue
            if len({p for _k, p, _n in found}) > 1:
                others = ", ".join(f"{n} (Nr. {p})" for _k, p, n in found)
                self.problems.add(
                    line, col, f"Die E-Mails dieser Zeile gehören verschiedenen Personen: {others}."
                )
                continue
            plan = by_line.get(line)
            if plan is None:
                continue
            if self.existing == "skip":
                plan.skip = True
                continue
            if pid in updated_by:
                self.problems.add(
                    line,
                    col,
                    f"{name} (Nr. {pid}) wird schon in Zeile {updated_by[pid]} aktualisiert.",
                )
                continue
            updated_by[pid] = line
            plan.existing_id = pid

    def _names(self, ids: set[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        id_list = sorted(ids)
        for i in range(0, len(id_list), 500):
            stmt = select(Person.id, Person.given_name, Person.family_name).where(
                Person.id.in_(id_list[i : i + 500])
            )
            for pid, given, family in self.session.execute(stmt):
                found[pid] = f"{given} {family}".strip()
        return found

    def _check_post(self) -> None:
        """A new person invited by post needs an address (an update may have one stored)."""
        for plan in self.plans:
            if (
                plan.channel == Channel.POST
                and not plan.postal_address
                and plan.existing_id is None
                and not plan.skip
            ):
                self.problems.add(
                    plan.line,
                    self.cols.label("channel", "Einladungsweg"),
                    "Post gewählt, aber keine Postanschrift angegeben.",
                )


# ---------------------------------------------------------------------------- writing


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _new_ids(conn: Connection, table: Table, count: int) -> Sequence[int]:
    """``count`` fresh primary keys for ``table``, reserved inside the running transaction."""
    if count == 0:
        return ()
    if conn.dialect.name == "postgresql":
        seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        rows = conn.execute(
            text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
            {"s": seq, "n": count},
        )
        return [int(r[0]) for r in rows]
    # SQLite gives new rows max(id)+1 anyway; the write lock we hold keeps the range ours.
    start = int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return range(start, start + count)


class _Bulk:
    """A Core ``insert()`` compiled once and run with the driver's executemany.

    Going through ``Connection.execute(insert(t), rows)`` costs SQLAlchemy ~5 µs per row in
    parameter handling alone (2.5 s for a city). Here each column's own bind processor still
    converts every value exactly as the ORM would store it, but only once per distinct value:
    enums, flags and timestamps repeat, free text needs no conversion on any backend.
    """

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn = conn
        self.columns = tuple(columns)
        dialect = conn.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(self.columns))
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        if self.positional:
            order = tuple(compiled.positiontup or ())
            assert order == self.columns, (order, self.columns)
        self._processors = {
            name: table.c[name].type._cached_bind_processor(dialect) for name in self.columns
        }
        self._memo: dict[str, dict[Any, Any]] = {name: {} for name in self.columns}

    def value(self, column: str, value: Any) -> Any:
        """``value`` as the driver wants it for ``column`` (memoised; for repeating values)."""
        memo = self._memo[column]
        try:
            return memo[value]
        except KeyError:
            processor = self._processors[column]
            converted = processor(value) if processor is not None else value
            memo[value] = converted
            return converted

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.positional:
            self.conn.exec_driver_sql(self.sql, rows)
        else:
            names = self.columns
            self.conn.exec_driver_sql(self.sql, [dict(zip(names, r, strict=True)) for r in rows])


_PERSON_COLUMNS = (
    "id",
    "salutation",
    "title",
    "given_name",
    "family_name",
    "postal_address",
    "notes",
    "preferred_channel",
    "archived",
    "sort_key",
    "search_text",
    "version",
    "created_at",
    "updated_at",
)
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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk import.

    Reading a city allocates about a million small objects that all live until the import
    ends; the collector would walk them again and again (0.3-0.5 s per 100,000 rows) without
    ever finding a cycle. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _enum_checks_skipped(conn: Connection) -> Iterator[None]:
    """SQLite only: skip the enum CHECK constraints while our own bulk inserts run.

    SQLite 3.40 evaluates ``CHECK (x IN ('a', 'b', ...))`` by building a temporary table for
    every row, which costs a third of a second per 100,000 rows and table. Every enum value we
    insert comes from the column's own Enum type (see ``_Bulk.value``), so it cannot violate
    them. Flag pragmas expire prepared statements, so nothing compiled meanwhile leaks out.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


class _Writer:
    """Phase two: everything in one transaction, new rows inserted in chunks."""

    def __init__(self, conn: Connection, now: datetime) -> None:
        self.conn = conn
        self.now = now

    def organisations(self, new_orgs: list[_NewOrg]) -> dict[str, tuple[int, str]]:
        bulk = _Bulk(self.conn, _table(Organisation), _ORG_COLUMNS)
        ids = _new_ids(self.conn, _table(Organisation), len(new_orgs))
        v = bulk.value
        now = v("created_at", self.now)
        false = v("archived", False)
        kind = v("kind", OrganisationKind.SONSTIGE)
        rows = []
        created: dict[str, tuple[int, str]] = {}
        for oid, org in zip(ids, new_orgs, strict=True):
            assert org.sector is not None
            key = fold(org.name)
            created[key] = (oid, org.name)
            rows.append(
                (
                    oid,
                    org.name,
                    key,
                    "",
                    v("sector", org.sector),
                    kind,
                    "",
                    "",
                    "",
                    "",
                    "",
                    false,
                    organisation_search_text(org.name, "", ""),
                    1,
                    now,
                    now,
                )
            )
        for start in range(0, len(rows), CHUNK):
            bulk.run(rows[start : start + CHUNK])
        return created

    def people(
        self,
        plans: list[_PersonPlan],
        org_ids: dict[str, tuple[int, str]],
        tick: Callable[[int], None],
    ) -> int:
        """Insert new people with everything that hangs on them; returns memberships made."""
        conn = self.conn
        b_person = _Bulk(conn, _table(Person), _PERSON_COLUMNS)
        b_email = _Bulk(
            conn, _table(PersonEmail), ("id", "person_id", "address", "address_key", "position")
        )
        b_phone = _Bulk(conn, _table(PersonPhone), ("id", "person_id", "number", "position"))
        b_tag = _Bulk(conn, _table(PersonTag), ("person_id", "tag"))
        b_consent = _Bulk(
            conn,
            _table(Consent),
            ("id", "person_id", "purpose", "legal_basis", "text_version", "given_at"),
        )
        b_aff = _Bulk(conn, _table(Affiliation), ("id", "person_id", "organisation_id", "function"))
        b_member = _Bulk(
            conn,
            _table(GroupMembership),
            (
                "id",
                "group_id",
                "person_id",
                "role",
                "valid_from",
                "valid_to",
                "voting_right",
                "representing_id",
            ),
        )
        person_ids = iter(_new_ids(conn, _table(Person), len(plans)))
        email_ids = iter(_new_ids(conn, _table(PersonEmail), sum(len(p.emails) for p in plans)))
        phone_ids = iter(_new_ids(conn, _table(PersonPhone), sum(len(p.phones) for p in plans)))
        consent_ids = iter(_new_ids(conn, _table(Consent), sum(len(p.consents) for p in plans)))
        aff_ids = iter(_new_ids(conn, _table(Affiliation), sum(1 for p in plans if p.org_key)))
        member_ids = iter(
            _new_ids(conn, _table(GroupMembership), sum(len(p.groups) for p in plans))
        )
        now = b_person.value("created_at", self.now)
        false = b_person.value("archived", False)
        channels: dict[Channel | None, Any] = {
            ch: b_person.value("preferred_channel", ch) for ch in Channel
        }
        channels[None] = channels[Channel.EMAIL]
        purposes = {p: b_consent.value("purpose", p) for p in ConsentPurpose}
        einwilligung = b_consent.value("legal_basis", LegalBasis.EINWILLIGUNG)
        consent_now = b_consent.value("given_at", self.now)
        given_at = b_consent.value
        member_value = b_member.value
        sort_key = _sort_key
        search_text = person_search_text
        memberships = 0
        for start in range(0, len(plans), CHUNK):
            people: list[tuple[Any, ...]] = []
            emails: list[tuple[Any, ...]] = []
            phones: list[tuple[Any, ...]] = []
            tags: list[tuple[Any, ...]] = []
            consents: list[tuple[Any, ...]] = []
            affs: list[tuple[Any, ...]] = []
            members: list[tuple[Any, ...]] = []
            for p in plans[start : start + CHUNK]:
                pid = next(person_ids)
                org = org_ids[p.org_key] if p.org_key else None
                people.append(
                    (
                        pid,
                        p.salutation,
                        p.title,
                        p.given_name,
                        p.family_name,
                        p.postal_address,
                        p.notes,
                        channels[p.channel],
                        false,
                        sort_key(p.family_name, p.given_name),
                        search_text(
                            p.title, p.given_name, p.family_name, p.emails, (org[1],) if org else ()
                        ),
                        1,
                        now,
                        now,
                    )
                )
                for i, (address, key) in enumerate(zip(p.emails, p.email_keys, strict=True)):
                    emails.append((next(email_ids), pid, address, key, i))
                for i, number in enumerate(p.phones):
                    phones.append((next(phone_ids), pid, number, i))
                for tag in p.tags:
                    tags.append((pid, tag))
                for purpose, at in p.consents:
                    consents.append(
                        (
                            next(consent_ids),
                            pid,
                            purposes[purpose],
                            einwilligung,
                            "",
                            given_at("given_at", at) if at else consent_now,
                        )
                    )
                if org is not None:
                    affs.append((next(aff_ids), pid, org[0], p.function))
                for gid, role, since, until in p.groups:
                    members.append(
                        (
                            next(member_ids),
                            gid,
                            pid,
                            member_value("role", role),
                            member_value("valid_from", since),
                            member_value("valid_to", until),
                            member_value("voting_right", True),
                            org[0] if org else None,
                        )
                    )
            memberships += len(members)
            b_person.run(people)
            b_email.run(emails)
            b_phone.run(phones)
            b_tag.run(tags)
            b_consent.run(consents)
            b_aff.run(affs)
            b_member.run(members)
            tick(len(people))
        return memberships

    def updates(
        self,
        session: Session,
        plans: list[_PersonPlan],
        org_ids: dict[str, tuple[int, str]],
        today: date,
        tick: Callable[[int], None],
    ) -> int:
        """Bring existing people up to date from their rows (ORM: versions, relationships)."""
        memberships = 0
        for start in range(0, len(plans), 500):
            chunk = plans[start : start + 500]
            people = {
                p.id: p
                for p in session.scalars(
                    select(Person)
                    .where(Person.id.in_([plan.existing_id for plan in chunk]))
                    .options(
                        selectinload(Person.emails),
                        selectinload(Person.phones),
                        selectinload(Person.tags),
                        selectinload(Person.consents),
                        selectinload(Person.affiliations).selectinload(Affiliation.organisation),
                        selectinload(Person.memberships),
                    )
                )
            }
            for plan in chunk:
                assert plan.existing_id is not None
                memberships += _update_person(
                    people[plan.existing_id], plan, org_ids, today, self.now
                )
            session.flush()
            session.expunge_all()
            tick(len(chunk))
        return memberships


def _update_person(
    person: Person,
    plan: _PersonPlan,
    org_ids: dict[str, tuple[int, str]],
    today: date,
    now: datetime,
) -> int:
    """Fill in what the row says; empty cells never erase what is stored."""
    for attr in ("salutation", "title", "given_name", "family_name", "postal_address", "notes"):
        value = getattr(plan, attr)
        if value:
            setattr(person, attr, value)
    if plan.channel is not None:
        person.preferred_channel = plan.channel
    known = {e.address_key for e in person.emails}
    for address in plan.emails:
        if email_key(address) not in known:
            person.emails.append(
                PersonEmail(
                    address=address, address_key=email_key(address), position=len(person.emails)
                )
            )
    if plan.phones and [ph.number for ph in person.phones] != list(plan.phones):
        person.phones = [PersonPhone(number=n, position=i) for i, n in enumerate(plan.phones)]
    have_tags = {t.tag for t in person.tags}
    for tag in plan.tags:
        if tag not in have_tags:
            person.tags.append(PersonTag(tag=tag))
    active = {c.purpose for c in person.consents if c.withdrawn_at is None}
    for purpose, at in plan.consents:
        if purpose not in active:
            person.consents.append(
                Consent(
                    purpose=purpose,
                    legal_basis=LegalBasis.EINWILLIGUNG,
                    text_version="",
                    given_at=at or now,
                )
            )
    org_names = [
        a.organisation.name
        for a in person.affiliations
        if a.organisation is not None and is_current(a.valid_from, a.valid_to, today)
    ]
    org = org_ids.get(plan.org_key) if plan.org_key else None
    if org is not None and not any(
        a.organisation_id == org[0] and is_current(a.valid_from, a.valid_to, today)
        for a in person.affiliations
    ):
        person.affiliations.append(Affiliation(organisation_id=org[0], function=plan.function))
        org_names.append(org[1])
    made = 0
    for gid, role, since, until in plan.groups:
        if any(
            m.group_id == gid and is_current(m.valid_from, m.valid_to, today)
            for m in person.memberships
        ):
            continue
        person.memberships.append(
            GroupMembership(
                group_id=gid,
                role=role,
                valid_from=since,
                valid_to=until,
                voting_right=True,
                representing_id=org[0] if org else None,
            )
        )
        made += 1
    person.sort_key = person_sort_key(person.family_name, person.given_name)
    person.search_text = person_search_text(
        person.title,
        person.given_name,
        person.family_name,
        (e.address for e in person.emails),
        org_names,
    )
    person.updated_at = now  # always bump the version, as Directory.update_person does
    return made


def _count_new_memberships(session: Session, plans: list[_PersonPlan], today: date) -> int:
    """For a dry run: memberships an update would add (groups the person is not yet in)."""
    count = 0
    for start in range(0, len(plans), 500):
        chunk = plans[start : start + 500]
        current: set[tuple[int, int]] = set()
        stmt = select(
            GroupMembership.person_id,
            GroupMembership.group_id,
            GroupMembership.valid_from,
            GroupMembership.valid_to,
        ).where(GroupMembership.person_id.in_([p.existing_id for p in chunk]))
        for pid, gid, since, until in session.execute(stmt):
            if is_current(since, until, today):
                current.add((pid, gid))
        for p in chunk:
            assert p.existing_id is not None
            count += sum(1 for g in p.groups if (p.existing_id, g[0]) not in current)
    return count


def _write_failed(exc: Exception) -> DatabaseError:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return DatabaseError(
        "Der Import konnte nicht gespeichert werden; es wurde nichts geändert. Wurde die "
        f"Datenbank gleichzeitig an anderer Stelle geändert? Bitte erneut versuchen. ({reason})"
    )


def import_people(
    db: Database,
    path: Path | str,
    *,
    existing: Existing = "error",
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import people from a CSV file: all rows or none.

    Every row is checked first; any problem raises :class:`ImportFailed` listing line, column
    and reason, and nothing is written. ``existing`` says what to do with a row whose e-mail is
    already in the database: ``"error"`` (a problem), ``"update"`` (fill in that person) or
    ``"skip"``. ``progress(done, total)`` counts every row once when checked and once when
    written.
    """
    path = Path(path)
    day = today or date.today()
    try:
        with _gc_paused(), db.session() as session:
            reader = _PeopleReader(session, path, existing, day, progress)
            reader.read()
            if reader.problems:
                raise reader.problems.fail()
            plans = [p for p in reader.plans if not p.skip]
            creates = [p for p in plans if p.existing_id is None]
            updates = [p for p in plans if p.existing_id is not None]
            wanted = {p.org_key for p in plans if p.org_key}
            new_orgs = [org for key, org in reader.new_orgs.items() if key in wanted]
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
                memberships += _count_new_memberships(session, updates, day)
                session.rollback()
                if progress is not None:
                    progress(2 * total, 2 * total)
                return _with(report, memberships_created=memberships)

            def tick(n: int) -> None:
                nonlocal done
                done += n
                if progress is not None:
                    progress(min(done, 2 * total), 2 * total)

            del reader  # the plans are all we need from here on
            now = datetime.now(UTC)
            writer = _Writer(session.connection(), now)
            org_ids = {key: (oid, name) for key, (oid, name, _s) in _orgs_by_key(session).items()}
            with _enum_checks_skipped(writer.conn):
                org_ids.update(writer.organisations(new_orgs))
                memberships = writer.people(creates, org_ids, tick)
            memberships += writer.updates(session, updates, org_ids, day, tick)
            tick(len(plans) - len(creates) - len(updates))
            if progress is not None:
                progress(2 * total, 2 * total)
            return _with(report, memberships_created=memberships)
    except (IntegrityError, DBAPIError) as exc:
        raise _write_failed(exc) from exc


def _with(report: ImportReport, **changes: Any) -> ImportReport:
    return replace(report, **changes)


# ---------------------------------------------------------------------------- organisations


@dataclass(slots=True)
class _OrgPlan:
    line: int
    data: OrganisationInput
    existing_id: int | None = None
    skip: bool = False
    #: Which fields the row filled (updates change only those).
    given: frozenset[str] = frozenset()


_ORG_FIELD_LABELS = {
    "Name": "name",
    "Sektor": "sector",
    "E-Mail": "email",
    "Telefon": "phone",
    "Webseite": "website",
}


def _read_organisations(
    session: Session,
    path: Path,
    existing: Existing,
    progress: Progress | None,
) -> tuple[list[_OrgPlan], _Warnings, int]:
    problems = _Problems()
    fmt = sniff(path)
    rows = _records(path, fmt)
    header, notes = _find_header(rows, _ORG_ALIASES, path)
    warnings = _Warnings(notes)
    cols = _map_headers(header.cells, _ORG_ALIASES)
    if "name" not in cols.at:
        if len(cols.at) < 2:
            raise _no_header(path, "Name;Sektor;Art;E-Mail")
        raise ImportFailed(
            f"Die Datei {path.name} hat keine Spalte „Name“ (auch „Organisation“). "
            "Ohne Namen kann keine Organisation angelegt werden."
        )
    for w in cols.warnings:
        warnings.add(w)
    known = _orgs_by_key(session)
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
        sector = _parse_sector(sector_raw) if sector_raw else None
        if sector_raw and sector is None:
            problems.add(
                line,
                cols.label("sector", "Sektor"),
                f"„{sector_raw}“ ist kein Sektor (möglich: {_labels(Sector)}).",
            )
        kind_raw = cell(cells, "kind")
        kind = _parse_kind(kind_raw) if kind_raw else OrganisationKind.SONSTIGE
        if kind is None:
            problems.add(
                line,
                cols.label("kind", "Art"),
                f"„{kind_raw}“ ist keine Art von Organisation (möglich: "
                f"{_labels(OrganisationKind)}).",
            )
            kind = OrganisationKind.SONSTIGE
        address = cell(cells, "address")
        if not address and ("street" in cols.at or "city" in cols.at):
            address = _compose_address(
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
                message = (
                    f"Für eine neue Organisation bitte den Sektor angeben ({_labels(Sector)})."
                )
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
        given = frozenset(
            f
            for f in ("short_name", "sector", "address", "phone", "email", "website", "notes")
            if getattr(data, f)
        ) | ({"kind"} if kind_raw else frozenset())
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


def import_organisations(
    db: Database,
    path: Path | str,
    *,
    existing: Existing = "error",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import organisations from a CSV file (Name, Kurzname, Sektor, Art, …): all rows or none.

    An organisation exists already when its name matches (case and spelling tolerant).
    """
    path = Path(path)
    try:
        with _gc_paused(), db.session() as session:
            plans, warnings, total = _read_organisations(session, path, existing, progress)
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
            now = datetime.now(UTC)
            conn = session.connection()
            table = _table(Organisation)
            bulk = _Bulk(conn, table, _ORG_COLUMNS)
            v = bulk.value
            ids = _new_ids(conn, table, len(creates))
            rows = []
            for oid, plan in zip(ids, creates, strict=True):
                d = plan.data
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
                        d.phone,
                        d.email,
                        d.website,
                        d.notes,
                        v("archived", False),
                        organisation_search_text(name, d.short_name, d.email),
                        1,
                        v("created_at", now),
                        v("updated_at", now),
                    )
                )
            with _enum_checks_skipped(conn):
                for start in range(0, len(rows), CHUNK):
                    bulk.run(rows[start : start + CHUNK])
                    if progress is not None:
                        progress(total + start, 2 * total)
            for plan in updates:
                org = session.get(Organisation, plan.existing_id)
                assert org is not None
                for attr in plan.given:
                    setattr(org, attr, getattr(plan.data, attr))
                org.search_text = organisation_search_text(org.name, org.short_name, org.email)
                org.updated_at = now
            session.flush()
            if progress is not None:
                progress(2 * total, 2 * total)
            return report
    except (IntegrityError, DBAPIError) as exc:
        raise _write_failed(exc) from exc
