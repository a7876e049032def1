"""The retention rules: the kinds of data the office can set a period for, their state in the
database, and the records a preview and a run hand out."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE
from koordination.domain.models import RetentionRule
from koordination.errors import FieldError, ValidationError

#: Ids per ``IN (...)`` list: below SQLite's and PostgreSQL's limits on bound parameters.
_CHUNK = 900
MIN_MONTHS = 1
MAX_MONTHS = 600


@dataclass(frozen=True)
class RuleKind:
    """One kind of data the office can set a period for."""

    kind: str
    #: "Gäste nach {dat}": the rule as the office reads it; ``{dat}`` is "12 Monaten" (after
    #: nach/seit), ``{acc}`` "12 Monate" (1 Monat either way).
    title: str
    #: What a run does to what the rule finds, in German.
    deletes: str
    #: Suggested when the office switches the rule on without saying how long.
    default_months: int

    def titled(self, months: int) -> str:
        if months == 1:
            return self.title.format(dat="1 Monat", acc="1 Monat")
        return self.title.format(dat=f"{months} Monaten", acc=f"{months} Monate")


#: The rules in the order a run applies them; a person found by two rules is listed once,
#: under the first.
RULE_KINDS: dict[str, RuleKind] = {
    rule.kind: rule
    for rule in (
        RuleKind(
            "guests",
            "Gäste nach {dat}",
            "Personen, die nur als Gäste zu Terminen eingeladen waren (keine Gruppe, keine "
            "Organisation, keine Aufgabe), werden gelöscht (wie Art. 17 DSGVO): Name und "
            "Kontaktdaten sind danach weg, Anwesenheiten zählen als „N. N.“ weiter.",
            12,
        ),
        RuleKind(
            "inactive_people",
            "Personen ohne Aktivität seit {dat}",
            "Personen ohne aktuelle Gruppenmitgliedschaft und ohne offene Aufgabe, die in "
            "dieser Zeit weder eingeladen waren, teilgenommen, eine Aufgabe hatten, eine "
            "Zugehörigkeit oder Mitgliedschaft begonnen oder beendet haben noch bearbeitet "
            "wurden, werden gelöscht (wie Art. 17 DSGVO). Die Ansprechperson der Stadt "
            "bleibt.",
            24,
        ),
        RuleKind(
            "survey_contacts",
            "Kontaktdaten aus Umfragen {acc} nach Abschluss",
            "In abgeschlossenen Umfragen (Enddatum, sonst letzte Änderung, älter als die "
            "Frist) werden die Kontaktangaben der Antworten geleert und die Verbindung zur "
            "Person gelöst. Die Antworten selbst bleiben für die Auswertung.",
            6,
        ),
        RuleKind(
            "invitations",
            "Einladungslisten {acc} nach dem Termin",
            "Bei Terminen und Serien, die vor der Frist zu Ende gingen, werden Einladungen "
            "und Antworten gelöscht; im Verlauf des Termins bleiben nur die Zahlen "
            "(eingeladen, zugesagt, abgesagt …). Anwesenheit und Protokoll bleiben.",
            24,
        ),
    )
}


def rule_kind(kind: str) -> RuleKind:
    """The rule kind, or a German error naming the known ones."""
    found = RULE_KINDS.get(kind)
    if found is None:
        known = ", ".join(f"{k} ({r.titled(r.default_months)})" for k, r in RULE_KINDS.items())
        raise ValidationError([FieldError("Regel", f"„{kind}“ gibt es nicht. Bekannt: {known}.")])
    return found


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_of(day: date) -> datetime:
    """The first instant of a day in the city, as UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE).astimezone(UTC)


def city_day(value: date | datetime | None) -> date | None:
    """The day of an instant in the city (a date stays as it is)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(CITY_ZONE).date()
    return value


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in ascending order, in lists short enough for one ``IN (...)``."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def counted(n: int, one: str, many: str) -> str:
    """ "1 Person", "3 Personen"."""
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class RuleState:
    """A rule as the office set it (or the suggestion, while it was never set)."""

    kind: str
    months: int
    enabled: bool
    #: False while the office never set this rule: ``months`` is then the suggestion.
    stored: bool
    title: str
    deletes: str
    default_months: int


@dataclass(frozen=True)
class Target:
    """One thing a rule deletes: a person, or the contact data of a survey's responses, or
    the invitation list of a meeting (``parts``: the rows concerned)."""

    kind: str
    id: int
    description: str
    parts: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlannedRule:
    kind: str
    title: str
    deletes: str
    months: int
    #: Data older than this day (last activity, closing, meeting end before it) is deleted.
    cutoff: date
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class RetentionPlan:
    """What a run on ``today`` deletes, per switched-on rule."""

    today: date
    rules: tuple[PlannedRule, ...]

    @property
    def empty(self) -> bool:
        return not any(rule.targets for rule in self.rules)

    @property
    def total(self) -> int:
        return sum(len(rule.targets) for rule in self.rules)

    def keys(self) -> frozenset[tuple[str, str, int, tuple[int, ...]]]:
        """What is deleted, without the descriptions: two plans delete the same when these
        are equal."""
        return frozenset(
            (rule.kind, t.kind, t.id, t.parts) for rule in self.rules for t in rule.targets
        )


@dataclass(frozen=True)
class RuleResult:
    kind: str
    title: str
    #: "3 Personen gelöscht", "Kontaktdaten aus 14 Antworten in 2 Umfragen entfernt" …
    summary: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class RetentionReport:
    """What a run did."""

    today: date
    at: datetime
    actor: str
    results: tuple[RuleResult, ...]
    #: What the office still has to do (a measure without a responsible person …).
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(len(r.targets) for r in self.results)

    def lines(self) -> list[str]:
        when = self.at.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")
        head = f"Aufbewahrungsregeln ausgeführt am {when} von {self.actor}."
        if not self.results:
            return [head, "Keine Regel ist eingeschaltet; es wurde nichts gelöscht."]
        return [head, *(f"{r.title}: {r.summary}" for r in self.results), *self.notes]


def states(session: Session) -> list[RuleState]:
    """Every rule kind with its setting (or the suggestion), in the order a run applies them."""
    stored = {r.kind: r for r in session.scalars(select(RetentionRule))}
    found = []
    for kind, known in RULE_KINDS.items():
        row = stored.get(kind)
        months = row.months if row is not None else known.default_months
        found.append(
            RuleState(
                kind=kind,
                months=months,
                enabled=bool(row is not None and row.enabled),
                stored=row is not None,
                title=known.titled(months),
                deletes=known.deletes,
                default_months=known.default_months,
            )
        )
    return found
