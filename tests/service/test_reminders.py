"""Who the minutes and the reminders are for, on SQLite and PostgreSQL: the rule of invitations
(consent, restriction, address), accepted or no answer for a date, never declined; the lead per
group and for tasks; approved minutes counted as unsent until they went out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support.notices import build_network

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.errors import KoordinationError, ValidationError

TODAY = date(2026, 12, 7)


def test_reminders_and_minutes_follow_the_invitation_rule(db: Database) -> None:
    net = build_network(db, TODAY)
    core, ids = net.core, net.ids
    names = {v: k for k, v in ids.items()}

    plan = core.reminders.plan()
    due = sorted((r.kind, names[r.person_id]) for r in plan.due)
    assert due == [("aufgabe", "Anna"), ("termin", "Anna"), ("termin", "Bernd")]
    left = sorted((r.kind, names[r.person_id], r.reason) for r in plan.left_out)
    assert left == [
        ("aufgabe", "Emil", "Verarbeitung eingeschränkt (Art. 18 DSGVO)"),
        ("termin", "Clara", "hat abgesagt"),
        ("termin", "Dora", "keine Einwilligung für Einladungen"),
        ("termin", "Emil", "Verarbeitung eingeschränkt (Art. 18 DSGVO)"),
    ]
    assert plan.already == 0

    minutes = core.minutes_mail.plan(net.past)
    assert sorted(names[a.person_id] for a in minutes.recipients) == [
        "Anna",
        "Bernd",
        "Clara",
        "Gustav",
    ]
    assert sorted((names[r.person_id], r.reason) for r in minutes.left_out) == [
        ("Dora", "keine Einwilligung für Einladungen"),
        ("Emil", "Verarbeitung eingeschränkt (Art. 18 DSGVO)"),
    ]
    assert minutes.pdf.startswith(b"%PDF") and len(minutes.fingerprint) == 64
    assert [row[0] for row in core.minutes_mail.unsent()] == [net.past]
    with pytest.raises(KoordinationError, match="noch nicht genehmigt"):
        core.minutes_mail.plan(net.tomorrow)


def test_leads_per_group_and_for_tasks(db: Database) -> None:
    net = build_network(db, TODAY)
    reminders = net.core.reminders
    group = net.core.directory.find_group("AK Stadtteilarbeit")
    assert group is not None
    reminders.set_meeting_days(group.id, 10)
    reminders.set_task_days(0)
    plan = reminders.plan()
    assert {r.about for r in plan.due} == {
        "AK Stadtteilarbeit Dezember",
        "AK Stadtteilarbeit Januar",
    }
    assert reminders.lead_times().groups == {group.id: 10}
    reminders.set_meeting_days(None, 5)  # the default does not override the group's own
    assert reminders.lead_times().for_groups([group.id]) == 10
    assert reminders.lead_times().for_groups([]) == 5
    with pytest.raises(ValidationError):
        reminders.set_task_days(31)
    later = net.core.on(Clock.on(TODAY + timedelta(days=30)))
    assert later.reminders.plan().due == ()
