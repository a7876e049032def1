"""Documents as GitHub-flavoured Markdown: every user text escaped, tables as pipe tables."""

from __future__ import annotations

from koordination.outputs.document.model import (
    TICK_BOX,
    BarChart,
    Block,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Note,
    PageBreak,
    Paragraph,
    QuestionBlock,
    SignatureLines,
    Table,
)
from koordination.outputs.document.text import md_escape, md_lines


def render_markdown(document: Document) -> bytes:
    return to_markdown(document).encode("utf-8")


def to_markdown(document: Document) -> str:
    out: list[str] = []
    head = document.letterhead
    if head.office_name or head.contact_line:
        lines = []
        if head.office_name:
            lines.append(f"**{md_escape(head.office_name)}**")
        if head.contact_line:
            lines.append(md_escape(head.contact_line))
        out.append(" \\\n".join(lines))
    out.append(f"# {_inline(document.title)}")
    if document.subtitle:
        out.append(f"*{_inline(document.subtitle)}*")
    if document.meta:
        out.append(_pairs(document.meta))
    for block in document.blocks:
        text = _block(block)
        if text:
            out.append(text)
    tail = [md_escape(t) for t in (document.footer, document.fingerprint_line) if t.strip()]
    if tail:
        out.append("---")
        out.append(" \\\n".join(tail))
    return "\n\n".join(out) + "\n"


def _inline(text: str) -> str:
    """Text for one line (a heading, a cell): line breaks become spaces."""
    return md_escape(" ".join(text.split("\n")))


def _multiline(text: str) -> str:
    # A backslash before the line end is a hard line break in CommonMark.
    return " \\\n".join(md_lines(text))


def _pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"- **{_inline(k)}:** {_inline(v)}" for k, v in pairs)


def _cell(text: str) -> str:
    return "<br>".join(md_lines(text))


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def _block(block: Block) -> str:
    match block:
        case Heading(text=text, level=level):
            return f"{'#' * (level + 1)} {_inline(text)}"
        case Paragraph(text=text):
            return _multiline(text)
        case BulletList(items=items):
            return "\n".join(f"- {_inline(item)}" for item in items if item.strip())
        case Table():
            return _table(block.headers, list(block.rows))
        case KeyValue(pairs=pairs):
            return _pairs(pairs)
        case SignatureLines():
            return _block(block.as_table())
        case Note():
            body = md_lines(block.text)
            if block.label:
                first = f"**{md_escape(block.label)}:**"
                body = [f"{first} {body[0]}", *body[1:]] if body else [first]
            return "\n".join(
                f"> {line}" + (" \\" if i < len(body) - 1 else "") for i, line in enumerate(body)
            )
        case PageBreak():
            return ""
        case BarChart():
            return _chart(block)
        case QuestionBlock():
            return _question(block)
    return ""


def _chart(chart: BarChart) -> str:
    """A chart as a table of character bars, its title above, its caption below."""
    parts = []
    if chart.title.strip():
        parts.append(f"**{_inline(chart.title)}**")
    parts.append(_table(chart.headers, list(chart.table_rows())))
    if chart.caption.strip():
        parts.append(_multiline(chart.caption))
    return "\n\n".join(parts)


def _question(question: QuestionBlock) -> str:
    number = f"**{md_escape(question.number)}** " if question.number.strip() else ""
    head = [f"{number}{_inline(question.text)}"]
    if question.hint.strip():
        head.append(f"*{_inline(question.hint)}*")
    if question.remarks:
        head.append(f"*({_inline(' · '.join(question.remarks))})*")
    parts = [" \\\n".join(head)]
    if question.choice:
        parts.append(" \\\n".join(f"{TICK_BOX} {_inline(option)}" for option in question.options))
    elif question.kind == "scale":
        boxes = "   ".join(f"{TICK_BOX} {value}" for value in question.scale)
        ends = [_inline(question.low_label), boxes, _inline(question.high_label)]
        parts.append("   ".join(e for e in ends if e))
    elif question.kind == "text":
        parts.append(" \\\n".join(md_escape("_" * 60) for _ in range(question.lines)))
    else:
        parts.append(f"{md_escape(question.field_label)}: {md_escape('_' * 30)}")
    return "\n\n".join(parts)
