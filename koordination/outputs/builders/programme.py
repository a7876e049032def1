"""The programme's documents: the city's Steckbrief and the annual report, built from the
records ``core.programme`` returns."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from koordination.domain.enums import CORE_SECTORS, MeasureStatus, MeetingKind, QuestionType, Sector
from koordination.domain.records.directory import CityProfileRecord
from koordination.domain.records.fields import FieldRecord, MeasureRecord
from koordination.domain.records.network import HeldSitting
from koordination.domain.records.programme import (
    AnnualReportData,
    SteckbriefData,
    YearDecision,
    YearSurvey,
    thousands,
)
from koordination.domain.records.surveys import QuestionResult
from koordination.outputs.builders.sittings import letterhead
from koordination.outputs.builders.surveys import cell_text, german_number
from koordination.outputs.document.german import short_date
from koordination.outputs.document.model import (
    Bar,
    BarChart,
    Block,
    BulletList,
    Document,
    Heading,
    KeyValue,
    Note,
    Paragraph,
    Table,
)

# ------------------------------------------------------------------ Steckbrief


def points(text: str) -> tuple[str, ...]:
    """A profile text as bullet points: one per line, or per ``;`` on a single line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and ";" in lines[0]:
        lines = [part.strip() for part in lines[0].split(";") if part.strip()]
    cleaned = [_drop_full_stop(re.sub(r"^[-•*–]\s+", "", line).strip()) for line in lines]
    return tuple(c for c in cleaned if c)


_ABBREVIATIONS = {"usw.", "etc.", "bzw.", "ca.", "Nr.", "Str."}


def _drop_full_stop(text: str) -> str:
    """A bullet point ends without a full stop; an abbreviation (e.V., usw.) keeps its dot."""
    last = text.rsplit(maxsplit=1)[-1] if text else ""
    if not text.endswith(".") or text.endswith("..") or last in _ABBREVIATIONS:
        return text
    if "." in last[:-1]:
        return text
    return text[:-1].rstrip()


def hashtags(text: str) -> str:
    """``#vielseitig #grün`` from whatever was typed (``vielseitig, grün`` too)."""
    words = [w.strip() for w in re.split(r"[\s,;]+", text) if w.strip("#").strip()]
    return " ".join(w if w.startswith("#") else f"#{w}" for w in words)


#: Profile fields the Steckbrief shows, with the label the coordinator knows them by.
STECKBRIEF_FIELDS = (
    ("inhabitants", "Einwohnerzahl"),
    ("network_since", "Im Netzwerk seit"),
    ("tandem_partner", "Tandempartner"),
    ("portrait", "Kurzportrait"),
    ("focus", "Schwerpunkt / Hauptziel"),
    ("vision", "Vision / Ziele / Pläne"),
    ("achievements", "Was konnte schon erreicht werden?"),
    ("resources", "Ressourcen und Kompetenzen"),
    ("hashtags", "Wir sind"),
)


def steckbrief_gaps(city: CityProfileRecord | None) -> list[str]:
    """Labels of the profile fields a Steckbrief needs that are still empty."""
    if city is None:
        return ["Stadtprofil"]
    return [label for name, label in STECKBRIEF_FIELDS if getattr(city, name) in (None, "")]


def steckbrief(data: SteckbriefData) -> Document:
    """The city's Steckbrief as the programme's website shows them: short portrait, facts,
    focus, vision, achievements and offers, resources, "Wir sind: #…", partners."""
    day, city = data.day, data.city
    head = letterhead(city)
    name = city.name if city else ""
    blocks: list[Block] = []
    if city is None:
        blocks.append(
            Note(
                "Es ist noch kein Stadtprofil angelegt. Bitte im Bereich Stadtprofil Name, "
                "Einwohnerzahl, Schwerpunkte und Kontakt eintragen.",
                "warning",
            )
        )
        return Document(title="Engagierte Stadt", subtitle="Steckbrief", blocks=tuple(blocks))
    if city.office_name:
        where = ", ".join(line for line in city.office_address.splitlines() if line.strip())
        blocks.append(
            KeyValue(
                tuple(
                    (label, value)
                    for label, value in (
                        ("Ein Projekt von", city.office_name),
                        ("Anschrift", where),
                        ("Telefon", city.office_phone),
                        ("E-Mail", city.office_email),
                    )
                    if value
                )
            )
        )
    if city.portrait:
        blocks += [Heading("Kurzportrait", 2), Paragraph(city.portrait)]
    facts = [
        f"seit {city.network_since} dabei" if city.network_since else "",
        f"{thousands(city.inhabitants)} Einwohnerinnen und Einwohner" if city.inhabitants else "",
        f"Tandempartner: {city.tandem_partner}" if city.tandem_partner else "",
    ]
    if any(facts):
        blocks += [
            Heading(f"Engagierte Stadt {name} …", 2),
            BulletList(tuple(f for f in facts if f)),
        ]
    for title, text in (
        ("Schwerpunkt / Hauptziel", city.focus),
        ("Vision / Ziele / Pläne", city.vision),
    ):
        if points(text):
            blocks += [Heading(title, 2), BulletList(points(text))]
    done = [f"{title} (abgeschlossen)" for title in data.finished_measures]
    achieved = [*points(city.achievements), *done]
    if achieved:
        blocks += [
            Heading("Was konnte schon erreicht werden? Was sind konkrete Angebote?", 2),
            BulletList(tuple(dict.fromkeys(achieved))),
        ]
    if points(city.resources):
        blocks += [
            Heading("Das macht uns aus: unsere Ressourcen und Kompetenzen", 2),
            BulletList(points(city.resources)),
        ]
    if hashtags(city.hashtags):
        blocks += [Heading("Wir sind:", 2), Paragraph(hashtags(city.hashtags))]
    partners = data.partners
    if partners:
        blocks += [
            Heading("Unsere Kooperationspartner:", 2),
            BulletList(tuple(f"{o.name} ({o.sector.label})" for o in partners)),
        ]
    blocks.append(Paragraph(f"Gemeinsam gestalten und entwickeln wir die Engagierte Stadt {name}!"))
    return Document(
        title=f"Engagierte Stadt {name}",
        subtitle="Steckbrief",
        meta=(("Stand", short_date(day)),),
        blocks=tuple(blocks),
        letterhead=head,
        footer=f"Steckbrief Engagierte Stadt {name} · Stand {short_date(day)}",
    )


# ------------------------------------------------------------------ annual report


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    value = round(100 * part / whole, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def _meetings_blocks(
    held: Sequence[HeldSitting], groups: Mapping[int, str], there: Counter[int]
) -> list[Block]:
    blocks: list[Block] = [
        Heading("Treffen", 2),
        Paragraph(
            "Gezählt werden Treffen, für die im Protokoll die Anwesenheit erfasst ist."
            if held
            else "In diesem Jahr ist kein Treffen mit erfasster Anwesenheit verzeichnet. "
            "Treffen zählen, sobald im Protokoll die Anwesenheit eingetragen ist."
        ),
    ]
    if not held:
        return blocks
    by_kind = Counter(s.kind for s in held)
    blocks += [
        Heading("Nach Art", 3),
        Table(
            ("Art", "Treffen"),
            tuple((k.label, str(by_kind[k])) for k in MeetingKind if by_kind[k]),
            widths=(3, 1),
        ),
    ]
    per_group: dict[str, list[HeldSitting]] = defaultdict(list)
    for s in held:
        for gid in s.group_ids or (0,):
            per_group[groups.get(gid, "ohne Gruppe")].append(s)
    rows = []
    for name in sorted(per_group, key=lambda n: (n == "ohne Gruppe", n.casefold())):
        sittings = per_group[name]
        visits = sum(there[s.id] for s in sittings)
        mean = f"{visits / len(sittings):.1f}".replace(".", ",")
        rows.append((name, str(len(sittings)), str(visits), mean))
    blocks += [
        Heading("Nach Gruppe", 3),
        Table(
            ("Gruppe", "Treffen", "Teilnahmen", "Ø je Treffen"),
            tuple(rows),
            widths=(4, 1, 1.3, 1.3),
        ),
    ]
    if any(len(s.group_ids) > 1 for s in held):
        blocks.append(
            Paragraph("Gemeinsame Treffen mehrerer Gruppen zählen bei jeder dieser Gruppen.")
        )
    blocks += [
        Heading("Alle Treffen", 3),
        Table(
            ("Datum", "Treffen", "Gruppen", "Anwesend"),
            tuple(
                (
                    short_date(s.day),
                    s.title,
                    ", ".join(groups.get(g, "") for g in s.group_ids),
                    str(there[s.id]),
                )
                for s in held
            ),
            widths=(1.6, 3, 3.4, 1.4),
        ),
    ]
    return blocks


def _participation_blocks(rows: Sequence[tuple[int, int | None, Sector | None]]) -> list[Block]:
    """rows: (sitting, person, sector) of everybody who was there."""
    blocks: list[Block] = [Heading("Beteiligung nach Sektoren", 2)]
    if not rows:
        blocks.append(Paragraph("Keine Teilnahmen erfasst."))
        return blocks
    visits: Counter[Sector | None] = Counter(sector for _, _, sector in rows)
    people: dict[Sector | None, set[int]] = defaultdict(set)
    for _, person, sector in rows:
        if person is not None:
            people[sector].add(person)
    total = sum(visits.values())
    order: list[Sector | None] = [*Sector, None]
    shown = [s for s in order if visits[s]]

    def label(s: Sector | None) -> str:
        return s.label if s else "ohne Zuordnung"

    blocks.append(
        Paragraph(
            f"{thousands(total)} Teilnahmen von {thousands(len(set().union(*people.values())))} "
            "Personen. Gezählt wird der Sektor der Organisation, für die jemand am Tag des "
            "Treffens da war."
        )
    )
    blocks.append(
        BarChart(
            "Anteil an allen Teilnahmen",
            tuple(
                Bar.single(
                    label(s), 100 * visits[s] / total, f"{_percent(visits[s], total)} ({visits[s]})"
                )
                for s in shown
            ),
            label_header="Sektor",
        )
    )
    blocks.append(
        Table(
            ("Sektor", "Teilnahmen", "Anteil", "Personen"),
            tuple(
                (label(s), str(visits[s]), _percent(visits[s], total), str(len(people[s])))
                for s in shown
            ),
            widths=(3, 1.3, 1.2, 1.2),
        )
    )
    absent = [s for s in CORE_SECTORS if not visits[s]]
    if absent:
        names = " und ".join(s.label for s in absent)
        blocks.append(
            Note(
                f"Aus dem Sektor {names} war in diesem Jahr niemand bei einem Treffen. "
                "Die Zusammenarbeit von Zivilgesellschaft und Verwaltung ist Kern des Programms.",
                "warning",
            )
        )
    return blocks


def _decision_blocks(decisions: Sequence[YearDecision]) -> list[Block]:
    blocks: list[Block] = [Heading("Beschlüsse", 2)]
    if not decisions:
        blocks.append(Paragraph("Im Berichtsjahr wurden keine Beschlüsse protokolliert."))
        return blocks
    blocks.append(
        Table(
            ("Datum", "Gremium", "Beschluss", "Ergebnis"),
            tuple(
                (short_date(d.day), d.groups or d.meeting, d.wording, d.result) for d in decisions
            ),
            widths=(1.6, 2.4, 4.6, 2.2),
        )
    )
    return blocks


def _indicator_lines(m: MeasureRecord) -> list[str]:
    lines = []
    for i in m.indicators:
        if i.actual_value is None and i.target_value is None:
            continue

        def num(v: float | None) -> str:
            if v is None:
                return "–"
            return (f"{v:g}" if v != int(v) else str(int(v))).replace(".", ",")

        unit = f" {i.unit}" if i.unit else ""
        lines.append(f"{i.name}: {num(i.actual_value)} von {num(i.target_value)}{unit}")
    return lines


def _measure_blocks(fields: Sequence[FieldRecord], day: date) -> list[Block]:
    blocks: list[Block] = [Heading("Stand der Maßnahmen", 2)]
    measures = [m for f in fields for m in f.measures]
    if not measures:
        blocks.append(Paragraph("Es sind noch keine Handlungsfelder mit Maßnahmen angelegt."))
        return blocks
    status = Counter(m.status for m in measures)
    blocks.append(
        KeyValue(
            (
                ("Maßnahmen", str(len(measures))),
                *((s.label.capitalize(), str(status[s])) for s in MeasureStatus if status[s]),
                (
                    "Überfällig",
                    str(sum(1 for m in measures if m.overdue(day))),
                ),
            )
        )
    )
    for f in fields:
        if not f.measures:
            continue
        lead = f" · Federführung: {f.lead_group}" if f.lead_group else ""
        blocks.append(Heading(f"{f.title} (Ø {f.progress} %){lead}", 3))
        rows = []
        for m in f.measures:
            title = "\n".join([m.title, *_indicator_lines(m)])
            due = short_date(m.due_on) if m.due_on else ""
            if m.overdue(day):
                due += " (überfällig)"
            rows.append((title, m.responsible or "–", m.status.label, f"{m.progress} %", due))
        blocks.append(
            Table(
                ("Maßnahme", "Verantwortlich", "Status", "Fortschritt", "Fällig"),
                tuple(rows),
                widths=(3.8, 2.5, 2.2, 1.7, 1.8),
            )
        )
    return blocks


def _highlight(q: QuestionResult) -> str:
    if q.suppressed or q.retired:
        return ""
    ask = f"{q.code} {q.text}"
    if q.type in (QuestionType.EINFACH, QuestionType.MEHRFACH, QuestionType.JA_NEIN):
        shown = [o for o in q.options if o.count is not None]
        if not shown:
            return ""
        top = max(shown, key=lambda o: o.count or 0)
        return f"{ask} – am häufigsten: „{top.label}“, {cell_text(top)}"
    if q.type.is_numeric and q.stats is not None:
        return (
            f"{ask} – Mittelwert {german_number(q.stats.mean, 1)}, "
            f"Median {german_number(q.stats.median, 1)}"
        )
    return ""


#: At most this many questions per survey appear in the annual report.
HIGHLIGHTS_PER_SURVEY = 8


def _survey_blocks(surveys: Sequence[YearSurvey]) -> list[Block]:
    blocks: list[Block] = [Heading("Umfragen", 2)]
    if not surveys:
        blocks.append(Paragraph("Im Berichtsjahr lief keine Umfrage."))
        return blocks
    for year_survey in surveys:
        survey, results, published = year_survey.survey, year_survey.results, year_survey.published
        stand = (
            f"veröffentlicht, Stand {short_date(results.stand)}"
            if published
            else f"vorläufig, noch nicht veröffentlicht ({survey.status.label})"
        )
        blocks += [
            Heading(survey.title, 3),
            KeyValue(
                (
                    ("Zielgruppe", survey.audience_label),
                    ("Zeitraum", survey.period_label or "–"),
                    ("Antworten", thousands(results.response_count)),
                    ("Ergebnisse", stand),
                )
            ),
        ]
        lines = [h for h in (_highlight(q) for q in results.questions) if h]
        if lines:
            blocks.append(BulletList(tuple(lines[:HIGHLIGHTS_PER_SURVEY])))
        else:
            blocks.append(Paragraph("Noch zu wenige Antworten für Ergebnisse."))
    blocks.append(
        Paragraph(
            "Werte aus weniger als fünf Antworten werden nicht ausgewiesen; die vollständigen "
            "Ergebnisse stehen im Ergebnisbericht der jeweiligen Umfrage."
        )
    )
    return blocks


def annual_report(data: AnnualReportData) -> Document:
    """The year in figures: meetings held by kind and group, participation by sector,
    decisions, the progress of measures and highlights of the year's surveys."""
    year, day, city, held, groups = data.year, data.day, data.city, data.held, data.groups
    name = city.name if city else ""
    rows = [(a.sitting_id, a.person_id, a.sector) for a in data.attended]
    decisions, fields = data.decisions, data.fields
    there: Counter[int] = Counter(sitting for sitting, _, _ in rows)
    measures = [m for f in fields for m in f.measures]
    overview = KeyValue(
        (
            ("Treffen", str(len(held))),
            (
                "Teilnahmen",
                f"{thousands(len(rows))} "
                f"({thousands(len({p for _, p, _ in rows if p is not None}))} Personen)",
            ),
            ("Beschlüsse", str(len(decisions))),
            (
                "Maßnahmen",
                f"{len(measures)}, davon "
                f"{sum(1 for m in measures if m.status is MeasureStatus.ABGESCHLOSSEN)} "
                "abgeschlossen",
            ),
        )
    )
    blocks: list[Block] = [
        Paragraph(
            f"Der Jahresbericht {year} der Engagierten Stadt {name} fasst zusammen, wie oft "
            "sich das Netzwerk getroffen hat, wer sich beteiligt hat, was beschlossen wurde, "
            "wie weit die Maßnahmen sind und was die Umfragen ergeben haben."
            if name
            else f"Der Jahresbericht {year} fasst die Arbeit des Netzwerks zusammen."
        ),
        Heading("Das Jahr in Zahlen", 2),
        overview,
        *_meetings_blocks(held, groups, there),
        *_participation_blocks(rows),
        *_decision_blocks(decisions),
        *_measure_blocks(fields, day),
        *_survey_blocks(data.surveys),
    ]
    return Document(
        title=f"Jahresbericht {year}",
        subtitle=f"Engagierte Stadt {name}" if name else "Engagierte Stadt",
        meta=(("Berichtsjahr", str(year)), ("Stand", short_date(day))),
        blocks=tuple(blocks),
        letterhead=letterhead(city),
        footer=f"Jahresbericht {year} · Engagierte Stadt {name}".rstrip(),
    )
