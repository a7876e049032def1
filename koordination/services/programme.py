"""The programme Engagierte Stadt: the eligibility check of its call for cities, the city's
Steckbrief and the annual report."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    CORE_SECTORS,
    GroupKind,
    MeasureStatus,
    MeetingKind,
    QuestionType,
    Sector,
    SurveyStatus,
)
from koordination.domain.models import (
    AgendaItem,
    Attendance,
    CityProfile,
    Decision,
    Group,
    Meeting,
    MeetingGroup,
    Person,
    Sitting,
)
from koordination.domain.records.directory import CityProfileRecord, display_name
from koordination.domain.records.fields import FieldRecord, MeasureRecord
from koordination.domain.records.network import OrganisationRef
from koordination.domain.records.surveys import QuestionResult, SurveyRecord, SurveyResults
from koordination.outputs.builders.sittings import letterhead
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
from koordination.services.network import (
    THERE,
    HeldSitting,
    Network,
    decision_vote_text,
    held_sittings,
)

#: Who may take part in the call for cities: towns, municipalities and districts of this size.
MIN_INHABITANTS = 10_000
MAX_INHABITANTS = 250_000
#: The cooperation needs at least this many actors ...
MIN_ACTORS = 3  # "mindestens drei Akteure", as the texts below say
#: ... from these sectors: civil society and administration required, the other two optional.
ACTOR_SECTORS = (
    Sector.ZIVILGESELLSCHAFT,
    Sector.VERWALTUNG,
    Sector.WIRTSCHAFT,
    Sector.WISSENSCHAFT,
)
OPTIONAL_SECTORS = (Sector.WIRTSCHAFT, Sector.WISSENSCHAFT)

MET, NOT_MET, OPTIONAL = "✓", "✗", "○"


def _city_today() -> date:
    return datetime.now(CITY_ZONE).date()


def thousands(value: int) -> str:
    """``52.300``: German digit grouping."""
    return f"{value:,}".replace(",", ".")


def organisations(count: int) -> str:
    return "1 Organisation" if count == 1 else f"{count} Organisationen"


# ------------------------------------------------------------------ eligibility


@dataclass(frozen=True)
class Criterion:
    """One requirement of the call. ``met`` is None for an optional one (shown, not needed)."""

    key: str
    label: str
    met: bool | None
    detail: str

    @property
    def optional(self) -> bool:
        return self.met is None

    @property
    def symbol(self) -> str:
        return OPTIONAL if self.met is None else MET if self.met else NOT_MET


@dataclass(frozen=True)
class EligibilityReport:
    city: str
    criteria: tuple[Criterion, ...]

    @property
    def eligible(self) -> bool:
        """Every required criterion is met."""
        return all(c.met for c in self.criteria if not c.optional)

    @property
    def met(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.met)

    @property
    def missing(self) -> tuple[Criterion, ...]:
        """Required criteria not met: what the city still has to do."""
        return tuple(c for c in self.criteria if c.met is False)

    @property
    def optional(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.optional)

    @property
    def summary(self) -> str:
        if self.eligible:
            return "Alle Voraussetzungen des Programms sind erfüllt."
        count = len(self.missing)
        return (
            f"{'Eine Voraussetzung ist' if count == 1 else f'{count} Voraussetzungen sind'} "
            "noch nicht erfüllt."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "eligible": self.eligible,
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "met": c.met,
                    "optional": c.optional,
                    "detail": c.detail,
                }
                for c in self.criteria
            ],
        }


def _city_row(session: Session) -> CityProfile | None:
    return session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))


def _inhabitants(value: int | None) -> Criterion:
    label = "Einwohnerzahl"
    span = f"{thousands(MIN_INHABITANTS)}–{thousands(MAX_INHABITANTS)}"
    if value is None:
        return Criterion(
            "einwohner",
            label,
            False,
            f"Die Einwohnerzahl fehlt im Stadtprofil – nötig sind {span}.",
        )
    people = f"{thousands(value)} Einwohnerinnen und Einwohner"
    if value < MIN_INHABITANTS:
        return Criterion(
            "einwohner",
            label,
            False,
            f"{people} – zu wenige, mindestens {thousands(MIN_INHABITANTS)}",
        )
    if value > MAX_INHABITANTS:
        return Criterion(
            "einwohner",
            label,
            False,
            f"{people} – zu viele, höchstens {thousands(MAX_INHABITANTS)}",
        )
    return Criterion("einwohner", label, True, f"{people} – im Rahmen ({span})")


def _cooperation(
    actors: dict[Sector, list[OrganisationRef]], in_directory: int, politics: int
) -> list[Criterion]:
    z, v = (len(actors.get(s, [])) for s in CORE_SECTORS)
    counts = (
        f"Zivilgesellschaft: {organisations(z) if z else 'keine'}, "
        f"Verwaltung: {organisations(v) if v else 'keine'}"
    )
    lacking = [s for s, n in zip(CORE_SECTORS, (z, v), strict=True) if not n]
    if lacking:
        what = " und ".join(f"die {s.label}" for s in lacking)
        core = Criterion(
            "kooperation",
            "Kooperation von Zivilgesellschaft und kommunaler Verwaltung",
            False,
            f"{counts} – es {'fehlen' if len(lacking) > 1 else 'fehlt'} {what} in den Gruppen "
            "des Netzwerks",
        )
    else:
        core = Criterion(
            "kooperation",
            "Kooperation von Zivilgesellschaft und kommunaler Verwaltung",
            True,
            f"{counts} wirken in Gruppen mit",
        )
    total = sum(len(actors.get(s, [])) for s in ACTOR_SECTORS)
    parts = ", ".join(f"{s.label} {len(actors[s])}" for s in ACTOR_SECTORS if actors.get(s))
    listed = f" ({parts})" if parts else ""
    note = f"; Politik ({organisations(politics)}) zählt hier nicht mit" if politics else ""
    if total >= MIN_ACTORS:
        detail = f"{organisations(total)} beteiligt{listed} – mindestens drei Akteure{note}"
    elif total == 0 and in_directory:
        detail = (
            f"Im Verzeichnis {'steht' if in_directory == 1 else 'stehen'} "
            f"{organisations(in_directory)}, aber keine wirkt in einer Gruppe mit – mindestens "
            "drei Akteure nötig; Mitglieder bitte einer Gruppe (z. B. dem Konsortium) zuordnen"
        )
    else:
        detail = (
            f"Nur {organisations(total)} beteiligt{listed} – mindestens drei Akteure nötig{note}"
        )
    actors_criterion = Criterion("akteure", "Mindestens drei Akteure", total >= MIN_ACTORS, detail)
    optional = []
    for sector in OPTIONAL_SECTORS:
        names = [o.name for o in actors.get(sector, [])]
        detail = (
            f"{organisations(len(names))}: {', '.join(names)} (optional)"
            if names
            else "keine beteiligt (optional)"
        )
        optional.append(Criterion(sector.value, f"{sector.label} (optional)", None, detail))
    return [core, actors_criterion, *optional]


def _contact(session: Session, city: CityProfile | None) -> Criterion:
    label = "Feste Ansprechperson"
    person = (
        session.get(Person, city.contact_person_id) if city and city.contact_person_id else None
    )
    if person is None:
        return Criterion(
            "ansprechperson",
            label,
            False,
            "Keine feste Ansprechperson eingetragen – bitte im Stadtprofil eine Person wählen",
        )
    name = display_name(person.title, person.given_name, person.family_name)
    if person.archived:
        return Criterion(
            "ansprechperson",
            label,
            False,
            f"Die eingetragene Ansprechperson {name} ist archiviert – bitte eine aktive Person "
            "wählen",
        )
    email = f" ({person.emails[0].address})" if person.emails else ""
    return Criterion("ansprechperson", label, True, f"Feste Ansprechperson: {name}{email}")


def _principles(city: CityProfile | None) -> Criterion:
    label = "Grundsätze des Netzwerks anerkannt"
    if city is None or city.principles_accepted_on is None:
        return Criterion(
            "grundsaetze",
            label,
            False,
            "Das Bekenntnis zum Selbstverständnis der Engagierten Städte fehlt – bitte das "
            "Datum des Beschlusses im Stadtprofil eintragen",
        )
    return Criterion(
        "grundsaetze",
        label,
        True,
        f"Grundsätze des Netzwerks anerkannt am {short_date(city.principles_accepted_on)}",
    )


def check_eligibility(db: Database, today: date | None = None) -> EligibilityReport:
    """The requirements of the call for cities, each met or missing, with German details.

    Actors are the organisations (not archived) that current members of active groups stand
    for: the organisation a member represents, else the one they currently work for.
    """
    day = today or _city_today()
    network = Network(db, Clock.on(day))
    with db.session() as session:
        city = _city_row(session)
        orgs = network.organisations(session)
        members = network.members(session, day, orgs)
        actors: dict[Sector, list[OrganisationRef]] = defaultdict(list)
        for org in sorted(
            {m.organisation for m in members if m.organisation},
            key=lambda o: o.name.casefold(),
        ):
            actors[org.sector].append(org)
        criteria = [
            _inhabitants(city.inhabitants if city else None),
            *_cooperation(actors, len(orgs), len(actors.get(Sector.POLITIK, []))),
            _contact(session, city),
            _principles(city),
        ]
        return EligibilityReport(city=city.name if city else "", criteria=tuple(criteria))


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


def _partners(db: Database, day: date) -> list[OrganisationRef]:
    """The consortium's organisations; without a consortium, those of every group."""
    network = Network(db, Clock.on(day))
    with db.session() as session:
        members = network.members(session, day, network.organisations(session))
    consortium = [m for m in members if m.group_kind is GroupKind.KONSORTIUM]
    chosen = consortium or members
    found = {m.organisation for m in chosen if m.organisation is not None}
    return sorted(found, key=lambda o: (list(Sector).index(o.sector), o.name.casefold()))


def _field_tree(db: Database) -> list[FieldRecord]:
    from koordination.services.action_fields import ActionFields

    return ActionFields(db).tree()


def steckbrief(db: Database, today: date | None = None) -> Document:
    """The city's Steckbrief as the programme's website shows them: short portrait, facts,
    focus, vision, achievements and offers, resources, "Wir sind: #…", partners."""
    from koordination.services.directory import Directory

    day = today or _city_today()
    city = Directory(db, Clock.on(day)).get_city()
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
    done = [
        f"{m.title} (abgeschlossen)"
        for f in _field_tree(db)
        for m in f.measures
        if m.status is MeasureStatus.ABGESCHLOSSEN
    ]
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
    partners = _partners(db, day)
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


@dataclass(frozen=True)
class _YearDecision:
    day: date
    meeting: str
    groups: str
    wording: str
    result: str


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    first = datetime.combine(date(year, 1, 1), time(), tzinfo=CITY_ZONE).astimezone(UTC)
    last = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=CITY_ZONE).astimezone(UTC)
    return first, last


def _meetings_blocks(
    held: Sequence[HeldSitting], groups: dict[int, str], there: Counter[int]
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


def _decision_blocks(decisions: Sequence[_YearDecision]) -> list[Block]:
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


def _in_year(s: SurveyRecord, year: int) -> bool:
    start = s.starts_on or s.ends_on
    end = s.ends_on or s.starts_on
    if start is None or end is None:
        return False
    return start <= date(year, 12, 31) and end >= date(year, 1, 1)


def _highlight(q: QuestionResult) -> str:
    from koordination.outputs.builders.surveys import cell_text, german_number

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


def _survey_results(db: Database, survey: SurveyRecord, year: int) -> tuple[SurveyResults, bool]:
    """Published results as frozen up to the end of ``year``; else the live results with
    small cells hidden. The flag says whether they were published."""
    from koordination.services.survey_results import Evaluation

    evaluation = Evaluation(db)
    snapshots = [s for s in evaluation.snapshots(survey.id) if s.stand <= date(year, 12, 31)]
    if snapshots:
        return evaluation.snapshot_results(survey.id, snapshots[-1].stand), True
    return evaluation.results(survey.id, published=True), False


def _survey_blocks(db: Database, year: int) -> list[Block]:
    from koordination.services.surveys import Surveys

    blocks: list[Block] = [Heading("Umfragen", 2)]
    surveys = [
        s
        for s in Surveys(db).list_surveys()
        if s.status is not SurveyStatus.ENTWURF and _in_year(s, year)
    ]
    if not surveys:
        blocks.append(Paragraph("Im Berichtsjahr lief keine Umfrage."))
        return blocks
    for survey in sorted(surveys, key=lambda s: (s.starts_on or date.min, s.id)):
        results, published = _survey_results(db, survey, year)
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


def annual_report(db: Database, year: int, today: date | None = None) -> Document:
    """The year in figures: meetings held by kind and group, participation by sector,
    decisions, the progress of measures and highlights of the year's surveys."""
    from koordination.services.directory import Directory

    day = today or _city_today()
    city = Directory(db, Clock.on(day)).get_city()
    name = city.name if city else ""
    first, last = _year_bounds(year)
    with db.session() as session:
        held = held_sittings(session, first=date(year, 1, 1), last=date(year, 12, 31))
        groups = {gid: gname for gid, gname in session.execute(select(Group.id, Group.name))}
        rows: list[tuple[int, int | None, Sector | None]] = []
        ids = [s.id for s in held]
        for start in range(0, len(ids), 500):
            rows += [
                (r.sitting_id, r.person_id, r.sector)
                for r in session.execute(
                    select(Attendance.sitting_id, Attendance.person_id, Attendance.sector).where(
                        Attendance.sitting_id.in_(ids[start : start + 500]),
                        Attendance.status.in_(THERE),
                    )
                )
            ]
        meeting_groups: dict[int, list[str]] = defaultdict(list)
        for meeting_id, group_name in session.execute(
            select(MeetingGroup.meeting_id, Group.name)
            .join(Group, Group.id == MeetingGroup.group_id)
            .order_by(Group.name)
        ):
            meeting_groups[meeting_id].append(group_name)
        decisions = []
        for d, occurrence, started, title, meeting_id in session.execute(
            select(Decision, Sitting.occurrence, Sitting.started_at, Meeting.title, Meeting.id)
            .join(AgendaItem, AgendaItem.id == Decision.item_id)
            .join(Sitting, Sitting.id == AgendaItem.sitting_id)
            .join(Meeting, Meeting.id == Sitting.meeting_id)
            .where(Sitting.occurrence >= first, Sitting.occurrence < last)
            .order_by(Sitting.occurrence, AgendaItem.position, Decision.position)
        ):
            decisions.append(
                _YearDecision(
                    day=(started or occurrence).astimezone(CITY_ZONE).date(),
                    meeting=title,
                    groups=", ".join(meeting_groups.get(meeting_id, [])),
                    wording=d.wording,
                    result=f"{d.result.label} ({decision_vote_text(d)})",
                )
            )
    there: Counter[int] = Counter(sitting for sitting, _, _ in rows)
    fields = _field_tree(db)
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
        *_survey_blocks(db, year),
    ]
    return Document(
        title=f"Jahresbericht {year}",
        subtitle=f"Engagierte Stadt {name}" if name else "Engagierte Stadt",
        meta=(("Berichtsjahr", str(year)), ("Stand", short_date(day))),
        blocks=tuple(blocks),
        letterhead=letterhead(city),
        footer=f"Jahresbericht {year} · Engagierte Stadt {name}".rstrip(),
    )
