"""The published offers as a static website folder the city can upload anywhere: an overview,
one page per offer, pages per Stadtteil, kind and topic (action field), one small CSS file,
the iCalendar feed of the dated offers and the Engagement-Wegweiser as PDF.

Every page is HTML5 in German with ``lang="de"``, one ``h1`` and headings in order, a skip
link, text that says what colour would (no JavaScript anywhere), and print styles. Jinja2's
autoescaping is always on: a title like ``<script>`` reaches the page as text.

The folder is written as a whole (:func:`koordination.files.atomic_folder`): built beside the
target and swapped in, so a failed publication leaves the previous one as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from koordination.domain.enums import OfferKind
from koordination.domain.records.offers import OfferPublication, OfferRecord
from koordination.errors import KoordinationError
from koordination.files import atomic_folder
from koordination.outputs.builders.offers import (
    EVERYWHERE,
    ONLINE,
    by_district,
    facts,
    offer_feed,
    publication_letterhead,
    wegweiser,
    when_text,
)
from koordination.outputs.files import slug

HERE = Path(__file__).resolve().parent
#: Marks a folder as a publication of offers (a later publication may replace it).
GENERATOR = "koordination – Mitwirkungsmöglichkeiten"
FEED = "angebote.ics"
PDF = "engagement-wegweiser.pdf"
STYLE = "style.css"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Link:
    page: str
    title: str
    count: int = 0


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class SiteSummary:
    pages: int
    offers: int
    dated: int

    def __str__(self) -> str:
        return (
            f"{self.offers} Angebote auf {self.pages} Seiten, {self.dated} mit Termin im "
            "Kalender, Wegweiser als PDF"
        )


def offer_page(offer: OfferRecord) -> str:
    return f"angebot-{offer.id}.html"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def _lines(value: str) -> Markup:
    return Markup("<br>\n").join(escape(line) for line in str(value).split("\n"))


def _phone_link(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number)
    return "+49" + digits[1:] if digits.startswith("0") and not digits.startswith("00") else digits


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["lines"] = _lines
    env.globals.update(
        offer_page=offer_page,
        when=when_text,
        paragraphs=_paragraphs,
        phone_link=_phone_link,
    )
    return env


class _Pages:
    """File names for the list pages: one slug each, never two pages under one name."""

    def __init__(self) -> None:
        self.taken: set[str] = {"index.html"}

    def name(self, prefix: str, title: str) -> str:
        stem = f"{prefix}-{slug(title, fallback='seite')}"
        name, n = f"{stem}.html", 2
        while name in self.taken:
            name, n = f"{stem}-{n}.html", n + 1
        self.taken.add(name)
        return name


#: A list page: its heading, the link's words on the overview, its offers.
Page = tuple[str, str, list[OfferRecord]]


def _district_heading(district: str) -> str:
    if district == ONLINE:
        return "Online engagieren"
    if district == EVERYWHERE:
        return "Angebote in der ganzen Stadt"
    return f"Angebote im Stadtteil {district}"


def _groups(pub: OfferPublication) -> list[tuple[Section, dict[str, Page]]]:
    """The list pages by section: Stadtteil, kind, topic (action field)."""
    names = _Pages()
    districts: dict[str, Page] = {
        names.name("stadtteil", d): (_district_heading(d), d, offers)
        for d, offers in by_district(pub.offers).items()
    }
    kinds: dict[str, Page] = {}
    for kind in OfferKind:
        found = [o for o in pub.offers if o.kind == kind]
        if found:
            label = kind.label.capitalize()
            kinds[f"art-{kind.value}.html"] = (f"{label} engagieren", label, found)
    topics: dict[str, list[OfferRecord]] = {}
    for offer in pub.offers:
        if offer.action_field:
            topics.setdefault(offer.action_field, []).append(offer)
    fields: dict[str, Page] = {
        names.name("thema", title): (f"Thema: {title}", title, offers)
        for title, offers in sorted(topics.items(), key=lambda kv: kv[0].casefold())
    }
    out = []
    for key, title, pages in (
        ("stadtteile", "Nach Stadtteil", districts),
        ("arten", "Nach Art des Engagements", kinds),
        ("themen", "Nach Thema", fields),
    ):
        links = tuple(Link(page, words, len(offers)) for page, (_, words, offers) in pages.items())
        out.append((Section(key, title, links), pages))
    return out


def build_site(pub: OfferPublication) -> dict[str, bytes]:
    """Every file of the publication by name (the PDF rendered through the document model)."""
    from koordination.outputs import document as documents

    env = _environment()
    head = publication_letterhead(pub)
    site_title = (
        f"Mitwirkungsmöglichkeiten in {pub.city}" if pub.city else "Mitwirkungsmöglichkeiten"
    )
    common = {
        "generator": GENERATOR,
        "site_title": site_title,
        "office_name": head.office_name,
        "office_email": pub.office_email if "@" in pub.office_email else "",
        "contact_line": head.contact_line,
        "stand": f"{pub.today:%d.%m.%Y}",
        "city": pub.city,
    }
    files: dict[str, bytes] = {}

    def page(name: str, template: str, **values: object) -> None:
        html = env.get_template(template).render(**common, page=name, **values)
        files[name] = html.encode("utf-8")

    groups = _groups(pub)
    page(
        "index.html",
        "index.html.j2",
        page_title="Übersicht",
        offers=pub.offers,
        sections=[section for section, _ in groups],
    )
    belongs: dict[int, list[Link]] = {}
    for _section, pages in groups:
        for name, (heading, _words, offers) in pages.items():
            page(name, "list.html.j2", page_title=heading, offers=offers)
            for offer in offers:
                belongs.setdefault(offer.id, []).append(Link(name, heading))
    for offer in pub.offers:
        page(
            offer_page(offer),
            "offer.html.j2",
            page_title=offer.title,
            offer=offer,
            facts=facts(offer),
            related=belongs.get(offer.id, []),
        )
    files[STYLE] = (HERE / STYLE).read_bytes()
    files[FEED] = offer_feed(pub)
    files[PDF] = documents.render(wegweiser(pub), "pdf")
    return files


def summary(pub: OfferPublication, files: Iterable[str]) -> SiteSummary:
    pages = sum(1 for name in files if name.endswith(".html"))
    return SiteSummary(pages, len(pub.offers), sum(1 for o in pub.offers if o.dated))


def is_previous_publication(folder: Path) -> bool:
    index = folder / "index.html"
    try:
        return index.is_file() and GENERATOR in index.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise KoordinationError(
            f"{target} ist eine Datei. Die Website der Angebote ist ein Ordner; bitte einen "
            "Ordner angeben. Es wurde nichts verändert."
        )
    if target.is_dir() and any(target.iterdir()) and not is_previous_publication(target):
        raise KoordinationError(
            f"Der Ordner {target} ist nicht leer und enthält keine frühere Veröffentlichung der "
            "Angebote; seine Dateien werden nicht überschrieben. Bitte einen leeren oder neuen "
            "Ordner angeben. Es wurde nichts verändert."
        )


def _cannot_write(target: Path, exc: OSError) -> KoordinationError:
    return KoordinationError(
        f"Die Website nach {target} kann nicht geschrieben werden ({exc.strerror or exc}). "
        "Die bisherige Veröffentlichung bleibt, wie sie war."
    )


def write_site(
    pub: OfferPublication, target: Path | str, progress: Progress | None = None
) -> SiteSummary:
    """Build every file, then write them into a temporary folder beside ``target`` and swap
    it in; a previous publication there is replaced, any other folder with files refused.
    The files are readable by everybody (0644): they are meant for a web server."""
    target = Path(target)
    _check_target(target)
    files = build_site(pub)
    total = len(files)
    with atomic_folder(target, check=_check_target, error=_cannot_write) as folder:
        folder.chmod(0o755)
        for done, (name, data) in enumerate(sorted(files.items()), start=1):
            path = folder / name
            path.write_bytes(data)
            path.chmod(0o644)
            if progress is not None:
                progress(done, total)
    return summary(pub, files)
