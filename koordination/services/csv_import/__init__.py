"""CSV import of people and organisations, as German offices save them from Excel or LibreOffice.

reading: the file (encoding, delimiter, records) · headers: which column is which field ·
cells: parsing single cells · people, people_writer, organisations: the two imports ·
bulk: fast inserts · report: what an import says back.
"""

from koordination.services.csv_import.cells import clean_cell
from koordination.services.csv_import.organisations import import_organisations
from koordination.services.csv_import.people import import_people
from koordination.services.csv_import.reading import Row, TableFormat, iter_rows, read_table, sniff
from koordination.services.csv_import.report import Existing, ImportReport, Progress

__all__ = [
    "Existing",
    "ImportReport",
    "Progress",
    "Row",
    "TableFormat",
    "clean_cell",
    "import_organisations",
    "import_people",
    "iter_rows",
    "read_table",
    "sniff",
]
