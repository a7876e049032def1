"""The formats koordination writes and the German label a dialog shows for each, defined once.

Nothing but constants: the parser of the command line reads them for ``--help``, so importing
this module must cost nothing.
"""

from __future__ import annotations

#: Document formats in the order a dialog offers them.
DOCUMENT_FORMATS: tuple[str, ...] = ("md", "html", "docx", "odt", "pdf")

#: The German label an export dialog shows for each document format.
DOCUMENT_FORMAT_LABELS: dict[str, str] = {
    "md": "Markdown",
    "html": "HTML (Browser, Druck)",
    "docx": "Word (DOCX)",
    "odt": "OpenDocument (ODT, LibreOffice)",
    "pdf": "PDF",
}

#: Table formats with the German label an export dialog shows.
TABLE_FORMATS: dict[str, str] = {
    "csv": "CSV (Excel, LibreOffice)",
    "xlsx": "Excel-Arbeitsmappe (XLSX)",
    "json": "JSON",
}

#: A folder of files (the OParl open-data export): written as a whole, named without a suffix.
FOLDER = "folder"
FOLDER_FORMATS: dict[str, str] = {FOLDER: "Ordner"}

#: Every format any output has, with its German label.
ALL_FORMAT_LABELS: dict[str, str] = {
    **DOCUMENT_FORMAT_LABELS,
    **TABLE_FORMATS,
    **FOLDER_FORMATS,
}
