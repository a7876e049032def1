"""Files that could be misread are refused whole, naming line, column and reason: a quote that
swallows the rest of the file, mixed encodings, NUL bytes, rows with the wrong field count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.models import Organisation, Person, PersonEmail
from koordination.errors import ImportFailed
from koordination.services.directory.imports.service import Imports

TODAY = date(2026, 11, 22)
HEADER = "Nachname;Vorname;E-Mail;Organisation;Sektor"


def _people_csv(path: Path, second_line: str | None = None) -> Path:
    """1,502 lines: the header and 1,501 people (line 2 replaced when asked)."""
    rows = [HEADER] + [
        f"Person{i};Vorname{i};p{i}@example.org;Verein {i % 50};Zivilgesellschaft"
        for i in range(1501)
    ]
    if second_line is not None:
        rows[1] = second_line
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return path


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Person, PersonEmail, Organisation)
        )


def _refused(db: Database, path: Path, *expected: str) -> None:
    for dry_run in (True, False):
        with pytest.raises(ImportFailed) as err:
            Imports(db, Clock.on(TODAY)).people(path, dry_run=dry_run)
        message = str(err.value)
        for part in expected:
            assert part in message
        assert _counts(db) == (0, 0, 0), "nothing imported"


def test_a_stray_quote_in_line_2_refuses_the_file_naming_where_the_quote_opened(
    db: Database, tmp_path: Path
) -> None:
    path = _people_csv(
        tmp_path / "personen.csv", 'Meier;"Anna;anna@example.org;Verein 1;Zivilgesellschaft'
    )
    _refused(db, path, "Zeile 2, Spalte „Vorname (Nr. 2)“", "Anführungszeichen", "nichts geändert")


def test_the_same_file_without_the_stray_quote_imports_everyone(
    db: Database, tmp_path: Path
) -> None:
    path = _people_csv(
        tmp_path / "personen.csv", "Meier;Anna;anna@example.org;Verein 1;Zivilgesellschaft"
    )
    report = Imports(db, Clock.on(TODAY)).people(path)
    assert report.created == 1501
    assert _counts(db) == (1501, 1501, 50)


def test_utf8_rows_with_one_windows_1252_row_are_refused_naming_the_line(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "gemischt.csv"
    path.write_bytes(
        "Nachname;Vorname\r\nMüller;Jürgen\r\n".encode()
        + "Schäfer;Jörg\r\n".encode("cp1252")
        + "Weiß;Änne\r\n".encode()
    )
    _refused(db, path, "mischt zwei Zeichenkodierungen", "Zeile 3", "CSV UTF-8")


def test_a_nul_byte_after_the_first_64_kib_is_refused_with_its_line(
    db: Database, tmp_path: Path
) -> None:
    path = _people_csv(tmp_path / "personen.csv")
    data = path.read_bytes()
    assert len(data) > 1 << 16
    lines = data.split(b"\r\n")
    lines[1400] = lines[1400].replace(b"Vorname", b"Vor\x00name", 1)
    path.write_bytes(b"\r\n".join(lines))
    _refused(db, path, "Zeile 1401, Spalte „Vorname (Nr. 2)“", "NUL")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Meier;Anna;a@example.org;Verein 1;Zivilgesellschaft;Kassel",
            "hat 6 Felder, die Kopfzeile 5",
        ),
        ("Meier;Anna", "Zeile 2, Spalte „E-Mail (Nr. 3)“: Die Zeile hat 2 Felder"),
    ],
    ids=["more", "fewer"],
)
def test_a_row_with_more_or_fewer_fields_than_the_header_is_refused(
    db: Database, tmp_path: Path, line: str, expected: str
) -> None:
    _refused(db, _people_csv(tmp_path / "personen.csv", line), expected)


def test_legitimate_files_still_import_multiline_addresses_and_trailing_separators(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "personen.csv"
    path.write_bytes(
        "Nachname;Vorname;Anschrift\r\n"
        'Meier;Anna;"Weg 1\r\n34117 Kassel"\r\n'
        "Krüger;Bernd;;\r\n".encode("cp1252")
    )
    report = Imports(db, Clock.on(TODAY)).people(path)
    assert report.created == 2
