"""The retention rules: the kinds of data the office can set a period for, their state in the
database, and the records a preview and a run hand out."""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE
from koordination.domain.models import AppSetting, RetentionRule
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
    #: True: the rule deletes files on this computer, not rows of the database.
    files: bool = False

    @property
    def label(self) -> str:
        """The rule without its period ("Gäste", "Kontaktdaten aus Umfragen")."""
        for cut in (" nach {", " seit {", " {"):
            if cut in self.title:
                return self.title.split(cut)[0]
        return self.title

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
            "survey_answers",
            "Freitexte aus Umfragen {acc} nach Abschluss",
            "In abgeschlossenen Umfragen (Enddatum, sonst letzte Änderung, älter als die "
            "Frist) werden die Freitext-Antworten gelöscht; die Antworten selbst bleiben mit "
            "den angekreuzten Antworten, Zahlen und Daten für die Auswertung, und die "
            "veröffentlichten Stände der Ergebnisse bleiben unverändert.",
            12,
        ),
        RuleKind(
            "invitations",
            "Einladungslisten {acc} nach dem Termin",
            "Bei Terminen und Serien, die vor der Frist zu Ende gingen, werden Einladungen "
            "und Antworten gelöscht; im Verlauf des Termins bleiben nur die Zahlen "
            "(eingeladen, zugesagt, abgesagt …). Anwesenheit und Protokoll bleiben.",
            24,
        ),
        RuleKind(
            "audit_values",
            "Alte Werte im Änderungsprotokoll nach {dat}",
            "Im Änderungsprotokoll werden bei Einträgen, die älter als die Frist sind, die "
            "alten und neuen Werte geleert („[gelöscht]“); der Eintrag selbst bleibt (wer, "
            "wann, was für eine Änderung).",
            36,
        ),
        RuleKind(
            "exports",
            "Dateien im Ausgabeordner nach {dat}",
            "Dateien im Ausgabeordner (Exporte, Briefe, Listen), die seit der Frist nicht "
            "mehr geändert wurden, werden gelöscht. Dateien, die Sie an einen anderen Ort "
            "geschrieben haben, kennt koordination nicht.",
            6,
            files=True,
        ),
        RuleKind(
            "backups",
            "Sicherungskopien nach {dat}",
            "Sicherungen, die koordination selbst schreibt (vor einem Upgrade, vor einer "
            "Wiederherstellung, die tägliche Sicherung), werden gelöscht, wenn sie älter als "
            "die Frist sind; die jüngste jeder Art bleibt immer. Sicherungen, die mit "
            "„koordination db backup DATEI“ an einen eigenen Ort geschrieben wurden, bitte "
            "selbst löschen.",
            6,
            files=True,
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
class Decision:
    """What the office decided for one rule kind, beyond the period itself: deliberately no
    deletion (``keep``), and why, when and by whom (kept in ``app_setting``)."""

    keep: bool
    reason: str
    on: date | None
    by: str

    def stored(self) -> str:
        return json.dumps(
            {
                "keep": self.keep,
                "reason": self.reason,
                "on": self.on.isoformat() if self.on else "",
                "by": self.by,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def read(cls, text: str) -> Decision | None:
        try:
            data = json.loads(text or "{}")
            on = data.get("on") or ""
            return cls(
                keep=bool(data.get("keep")),
                reason=str(data.get("reason") or ""),
                on=date.fromisoformat(on) if on else None,
                by=str(data.get("by") or ""),
            )
        except (ValueError, TypeError, AttributeError):
            return None


#: The decision of rule kind ``guests`` is the setting ``retention.guests``.
DECISION_PREFIX = "retention."
#: The shortest reason the office may give for keeping data without a period.
MIN_REASON = 10


def decision_key(kind: str) -> str:
    return DECISION_PREFIX + kind


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
    #: The office decided to keep this kind of data without a period (with ``reason``).
    keep: bool = False
    #: Why this period, or why none ("unbefristet, weil …").
    reason: str = ""
    decided_on: date | None = None
    decided_by: str = ""
    files: bool = False

    @property
    def decided(self) -> bool:
        """Switched on with a period, or deliberately kept without one for a written reason."""
        return self.enabled or (self.keep and bool(self.reason.strip()))

    @property
    def label(self) -> str:
        """The rule without its period: "Gäste", as a list of rules names it."""
        return RULE_KINDS[self.kind].label

    @property
    def status(self) -> str:
        """ "12 Monate", "unbefristet" or "nicht festgelegt"."""
        if self.enabled:
            return "1 Monat" if self.months == 1 else f"{self.months} Monate"
        if self.decided:
            return "unbefristet"
        return "nicht festgelegt"

    @property
    def described(self) -> str:
        """The state in one sentence, for the record of processing and the information text:
        "Gäste nach 12 Monaten", "… : keine Löschung, weil …", "… : keine Frist festgelegt"."""
        if self.enabled:
            return self.title + (f" ({self.reason.strip()})" if self.reason.strip() else "")
        if self.decided:
            return f"{self.label}: keine Löschfrist; {self.reason.strip()}"
        return f"{self.label}: keine Frist festgelegt"


@dataclass(frozen=True)
class Target:
    """One thing a rule deletes: a person, or the contact data of a survey's responses, or
    the invitation list of a meeting (``parts``: the rows concerned), or a file (``path``)."""

    kind: str
    id: int
    description: str
    parts: tuple[int, ...] = ()
    path: str = ""


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

    def keys(self) -> frozenset[tuple[str, str, int, tuple[int, ...], str]]:
        """What is deleted, without the descriptions: two plans delete the same when these
        are equal."""
        return frozenset(
            (rule.kind, t.kind, t.id, t.parts, t.path) for rule in self.rules for t in rule.targets
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
    #: Every rule kind as it stood at the run.
    rules: tuple[RuleState, ...] = ()

    @property
    def total(self) -> int:
        return sum(len(r.targets) for r in self.results)

    def rule_lines(self) -> list[str]:
        """One line per rule kind, for a log (``retention run --quiet``): what the run did,
        or why the rule deleted nothing."""
        done = {r.kind: r for r in self.results}
        lines = []
        for state in self.rules:
            result = done.get(state.kind)
            if result is not None:
                lines.append(f"{result.title}: {result.summary}")
            elif state.decided:
                lines.append(f"{state.label}: unbefristet, nichts gelöscht")
            else:
                lines.append(f"{state.label}: nicht festgelegt, nichts gelöscht")
        return lines + list(self.notes)

    def lines(self) -> list[str]:
        when = self.at.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")
        head = f"Aufbewahrungsregeln ausgeführt am {when} von {self.actor}."
        if not self.results:
            return [head, "Keine Regel ist eingeschaltet; es wurde nichts gelöscht."]
        return [head, *(f"{r.title}: {r.summary}" for r in self.results), *self.notes]


def decisions(session: Session) -> dict[str, Decision]:
    """The office's recorded decisions by rule kind (unreadable ones count as none)."""
    rows = session.execute(
        select(AppSetting.key, AppSetting.value).where(AppSetting.key.startswith(DECISION_PREFIX))
    )
    found = {}
    for key, value in rows:
        decision = Decision.read(value)
        kind = key[len(DECISION_PREFIX) :]
        if decision is not None and kind in RULE_KINDS:
            found[kind] = decision
    return found


def states(session: Session) -> list[RuleState]:
    """Every rule kind with its setting (or the suggestion), in the order a run applies them."""
    stored = {r.kind: r for r in session.scalars(select(RetentionRule))}
    decided = decisions(session)
    found = []
    for kind, known in RULE_KINDS.items():
        row = stored.get(kind)
        months = row.months if row is not None else known.default_months
        enabled = bool(row is not None and row.enabled)
        decision = decided.get(kind)
        on = decision.on if decision is not None else None
        if on is None and enabled and row is not None:
            on = city_day(row.updated_at)
        found.append(
            RuleState(
                kind=kind,
                months=months,
                enabled=enabled,
                stored=row is not None,
                title=known.titled(months),
                deletes=known.deletes,
                default_months=known.default_months,
                # A decision to keep applies while the rule is off; switching it on ends it.
                keep=bool(decision and decision.keep and not enabled),
                reason=decision.reason if decision is not None else "",
                decided_on=on,
                decided_by=decision.by if decision is not None else "",
                files=known.files,
            )
        )
    return found


def undecided(session: Session) -> tuple[int, int]:
    """(undecided, all): how many rule kinds the office has neither given a period nor
    deliberately kept without one, for a written reason."""
    found = states(session)
    return sum(not s.decided for s in found), len(found)
