"""A small network for the tests of minutes by e-mail and of reminders: an office, the AK
Stadtteilarbeit with a past meeting (its minutes approved), a meeting tomorrow, one in ten days,
and tasks; people who each stand for one rule of who gets what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from koordination.clock import Clock
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import (
    AttendanceStatus,
    Bundesland,
    ConsentPurpose,
    GroupKind,
    MeetingKind,
    ResponseStatus,
)
from koordination.domain.inputs.directory import CityProfileInput, GroupInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import TaskInput
from support.consents import give_consent

OFFICE = "engagiert@wiesenbrueck.example.org"
GROUP = "AK Stadtteilarbeit"


@dataclass
class Network:
    core: Core
    today: date
    #: Person numbers and addresses by given name.
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    #: The past meeting (approved minutes), tomorrow's, and the one in ten days.
    past: int = 0
    tomorrow: int = 0
    later: int = 0
    tasks: dict[str, int] = field(default_factory=dict)


def build_network(db: Database, today: date) -> Network:
    """==========  ==========================================  ===========================
    Anna        AK, consents, accepted tomorrow               minutes, reminder, task
    Bernd       AK, consents, no answer                       minutes, reminder
    Clara       AK, consents, declined tomorrow               minutes; no reminder
    Dora        AK, no consent to invitations                 listed: keine Einwilligung
    Emil        AK, consents, restricted                      listed: eingeschränkt (task too)
    Gustav      guest present at the past meeting, consents   minutes only
    Hanna       consents, in nothing                          nothing
    ==========  ==========================================  ===========================
    """
    core = Core(db, Clock.on(today))
    directory = core.directory
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Wiesenbrück",
            office_email=OFFICE,
        ),
    )
    group = directory.create_group(GroupInput(name=GROUP, kind=GroupKind.ARBEITSKREIS)).record.id
    net = Network(core, today)
    for given, family, salutation, member in (
        ("Anna", "Ulrich", "Frau", True),
        ("Bernd", "Weiß", "Herr", True),
        ("Clara", "Sommer", "Frau", True),
        ("Dora", "Lang", "Frau", True),
        ("Emil", "Roth", "Herr", True),
        ("Gustav", "Brand", "Herr", False),
        ("Hanna", "Berg", "Frau", False),
    ):
        email = f"{given.lower()}.{family.lower().replace('ß', 'ss')}@example.org"
        pid = directory.create_person(
            PersonInput(family_name=family, given_name=given, salutation=salutation, emails=[email])
        ).record.id
        net.ids[given], net.emails[given] = pid, email
        if member:
            directory.add_membership(group, pid)
        if given != "Dora":
            give_consent(directory, pid, ConsentPurpose.EINLADUNGEN)
    meetings = core.meetings

    def meeting(title: str, day: date) -> int:
        start = datetime.combine(day, time(18, 0))
        record = meetings.create(
            MeetingInput(
                title=title,
                kind=MeetingKind.ARBEITSKREIS,
                start=start,
                end=start + timedelta(hours=2),
                group_ids=[group],
                room="Raum 2.14",
                address="Rathaus, Markt 1",
            )
        ).record
        meetings.invite(record.id, group_ids=[group])
        return record.id

    net.past = meeting("AK Stadtteilarbeit", today - timedelta(days=20))
    net.tomorrow = meeting("AK Stadtteilarbeit Dezember", today + timedelta(days=1))
    net.later = meeting("AK Stadtteilarbeit Januar", today + timedelta(days=10))
    answers = {row.person_id: row.invitation_id for row in meetings.invitation_list(net.tomorrow)}
    meetings.set_response(answers[net.ids["Anna"]], ResponseStatus.ZUGESAGT)
    meetings.set_response(answers[net.ids["Clara"]], ResponseStatus.ABGESAGT)

    sittings = core.sittings
    sitting = sittings.open(net.past)
    for given in ("Anna", "Clara"):
        sittings.set_attendance(sitting.id, net.ids[given], AttendanceStatus.ANWESEND)
    sittings.set_attendance(sitting.id, net.ids["Gustav"], AttendanceStatus.GAST)
    sittings.set_notes(sitting.items[0].id, "Bericht über den Nachbarschaftstreff „Am Mühlbach“.")
    for given, days in (("Anna", 2), ("Emil", 1), ("Bernd", 20)):
        net.tasks[given] = sittings.add_task(
            sitting.id,
            TaskInput(
                f"Aufgabe von {given}",
                person_id=net.ids[given],
                due=today + timedelta(days=days),
            ),
        )
    sittings.submit(sitting.id)
    sittings.approve(sitting.id, GROUP)
    core.restrictions.restrict(net.ids["Emil"], "Richtigkeit bestritten")
    return net
