"""Making user text safe for every document format: control characters out, markup escaped."""

from __future__ import annotations

import re

# XML 1.0 forbids C0 controls other than tab, newline and carriage return, lone surrogates and
# U+FFFE/U+FFFF; DEL and the C1 controls are allowed there but render as boxes in a PDF and mean
# nothing in a document, so they go too. Tab and newline stay: they are the user's layout.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029]")


def clean(text: str) -> str:
    """``text`` with unified line breaks and without characters no document format can hold."""
    return _FORBIDDEN.sub("", _NEWLINES.sub("\n", text))


def one_line(text: str) -> str:
    """``text`` for a place that holds a single line (a heading, a table cell in Markdown)."""
    return " ".join(text.split())


# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that start or end inline markup (emphasis, code, links and images, HTML and autolinks, entities,
# tables, strikethrough, closing heading marks). Parentheses and "!" mean something only next
# to an unescaped bracket, so they stay readable.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# Markers that make a block when they open a line: lists, setext underlines, ordered lists.
_MD_LINE_START = re.compile(r"^([-+=])")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def md_escape(text: str) -> str:
    """User text as one line of literal Markdown (GitHub-flavoured): nothing in it is markup.

    Line breaks become spaces; `md_lines` keeps them.
    """
    line = _MD_INLINE.sub(r"\\\1", " ".join(text.split("\n")).strip())
    line = _MD_LINE_START.sub(r"\\\1", line)
    return _MD_ORDERED.sub(r"\1\\\2", line)


def md_lines(text: str) -> list[str]:
    """Multi-line user text as escaped Markdown lines (empty lines dropped: they would end a block).

    Indentation is dropped on purpose: four leading spaces would turn a line into a code block.
    """
    return [md_escape(line) for line in text.split("\n") if line.strip()]
