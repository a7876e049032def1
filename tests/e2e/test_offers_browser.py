"""The published offers as a real browser shows them: headless Chromium (Debian's ``chromium``)
loads the demo city's overview and one offer page, once per page and size. The DOM it rendered
(``--dump-dom``) holds every open, unexpired offer with its link and not the expired one; every
internal link resolves to a published file; the page says ``lang="de"``, has one ``h1``, headings
in order, alt texts, unique ids and named links. The screenshots (1280×900 and a phone's 390×844)
are real PNGs of that size with something drawn on them, and the page printed with its print
styles (``--print-to-pdf``) holds the offer's text but not the navigation. Every published page
passes html5lib's strict parser.

Without Chromium the test fails with a German message saying how to install it;
``KOORDINATION_REQUIRE_BROWSER=0`` checks without it (never in CI)."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
from PIL import Image

from koordination.cli.main import main

REQUIRE_BROWSER = "KOORDINATION_REQUIRE_BROWSER"
#: A browser start is about a second on an idle machine; a loaded one may take much longer.
TIMEOUT = 90
DESKTOP = (1280, 900)
PHONE = (390, 844)
#: The demo's one-off offer with a date, a place and a contact person who shares her data.
FEST = 1
EXPIRED = "Bachpatenschaft Mühlbach"
#: An offer whose title would run scripts that rename the page if it reached the page as markup
#: (not alert(): a dialog holds the headless browser until the timeout).
HOSTILE = (
    'Stadtputz <script>document.title="gehackt"</script><img src=x onerror="document.title=1">'
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = (
        "Chromium fehlt: die veröffentlichten Angebotsseiten werden so geprüft, wie ein Browser "
        "sie zeigt. Bitte installieren (Debian/Ubuntu: sudo apt-get install chromium; macOS: "
        "brew install --cask chromium) oder .ci/run ausführen, das ihn einrichtet."
    )
    if os.environ.get(REQUIRE_BROWSER, "1") != "0":
        pytest.fail(message + f" Nur ohne Browser prüfen: {REQUIRE_BROWSER}=0.", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Rendered:
    """One page as Chromium showed it: the DOM after rendering, a screenshot, the print."""

    dom: Element
    screenshot: Path
    pdf: Path


def render(page: Path, folder: Path, size: tuple[int, int]) -> Rendered:
    """One Chromium start: the DOM, a screenshot at ``size`` and the page printed to PDF."""
    browser = chromium()
    folder.mkdir(parents=True, exist_ok=True)
    shot, pdf = folder / "bildschirm.png", folder / "druck.pdf"
    command = [
        browser,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={folder / 'profil'}",
        f"--window-size={size[0]},{size[1]}",
        "--dump-dom",
        f"--screenshot={shot}",
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
        page.as_uri(),
    ]
    # A session of its own: on a timeout the whole browser (renderers, zygote) is stopped.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"Chromium hat {page.name} nicht in {TIMEOUT} s dargestellt.", pytrace=False)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # helpers left behind by the browser
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    assert out.strip(), f"Chromium gab kein DOM für {page.name} aus"
    return Rendered(parse(out.decode("utf-8")), shot, pdf)


def parse(html: str) -> Element:
    document: Element = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return document


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def headings(root: Element) -> list[tuple[int, str]]:
    return [
        (int(e.tag[1]), text(e))
        for e in root.iter()
        if isinstance(e.tag, str) and len(e.tag) == 2 and e.tag[0] == "h" and e.tag[1] in "123456"
    ]


def accessibility_problems(root: Element) -> list[str]:
    """What a screen reader or a reader without colour would stumble over on one page."""
    problems = []
    if root.get("lang") != "de":
        problems.append(f"lang ist „{root.get('lang')}“, nicht „de“")
    title = root.find("head/title")
    if title is None or not text(title):
        problems.append("kein Titel")
    levels = [level for level, _ in headings(root)]
    if levels.count(1) != 1 or levels[0] != 1:
        problems.append(f"nicht genau eine h1 am Anfang: {levels}")
    problems += [
        f"Überschrift springt von h{a} auf h{b}" for a, b in itertools.pairwise(levels) if b > a + 1
    ]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    problems += [f"id „{i}“ mehrfach" for i in {i for i in ids if ids.count(i) > 1}]
    for element in root.iter():
        if element.tag == "img" and element.get("alt") is None:
            problems.append(f"Bild ohne alt: {element.get('src')}")
        if element.tag == "a" and not (text(element) or element.get("aria-label")):
            problems.append(f"Link ohne Text: {element.get('href')}")
        target = element.get("aria-labelledby")
        if target and target not in ids:
            problems.append(f"aria-labelledby zeigt auf fehlende id „{target}“")
        if element.tag == "script":
            problems.append("Skript auf der Seite")
    mains = [e for e in root.iter("main")]
    if len(mains) != 1 or not mains[0].get("id"):
        problems.append("nicht genau ein main mit id")
    elif not any(a.get("href") == f"#{mains[0].get('id')}" for a in root.iter("a")):
        problems.append("kein Link zum Inhalt springen")
    return problems


def internal_links(root: Element) -> list[str]:
    links = [a.get("href") or "" for a in root.iter("a")]
    links += [link.get("href") or "" for link in root.iter("link")]
    return [h for h in links if not urlsplit(h).scheme and h]


def unresolved(root: Element, site: Path) -> list[str]:
    """Internal links that lead nowhere: a missing file, or a missing id on this page."""
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    missing = []
    for href in internal_links(root):
        parts = urlsplit(href)
        found = (site / unquote(parts.path)).is_file() if parts.path else parts.fragment in ids
        if not found:
            missing.append(href)
    return missing


def offers_listed(root: Element) -> dict[str, str]:
    """Each offer on a list page: its link target by the title the link shows."""
    return {
        text(a): a.get("href") or ""
        for heading in root.iter()
        if heading.tag in ("h2", "h3")
        for a in heading.iter("a")
    }


def pdf_text(pdf: Path) -> str:
    run = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return " ".join(run.stdout.split())


def check_screenshot(path: Path, size: tuple[int, int]) -> None:
    """A real PNG of the window's size, with text on it: not one colour, not empty white."""
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == size, (image.format, image.size)
        grey = image.convert("L")
    histogram = grey.histogram()
    assert sum(1 for count in histogram if count) > 1, "Bildschirmfoto hat nur eine Farbe"
    dark = sum(histogram[:128]) / (size[0] * size[1])
    assert dark > 0.005, f"Bildschirmfoto fast leer ({dark:.2%} dunkle Punkte)"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, templates: Any) -> Iterator[tuple[Path, list]]:
    """The demo city's website as ``koordination angebote publish`` writes it (with one more
    offer of hostile text), and the open offers as ``angebote list --offen --json`` names them."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "demo.sqlite3"
    shutil.copyfile(templates.sqlite("cli-demo"), db)
    site = folder / "website"
    with pytest.MonkeyPatch.context() as patch:
        for name, sub in (("DATA_DIR", "data"), ("EXPORTS", "exports")):
            patch.setenv(f"KOORDINATION_{name}", str(folder / sub))
        patch.setenv("KOORDINATION_CONFIG", str(folder / "config.toml"))
        patch.delenv("KOORDINATION_DB", raising=False)
        hostile = ["--organisation", "Bürgerstiftung Wiesenbrück", "--art", "einmalig", "--online"]
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["angebote", "add", "--db", str(db), "--titel", HOSTILE, *hostile]) == 0
        listed = io.StringIO()
        with contextlib.redirect_stdout(listed):
            assert main(["angebote", "list", "--offen", "--json", "--db", str(db)]) == 0
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["angebote", "publish", "--db", str(db), "-o", str(site)]) == 0
    yield site, json.loads(listed.getvalue())


@pytest.fixture(scope="module")
def overview(demo: tuple[Path, list], tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    site, _ = demo
    return render(site / "index.html", tmp_path_factory.mktemp("uebersicht"), DESKTOP)


def test_the_browser_shows_every_open_offer_with_its_link_and_not_the_expired_one(
    demo: tuple[Path, list], overview: Rendered
) -> None:
    site, open_offers = demo
    assert len(open_offers) == 12  # the demo's twelve but the expired one, and the hostile one
    shown = offers_listed(overview.dom)
    assert shown == {o["title"]: f"angebot-{o['id']}.html" for o in open_offers}
    # the hostile title is text: no script ran, no image was made of it
    title = overview.dom.find("head/title")
    assert HOSTILE in shown and title is not None and text(title).startswith("Übersicht")
    assert [e.tag for e in overview.dom.iter() if e.tag in ("script", "img")] == []
    body = text(overview.dom)
    assert EXPIRED not in body and "Bachpatenschaft" not in body
    assert not (site / "angebot-11.html").exists()
    assert accessibility_problems(overview.dom) == []
    assert unresolved(overview.dom, site) == []
    assert "Koordinierungsstelle Engagierte Stadt Wiesenbrück" in body
    check_screenshot(overview.screenshot, DESKTOP)
    printed = pdf_text(overview.pdf)
    assert all(o["title"] in printed for o in open_offers), printed
    assert "Zum Inhalt springen" not in printed and "abonnieren" not in printed


def test_an_offer_page_shows_its_facts_and_contact_on_screen_and_on_paper(
    demo: tuple[Path, list], tmp_path_factory: pytest.TempPathFactory
) -> None:
    site, open_offers = demo
    fest = next(o for o in open_offers if o["id"] == FEST)
    page = render(site / f"angebot-{FEST}.html", tmp_path_factory.mktemp("angebot"), DESKTOP)
    assert accessibility_problems(page.dom) == []
    assert unresolved(page.dom, site) == []
    assert headings(page.dom)[0] == (1, fest["title"])
    body = text(page.dom)
    for words in ("Samstag, 12. Juni 2027", fest["place"], fest["contact"]["name"]):
        assert words in body, words
    mail = [
        a.get("href") for a in page.dom.iter("a") if (a.get("href") or "").startswith("mailto:")
    ]
    assert f"mailto:{fest['contact']['email']}" in mail
    links = internal_links(page.dom)
    assert "index.html" in links and "stadtteil-nordstadt.html" in links
    check_screenshot(page.screenshot, DESKTOP)
    printed = pdf_text(page.pdf)
    for words in (fest["title"], fest["description"][:40], fest["contact"]["name"]):
        assert words in printed, (words, printed)
    for menu in ("Zum Inhalt springen", "abonnieren", "Mehr Angebote"):
        assert menu not in printed, menu  # links lead nowhere on paper


def test_on_a_phone_the_overview_is_drawn_to_the_screen_width(
    demo: tuple[Path, list], tmp_path_factory: pytest.TempPathFactory
) -> None:
    site, open_offers = demo
    phone = render(site / "index.html", tmp_path_factory.mktemp("telefon"), PHONE)
    check_screenshot(phone.screenshot, PHONE)
    assert set(offers_listed(phone.dom)) == {o["title"] for o in open_offers}


def test_every_published_page_passes_the_strict_html5_parser(demo: tuple[Path, list]) -> None:
    site, _ = demo
    pages = sorted(site.glob("*.html"))
    assert len(pages) > 11
    for path in pages:
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            root = parser.parse(path.read_bytes(), transport_encoding="utf-8")
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{path.name}: {exc} ({parser.errors})")
        assert accessibility_problems(root) == [], path.name
        assert unresolved(root, site) == [], path.name
    # the parser is strict indeed: a page without doctype and with a stray end tag is refused
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse("<html lang=de><p>x</div>")


def test_without_chromium_the_test_fails_in_german_unless_asked_to_check_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser anywhere
    monkeypatch.delenv(REQUIRE_BROWSER, raising=False)
    with pytest.raises(pytest.fail.Exception) as failed:
        chromium()
    assert "Chromium fehlt" in str(failed.value) and "apt-get install chromium" in str(failed.value)
    monkeypatch.setenv(REQUIRE_BROWSER, "0")
    with pytest.raises(pytest.skip.Exception):
        chromium()
