"""The programme Engagierte Stadt: the eligibility check of its call for cities, and the
records the city's Steckbrief and the annual report are built from
(the programme's builders in the output layer turn them into documents)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import CORE_SECTORS, GroupKind, MeasureStatus, Sector, SurveyStatus
from koordination.domain.inputs.validation import format_date
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
from koordination.domain.records.fields import FieldRecord
from koordination.domain.records.network import OrganisationRef
from koordination.domain.records.programme import (
    AnnualReportData,
    Attended,
    Criterion,
    EligibilityReport,
    SteckbriefData,
    YearDecision,
    YearSurvey,
    thousands,
)
from koordination.domain.records.surveys import SurveyRecord
from koordination.services.network import THERE, Network, decision_vote_text, held_sittings

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


def organisations(count: int) -> str:
    return "1 Organisation" if count == 1 else f"{count} Organisationen"


class Programme:
    """The programme's use cases on one database, as of the clock's day."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def _day(self) -> tuple[date, Clock]:
        day = self.clock.today()
        return day, Clock.on(day)

    def eligibility(self) -> EligibilityReport:
        """The requirements of the call for cities, each met or missing, with German details.

        Actors are the organisations (not archived) that current members of active groups
        stand for: the organisation a member represents, else the one they currently work for.
        """
        day, clock = self._day()
        network = Network(self.db, clock)
        with self.db.session() as session:
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

    def steckbrief(self) -> SteckbriefData:
        """What the city's Steckbrief shows: the profile, finished measures and partners."""
        day, clock = self._day()
        city = self._city(clock)
        if city is None:
            return SteckbriefData(day, None, (), ())
        done = tuple(
            m.title
            for f in self._fields()
            for m in f.measures
            if m.status is MeasureStatus.ABGESCHLOSSEN
        )
        return SteckbriefData(day, city, done, tuple(self._partners(day, clock)))

    def annual_report(self, year: int) -> AnnualReportData:
        """The year in figures: held sittings, who was there for which sector, decisions,
        the action fields and the year's surveys."""
        day, clock = self._day()
        city = self._city(clock)
        db = self.db
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
                        select(
                            Attendance.sitting_id, Attendance.person_id, Attendance.sector
                        ).where(
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
                    YearDecision(
                        day=(started or occurrence).astimezone(CITY_ZONE).date(),
                        meeting=title,
                        groups=", ".join(meeting_groups.get(meeting_id, [])),
                        wording=d.wording,
                        result=f"{d.result.label} ({decision_vote_text(d)})",
                    )
                )
        return AnnualReportData(
            year=year,
            day=day,
            city=city,
            held=tuple(held),
            groups=groups,
            attended=tuple(Attended(*row) for row in rows),
            decisions=tuple(decisions),
            fields=tuple(self._fields()),
            surveys=self._year_surveys(year),
        )

    # ------------------------------------------------------------------ helpers
    def _city(self, clock: Clock) -> CityProfileRecord | None:
        from koordination.services.directory.service import Directory

        return Directory(self.db, clock).get_city()

    def _fields(self) -> list[FieldRecord]:
        from koordination.services.fields.service import ActionFields

        return ActionFields(self.db).tree()

    def _partners(self, day: date, clock: Clock) -> list[OrganisationRef]:
        """The consortium's organisations; without a consortium, those of every group."""
        network = Network(self.db, clock)
        with self.db.session() as session:
            members = network.members(session, day, network.organisations(session))
        consortium = [m for m in members if m.group_kind is GroupKind.KONSORTIUM]
        chosen = consortium or members
        found = {m.organisation for m in chosen if m.organisation is not None}
        return sorted(found, key=lambda o: (list(Sector).index(o.sector), o.name.casefold()))

    def _year_surveys(self, year: int) -> tuple[YearSurvey, ...]:
        """The surveys that ran in ``year`` (not drafts), in the order they started: results
        as published up to the year's end, else the live results with small cells hidden."""
        from koordination.services.surveys.results import Evaluation
        from koordination.services.surveys.service import Surveys

        evaluation = Evaluation(self.db)
        found = []
        surveys = [
            s
            for s in Surveys(self.db).list_surveys()
            if s.status is not SurveyStatus.ENTWURF and _in_year(s, year)
        ]
        for survey in sorted(surveys, key=lambda s: (s.starts_on or date.min, s.id)):
            snapshots = [
                s for s in evaluation.snapshots(survey.id) if s.stand <= date(year, 12, 31)
            ]
            if snapshots:
                results = evaluation.snapshot_results(survey.id, snapshots[-1].stand)
                found.append(YearSurvey(survey, results, True))
            else:
                found.append(
                    YearSurvey(survey, evaluation.results(survey.id, published=True), False)
                )
        return tuple(found)


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
        f"Grundsätze des Netzwerks anerkannt am {format_date(city.principles_accepted_on)}",
    )


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    first = datetime.combine(date(year, 1, 1), time(), tzinfo=CITY_ZONE).astimezone(UTC)
    last = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=CITY_ZONE).astimezone(UTC)
    return first, last


def _in_year(s: SurveyRecord, year: int) -> bool:
    start = s.starts_on or s.ends_on
    end = s.ends_on or s.starts_on
    if start is None or end is None:
        return False
    return start <= date(year, 12, 31) and end >= date(year, 1, 1)
