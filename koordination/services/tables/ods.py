"""Reading a LibreOffice spreadsheet (.ods): its sheets and the rows of one.

LibreOffice writes runs of equal rows and cells once with a repeat count (a sheet's unused
remainder is one empty row repeated a million times), so rows are walked as written and
only expanded where they hold something.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from odfdo import Document

from koordination.errors import ImportFailed
from koordination.services.tables.cells import cell_text
from koordination.services.tables.model import MAX_CELL

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
#: More equal rows in one run than this is no member list but a broken or hostile file.
_MAX_REPEAT = 100_000
_MAX_COLUMNS = 16_384


def broken(path: Path) -> ImportFailed:
    return ImportFailed(
        f"Die LibreOffice-Datei {path.name} ist beschädigt und lässt sich nicht lesen. Bitte in "
        "LibreOffice öffnen und neu speichern (oder als CSV)."
    )


def _tables(path: Path) -> tuple[Any, list[Any]]:
    try:
        doc = Document(path)
        if doc.mimetype != MIMETYPE:
            raise ImportFailed(
                f"Die Datei {path.name} ist ein LibreOffice-Dokument, aber keine Tabelle."
            )
        return doc, list(doc.body.get_tables())
    except ImportFailed:
        raise
    except Exception:  # odfdo and lxml raise many kinds of error on a bad file
        raise broken(path) from None


def _visible(doc: Any, table: Any) -> bool:
    name = table.style
    if not name:
        return True
    style = doc.get_style("table", name)
    if style is None:
        return True
    return all(
        props.get_attribute("table:display") not in ("false", False)
        for props in style.xpath("style:table-properties")
    )


def sheets(path: Path) -> list[tuple[str, bool]]:
    doc, tables = _tables(path)
    return [(str(t.name), _visible(doc, t)) for t in tables]


def _count(element: Any, attribute: str) -> int:
    raw = element.get_attribute(attribute)
    try:
        return max(int(raw), 1) if raw not in (None, "") else 1
    except (TypeError, ValueError):
        return 1


def _cells(row: Any, path: Path, number: int) -> list[str]:
    cells: list[str] = []
    pending = 0  # empty cells not yet appended: only kept if something follows them
    for cell in row.xpath("table:table-cell|table:covered-table-cell"):
        repeat = _count(cell, "table:number-columns-repeated")
        text = cell_text(cell.get_value()) if cell.tag == "table:table-cell" else ""
        if not text:
            pending += repeat
            continue
        if len(text) > MAX_CELL:
            raise ImportFailed(
                f"Die Datei {path.name} ist ab Zeile {number} nicht lesbar: eine Zelle ist zu "
                "lang (mehr als 128.000 Zeichen)."
            )
        if len(cells) + pending + repeat > _MAX_COLUMNS:
            break
        cells.extend([""] * pending)
        pending = 0
        cells.extend([text] * repeat)
    return cells


def last_row(path: Path, sheet: str) -> int:
    return 1  # counting would parse the sheet twice; the progress estimate grows as rows come


def records(path: Path, sheet: str) -> Iterator[tuple[int, list[str]]]:
    """Every non-empty row of the sheet with its row number, as text."""
    _doc, tables = _tables(path)  # the document stays open while its rows are read
    table = next(t for t in tables if t.name == sheet)
    number = 0
    try:
        rows = table.xpath(".//table:table-row")
    except Exception:
        raise broken(path) from None
    for row in rows:
        repeat = _count(row, "table:number-rows-repeated")
        cells = _cells(row, path, number + 1)
        if not any(cells):
            number += repeat
            continue
        if repeat > _MAX_REPEAT:
            raise ImportFailed(
                f"Die Datei {path.name} wiederholt ab Zeile {number + 1} dieselbe Zeile "
                f"{repeat}-mal; so eine Tabelle ist keine Liste zum Importieren."
            )
        for _ in range(repeat):
            number += 1
            yield number, list(cells)
