"""Deterministic city-scale CSV: 100,000 invented people in 5,000 organisations, as from Excel."""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from koordination.domain.enums import ConsentPurpose, Sector, fold

#: Raised whenever what ``generate`` writes changes: cached files and databases built from an
#: older version are made anew (see bench_import.city_csv and city_db).
GENERATOR_VERSION = 2

GIVEN = (
    "Anna", "Jürgen", "Ayşe", "Björn", "Claudia", "Dieter", "Elif", "Frank", "Gül", "Hans",
    "Ingrid", "Jens", "Katrin", "Lars", "Maria", "Nils", "Olga", "Peter", "Renate", "Sören",
    "Tanja", "Uwe", "Vera", "Wolfgang", "Yasemin", "Zoe", "Günther", "Mehmet", "Lea", "Thomas",
)  # fmt: skip
FAMILY = (
    "Müller", "Schmidt", "Weiß", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
    "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange",
    "Yılmaz", "Kaya", "Nowak", "Öztürk", "Groß", "Köhler", "Jäger", "Vogel", "Friedrich",
)  # fmt: skip
TITLES = ("", "", "", "", "", "", "", "", "Dr.", "Prof. Dr.")
SALUTATIONS = ("Frau", "Herr", "")
ORG_WORDS = (
    "Bürgerstiftung", "Sportverein", "Tafel", "Nachbarschaftshilfe", "Kulturverein",
    "Seniorenbüro", "Jugendzentrum", "Förderverein", "Stadtteilbüro", "Elterninitiative",
    "Heimatverein", "Umweltgruppe", "Musikschule", "Mehrgenerationenhaus", "Hospizverein",
)  # fmt: skip
PLACES = (
    "Nord", "Süd", "Altstadt", "Weststadt", "Oststadt", "am Markt", "Lindenhof", "Brückenviertel",
    "Am Hang", "Bahnhofsviertel",
)  # fmt: skip
SECTOR_WEIGHTS = (
    (Sector.ZIVILGESELLSCHAFT, 60),
    (Sector.VERWALTUNG, 15),
    (Sector.WIRTSCHAFT, 15),
    (Sector.WISSENSCHAFT, 5),
    (Sector.POLITIK, 5),
)
FUNCTIONS = ("Vorsitz", "Geschäftsführung", "Ehrenamt", "Koordination", "Kassenwart:in", "")
# A fifth of the city shares its contact data in the network: an export writes their e-mail
# addresses, phone numbers and notes (the others' are withheld).
CONSENT = ("Einladungen", "Einladungen, Newsletter", "ja", "", "Einladungen, Kontaktdaten teilen")
#: The catalogue versions the list's consents were given to (an import names them), valid from
#: before the earliest "Einwilligung am" the file holds.
CONSENT_VERSIONS = {
    ConsentPurpose.EINLADUNGEN: "2019-01",
    ConsentPurpose.NEWSLETTER: "2019-01",
    ConsentPurpose.KONTAKTDATEN_TEILEN: "2019-01",
}
CONSENT_TEXTS_FROM = date(2019, 1, 1)

HEADER = [
    "Anrede",
    "Titel",
    "Vorname",
    "Nachname",
    "E-Mail",
    "Telefon",
    "Organisation",
    "Funktion",
    "Sektor",
    "Einwilligung",
    "Einwilligung am",
]

#: The columns of issue 15's import figure: name, e-mail, phone, organisation and sector.
ISSUE_COLUMNS = ("Vorname", "Nachname", "E-Mail", "Telefon", "Organisation", "Sektor")


def organisations(count: int, rng: random.Random) -> list[tuple[str, Sector]]:
    sectors = [s for s, _w in SECTOR_WEIGHTS]
    weights = [w for _s, w in SECTOR_WEIGHTS]
    orgs = []
    for n in range(count):
        name = f"{rng.choice(ORG_WORDS)} {rng.choice(PLACES)} {n + 1}"
        orgs.append((name, rng.choices(sectors, weights)[0]))
    return orgs


def generate(path: Path, people: int = 100_000, orgs: int = 5_000, seed: int = 2026) -> Path:
    """Write the city as German Excel does: UTF-8 with BOM, ``;``, CRLF, dates as 31.12.2026."""
    rng = random.Random(seed)
    pool = organisations(orgs, rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(people):
            given = rng.choice(GIVEN)
            family = rng.choice(FAMILY)
            org, sector = pool[n % orgs] if n < orgs else rng.choice(pool)
            consent = rng.choice(CONSENT)
            day = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2019, 2025)}"
            writer.writerow(
                [
                    rng.choice(SALUTATIONS),
                    rng.choice(TITLES),
                    given,
                    family,
                    f"{fold(given)}.{fold(family)}.{n + 1}@example.org",
                    f"0{rng.randint(300, 999)} {rng.randint(100000, 9999999)}",
                    org,
                    rng.choice(FUNCTIONS),
                    sector.label,
                    consent,
                    day if consent else "",
                ]
            )
    return path


def narrowed(source: Path, target: Path, columns: Sequence[str]) -> Path:
    """``source`` (a generated city) with only ``columns``, written the same way."""
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh, delimiter=";")
        header = next(rows)
        keep = [header.index(c) for c in columns]
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows([row[i] for i in keep] for row in rows)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=5_000)
    args = parser.parse_args()
    generate(args.target, args.people, args.organisations)


if __name__ == "__main__":
    main()
