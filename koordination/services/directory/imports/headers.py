"""Recognising the header row: which column holds which field, as offices name them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from koordination.domain.enums import fold
from koordination.errors import ImportFailed
from koordination.services.tables.model import Row

Aliases = dict[str, tuple[str, ...]]

PERSON_ALIASES: Aliases = {
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
    # Our own exports write these; they carry nothing to import but are no unknown columns.
    "number": ("Nr.", "Nr", "Nummer", "ID"),
}
ORG_ALIASES: Aliases = {
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


@dataclass
class Columns:
    """Where each field is in the file: field -> [(index, header as written)]."""

    at: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def first(self, name: str) -> tuple[int, str] | None:
        found = self.at.get(name)
        return found[0] if found else None

    def label(self, name: str, default: str) -> str:
        found = self.first(name)
        return found[1] if found else default


def map_headers(header: Sequence[str], aliases: Aliases) -> Columns:
    lookup = {fold(alias): name for name, names in aliases.items() for alias in names}
    cols = Columns()
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
        elif name in cols.at and name not in _MULTI:
            cols.warnings.append(
                f"Die Spalte „{title}“ kommt doppelt vor (wie „{cols.at[name][0][1]}“); "
                "nur die erste wird gelesen."
            )
        else:
            cols.at.setdefault(name, []).append((index, title))
    return cols


def _known_count(cells: Sequence[str], aliases: Aliases) -> int:
    return len(map_headers(cells, aliases).at)


def find_header(
    rows: Iterator[tuple[int, list[str]]], aliases: Aliases, path: Path
) -> tuple[Row, list[str]]:
    """The header row: the first non-empty one, or a later one if title lines sit above it.

    Returns the row and a hint for each line skipped above it.
    """
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
        return skipped[0], []  # nothing better found: take the first row and let it fail later
    if _known_count(row.cells, aliases) < 2 and skipped:
        return skipped[0], []
    notes = [f"Zeile {r.line} steht über der Kopfzeile und wird nicht importiert." for r in skipped]
    return row, notes


def no_header(path: Path, expected: str) -> ImportFailed:
    return ImportFailed(
        f"Die Datei {path.name} hat keine erkennbare Kopfzeile. Die erste Zeile muss die "
        f"Spaltennamen enthalten, z. B. {expected}."
    )
