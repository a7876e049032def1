"""PDF fonts are parsed once per process, and the documents stay byte for byte the same."""

from __future__ import annotations

import re

import pytest
from fpdf import FPDF, fonts

from koordination.outputs.document import pdf, pdf_fonts
from koordination.outputs.document.model import Document, Paragraph
from koordination.outputs.document.sample import sample_minutes

# What differs between two runs of the same document: when it was made.
_MADE = re.compile(rb"/CreationDate \(D:[^)]*\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]")


def _each_time(target: FPDF, family: str, files: pdf_fonts.FontFiles) -> None:
    """The fonts as fpdf2 adds them without the cache: every file parsed for this document."""
    for style, path in (("", files.regular), ("B", files.bold), ("I", files.italic)):
        target.add_font(family, style, str(path))


def _documents() -> list[Document]:
    minutes = sample_minutes(items=3)
    foreign = Document(
        title="Yılmaz, Łukasz, Ødegård: ČSFR – 😀 漢字",
        blocks=(Paragraph("Gülşen Øster ☃ fährt nach Żyrardów; 🚲 und ∑ fehlen der Schrift."),),
    )
    return [minutes, sample_minutes(items=8, long_notes=2), foreign, minutes]


def test_a_pdf_with_the_fonts_parsed_once_is_the_pdf_add_font_makes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cached = [_MADE.sub(b"", pdf.render_pdf(document)) for document in _documents()]
    monkeypatch.setattr(pdf, "add_fonts", _each_time)
    fresh = [_MADE.sub(b"", pdf.render_pdf(document)) for document in _documents()]
    assert cached == fresh
    assert cached[0] == cached[3]  # the same document again, after others used the fonts


def test_the_font_files_are_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf.render_pdf(sample_minutes(items=1))  # whatever parsed the files before
    parsed: list[str] = []
    original = fonts.TTFFont.__init__

    def counting(self: fonts.TTFFont, *args: object, **kwargs: object) -> None:
        parsed.append(str(args[1]))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fonts.TTFFont, "__init__", counting)
    for items in (1, 2, 3):
        pdf.render_pdf(sample_minutes(items=items))
    assert parsed == []
