"""The retention rules beyond people, on SQLite and PostgreSQL: every rule kind is undecided
until the office gives a period or keeps it without one for a written reason; old values in
the audit trail are blanked (the entries stay); free texts of long-closed surveys go (the
other answers and the published results stay); old files of the exports folder and old
backups go (never the newest backup of a kind); two runs never overlap, and a second run finds
nothing left."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db import auto_backup
from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import AuditEntry, SurveyAnswer, SurveySnapshot
from koordination.errors import ValidationError
from koordination.files import try_lock
from koordination.paths import data_dir, exports_dir
from koordination.services.directory.service import Directory
from koordination.services.privacy.requests import PrivacyRequests
from koordination.services.privacy.retention import Retention, RetentionBusy
from koordination.services.privacy.retention_rules import RULE_KINDS, counted
from koordination.services.surveys.answers import parse_answer
from koordination.services.surveys.results import Evaluation
from koordination.services.surveys.service import Surveys

NOW = SYSTEM_CLOCK.today()
TODAY = date(NOW.year + 10, 6, 15)
RECENT = date(NOW.year + 10, 4, 1)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=CITY_ZONE).astimezone(UTC)


def _age(path: Path, day: date) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("personenbezogen", encoding="utf-8")
    stamp = _instant(day).timestamp()
    os.utime(path, (stamp, stamp), follow_symlinks=False)
    return path


# --------------------------------------------------------------------------- decisions


def test_every_rule_kind_is_undecided_until_given_a_period_or_kept_for_a_reason(
    db: Database,
) -> None:
    db.actor = "Petra Koordinatorin"
    retention = Retention(db, Clock.on(NOW))
    requests = PrivacyRequests(db, Clock.on(NOW))
    total = len(RULE_KINDS)
    assert total == 8
    assert requests.status().retention_warning.startswith(
        f"Aufbewahrung: {total} von {total} Fristen nicht festgelegt"
    )
    retention.set_rule("guests", 12, True, "Gäste brauchen wir nach einem Jahr nicht mehr")
    with pytest.raises(ValidationError, match="Begründung: Ohne Löschfrist bitte begründen"):
        retention.keep("backups", "weil")
    kept = retention.keep("backups", "unbefristet, weil das Rechenzentrum sie nach 90 Tagen löscht")
    assert (kept.status, kept.decided, kept.decided_on) == ("unbefristet", True, NOW)
    assert kept.decided_by == "Petra Koordinatorin"
    assert requests.status().retention_warning.startswith(
        f"Aufbewahrung: {total - 2} von {total} Fristen nicht festgelegt"
    )
    # Switching a rule off makes it undecided again.
    assert not retention.set_rule("guests", None, False).decided
    for kind in RULE_KINDS:
        if kind != "backups":
            retention.keep(kind, "unbefristet, weil der Datenschutz es so beschlossen hat")
    assert requests.status().retention_warning == ""
    state = {s.kind: s for s in retention.rules()}
    assert state["guests"].described == (
        "Gäste: keine Löschfrist; unbefristet, weil der Datenschutz es so beschlossen hat"
    )
    # Switched on, a kept rule has a period again.
    on = retention.set_rule("guests", 6, True)
    assert (on.status, on.keep, on.decided) == ("6 Monate", False, True)
    decisions = [
        json.loads(e.changes)
        for e in _entries(db)
        if e.kind == "retention_rule" and "Begründung" in e.changes
    ]
    assert {"Regel": "Sicherungskopien", "Entscheidung": "keine Löschfrist"}.items() <= decisions[
        1
    ].items()


def _entries(db: Database) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


# --------------------------------------------------------------------------- audit values


def test_old_values_in_the_trail_are_blanked_and_the_entries_stay(db: Database) -> None:
    directory = Directory(db, Clock.on(NOW))
    old = directory.create_person(
        PersonInput(given_name="Olga", family_name="Alt", notes="Trennung von Partnerin")
    ).record.id
    recent = directory.create_person(PersonInput(given_name="Rita", family_name="Neu")).record.id
    with db.session() as s:
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.owner_kind == "person", AuditEntry.owner_id == recent)
            .values(at=_instant(RECENT))
        )
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("audit_values", 12, True)
    before = {e.id: e for e in _entries(db)}

    plan = retention.preview()
    (rule,) = plan.rules
    listed = {i for t in rule.targets for i in t.parts}
    old_ids = {e.id for e in before.values() if e.owner_id == old and e.owner_kind == "person"}
    assert old_ids <= listed
    assert not {e.id for e in before.values() if e.owner_id == recent} & listed
    report = retention.run(plan=plan)

    after = {e.id: e for e in _entries(db)}
    assert set(before) <= set(after)  # no entry goes
    for entry_id in old_ids:
        values = json.loads(after[entry_id].changes)
        assert "Olga" not in after[entry_id].changes
        assert "Trennung" not in after[entry_id].changes
        assert all(v in (None, "[gelöscht]") for pair in values.values() for v in pair)
        assert (after[entry_id].action, after[entry_id].at) == (
            before[entry_id].action,
            before[entry_id].at,
        )
    recent_changes = " ".join(e.changes for e in after.values() if e.owner_id == recent)
    assert "Rita" in recent_changes
    assert (
        report.results[0].summary
        == f"Werte in {counted(len(listed), 'Eintrag', 'Einträgen')} geleert"
    )
    # The rule's own settings keep their values; a second run finds nothing.
    assert retention.preview().empty
    assert retention.run().results[0].summary == "Werte in 0 Einträgen geleert"


# --------------------------------------------------------------------------- survey answers


def _closed_survey(surveys: Surveys, title: str, ends_on: date) -> int:
    survey = surveys.create(SurveyInput(title, SurveyAudience.BUERGER))
    surveys.add_question(survey.id, QuestionInput("Wie alt sind Sie?", QuestionType.ZAHL))
    surveys.add_question(survey.id, QuestionInput("Was möchten Sie sagen?", QuestionType.TEXT))
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    number, free = surveys.form(survey.id).questions
    for age, said in ((34, "Ich bin die Nachbarin von Frau Weiß."), (51, "")):
        answers = {number.id: parse_answer(number, str(age))}
        if said:
            answers[free.id] = parse_answer(free, said)
        surveys.submit(survey.id, answers, source=ResponseSource.PAPIER)
    surveys.update(
        surveys.get(survey.id),
        SurveyInput(title, SurveyAudience.BUERGER, starts_on=NOW, ends_on=ends_on),
    )
    surveys.set_status(survey.id, SurveyStatus.ABGESCHLOSSEN)
    Evaluation(surveys.db, Clock.on(NOW)).publish(survey.id, by="Koordination")
    return survey.id


def _answers(db: Database, survey_id: int) -> list[tuple[float | None, str | None]]:
    with db.session() as s:
        from koordination.domain.models import SurveyResponse

        stmt = (
            select(SurveyAnswer.number, SurveyAnswer.text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.survey_id == survey_id)
            .order_by(SurveyAnswer.id)
        )
        return [tuple(row) for row in s.execute(stmt)]  # type: ignore[misc]


def test_free_texts_of_long_closed_surveys_go_and_the_rest_stays(db: Database) -> None:
    surveys = Surveys(db, Clock.on(NOW))
    old = _closed_survey(surveys, "Bürgerumfrage", NOW + timedelta(days=10))
    recent = _closed_survey(surveys, "Bürgerumfrage II", RECENT)
    with db.session() as s:
        snapshots = s.execute(select(SurveySnapshot.id, SurveySnapshot.content)).all()
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("survey_answers", 12, True)
    plan = retention.preview()
    assert [t.id for t in plan.rules[0].targets] == [old]
    assert "1 Freitext-Antwort" in plan.rules[0].targets[0].description

    report = retention.run(plan=plan)

    assert _answers(db, old) == [(34.0, None), (51.0, None)]
    assert (None, "Ich bin die Nachbarin von Frau Weiß.") in _answers(db, recent)
    with db.session() as s:
        assert s.execute(select(SurveySnapshot.id, SurveySnapshot.content)).all() == snapshots
    assert report.results[0].summary == "1 Freitext-Antwort aus 1 Umfrage gelöscht"
    assert retention.preview().empty


# --------------------------------------------------------------------------- files


def test_old_files_of_the_exports_folder_go_links_and_recent_files_stay(
    db: Database, tmp_path: Path
) -> None:
    folder = exports_dir()
    old = _age(folder / "personen.csv", NOW)
    nested = _age(folder / "protokolle" / "2020-sitzung.pdf", NOW)
    recent = _age(folder / "auskunft.pdf", RECENT)
    elsewhere = _age(tmp_path / "anderswo.txt", NOW)
    link = folder / "verweis.txt"
    link.symlink_to(elsewhere)
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("exports", 6, True)
    plan = retention.preview()
    assert [t.path for t in plan.rules[0].targets] == [str(old), str(nested)]

    report = retention.run(plan=plan)

    assert not old.exists() and not nested.exists()
    assert recent.exists() and elsewhere.exists() and link.is_symlink()
    assert report.results[0].summary == "2 Dateien gelöscht"
    assert retention.preview().empty


def _backups(db: Database) -> tuple[list[Path], list[Path]]:
    """Backups of every kind koordination writes, all old; returns (deleted, kept)."""
    daily = auto_backup.default_backup_dir()
    prefix = auto_backup.backup_prefix(db)
    suffix = auto_backup.backup_suffix(db)
    if db.path is not None:
        upgrade = db.path.parent / f"{db.path.name}.vor-upgrade-"
        restore = db.path.parent / f"{db.path.name}.vor-wiederherstellung-"
        restore_suffix = ".bak"
    else:
        upgrade = data_dir() / f"{db.url.database}.postgresql.vor-upgrade-"
        restore = daily / f"{db.url.database}.vor-wiederherstellung-"
        restore_suffix = ".dump"
    day = NOW - timedelta(days=40)
    deleted = [
        _age(Path(f"{upgrade}0012-20200101-000000.bak"), day),
        _age(Path(f"{restore}20200101-000000{restore_suffix}"), day),
        _age(daily / f"{prefix}-2020-01-01{suffix}", day),
    ]
    kept = [
        _age(Path(f"{upgrade}0013-20210101-000000.bak"), NOW),
        _age(Path(f"{restore}20210101-000000{restore_suffix}"), NOW),
        _age(daily / f"{prefix}-2021-01-01{suffix}", NOW),
        # Not written by koordination: never touched.
        _age(daily / "eigene-sicherung.bak", day),
    ]
    return deleted, kept


def test_old_backups_go_but_the_newest_of_each_kind_stays(db: Database) -> None:
    deleted, kept = _backups(db)
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("backups", 6, True)
    plan = retention.preview()
    assert sorted(t.path for t in plan.rules[0].targets) == sorted(str(p) for p in deleted)

    report = retention.run(plan=plan)

    assert [p for p in deleted if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert report.results[0].summary == "3 Dateien gelöscht"
    # Everything left is the newest of its kind: a second run deletes nothing.
    assert retention.preview().empty
    assert retention.run().results[0].summary == "0 Dateien gelöscht"


# --------------------------------------------------------------------------- the lock


def test_a_run_is_refused_while_another_holds_the_lock(db: Database) -> None:
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("exports", 6, True)
    old = _age(exports_dir() / "personen.csv", NOW)
    if db.path is not None:
        lock = db.path.with_name(f"{db.path.name}.aufbewahrung.lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        assert try_lock(fd)
        release = lambda: os.close(fd)  # noqa: E731
    else:
        conn = db.engine.connect()
        assert conn.scalar(text("SELECT pg_try_advisory_lock(7741528821572138342)"))

        def release() -> None:
            conn.execute(text("SELECT pg_advisory_unlock(7741528821572138342)"))
            conn.close()

    try:
        with pytest.raises(RetentionBusy, match="werden gerade schon ausgeführt"):
            retention.run()
        assert old.exists()
    finally:
        release()
    retention.run()
    assert not old.exists()
    with db.session() as s:
        runs = s.scalar(select(func.count()).where(AuditEntry.action == "run"))
    assert runs == 1
