"""A word longer than any line (1,500 characters, pasted from somewhere) breaks across lines
and rows in every PDF instead of failing: the access report and the minutes, read back with
pypdf."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import text

from koordination.cli.main import main
from koordination.db.engine import Database

WORD = "Wörterbuch" + "W" * 1490  # 1,500 characters, no space, the widest letter


def _pdf_text(path: Path) -> str:
    """The PDF's text without any whitespace: a broken word reads as one again."""
    return "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_a_1500_character_word_breaks_in_the_access_report_and_the_minutes(
    demo_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    demo = demo_sqlite()
    db = Database(str(demo))
    try:
        with db.engine.begin() as conn:
            pid = conn.execute(
                text(
                    "SELECT a.person_id FROM attendance a JOIN person p ON p.id = a.person_id "
                    "ORDER BY a.id LIMIT 1"
                )
            ).scalar_one()
            conn.execute(
                text("UPDATE person SET notes = :w, given_name = :w WHERE id = :id"),
                {"w": WORD, "id": pid},
            )
            conn.execute(text("UPDATE decision SET wording = :w"), {"w": f"Beschluss {WORD} Ende"})
    finally:
        db.dispose()
    report = tmp_path / "auskunft.pdf"
    minutes = tmp_path / "protokoll.pdf"

    assert (
        main(
            [
                "--db",
                str(demo),
                "people",
                "export-data",
                str(pid),
                "--format",
                "pdf",
                "-o",
                str(report),
            ]
        )
        == 0
    )
    argv = ["--db", str(demo), "minutes", "export", "1", "--occurrence", "10.11.2026"]
    assert main([*argv, "--format", "pdf", "-o", str(minutes)]) == 0

    for path in (report, minutes):
        content = _pdf_text(path)
        assert WORD[:200] in content, path.name
    assert WORD in _pdf_text(report), "the note is there whole"
