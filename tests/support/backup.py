"""Helpers for the backup, restore and killed-import tests: a logical dump, sample data, CSVs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.inputs.directory import OrganisationInput, PersonInput
from koordination.services.directory.service import Directory

Rows = dict[str, list[tuple[Any, ...]]]


def table_rows(db: Database) -> Rows:
    """Every row of every table, in a stable order: two equal dumps mean equal databases."""
    with db.engine.connect() as conn:
        names = sorted(inspect(conn).get_table_names())
        return {
            name: sorted(
                (tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr
            )
            for name in names
        }


def without(rows: Rows, *tables: str) -> Rows:
    return {name: value for name, value in rows.items() if name not in tables}


def add_network(db: Database, suffix: str = "") -> None:
    """A small network: an organisation and two people, one of them working there."""
    directory = Directory(db)
    org = directory.create_organisation(
        OrganisationInput(name=f"Tafel Musterstadt e.V.{suffix}", sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    person = directory.create_person(
        PersonInput(
            given_name="Jürgen",
            family_name=f"Weiß{suffix}",
            emails=[f"juergen.weiss{suffix}@tafel.example"],
            tags=["Vorstand"],
        )
    ).record
    directory.create_person(PersonInput(given_name="Renate", family_name=f"Schäfer{suffix}"))
    directory.add_affiliation(person.id, org.id, "Vorsitz")


def write_people_csv(path: Path, rows: int, start: int = 0) -> Path:
    """A people list as exported from a spreadsheet (semicolons, German headers)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["Nachname", "Vorname", "E-Mail", "Organisation", "Sektor"])
        for i in range(start, start + rows):
            writer.writerow(
                [
                    f"Muster{i}",
                    f"Erika{i}",
                    f"erika.muster{i}@example.org",
                    f"Verein {i % 500}",
                    "Zivilgesellschaft",
                ]
            )
    return path


def url_of(db: Database) -> str:
    """The URL to hand another process (``--db``), password included."""
    return db.url.render_as_string(hide_password=False)
