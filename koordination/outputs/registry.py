"""What koordination can produce and in which formats: the one list both faces read.

``OUTPUTS`` maps a key to an :class:`Output` (German label, formats, how to build it from the
core and a subject, and its default file-name stem). :func:`produce` builds one and writes it
atomically to a target (a file, a folder, or by default the exports folder under the one
slug). The CLI's ``--format`` choices and the TUI's export dialogs take the formats and their
labels from here.

Reading this module is cheap: the table names its builders by module and function
(:mod:`koordination.outputs.recipes`), which are imported only when something is built, so
``koordination --help`` loads no builder, renderer, service or SQLAlchemy. Reading happens
through the core's services at run time; nothing here opens a database or imports a face.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from koordination.errors import KoordinationError
from koordination.outputs.formats import (
    ALL_FORMAT_LABELS,
    DOCUMENT_FORMATS,
    FOLDER,
    TABLE_FORMATS,
)
from koordination.outputs.formats import DOCUMENT_FORMAT_LABELS as FORMAT_LABELS

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.meetings import MeetingRecord, SittingRecord
    from koordination.domain.records.surveys import Comparison, SurveyResults
    from koordination.outputs.document.model import Document

#: Progress of a long write: (done, total).
Progress = Callable[[int, int], None]

# ---------------------------------------------------------------------------- products


@dataclass(frozen=True)
class Dossier:
    """One content in several shapes: a document for people, and as data for programs
    (``data`` as JSON) or as a table (``table`` as CSV: header and rows)."""

    document: Document
    data: Mapping[str, Any] | None = None
    table: tuple[Sequence[str], Iterable[Sequence[str]]] | None = None


@dataclass(frozen=True)
class Rows:
    """A table written as CSV or JSON when asked, row by row (100,000 people never sit in
    memory): ``write(fmt, target, progress)`` returns how many rows it wrote. ``name`` is the
    file-name stem where it depends on what was read."""

    write: Callable[[str, Path, Progress | None], int]
    name: str = ""


@dataclass(frozen=True)
class Folder:
    """A folder of files written as a whole (the OParl export); ``summary`` says what it holds."""

    write: Callable[[Path], None]
    summary: Any = None


Product = Union["Document", Dossier, Rows, Folder]

# ---------------------------------------------------------------------------- subjects


@dataclass(frozen=True)
class MinutesVersion:
    """Subject of ``protokoll`` for one approved version of a sitting's minutes."""

    sitting: SittingRecord
    version: int


@dataclass(frozen=True)
class SurveyReport:
    """Subject of ``umfragebericht`` with a comparison: the results and the shared questions
    with another survey (``compared_with``)."""

    results: SurveyResults
    comparison: Comparison | None = None
    compared_with: int | None = None


@dataclass(frozen=True)
class PersonRequest:
    """Subject of ``auskunft`` when the office knows who asked: the person's number and the
    requester (the person, their representative …), written into the act's trail entry and
    the request it answers. A bare number is the same without a requester."""

    person_id: int
    requester: str = ""


# ---------------------------------------------------------------------------- the table

_RECIPES = "koordination.outputs.recipes"


def _recipe(name: str) -> Callable[..., Any]:
    function: Callable[..., Any] = getattr(importlib.import_module(_RECIPES), name)
    return function


@dataclass(frozen=True)
class Output:
    """Something koordination produces: its German label, its formats (the first is the
    default), and the names of the functions in :mod:`koordination.outputs.recipes` that build
    it from the core and a subject (``builder``) and give its file-name stem (``namer``)."""

    key: str
    label: str
    formats: tuple[str, ...]
    builder: str
    namer: str
    #: A recipe ``(core, subject) -> stem`` naming the file without building it: where
    #: building is an act of its own (an access report is logged and answers the request).
    quick_namer: str = ""

    def build(self, core: Core, subject: Any) -> Product:
        product: Product = _recipe(self.builder)(core, subject)
        return product

    def stem(self, subject: Any, product: Product) -> str:
        stem: str = _recipe(self.namer)(subject, product)
        return stem

    def name(self, core: Core, subject: Any) -> str:
        """The file-name stem a dialog proposes before anything is written."""
        if self.quick_namer:
            quick: str = _recipe(self.quick_namer)(core, subject)
            return quick
        return self.stem(subject, self.build(core, subject))

    @property
    def is_folder(self) -> bool:
        return self.formats == (FOLDER,)

    def format_choices(self) -> list[tuple[str, str]]:
        """(format, German label) in the order a dialog offers them."""
        return [(fmt, ALL_FORMAT_LABELS[fmt]) for fmt in self.formats]


def _output(key: str, label: str, formats: tuple[str, ...], recipe: str = "") -> Output:
    recipe = recipe or key
    return Output(key, label, formats, f"build_{recipe}", f"stem_{recipe}")


#: Survey documents offer PDF first: a questionnaire and a report are printed.
SURVEY_DOCUMENT_FORMATS: tuple[str, ...] = ("pdf", "docx", "odt", "html", "md")
_TABLES: tuple[str, ...] = tuple(TABLE_FORMATS)
#: The paperwork is edited further by the office (Word, LibreOffice) or filed (PDF).
PAPERWORK_FORMATS: tuple[str, ...] = ("docx", "odt", "pdf")

OUTPUTS: dict[str, Output] = {
    # subject: the person's number, or a PersonRequest naming who asked. The letter is edited
    # before it is sent (DOCX, ODT); JSON is the data itself (Art. 20).
    "auskunft": Output(
        "auskunft",
        "Auskunft nach Art. 15 DSGVO",
        ("pdf", "docx", "odt", "json"),
        "build_auskunft",
        "stem_auskunft",
        quick_namer="name_auskunft",
    ),
    # subject: the SittingRecord as the face shows it (protokoll: or a MinutesVersion); the
    # document is built from what is stored now
    "einladung": _output("einladung", "Einladung mit Tagesordnung", DOCUMENT_FORMATS),
    "protokoll": _output("protokoll", "Protokoll", DOCUMENT_FORMATS),
    "teilnehmende": _output("teilnehmende", "Teilnehmendenliste", (*DOCUMENT_FORMATS, "csv")),
    "ergebnisbericht": _output("ergebnisbericht", "Ergebnisbericht (Werkstatt)", DOCUMENT_FORMATS),
    # subject: what core.programme returns (the Steckbrief's data, one year's report data)
    "steckbrief": _output("steckbrief", "Steckbrief der Stadt", DOCUMENT_FORMATS),
    "jahresbericht": _output("jahresbericht", "Jahresbericht", DOCUMENT_FORMATS),
    # subject: core.surveys.form(id)
    "fragebogen": _output("fragebogen", "Fragebogen zum Ausdrucken", SURVEY_DOCUMENT_FORMATS),
    # subject: the SurveyResults (or a SurveyReport with a comparison)
    "umfragebericht": _output(
        "umfragebericht", "Ergebnisbericht mit Diagrammen", SURVEY_DOCUMENT_FORMATS
    ),
    # subject: the SurveyResults
    "auszaehlung": _output("auszaehlung", "Auszählung als Tabelle", _TABLES),
    # subject: the survey's number
    "rohdaten": _output("rohdaten", "Einzelne Antworten (anonym)", _TABLES),
    # subject: a PeopleFilter, OrganisationFilter or GroupFilter, or None for all current
    "personen": _output("personen", "Personen", _TABLES),
    "organisationen": _output("organisationen", "Organisationen", _TABLES),
    "gruppen": _output("gruppen", "Gruppen", _TABLES),
    # subject: the base URL the files will be published under
    "oparl": _output("oparl", "Offene Daten (OParl 1.1)", (FOLDER,)),
    # subject: core.offers.publication() (the offers a citizen may see)
    "wegweiser": _output("wegweiser", "Engagement-Wegweiser", SURVEY_DOCUMENT_FORMATS),
    "angebote": _output("angebote", "Mitwirkungsmöglichkeiten als Website", (FOLDER,)),
    # subject: a TrailQuery (the change history of one record, or of everything)
    "verlauf": _output("verlauf", "Änderungsverlauf", ("csv",)),
    # subject: None (the record of processing); True for the information with Art. 14
    "verzeichnis": _output(
        "verzeichnis", "Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)", PAPERWORK_FORMATS
    ),
    "information": _output(
        "information", "Datenschutzinformation für Engagierte (Art. 13/14)", PAPERWORK_FORMATS
    ),
}

#: The office's data-protection paperwork, in the order the Stadtprofil's export dialog lists it.
PAPERWORK: tuple[str, ...] = ("verzeichnis", "information")

#: The documents of one sitting, in the order the export dialog lists them.
SITTING_DOCUMENTS: tuple[str, ...] = ("einladung", "protokoll", "teilnehmende", "ergebnisbericht")

#: What a survey can be exported as, in the order the export dialog lists them.
SURVEY_OUTPUTS: tuple[str, ...] = ("umfragebericht", "auszaehlung", "rohdaten", "fragebogen")

#: The directory's tables by the CLI's name for them.
DIRECTORY_TABLES: dict[str, str] = {
    "people": "personen",
    "organisations": "organisationen",
    "groups": "gruppen",
}


# ---------------------------------------------------------------------------- producing


@dataclass(frozen=True)
class Produced:
    """What :func:`make` wrote: where, the product it built, and how many rows (tables)."""

    path: Path
    product: Product
    count: int | None = None


def output_for(key: str) -> Output:
    try:
        return OUTPUTS[key]
    except KeyError:
        raise KoordinationError(
            f"„{key}“ kann nicht erzeugt werden; möglich sind: {', '.join(OUTPUTS)}."
        ) from None


def make(
    core: Core,
    key: str,
    subject: Any,
    fmt: str,
    target: Path | str | None = None,
    *,
    progress: Progress | None = None,
) -> Produced:
    """Build output ``key`` for ``subject`` and write it as ``fmt`` to ``target`` (a file, or a
    folder to put it in; default: the exports folder, named by the output's stem). A folder
    output (``oparl``) is written as the folder ``target`` itself."""
    output = output_for(key)
    if fmt not in output.formats:
        raise KoordinationError(
            f"Unbekanntes Format „{fmt}“; möglich sind {_german_list(output.formats)}."
        )
    product = output.build(core, subject)
    stem = output.stem(subject, product)
    if output.is_folder:
        path = Path(target) if target else _exports_dir() / stem
    else:
        path = Path(target) if target else _export_path(stem, fmt)
        if path.is_dir():
            path = path / f"{stem}.{fmt}"
    count = write_product(product, fmt, path, progress)
    # Absolute: every "… geschrieben" line names the whole path, so the file can be found.
    return Produced(path.absolute(), product, count)


def produce(core: Core, key: str, subject: Any, fmt: str, target: Path | str | None = None) -> Path:
    """Build output ``key`` for ``subject`` and write it as ``fmt`` to ``target`` (see
    :func:`make`); returns the path written."""
    return make(core, key, subject, fmt, target).path


def write_product(
    product: Product, fmt: str, target: Path, progress: Progress | None = None
) -> int | None:
    """Write a built product as ``fmt`` to ``target``, atomically; returns how many rows a
    table has (else ``None``)."""
    if isinstance(product, Rows):
        return product.write(fmt, target, progress)
    if isinstance(product, Folder):
        product.write(target)
        return None
    if isinstance(product, Dossier):
        if fmt == "json" and product.data is not None:
            from koordination.files import atomic_text

            with atomic_text(target) as fh:
                json.dump(product.data, fh, ensure_ascii=False, indent=2)
                fh.write("\n")
            return None
        if fmt == "csv" and product.table is not None:
            from koordination.outputs.table import write_csv

            header, rows = product.table
            return write_csv(target, header, rows)
        product = product.document
    from koordination.outputs import document as documents

    documents.write(product, fmt, target)
    return None


def _export_path(stem: str, fmt: str) -> Path:
    from koordination.outputs.files import export_path

    return export_path(stem, fmt)


def _exports_dir() -> Path:
    from koordination.paths import exports_dir

    return exports_dir()


def _german_list(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} und {items[-1]}"


def invitation_attachment(core: Core, meeting: MeetingRecord) -> bytes | None:
    """The Einladung with the agenda as PDF, what an invitation e-mail carries: only for a
    one-off meeting whose agenda is written, else ``None``."""
    if meeting.rrule:
        return None
    record = core.sittings.find(meeting.id, meeting.start)
    if record is None or not record.items:
        return None
    from koordination.outputs import document as documents
    from koordination.outputs.builders.sittings import invitation_letter, letterhead

    head = letterhead(core.directory.get_city())
    return documents.render(invitation_letter(record, head), "pdf")


# ---------------------------------------------------------------------------- tables
# The directory's tables page through the directory service themselves; callers that hold
# the directory (not the core) keep this entry point with a progress callback.


def export_table(
    directory: Any,
    kind: str,
    fmt: str,
    target: Path | str,
    progress: Progress | None = None,
) -> int:
    """Export one table (``people``, ``organisations`` or ``groups``); returns how many rows."""
    if kind not in DIRECTORY_TABLES:
        raise KoordinationError(
            f"„{kind}“ kann nicht exportiert werden; möglich sind: {', '.join(DIRECTORY_TABLES)}."
        )
    # Loaded on first use, so importing the registry stays cheap.
    directory_tables = importlib.import_module("koordination.outputs.builders.directory")
    exporter: Callable[..., int] = getattr(directory_tables, f"export_{kind}")
    return exporter(directory, fmt, target, progress)


__all__ = [
    "ALL_FORMAT_LABELS",
    "DIRECTORY_TABLES",
    "DOCUMENT_FORMATS",
    "FORMAT_LABELS",
    "OUTPUTS",
    "PAPERWORK",
    "PAPERWORK_FORMATS",
    "SITTING_DOCUMENTS",
    "SURVEY_DOCUMENT_FORMATS",
    "SURVEY_OUTPUTS",
    "TABLE_FORMATS",
    "Dossier",
    "Folder",
    "MinutesVersion",
    "Output",
    "PersonRequest",
    "Produced",
    "Progress",
    "Rows",
    "SurveyReport",
    "export_table",
    "invitation_attachment",
    "make",
    "output_for",
    "produce",
    "write_product",
]
