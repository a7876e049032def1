"""What koordination can produce and in which formats: the one list both faces read.

``OUTPUTS`` maps a key to an :class:`Output` (German label, formats, how to build it from the
core and a subject, and its default file-name stem). :func:`produce` builds one and writes it
atomically to a target (a file, a folder, or by default the exports folder under the one
slug). The CLI's ``--format`` choices and the TUI's export dialogs take the formats and their
labels from here. Reading happens through the core's services at run time; nothing here opens
a database or imports a face.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from koordination.errors import KoordinationError
from koordination.files import atomic_text
from koordination.outputs import document as documents
from koordination.outputs.builders.access_letter import access_document, access_file_stem
from koordination.outputs.builders.programme import annual_report, steckbrief
from koordination.outputs.builders.sittings import (
    draft_minutes,
    invitation_letter,
    letterhead,
    minutes_document,
    sign_in_sheet,
    workshop_report,
)
from koordination.outputs.document.model import Document
from koordination.outputs.files import export_path, slug
from koordination.outputs.table import (
    FORMATS as TABLE_FORMAT_KEYS,
)
from koordination.outputs.table import (
    DirectoryTables,
    Progress,
    export_groups,
    export_organisations,
    export_people,
    group_row_json,
    organisation_row_json,
    person_json,
    person_row_json,
)

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.meetings import MeetingRecord, SittingRecord
    from koordination.domain.records.programme import AnnualReportData, SteckbriefData

#: Document formats in the order a dialog offers them, with their German labels.
DOCUMENT_FORMATS: tuple[str, ...] = documents.FORMATS
FORMAT_LABELS: dict[str, str] = dict(documents.FORMAT_LABELS)

#: Table formats with the German label an export dialog shows.
TABLE_FORMATS: dict[str, str] = {
    "csv": "CSV (Excel, LibreOffice)",
    "json": "JSON",
}
assert tuple(TABLE_FORMATS) == TABLE_FORMAT_KEYS

#: Every format any output has, with its German label.
ALL_FORMAT_LABELS: dict[str, str] = {**FORMAT_LABELS, **TABLE_FORMATS}


# ---------------------------------------------------------------------------- products


@dataclass(frozen=True)
class Dossier:
    """One content twice: as data for programs (JSON) and as a document for people."""

    data: Mapping[str, Any]
    document: Document


Product = Union[Document, Dossier]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True)
class Output:
    """Something koordination produces: its German label, its formats (the first is the
    default), how to build it from the core and a subject, and its file-name stem."""

    key: str
    label: str
    formats: tuple[str, ...]
    build: Callable[[Core, Any], Product]
    stem: Callable[[Any, Product], str]


def write_product(product: Product, fmt: str, target: Path) -> Path:
    """Write a built product as ``fmt`` to ``target`` (a file path), atomically."""
    if isinstance(product, Dossier):
        if fmt == "json":
            with atomic_text(target) as fh:
                json.dump(product.data, fh, ensure_ascii=False, indent=2)
                fh.write("\n")
            return target
        product = product.document
    return documents.write(product, fmt, target)


def produce(core: Core, key: str, subject: Any, fmt: str, target: Path | str | None = None) -> Path:
    """Build output ``key`` for ``subject`` and write it as ``fmt`` to ``target`` (a file, or a
    folder to put it in; default: the exports folder, named by the output's stem); returns the
    file's path."""
    output = output_for(key)
    if fmt not in output.formats:
        raise KoordinationError(
            f"Unbekanntes Format „{fmt}“; möglich sind {_german_list(output.formats)}."
        )
    product = output.build(core, subject)
    name = f"{output.stem(subject, product)}.{fmt}"
    path = Path(target) if target else export_path(output.stem(subject, product), fmt)
    if path.is_dir():
        path = path / name
    return write_product(product, fmt, path)


def output_for(key: str) -> Output:
    try:
        return OUTPUTS[key]
    except KeyError:
        raise KoordinationError(
            f"„{key}“ kann nicht erzeugt werden; möglich sind: {', '.join(OUTPUTS)}."
        ) from None


def _german_list(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} und {items[-1]}"


# ---------------------------------------------------------------------------- the outputs
# The access report (Art. 15/20 DSGVO): subject is the person's number.


def _access(core: Core, person_id: int) -> Dossier:
    report = core.privacy.access_report(person_id)
    head = letterhead(core.directory.get_city())
    return Dossier(report, access_document(report, head))


def _access_stem(person_id: int, product: Product) -> str:
    assert isinstance(product, Dossier)
    day = datetime.fromisoformat(product.data["created_at"]).date()
    return access_file_stem(person_id, day)


# A sitting's documents: subject is the SittingRecord as the face shows it; the document is
# built from what is stored now.


def _sitting_stem(what: str) -> Callable[[Any, Product], str]:
    def stem(record: SittingRecord, _product: Product) -> str:
        return f"{record.occurrence:%Y-%m-%d}-{slug(record.title)}-{what}"

    return stem


def _sitting_document(what: str) -> Callable[[Core, Any], Product]:
    def build(core: Core, subject: SittingRecord) -> Product:
        minutes = core.sittings
        record = minutes.get(subject.id)
        head = letterhead(core.directory.get_city())
        if what == "einladung":
            return invitation_letter(record, head)
        if what == "teilnehmende":
            return sign_in_sheet(record, head)
        if what == "ergebnisbericht":
            return workshop_report(record, head)
        if record.frozen:
            # Approved minutes come from the frozen content, with its fingerprint.
            from koordination.domain.enums import MinutesStatus

            content, print_ = minutes.approved_content(record.id)
            return minutes_document(
                content,
                head,
                status=MinutesStatus.GENEHMIGT,
                fingerprint=print_,
                version=record.versions[-1].number,
            )
        return draft_minutes(record, head)

    return build


def _sitting_output(key: str, label: str) -> Output:
    return Output(key, label, DOCUMENT_FORMATS, _sitting_document(key), _sitting_stem(key))


# The programme's documents: subject is the record core.programme returns (the Steckbrief's
# data, the annual report's data of one year); the file is named after the city.


def _steckbrief_stem(data: SteckbriefData, _product: Product) -> str:
    return "-".join(p for p in ("steckbrief", slug(data.city.name) if data.city else "") if p)


def _annual_report_stem(data: AnnualReportData, _product: Product) -> str:
    city = slug(data.city.name) if data.city else ""
    return "-".join(p for p in (f"jahresbericht-{data.year}", city) if p)


OUTPUTS: dict[str, Output] = {
    "auskunft": Output(
        "auskunft", "Auskunft nach Art. 15 DSGVO", ("json", "pdf"), _access, _access_stem
    ),
    "einladung": _sitting_output("einladung", "Einladung mit Tagesordnung"),
    "protokoll": _sitting_output("protokoll", "Protokoll"),
    "teilnehmende": _sitting_output("teilnehmende", "Teilnehmendenliste"),
    "ergebnisbericht": _sitting_output("ergebnisbericht", "Ergebnisbericht (Werkstatt)"),
    "steckbrief": Output(
        "steckbrief",
        "Steckbrief der Stadt",
        DOCUMENT_FORMATS,
        lambda _core, data: steckbrief(data),
        _steckbrief_stem,
    ),
    "jahresbericht": Output(
        "jahresbericht",
        "Jahresbericht",
        DOCUMENT_FORMATS,
        lambda _core, data: annual_report(data),
        _annual_report_stem,
    ),
}


def invitation_attachment(core: Core, meeting: MeetingRecord) -> bytes | None:
    """The Einladung with the agenda as PDF, what an invitation e-mail carries: only for a
    one-off meeting whose agenda is written, else ``None``."""
    if meeting.rrule:
        return None
    record = core.sittings.find(meeting.id, meeting.start)
    if record is None or not record.items:
        return None
    head = letterhead(core.directory.get_city())
    return documents.render(invitation_letter(record, head), "pdf")


#: The documents of one sitting, in the order the export dialog lists them.
SITTING_DOCUMENTS: tuple[str, ...] = ("einladung", "protokoll", "teilnehmende", "ergebnisbericht")


# ---------------------------------------------------------------------------- tables
# The directory's tables page through the directory service themselves (100,000 people do
# not fit in one list); they keep their own entry point with a progress callback.

TableExporter = Callable[[DirectoryTables, str, "Path | str", "Progress | None"], int]

#: What can be exported as a table, with its German name, and the writer doing it.
TABLES: dict[str, tuple[str, TableExporter]] = {
    "people": ("Personen", export_people),
    "organisations": ("Organisationen", export_organisations),
    "groups": ("Gruppen", export_groups),
}


def export_table(
    directory: DirectoryTables,
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
    "ALL_FORMAT_LABELS",
    "DOCUMENT_FORMATS",
    "FORMAT_LABELS",
    "OUTPUTS",
    "SITTING_DOCUMENTS",
    "TABLES",
    "TABLE_FORMATS",
    "Dossier",
    "Output",
    "Progress",
    "export_groups",
    "export_organisations",
    "export_people",
    "export_table",
    "group_row_json",
    "invitation_attachment",
    "organisation_row_json",
    "output_for",
    "person_json",
    "person_row_json",
    "produce",
    "write_product",
]
