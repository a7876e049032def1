"""The one table reader of every import: CSV, Excel (.xlsx) or LibreOffice (.ods), told apart
by the file's content (a ".xlsx" that is really a CSV is read as one), with the sheet to read."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from koordination.errors import ImportFailed
from koordination.services.tables import csv_text
from koordination.services.tables.checks import checked
from koordination.services.tables.model import Kind, Row, TableFormat

#: File types the import dialogs offer (lower case, with the dot).
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".ods")
#: A workbook unpacking to more than this is a zip bomb, not a member list.
_MAX_UNPACKED = 1 << 30
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _workbooks(kind: Kind) -> ModuleType:
    """The reader of a workbook kind, imported when a workbook comes: openpyxl and odfdo take
    a fifth of a second to import, which a CSV file never needs."""
    if kind == "xlsx":
        from koordination.services.tables import xlsx

        return xlsx
    from koordination.services.tables import ods

    return ods


def _password(path: Path) -> ImportFailed:
    return ImportFailed(
        f"Die Datei {path.name} ist mit einem Kennwort geschützt und kann nicht gelesen werden. "
        "Bitte in Excel oder LibreOffice öffnen und ohne Kennwort speichern (oder als CSV)."
    )


def _spreadsheet_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if sum(i.file_size for i in infos) > _MAX_UNPACKED:
                raise ImportFailed(
                    f"Die Datei {path.name} ist ausgepackt größer als 1 GB; so große Tabellen "
                    "kann koordination nicht lesen. Bitte als CSV speichern."
                )
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                manifest = (
                    archive.read("META-INF/manifest.xml")
                    if "META-INF/manifest.xml" in names
                    else b""
                )
                if b"encryption-data" in manifest:
                    raise _password(path)
                if mimetype == _workbooks("ods").MIMETYPE:
                    return "ods"
                if mimetype.startswith("application/vnd.oasis.opendocument"):
                    raise ImportFailed(
                        f"Die Datei {path.name} ist ein LibreOffice-Dokument, aber keine Tabelle."
                    )
            if "word/document.xml" in names:
                raise ImportFailed(f"Die Datei {path.name} ist ein Word-Dokument, keine Tabelle.")
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError):
        raise _broken_zip(path) from None
    raise ImportFailed(
        f"Die Datei {path.name} ist ein ZIP-Archiv, aber keine Excel- oder LibreOffice-Tabelle."
    )


def _broken_zip(path: Path) -> ImportFailed:
    if path.suffix.lower() == ".ods":
        from koordination.services.tables import ods

        return ods.broken(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from koordination.services.tables import xlsx

        return xlsx.broken(path)
    return ImportFailed(
        f"Die Datei {path.name} ist eine beschädigte Excel- oder LibreOffice-Tabelle und lässt "
        "sich nicht lesen. Bitte in der Tabellenkalkulation öffnen und neu speichern."
    )


def kind_of(path: Path) -> Kind:
    """Which kind of table the file is, by its first bytes (and, for a zip, its parts)."""
    with csv_text.open_binary(path) as fh:
        head: bytes = fh.read(8)
        if head.startswith(_OLE):
            # Office's container: an encrypted .xlsx or the old .xls format
            encrypted = _ENCRYPTED in fh.read(64 << 20)
            if encrypted:
                raise _password(path)
            raise ImportFailed(
                f"Die Datei {path.name} ist im alten Excel-Format (.xls). Bitte in Excel oder "
                "LibreOffice als .xlsx, .ods oder CSV speichern."
            )
    if head.startswith(_ZIP):
        return _spreadsheet_kind(path)
    return "csv"


def _choose(path: Path, found: list[tuple[str, bool]], sheet: str | None) -> str:
    if not found:
        raise ImportFailed(f"Die Datei {path.name} enthält kein Tabellenblatt.")
    names = [name for name, _ in found]
    if sheet:
        if sheet in names:
            return sheet
        folded = {name.casefold().strip(): name for name in names}
        if sheet.casefold().strip() in folded:
            return folded[sheet.casefold().strip()]
        listed = ", ".join(f"„{n}“" for n in names)
        raise ImportFailed(
            f"Die Datei {path.name} hat kein Tabellenblatt „{sheet}“. Vorhanden: {listed}."
        )
    # The first sheet the office sees: hidden ones hold lookup lists, not the members.
    return next((name for name, visible in found if visible), names[0])


def sniff(path: Path, sheet: str | None = None) -> TableFormat:
    """The file's kind and how to read it: encoding and delimiter, or the sheet."""
    path = Path(path)
    kind = kind_of(path)
    if kind == "csv":
        if sheet:
            raise ImportFailed(
                f"Die Datei {path.name} ist eine CSV-Datei und hat keine Tabellenblätter; "
                "bitte ohne Tabellenblatt (--sheet) importieren."
            )
        return csv_text.sniff(path)
    module = _workbooks(kind)
    chosen = _choose(path, module.sheets(path), sheet)
    return TableFormat(kind, "", module.last_row(path, chosen), sheet=chosen)


def records(path: Path, fmt: TableFormat) -> Iterator[tuple[int, list[str]]]:
    """Every record of the table (header included), streamed, with its line or row number."""
    path = Path(path)
    if fmt.kind == "csv":
        yield from checked(path, fmt, csv_text.records(path, fmt))
        return
    module = _workbooks(fmt.kind)
    empty = True
    for record in checked(path, fmt, module.records(path, fmt.sheet)):
        empty = False
        yield record
    if empty:
        raise ImportFailed(f"Das Tabellenblatt „{fmt.sheet}“ der Datei {path.name} ist leer.")


def iter_rows(path: Path, fmt: TableFormat | None = None) -> Iterator[Row]:
    """Every record of the file (header included) as a :class:`Row`."""
    for line, cells in records(Path(path), fmt or sniff(Path(path))):
        yield Row(line, cells)


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], list[Row]]:
    """Header and data rows of a table file (its kind detected; blank rows dropped)."""
    path = Path(path)
    header: list[str] | None = None
    data: list[Row] = []
    for row in iter_rows(path, sniff(path, sheet)):
        if not any(c.strip() for c in row.cells):
            continue
        if header is None:
            header = [c.strip() for c in row.cells]
        else:
            data.append(row)
    if header is None:
        raise ImportFailed(f"Die Datei {path.name} ist leer.")
    return header, data
