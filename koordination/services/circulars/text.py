"""The words of a circular's message: the greeting from the directory, the Markdown text as
plain text and as HTML, and the German footer that says how to stop receiving them."""

from __future__ import annotations

import html
from functools import cache
from typing import TYPE_CHECKING

from koordination.delivery.circular_mail import UNSUBSCRIBE_WORD

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_FEMALE = frozenset({"frau"})
_MALE = frozenset({"herr", "herrn"})


def greeting(salutation: str, title: str, given: str, family: str, *, informal: bool) -> str:
    """ "Sehr geehrte Frau Dr. Ulrich," (formal) or "Liebe Monika," (informal), from the
    directory's form of address; "Guten Tag Jona Keller," / "Hallo Jona," without one."""
    form = salutation.strip().casefold()
    given, family, title = given.strip(), family.strip(), title.strip()
    if informal and given:
        if form in _FEMALE:
            return f"Liebe {given},"
        if form in _MALE:
            return f"Lieber {given},"
        return f"Hallo {given},"
    surname = " ".join(p for p in (title, family) if p)
    if form in _FEMALE:
        return f"Sehr geehrte Frau {surname},"
    if form in _MALE:
        return f"Sehr geehrter Herr {surname},"
    return "Guten Tag " + " ".join(p for p in (title, given, family) if p) + ","


def footer(office_email: str) -> str:
    """Why the person gets the mail and how to stop it (German, one paragraph; the words of
    the consent's purpose, so any office's name fits the sender)."""
    return (
        "Sie erhalten diese Rundmail, weil Sie eingewilligt haben, Informationen der "
        "Koordinierungsstelle per E-Mail zu erhalten. Wenn Sie keine Rundmails mehr erhalten "
        f"möchten, antworten Sie bitte mit dem Betreff „{UNSUBSCRIBE_WORD}“ an {office_email}; "
        "damit ist Ihre Einwilligung widerrufen."
    )


def plain_text(greeting_line: str, body: str, footer_text: str) -> str:
    """The text/plain part: the Markdown as written (readable as it is) between the greeting
    and the footer, after the signature separator."""
    body = body.strip("\n").replace("\r\n", "\n")
    return f"{greeting_line}\n\n{body}\n\n-- \n{footer_text}\n"


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # "js-default": raw HTML in the text is shown as text, never passed on as markup;
    # "breaks": a line break typed is a line break in the mail, as in the plain text.
    return MarkdownIt("js-default", {"breaks": True})


def markdown_html(body: str) -> str:
    """The Markdown text as an HTML fragment (what a user typed never becomes markup)."""
    return _markdown().render(body.replace("\r\n", "\n"))


def html_page(
    subject: str, greeting_line: str, body: str, footer_text: str, office_email: str
) -> str:
    """The text/html part: a small German page with the greeting, the text and the footer (the
    office's address as a mailto link with the subject "abmelden")."""
    from koordination.delivery.circular_mail import unsubscribe_link

    link = html.escape(unsubscribe_link(office_email), quote=True)
    escaped_footer = html.escape(footer_text).replace(
        html.escape(office_email), f'<a href="{link}">{html.escape(office_email)}</a>', 1
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        '<body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; '
        'max-width: 40em; margin: 0 auto; padding: 1em; color: #1a1a1a;">\n'
        f"<p>{html.escape(greeting_line)}</p>\n"
        f"{markdown_html(body)}"
        '<hr style="border: none; border-top: 1px solid #999; margin-top: 2em;">\n'
        f'<p style="font-size: 0.9em; color: #444;">{escaped_footer}</p>\n'
        "</body>\n</html>\n"
    )
