"""`koordination reminders run|list|days`: reminders of meeting dates and of tasks due, sent by
themselves; `run --quiet` is made for cron.

Exit status of ``reminders run``: 0 when everything due went out (or nothing was due), 1 when a
message failed or its delivery is unclear (the failed ones go out with the next run) or the mail
server could not be reached, 130 when interrupted. With ``--quiet`` it prints one summary line.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from koordination.cli import common
from koordination.cli.common import (
    INTERRUPTED,
    actions,
    bounded,
    command,
    err,
    first_message,
    group_id,
    note,
    open_core,
    print_json,
    stopped_by_ctrl_c,
)

if TYPE_CHECKING:
    from koordination.services.reminders import ReminderPlan


def _days(text: str) -> int:
    # The bound is read when a value is given: the service's module is too heavy for --help.
    from koordination.services.reminders import MAX_DAYS

    return bounded(0, MAX_DAYS)(text)


def register(sub: Any) -> None:
    reminders = actions(
        command(sub, "reminders", "Erinnerungen an Termine und fällige Aufgaben (für cron)"),
        "reminders_command",
    )
    run = command(
        reminders,
        "run",
        "fällige Erinnerungen senden (jede nur einmal; mit --quiet eine Zeile für cron)",
        cmd_run,
    )
    run.add_argument(
        "--dry-run", action="store_true", help="nur zeigen, was gesendet würde; nichts senden"
    )
    listing = command(
        reminders,
        "list",
        "was zu versenden ansteht: Erinnerungen und noch nicht versandte Protokolle",
        cmd_list,
    )
    listing.add_argument("--json", action="store_true", help="als JSON ausgeben")
    days = command(
        reminders,
        "days",
        "wie viele Tage vorher erinnert wird: zeigen oder festlegen (0: keine Erinnerung)",
        cmd_days,
    )
    which = days.add_mutually_exclusive_group()
    which.add_argument("--group", metavar="GRUPPE", help="nur für die Termine dieser Gruppe")
    which.add_argument(
        "--aufgaben", action="store_true", help="für Aufgaben (Tage vor der Fälligkeit)"
    )
    days.add_argument(
        "tage", nargs="?", type=_days, metavar="TAGE", help="neue Vorlaufzeit in Tagen"
    )


def _print_plan(plan: ReminderPlan, *, dry_run: bool) -> None:
    verb = "würde gesendet" if dry_run else "fällig"
    for r in plan.due:
        print(f"{verb}: {r.label} an {r.name} <{r.email}>")
    for r in plan.left_out:
        print(f"nicht berücksichtigt: {r.label}: {r.name}: {r.reason}")
    if not plan.due:
        print("Keine Erinnerung fällig.")
    if plan.already:
        print(f"{plan.already} Erinnerung(en) wurden schon früher gesendet.")


def cmd_run(args: argparse.Namespace) -> int:
    core = open_core(args)
    quiet = common.VERBOSITY < 0
    if args.dry_run:
        plan = core.reminders.plan()
        print("Probelauf: es wird nichts gesendet und nichts gespeichert.")
        _print_plan(plan, dry_run=True)
        if plan.due:
            first = plan.due[0]
            first_message(first.name, first.subject, first.text)
        return 0
    from koordination.delivery.settings import load_smtp_settings

    plan = core.reminders.plan()
    settings = load_smtp_settings() if plan.due else None
    if not quiet:
        for r in plan.left_out:
            note(f"nicht berücksichtigt: {r.label}: {r.name}: {r.reason}")
    if settings is None:
        from koordination.services.notices import Delivered
        from koordination.services.reminders import RunResult

        result = RunResult(plan, Delivered(0, 0, (), ()))
    else:
        with stopped_by_ctrl_c() as stop:
            result = core.reminders.run(
                settings, progress=None if quiet else common.progress("Erinnerungen"), stop=stop
            )
    for line in (*result.delivered.failed, *result.delivered.unclear):
        err(f"Nicht zugestellt: {line}")
    print(result.summary())
    if result.delivered.stopped:
        return INTERRUPTED
    return 0 if result.ok and not result.delivered.unclear else 1


def cmd_list(args: argparse.Namespace) -> int:
    core = open_core(args)
    plan = core.reminders.plan()
    minutes = core.minutes_mail.unsent()
    if args.json:
        print_json(
            {
                "reminders": [
                    {
                        "kind": r.kind,
                        "about": r.about,
                        "when": r.when.isoformat(),
                        "person_id": r.person_id,
                        "name": r.name,
                        "email": r.email,
                    }
                    for r in plan.due
                ],
                "left_out": [
                    {
                        "kind": r.kind,
                        "about": r.about,
                        "when": r.when.isoformat(),
                        "person_id": r.person_id,
                        "name": r.name,
                        "reason": r.reason,
                    }
                    for r in plan.left_out
                ],
                "sent_before": plan.already,
                "minutes_not_sent": [
                    {
                        "meeting_id": m,
                        "sitting_id": s,
                        "title": t,
                        "date": d.isoformat(),
                        "version": v,
                    }
                    for m, s, t, d, v in minutes
                ],
            }
        )
        return 0
    _print_plan(plan, dry_run=False)
    if minutes:
        print("\nGenehmigte Protokolle, noch nicht versandt:")
        for meeting, _sitting, title, day, version in minutes:
            print(
                f"  {title} vom {day:%d.%m.%Y} (Fassung {version}): koordination minutes send "
                f"{meeting} --occurrence {day:%d.%m.%Y}"
            )
    return 0


def cmd_days(args: argparse.Namespace) -> int:
    core = open_core(args)
    reminders = core.reminders
    group = group_id(core.directory, args.group)
    if args.tage is not None:
        if args.aufgaben:
            reminders.set_task_days(args.tage)
        else:
            reminders.set_meeting_days(group, args.tage)
    leads = reminders.lead_times()
    if args.aufgaben or args.group is None:
        print(f"Aufgaben: {leads.task} Tag(e) vor der Fälligkeit")
    if not args.aufgaben:
        if group is not None:
            days = leads.groups.get(group, leads.meeting_default)
            print(f"{args.group}: {days} Tag(e) vor dem Termin")
        else:
            print(f"Termine (Vorgabe für alle Gruppen): {leads.meeting_default} Tag(e) vorher")
            names = {g.id: g.name for g in core.directory.list_groups()} if leads.groups else {}
            for gid, days in sorted(leads.groups.items()):
                print(f"  {names.get(gid, f'Gruppe Nr. {gid}')}: {days} Tag(e) vorher")
    return 0


def send_minutes(args: argparse.Namespace) -> int:
    """`koordination minutes send`: the approved minutes to the groups and who was present."""
    from koordination.errors import KoordinationError

    core = open_core(args)
    plan = core.minutes_mail.plan(args.id, args.occurrence)
    head = (
        f"Protokoll „{plan.title}“ vom {plan.start:%d.%m.%Y}, Fassung {plan.version} "
        f"(PDF-Prüfsumme SHA-256 {plan.checksum})"
    )
    left = [f"  {r.name} (Nr. {r.person_id}): {r.reason}" for r in plan.left_out]
    if plan.already:
        print(f"{head} wurde bereits gesendet an:")
        for r in plan.already:
            print(f"  {r.line()}")
        if not plan.recipients:
            print("Es wird nichts erneut gesendet; eine neue genehmigte Fassung kann wieder gehen.")
            return 0
    if args.dry_run:
        print(f"Probelauf für das {head}: es wird nichts gesendet.")
        print(f"\nEmpfänger ({len(plan.recipients)}):")
        for a in plan.recipients:
            print(f"  {a.name} <{a.email}>")
        if left:
            print(f"\nNicht berücksichtigt ({len(left)}):", *left, sep="\n")
        if plan.recipients:
            first = plan.recipients[0]
            first_message(
                first.name, plan.subject, plan.text(first.greeting), f"Anhang: {plan.filename}"
            )
        return 0
    if left:
        note(f"Nicht berücksichtigt ({len(left)}):")
        for line in left:
            note(line)
    if not plan.recipients:
        raise KoordinationError(
            "Niemand aus den Gruppen des Termins und den Anwesenden kann das Protokoll "
            "erhalten (Gründe oben); es wurde nichts gesendet."
        )
    from koordination.delivery.settings import load_smtp_settings

    settings = load_smtp_settings()
    result = core.minutes_mail.send(plan, settings, progress=common.progress("Protokoll"))
    for line in (*result.failed, *result.unclear):
        err(f"Nicht zugestellt: {line}")
    print(f"{head}: an {result.sent} von {len(plan.recipients)} gesendet.")
    return 0 if not result.failed and not result.unclear else 1
