"""The PDF font files: where they are found, and each one parsed once per process.

fpdf2 parses a TrueType file anew for every document (its glyph table, widths and character map:
about 20 ms of CPU per file, three files per PDF). The parsed font is kept here and each document
gets its own copy of what a document changes (the subset it uses, widths looked up, the font
descriptor) and its own unparsed handle on the file, since embedding the subset cuts the font down
in place. The PDF comes out byte for byte as from ``FPDF.add_font`` (a test compares the two).
"""

from __future__ import annotations

import copy
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from koordination.errors import KoordinationError


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    italic: Path


# Where the common systems keep a TrueType font that covers the Latin scripts of Europe and Turkey:
# DejaVu Sans (Debian/Ubuntu: fonts-dejavu-core; Fedora; Arch), else Liberation Sans, else Arial.
_CANDIDATES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        (
            "/usr/share/fonts/truetype/dejavu",
            "/usr/share/fonts/dejavu-sans-fonts",
            "/usr/share/fonts/dejavu",
            "/usr/share/fonts/TTF",
            "/usr/local/share/fonts/dejavu",
            "/usr/local/share/fonts",
            "/opt/homebrew/share/fonts",
            str(Path.home() / ".local/share/fonts"),
            str(Path.home() / "Library/Fonts"),
        ),
    ),
    (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf",
        ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/liberation-sans"),
    ),
    ("arial.ttf", "arialbd.ttf", "ariali.ttf", (os.path.expandvars(r"%WINDIR%\Fonts"),)),
    (
        "Arial.ttf",
        "Arial Bold.ttf",
        "Arial Italic.ttf",
        ("/System/Library/Fonts/Supplemental", "/Library/Fonts"),
    ),
)

MISSING_FONT = (
    "Für die PDF-Ausgabe fehlt eine Unicode-Schrift (DejaVu Sans, Liberation Sans oder Arial). "
    "Unter Debian oder Ubuntu: „sudo apt install fonts-dejavu-core“; oder den Ordner mit "
    "DejaVuSans.ttf, DejaVuSans-Bold.ttf und DejaVuSans-Oblique.ttf in KOORDINATION_PDF_FONTS "
    "angeben."
)


def find_fonts() -> FontFiles:
    """The font files for PDFs; ``KOORDINATION_PDF_FONTS`` names a folder holding DejaVu Sans."""
    override = os.environ.get("KOORDINATION_PDF_FONTS")
    candidates = list(_CANDIDATES)
    if override:
        candidates = [(*candidates[0][:3], (override,))]
    for regular, bold, italic, folders in candidates:
        for folder in folders:
            base = Path(folder)
            files = FontFiles(base / regular, base / bold, base / italic)
            if files.regular.is_file() and files.bold.is_file():
                if not files.italic.is_file():
                    files = FontFiles(files.regular, files.bold, files.regular)
                return files
    raise KoordinationError(MISSING_FONT)


#: Parsed fonts by file, family and style (and the file's size and time, so a replaced file is
#: parsed again); None for a font that is not a plain TrueType outline font and is left to
#: ``add_font`` each time.
_PARSED: dict[tuple[str, str, str, int, int], TTFFont | None] = {}
_PARSING = threading.Lock()


def add_fonts(pdf: FPDF, family: str, files: FontFiles) -> None:
    """``pdf.add_font`` for the regular, bold and italic file, parsing each file once."""
    for style, path in (("", files.regular), ("B", files.bold), ("I", files.italic)):
        parsed = _parsed(family, style, path)
        if parsed is None:
            pdf.add_font(family, style, str(path))
        else:
            pdf.fonts[parsed.fontkey] = _copy_for(pdf, parsed)


def _parsed(family: str, style: str, path: Path) -> TTFFont | None:
    info = path.stat()
    key = (str(path), family, style, info.st_size, info.st_mtime_ns)
    with _PARSING:
        if key not in _PARSED:
            parser = FPDF()
            parser.add_font(family, style, str(path))
            font = parser.fonts[f"{family.lower()}{style}"]
            assert isinstance(font, TTFFont)
            _PARSED[key] = font if _plain(font) else None
            font.close()  # the copies open the file themselves; the parsed tables stay
        return _PARSED[key]


def _plain(font: TTFFont) -> bool:
    """A font whose parse leaves nothing in its tables that reading the file again would not
    give: TrueType outlines with their own .notdef glyph (else fpdf2 draws one into the
    tables), uncompressed, no colour glyphs."""
    ttfont = font.ttfont
    return (
        not font.is_cff
        and not font.is_compressed
        and font.color_font is None
        and "glyf" in ttfont
        and ttfont.getGlyphOrder()[:1] == [".notdef"]
    )


def _copy_for(pdf: FPDF, parsed: TTFFont) -> TTFFont:
    """``parsed`` as ``add_font`` would have made it for ``pdf``: what a document changes is its
    own, the character map and the rest that only is read are shared (as fpdf2's own copy of a
    font for its recorder does)."""
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(
        parsed.ttffile,
        recalcTimestamp=False,
        fontNumber=parsed.collection_font_number,
        lazy=True,
    )
    font._hbfont = None
    font.cw = copy.copy(parsed.cw)  # a defaultdict: a width looked up is kept
    font.glyph_ids = dict(parsed.glyph_ids)
    font.desc = copy.copy(parsed.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    return font
