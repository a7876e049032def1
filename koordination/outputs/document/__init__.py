"""Documents (minutes, invitation letters, sign-in lists, workshop reports) in five formats.

Services build a `Document` from plain data; `render` turns it into the bytes of one format and
`write` puts them atomically into a file. Nothing here touches the database or Textual, and the
writers load lazily: importing this package costs almost nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from koordination.errors import KoordinationError
from koordination.outputs.document.model import (
    Block,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Note,
    PageBreak,
    Paragraph,
    SignatureLines,
    Table,
)
from koordination.outputs.formats import DOCUMENT_FORMAT_LABELS as FORMAT_LABELS
from koordination.outputs.formats import DOCUMENT_FORMATS as FORMATS

_WRITERS: dict[str, tuple[str, str, str]] = {
    "md": ("koordination.outputs.document.markdown", "render_markdown", "Markdown"),
    "html": ("koordination.outputs.document.html", "render_html", "HTML"),
    "docx": ("koordination.outputs.document.docx", "render_docx", "DOCX"),
    "odt": ("koordination.outputs.document.odt", "render_odt", "ODT"),
    "pdf": ("koordination.outputs.document.pdf", "render_pdf", "PDF"),
}


def _writer(fmt: str) -> tuple[Callable[[Document], bytes], str]:
    try:
        module, function, name = _WRITERS[fmt]
    except KeyError:
        raise KoordinationError(
            f"Unbekanntes Format „{fmt}“; möglich sind: {', '.join(FORMATS)}."
        ) from None
    render_function: Callable[[Document], bytes] = getattr(
        importlib.import_module(module), function
    )
    return render_function, name


def render(document: Document, fmt: str) -> bytes:
    """The document as a file of format ``fmt`` (one of `FORMATS`)."""
    render_function, name = _writer(fmt)
    try:
        return render_function(document)
    except KoordinationError:
        raise
    except Exception as exc:  # a library's own error: say in German what failed, keep the cause
        raise KoordinationError(
            f"Das Dokument „{document.title}“ konnte nicht als {name} erzeugt werden: {exc}"
        ) from exc


def write(document: Document, fmt: str, target: Path) -> Path:
    """Render and write the document to ``target`` atomically (owner-only, mode 0o600).

    The whole file is built in memory first; an error leaves the previous file (or none).
    """
    # Imported here: the exporters package pulls in the directory service (and SQLAlchemy),
    # which rendering alone never needs.
    from koordination.files import atomic_bytes

    data = render(document, fmt)
    target = Path(target)
    with atomic_bytes(target) as fh:
        fh.write(data)
    return target


__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "Block",
    "BulletList",
    "Document",
    "Heading",
    "KeyValue",
    "Letterhead",
    "Note",
    "PageBreak",
    "Paragraph",
    "SignatureLines",
    "Table",
    "render",
    "write",
]
