"""Exporters: one writer per format behind a small registry (never imports Textual)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from koordination.errors import KoordinationError
from koordination.outputs.table import (
    FORMATS,
    Progress,
    export_groups,
    export_organisations,
    export_people,
    group_row_json,
    organisation_row_json,
    person_json,
    person_row_json,
)
from koordination.services.directory import Directory

TableExporter = Callable[[Directory, str, "Path | str", "Progress | None"], int]

#: What can be exported as a table, with its German name, and the writer doing it.
TABLES: dict[str, tuple[str, TableExporter]] = {
    "people": ("Personen", export_people),
    "organisations": ("Organisationen", export_organisations),
    "groups": ("Gruppen", export_groups),
}

#: Table formats with the German label an export dialog shows.
TABLE_FORMATS: dict[str, str] = {
    "csv": "CSV (Excel, LibreOffice)",
    "json": "JSON",
}
assert tuple(TABLE_FORMATS) == FORMATS


def export_table(
    directory: Directory,
    kind: str,
    fmt: str,
    target: Path | str,
    progress: Progress | None = None,
) -> int:
    """Export one table (``people``, ``organisations`` or ``groups``); returns how many rows."""
    try:
        _label, exporter = TABLES[kind]
    except KeyError:
        raise KoordinationError(
            f"„{kind}“ kann nicht exportiert werden; möglich sind: {', '.join(TABLES)}."
        ) from None
    return exporter(directory, fmt, target, progress)


__all__ = [
    "TABLES",
    "TABLE_FORMATS",
    "Progress",
    "export_groups",
    "export_organisations",
    "export_people",
    "export_table",
    "group_row_json",
    "organisation_row_json",
    "person_json",
    "person_row_json",
]
