"""Documents as one standalone HTML5 page (print-ready CSS, logo inline) from Jinja2 templates.

The office can adapt the look: a ``document.html.j2`` or ``document.css`` in its templates folder
(`koordination.paths.templates_dir`) wins over the packaged default. Autoescaping is always on, so
whatever the document holds reaches the page as text, never as markup.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from koordination import paths
from koordination.documents.assets import load_logo
from koordination.documents.model import Document
from koordination.errors import KoordinationError

PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "document.html.j2"


def _lines(text: str) -> Markup:
    """Escaped text whose line breaks become ``<br>``."""
    return Markup("<br>\n").join(escape(line) for line in str(text).split("\n"))


def environment(office_templates: Path | None = None) -> jinja2.Environment:
    folders = [str(office_templates or paths.templates_dir()), str(PACKAGED_TEMPLATES)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["lines"] = _lines
    return env


def render_html(document: Document, office_templates: Path | None = None) -> bytes:
    try:
        template = environment(office_templates).get_template(TEMPLATE)
        page = template.render(
            document=document,
            letterhead=document.letterhead,
            logo=load_logo(document.letterhead.logo_path),
        )
    except jinja2.TemplateError as exc:
        where = f" (Zeile {exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise KoordinationError(
            f"Die HTML-Vorlage ist fehlerhaft{where}: {exc.message or exc}"
        ) from exc
    return page.encode("utf-8")
