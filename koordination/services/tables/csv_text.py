"""Reading a CSV file as Excel or LibreOffice save it: encoding, delimiter, records."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from koordination.errors import ImportFailed
from koordination.services.tables.model import TableFormat

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = (";", "\t", ",")  # ties go to the German Excel default


def open_binary(path: Path) -> Any:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFailed(f"Die Datei {path} gibt es nicht.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} ist ein Ordner, keine Datei.") from None
    except OSError as exc:
        raise ImportFailed(
            f"Die Datei {path} kann nicht gelesen werden ({exc.strerror or exc})."
        ) from None


def _not_text(path: Path) -> ImportFailed:
    return ImportFailed(
        f"Die Datei {path.name} ist keine Textdatei (CSV) und keine Excel- (.xlsx) oder "
        "LibreOffice-Tabelle (.ods). Bitte in der Tabellenkalkulation „Speichern unter …“ und "
        "eines dieser Formate wählen."
    )


def _decodes(fh: Any, first: bytes, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes in ``encoding``; also counts its lines on the way."""
    decoder = codecs.getincrementaldecoder(encoding)()
    ok = True
    lines = 0
    chunk = first
    while chunk:
        lines += chunk.count(b"\n")
        if ok:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                ok = False
        chunk = fh.read(1 << 20)
    if ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            ok = False
    return ok, lines


def _encoding(fh: Any, head: bytes, path: Path) -> tuple[str, int]:
    """The file's encoding (a BOM, else UTF-8, else Windows-1252) and its line count."""
    encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
    if encoding is not None:
        ok, lines = _decodes(fh, head, encoding)
        if not ok:
            raise ImportFailed(
                f"Die Datei {path.name} ist beschädigt: sie ist als {encoding} markiert, "
                "enthält aber ungültige Zeichen."
            )
        return encoding, lines
    if b"\x00" in head:
        raise _not_text(path)
    ok, lines = _decodes(fh, head, "utf-8")
    if ok:
        return "utf-8", lines
    fh.seek(0)
    _refuse_mixed(fh, path)
    # German Excel's "CSV (Trennzeichen-getrennt)" is Windows-1252.
    fh.seek(0)
    ok, lines = _decodes(fh, fh.read(1 << 16), "cp1252")
    if not ok:
        raise _not_text(path)
    return "cp1252", lines


def _refuse_mixed(fh: Any, path: Path) -> None:
    """A file with some lines in UTF-8 and others not was put together from two sources:
    reading it either way garbles one of them ("JÃ¼rgen"), so it is refused."""
    utf8_line = bad_line = bad_at = 0
    for number, raw in enumerate(fh, start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not bad_line:
                bad_line = number
                bad_at = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
        else:
            utf8_line = utf8_line or number
        if utf8_line and bad_line:
            raise ImportFailed(
                f"Die Datei {path.name} wurde nicht importiert (es wurde nichts geändert): "
                f"sie mischt zwei Zeichenkodierungen. Zeile {utf8_line} ist UTF-8, Zeile "
                f"{bad_line} (ab Zeichen {bad_at}) nicht, vermutlich Windows-1252. Umlaute "
                "würden in einer der beiden falsch gespeichert. Bitte die Datei in der "
                "Tabellenkalkulation öffnen und als „CSV UTF-8“ speichern."
            )


def sniff(path: Path) -> TableFormat:
    """Encoding and delimiter of a CSV file as Excel or LibreOffice wrote it."""
    path = Path(path)
    with open_binary(path) as fh:
        head: bytes = fh.read(1 << 16)
        if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
            raise ImportFailed(f"Die Datei {path.name} ist leer.")
        encoding, lines = _encoding(fh, head, path)
    text_head = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    controls = sum(1 for ch in text_head if ch < " " and ch not in "\t\r\n")
    if controls > max(2, len(text_head) // 200) or "\x00" in text_head:
        raise _not_text(path)
    first = _first_record(text_head)
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        return TableFormat("csv", first.strip()[4], lines + 1, encoding=encoding, sep_line=True)
    counts = _count_outside_quotes(first)
    delimiter = max(_DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ";"  # a single column
    return TableFormat("csv", delimiter, lines + 1, encoding=encoding)


def _first_record(text: str) -> str:
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return text[:i]
    return text


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return counts


def records(path: Path, fmt: TableFormat) -> Iterator[tuple[int, list[str]]]:
    """Every record of the file (header included), streamed, with the line it starts on."""
    with path.open(encoding=fmt.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=fmt.delimiter)
        start = 1
        try:
            for cells in reader:
                if fmt.sep_line and start == 1:
                    start = reader.line_num + 1
                    continue
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            if "field larger" in str(exc):
                what = "eine Zelle ist zu lang (mehr als 128.000 Zeichen)"
            elif "NUL" in str(exc):
                what = "sie enthält ein Null-Byte (NUL); ist sie beschädigt?"
            else:
                what = "vermutlich fehlt ein schließendes Anführungszeichen"
            raise ImportFailed(
                f"Die Datei {path.name} ist ab Zeile {start} nicht lesbar: {what}."
            ) from None
        except UnicodeDecodeError:
            raise _not_text(path) from None
