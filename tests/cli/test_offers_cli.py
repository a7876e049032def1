"""`koordination angebote` on a SQLite file: add, list, show, edit, confirm and close offers;
publish them as a website whose pages are parsed back (lang, one h1, headings in order, skip
link, every link resolving, hostile text escaped), whose calendar is read back by icalendar
and whose Wegweiser PDF is read back by pdftotext; an expired or filled offer is in none of
them; a failed publication leaves the previous one as it was; German refusals change nothing.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import text as sql
from support.offers import network, set_confirmed

from koordination.cli.main import main
from koordination.clock import SYSTEM_CLOCK
from koordination.db.engine import Database

HOSTILE = '<script>alert("x")</script> & "Fest"'
VOID = {"meta", "link", "br", "img", "input", "hr"}


@pytest.fixture
def city(migrated_sqlite: Callable[..., Path]) -> tuple[str, dict[str, int]]:
    """A database with two organisations, a person who shares contact data and one who does
    not, an action field; the office works today."""
    path = migrated_sqlite()
    db = Database(str(path))
    try:
        net = network(db, SYSTEM_CLOCK.today())
    finally:
        db.dispose()
    ids = {"tafel": net.tafel, "verein": net.verein, "sharing": net.sharing, "private": net.private}
    return str(path), ids


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], db: str, *more: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "angebote", "list", "--json", "--db", db, *more)
    assert code == 0
    found: list[dict[str, object]] = json.loads(out)
    return found


def test_offers_are_added_listed_shown_edited_confirmed_and_closed(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = city
    fest_day = SYSTEM_CLOCK.today() + timedelta(days=60)
    code, out, _ = run(
        capsys, "angebote", "add", "--db", db, "--organisation", "Bürgerverein Nordstadt e.V.",
        "--titel", HOSTILE, "--art", "einmalig", "--beginn", f"{fest_day:%d.%m.%Y} 10:00",
        "--ende", "18:00", "--ort", "Marktplatz", "--stadtteil", "Nordstadt",
        "--passt", "Jugendliche, barrierefrei", "--kontakt", str(ids["sharing"]),
    )  # fmt: skip
    assert code == 0 and "Angebot Nr. 1" in out and f"{fest_day:%d.%m.%Y}" in out
    code, out, err = run(
        capsys, "angebote", "add", "--db", db, "--organisation", str(ids["tafel"]),
        "--titel", "Lesepaten", "--art", "regelmäßig", "--stunden", "2", "--je", "Woche",
        "--online", "--kontakt", str(ids["private"]),
    )  # fmt: skip
    assert code == 0 and "wird nicht veröffentlicht" in err
    rows = listed(capsys, db)
    assert [r["title"] for r in rows] == [HOSTILE, "Lesepaten"]
    assert rows[0]["tags"] == ["für Jugendliche", "barrierefrei"]
    assert rows[1]["contact"] == {
        "name": "Tafel Musterstadt e.V.",
        "email": "info@tafel.example.org",
        "phone": "0123 4567-200",
        "personal": False,
    }
    code, out, _ = run(capsys, "angebote", "show", "2", "--db", db)
    assert "2 Stunden pro Woche" in out and "Jona Keller (Nr." in out
    assert "ohne Einwilligung zum Teilen nicht veröffentlicht" in out

    assert run(capsys, "angebote", "edit", "2", "--db", db, "--stadtteil", "Südviertel")[0] == 0
    assert [r["title"] for r in listed(capsys, db, "--stadtteil", "Südviertel")] == ["Lesepaten"]
    assert run(capsys, "angebote", "close", "1", "--db", db)[0] == 0
    assert [r["title"] for r in listed(capsys, db, "--offen")] == ["Lesepaten"]
    code, out, _ = run(capsys, "angebote", "confirm", "1", "--db", db)
    assert code == 0 and "bestätigt" in out
    assert len(listed(capsys, db, "--offen")) == 2

    # A title of 300 characters is cut in the list (the other columns stay in a terminal's
    # width) and whole in `show`.
    long_title = "Sehr langer Titel " * 16
    long_title = long_title.strip()
    assert run(capsys, "angebote", "edit", "2", "--db", db, "--titel", long_title)[0] == 0
    code, out, _ = run(capsys, "angebote", "list", "--db", db)
    line = next(line for line in out.splitlines() if line.startswith("2 "))
    assert "  Sehr langer Titel Sehr langer Titel Sehr langer T…  regelmäßig  Südviertel" in line
    assert len(line) < 120
    assert long_title in run(capsys, "angebote", "show", "2", "--db", db)[1]


def test_bad_input_is_refused_in_german_and_changes_nothing(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = city
    for argv, said in (
        (["--organisation", "Gibt es nicht", "--titel", "X", "--art", "einmalig"],
         "Die Organisation „Gibt es nicht“ gibt es nicht"),
        (["--organisation", "1", "--titel", "X", "--art", "manchmal", "--online"],
         "„manchmal“ ist keine der Möglichkeiten"),
        (["--organisation", "1", "--titel", "X", "--art", "einmalig", "--online",
          "--beginn", "morgen"], "Beginn: „morgen“ ist kein Zeitpunkt"),
        (["--organisation", "1", "--titel", "X", "--art", "einmalig", "--online",
          "--kontakt", "Frau Ulrich"], "keine Personennummer"),
        (["--organisation", "1", "--titel", "X", "--art", "einmalig", "--online",
          "--bis", "01.01.2020"], "liegt in der Vergangenheit"),
    ):  # fmt: skip
        code, out, err = run(capsys, "angebote", "add", "--db", db, *argv)
        assert (code, out) == (1, ""), argv
        assert said in err and "Traceback" not in err
    assert run(capsys, "angebote", "show", "9", "--db", db)[2].startswith(
        "Fehler: Das Angebot Nr. 9 gibt es nicht."
    )
    assert listed(capsys, db) == []


class Page(HTMLParser):
    """What the checks read of a page: its tags in order, headings, links, ids, text."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang = ""
        self.text: list[str] = []
        self.scripts = 0
        self._heading: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "script":
            self.scripts += 1
        if "id" in values:
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "img" and not values.get("alt"):
            self.problems.append("img ohne alt")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> schließt {self.open[-1:] or 'nichts'}")
            return
        self.open.pop()
        if self._heading is not None and tag == f"h{self._heading}":
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_the_published_website_calendar_and_wegweiser_hold_exactly_the_current_offers(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db, ids = city
    day = SYSTEM_CLOCK.today() + timedelta(days=30)
    base = ["--db", db, "--organisation", str(ids["verein"]), "--stadtteil", "Nordstadt"]
    for title, more in (
        (HOSTILE, ["--art", "einmalig", "--beginn", f"{day:%d.%m.%Y} 10:00", "--ende", "18:00",
                   "--kontakt", str(ids["sharing"]), "--beschreibung", "Zeile <b>1</b>"]),
        ("Lesepaten", ["--art", "regelmäßig", "--kontakt", str(ids["private"])]),
        ("Abgelaufen am Bach", ["--art", "einmalig", "--bis", f"{SYSTEM_CLOCK.today():%d.%m.%Y}"]),
        ("Schon besetzt", ["--art", "kurzzeitig", "--online"]),
    ):  # fmt: skip
        assert run(capsys, "angebote", "add", *base, "--titel", title, *more)[0] == 0
    assert run(capsys, "angebote", "close", "4", "--db", db)[0] == 0
    # The third expires tonight: as of tomorrow it is expired without anybody storing it.
    database = Database(db)
    try:
        with database.session() as session:
            session.execute(
                sql("UPDATE engagement_offer SET expires_on = :d WHERE id = 3"),
                {"d": SYSTEM_CLOCK.today() - timedelta(days=1)},
            )
    finally:
        database.dispose()

    site = tmp_path / "website"
    code, out, _ = run(capsys, "angebote", "publish", "--db", db, "-o", str(site))
    assert code == 0 and "2 Angebote" in out and str(site) in out
    names = sorted(p.name for p in site.iterdir())
    assert {"index.html", "style.css", "angebote.ics", "engagement-wegweiser.pdf"} <= set(names)
    assert "angebot-1.html" in names and "angebot-2.html" in names
    assert "angebot-3.html" not in names and "angebot-4.html" not in names

    for name in (n for n in names if n.endswith(".html")):
        page = parse(site / name)
        assert page.problems == [] and page.open == [], name
        assert page.lang == "de" and page.scripts == 0, name
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1, name
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (name, levels)
        assert "#inhalt" in page.links and "inhalt" in page.ids, name
        for link in page.links:
            if not link.startswith(("#", "mailto:", "tel:")):
                assert (site / link).is_file(), (name, link)
        text = "".join(page.text)
        assert "Abgelaufen am Bach" not in text and "Schon besetzt" not in text, name
    raw = (site / "angebot-1.html").read_text(encoding="utf-8")
    assert HOSTILE not in raw and "<b>" not in raw
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Fest&#34;" in raw
    assert HOSTILE in "".join(parse(site / "angebot-1.html").text)  # shown as text
    assert "Dr. Dora Ulrich" in raw  # shares her contact data
    lesepaten = "".join(parse(site / "angebot-2.html").text)
    assert "Keller" not in lesepaten and "info@" not in lesepaten  # the Bürgerverein has none
    assert "Bürgerverein Nordstadt e.V." in lesepaten

    calendar = icalendar.Calendar.from_ical((site / "angebote.ics").read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == [HOSTILE]
    assert events[0].decoded("DTSTART").date() == day
    assert str(calendar["METHOD"]) == "PUBLISH"

    pdf = subprocess.run(
        ["pdftotext", "-layout", str(site / "engagement-wegweiser.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Engagement-Wegweiser" in pdf and "Lesepaten" in pdf and "alert" in pdf
    assert "Abgelaufen am Bach" not in pdf and "Schon besetzt" not in pdf


def test_a_failed_publication_leaves_the_previous_one_and_a_foreign_folder_is_refused(
    city: tuple[str, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, ids = city
    args = ["--db", db, "--organisation", str(ids["tafel"]), "--art", "regelmäßig", "--online"]
    assert run(capsys, "angebote", "add", *args, "--titel", "Erstes Angebot")[0] == 0
    site = tmp_path / "website"
    assert run(capsys, "angebote", "publish", "--db", db, "-o", str(site))[0] == 0
    before = {p.name: p.read_bytes() for p in site.iterdir()}
    assert run(capsys, "angebote", "add", *args, "--titel", "Zweites Angebot")[0] == 0

    import koordination.outputs.website as website

    def full_disk(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(website.Path, "chmod", full_disk)
    code, _, err = run(capsys, "angebote", "publish", "--db", db, "-o", str(site))
    assert code == 1 and "bisherige Veröffentlichung bleibt" in err
    assert {p.name: p.read_bytes() for p in site.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()

    assert run(capsys, "angebote", "publish", "--db", db, "-o", str(site))[0] == 0
    assert "Zweites Angebot" in (site / "index.html").read_text(encoding="utf-8")
    foreign = tmp_path / "fotos"
    foreign.mkdir()
    (foreign / "urlaub.jpg").write_bytes(b"jpeg")
    code, _, err = run(capsys, "angebote", "publish", "--db", db, "-o", str(foreign))
    assert code == 1 and "nicht leer" in err
    assert [p.name for p in foreign.iterdir()] == ["urlaub.jpg"]


def test_the_review_list_names_offers_not_confirmed_for_the_period(
    city: tuple[str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = city
    args = ["--db", db, "--organisation", str(ids["tafel"]), "--art", "regelmäßig", "--online"]
    for title in ("Alt", "Neu"):
        assert run(capsys, "angebote", "add", *args, "--titel", title)[0] == 0
    database = Database(db)
    try:
        set_confirmed(database, 1, SYSTEM_CLOCK.today() - timedelta(days=200))
    finally:
        database.dispose()
    assert [r["title"] for r in listed(capsys, db, "--zu-pruefen")] == ["Alt"]
    assert listed(capsys, db, "--zu-pruefen", "--monate", "7") == []


def test_the_demo_city_publishes_its_offers_without_the_expired_one(
    demo_sqlite: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    demo = str(demo_sqlite())
    rows = listed(capsys, demo)
    assert len(rows) == 12
    assert {r["title"]: r["status"] for r in rows}["Bachpatenschaft Mühlbach"] == "abgelaufen"
    site = tmp_path / "demo"
    assert run(capsys, "angebote", "publish", "--db", demo, "-o", str(site))[0] == 0
    text = "".join((site / n).read_text(encoding="utf-8") for n in ("index.html",))
    assert "Lesepatinnen und Lesepaten" in text and "Bachpatenschaft" not in text
    assert "Koordinierungsstelle Engagierte Stadt Wiesenbrück" in text
