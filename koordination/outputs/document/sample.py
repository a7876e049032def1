"""A sample of minutes: a preview for an office adapting its templates, and the fixture of the
document tests and benchmarks (fixed texts and dates, so the output is reproducible)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from koordination.outputs.document.german import long_date, short_date, time_span
from koordination.outputs.document.model import (
    Block,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Note,
    Paragraph,
    Table,
)

MEETING_DAY = date(2026, 9, 8)
FINGERPRINT = "3f5a9c0e8b7d6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877"

LETTERHEAD = Letterhead(
    office_name="Koordinierungsstelle Engagierte Stadt Gießen",
    address="Berliner Platz 1\n35390 Gießen",
    phone="0641 306-1234",
    email="engagement@giessen.example",
)

DECISION = (
    "Der Arbeitskreis beschließt einstimmig, den Freiwilligentag am Samstag, 12. Juni 2027, "
    "auf dem Kirchenplatz auszurichten; die Koordinierungsstelle übernimmt die Anmeldung."
)

_TOPICS = (
    "Begrüßung und Genehmigung des Protokolls",
    "Berichte aus den Initiativen",
    "Freiwilligentag 2027: Ort, Datum, Aufgaben",
    "Ehrenamtskarte: Stand der Gespräche mit dem Landkreis",
    "Förderprogramm „Engagierte Stadt“: Verwendungsnachweis",
    "Nachbarschaftshilfe in der Weststadt",
    "Sprachcafé und Integrationslotsinnen",
    "Öffentlichkeitsarbeit: Newsletter und Website",
)
_PEOPLE = (
    "Jörg Müller-Lüdenscheidt",
    "Ayşe Yılmaz",
    "Łukasz Wiśniewski",
    "Frauke Große-Bölting",
    "Dr. Chiara D’Angelo",
)
_NOTE = (
    "Frau Yılmaz berichtet, dass sich seit dem letzten Treffen zwölf neue Freiwillige gemeldet "
    "haben; die Übergabe an die Initiativen läuft über das gemeinsame Postfach. Herr Wiśniewski "
    "ergänzt, dass die Räume im Bürgerhaus nur noch dienstags frei sind. Die Gruppe bittet darum, "
    "Termine künftig spätestens zwei Wochen vorher über die Liste „Engagement-Termine“ zu "
    "melden, damit Überschneidungen mit Straßenfesten und Vereinsfeiern vermieden werden. "
)


def _item(number: int, long_notes: int) -> list[Block]:
    topic = _TOPICS[(number - 1) % len(_TOPICS)]
    who = _PEOPLE[number % len(_PEOPLE)]
    due = MEETING_DAY + timedelta(days=14 * (number % 5 + 1))
    blocks: list[Block] = [
        Heading(f"TOP {number}: {topic}", 1),
        KeyValue((("Vorstellung", who), ("Dauer", f"{10 + 5 * (number % 4)} Minuten"))),
        Paragraph((_NOTE * long_notes).strip() + "\nWeitere Wortmeldungen gab es nicht."),
    ]
    if number % 2 == 1:
        blocks.append(
            Note(
                DECISION if number == 3 else f"Der Vorschlag zu TOP {number} wird angenommen.",
                "decision",
            )
        )
        blocks.append(Paragraph("Abstimmung: 11 Ja, 0 Nein, 2 Enthaltungen — angenommen."))
    blocks.append(Heading("Aufgaben", 2))
    blocks.append(
        Table(
            ("Was", "Wer", "Bis"),
            tuple(
                (
                    f"Aufgabe {number}.{k}: Rückmeldung an die Initiativen geben und Raumplanung "
                    "abstimmen",
                    _PEOPLE[(number + k) % len(_PEOPLE)],
                    short_date(due + timedelta(days=k)),
                )
                for k in range(1, 4)
            ),
            widths=(6, 3, 1.5),
        )
    )
    return blocks


def sample_minutes(items: int = 4, long_notes: int = 1) -> Document:
    """Minutes of a working group with ``items`` agenda items; ``long_notes`` makes notes longer."""
    start = datetime.combine(MEETING_DAY, time(18, 0))
    blocks: list[Block] = [
        Heading("Anwesend", 2),
        BulletList(tuple(f"{p} (Initiative {i + 1})" for i, p in enumerate(_PEOPLE))),
    ]
    for number in range(1, items + 1):
        blocks.extend(_item(number, long_notes))
    return Document(
        title="Protokoll: Arbeitskreis Ehrenamt & Beteiligung",
        subtitle="Ergebnisprotokoll · genehmigt",
        meta=(
            ("Datum", long_date(MEETING_DAY)),
            ("Zeit", time_span(start, start + timedelta(hours=2))),
            ("Ort", "Rathaus Gießen, Raum 2.14"),
            ("Leitung", "Frauke Große-Bölting"),
            ("Protokoll", "Ayşe Yılmaz"),
            ("Entschuldigt", "Łukasz Wiśniewski"),
        ),
        blocks=tuple(blocks),
        letterhead=LETTERHEAD,
        fingerprint=FINGERPRINT,
        footer=f"Protokoll Arbeitskreis Ehrenamt & Beteiligung vom {short_date(MEETING_DAY)}",
    )
