"""`koordination retention`: retention rules (preview, run, set).

``retention run --yes --quiet`` is made for cron next to the daily backup: no question, one
line per rule on stdout, exit status 0 when the run went through, 1 on an error (German message
on stderr, nothing deleted), 75 (EX_TEMPFAIL) when another run still holds the lock."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from koordination.cli import common
from koordination.cli.common import actions, command, err, open_core
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.services.privacy.retention import Retention
    from koordination.services.privacy.retention_rules import RetentionPlan, RuleState

#: What a person types to confirm a run at the terminal.
CONFIRMATION = "JA"
#: The exit status while another run holds the lock (EX_TEMPFAIL of sysexits.h): cron may
#: simply try again next time.
BUSY = 75


def register(sub: Any) -> None:
    retention = actions(
        command(
            sub, "retention", "Aufbewahrungsregeln: was nicht mehr gebraucht wird", cmd_retention
        ),
        "retention_command",
    )
    command(retention, "preview", "zeigen, was die Regeln löschen würden (ändert nichts)")
    run = command(
        retention,
        "run",
        "die Regeln ausführen und berichten (mit --yes --quiet für cron: eine Zeile je Regel)",
        examples=(
            "koordination retention run",
            "koordination retention run --yes --quiet",
        ),
    )
    run.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")
    rule = command(
        retention,
        "set",
        "eine Frist festlegen (Monate), bewusst keine (keine --grund …) oder ausschalten (off)",
        examples=(
            "koordination retention set guests 12",
            "koordination retention set backups keine --grund 'unbefristet, weil …'",
            "koordination retention set exports off",
        ),
    )
    rule.add_argument("rule", metavar="REGEL", help="z. B. guests, inactive_people, backups")
    rule.add_argument(
        "value",
        metavar="MONATE|keine|off",
        help="Monate bis zum Löschen; keine: unbefristet (mit --grund); off: nicht festgelegt",
    )
    rule.add_argument(
        "--grund",
        default="",
        metavar="TEXT",
        help="warum diese Frist, oder warum unbefristet (bei keine nötig)",
    )


def cmd_retention(args: argparse.Namespace) -> int:
    retention = open_core(args).retention
    command = args.retention_command
    if command == "set":
        return _set(retention, args)
    from koordination.services.privacy.retention import RetentionBusy

    # A cron job's run: no listing, no question, one line per rule.
    quiet = command == "run" and common.VERBOSITY < 0
    plan = retention.preview()
    if not quiet:
        _print_rules(retention.rules(), plan)
        if not plan.rules:
            print()
            print(
                "Keine Aufbewahrungsregel ist eingeschaltet; es wird nichts gelöscht. "
                "Festlegen: koordination retention set REGEL MONATE|keine"
            )
            return 0
        print()
        _print_plan(plan)
        if command == "preview":
            return 0
    if not plan.empty and not _confirmed(args):
        print("Abgebrochen, es wurde nichts gelöscht.")
        return 1
    try:
        report = retention.run(plan=plan)
    except RetentionBusy as exc:
        err(exc.message)
        return BUSY
    if quiet:
        for line in report.rule_lines():
            print(line)
        return 0
    print()
    for line in report.lines():
        print(line)
    print("Der Lauf ist im Änderungsprotokoll vermerkt (koordination audit).")
    return 0


def _print_rules(states: list[RuleState], plan: RetentionPlan) -> None:
    from koordination.domain.inputs.validation import format_date

    print(f"Aufbewahrungsregeln (Stand {format_date(plan.today)}):")
    for state in states:
        switch = "an " if state.enabled else "aus"
        if state.enabled:
            note = ""
        elif state.decided:
            note = f" – unbefristet: {state.reason}"
        else:
            note = " – nicht festgelegt" + ("" if state.stored else " (Vorschlag)")
        print(f"  {switch}  {state.title} [{state.kind}]{note}")
    missing = sum(not s.decided for s in states)
    if missing:
        print(
            f"{missing} von {len(states)} Fristen sind nicht festgelegt: bitte eine Frist setzen "
            "oder begründen, warum unbefristet (koordination retention set REGEL keine --grund …)."
        )


def _print_plan(plan: RetentionPlan) -> None:
    from koordination.domain.inputs.validation import format_date

    for rule in plan.rules:
        print(f"{rule.title} – was vor dem {format_date(rule.cutoff)} liegt: {len(rule.targets)}")
        for line in textwrap.wrap(rule.deletes, width=90):
            print(f"    {line}")
        for target in rule.targets:
            print(f"  - {target.description}")
        if not rule.targets:
            print("  (nichts)")
    if plan.empty:
        print("Nach den eingeschalteten Regeln ist nichts zu löschen.")
    else:
        what = "1 Eintrag würde" if plan.total == 1 else f"{plan.total} Einträge würden"
        print(f"Zusammen: {what} gelöscht.")


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise KoordinationError(
            "Gelöscht wird nur nach Bestätigung. Ohne Terminal bitte "
            "`koordination retention run --yes` aufrufen (vorher mit "
            "`koordination retention preview` prüfen)."
        )
    try:
        answer = input(f"Wirklich löschen? Dann bitte „{CONFIRMATION}“ eingeben: ")
    except EOFError:
        return False
    return answer.strip() == CONFIRMATION


def _set(retention: Retention, args: argparse.Namespace) -> int:
    """``retention set REGEL MONATE|keine|off``: switch a rule on with its period, keep its
    data without one (with a reason), or switch it off (undecided again)."""
    value = str(args.value).strip().lower()
    reason = str(getattr(args, "grund", "") or "")
    if value in ("off", "aus"):
        state = retention.set_rule(args.rule, None, False)
        print(f"Ausgeschaltet: {state.title} [{state.kind}]. Die Frist ist nicht festgelegt.")
        return 0
    if value in ("keine", "unbefristet"):
        state = retention.keep(args.rule, reason)
        print(f"Festgelegt: {state.label} [{state.kind}] ohne Löschfrist – {state.reason}")
        return 0
    if not value.isdigit():
        raise KoordinationError(
            f"„{args.value}“ ist keine Anzahl Monate. Bitte eine Zahl angeben "
            "(z. B. koordination retention set guests 12), keine --grund … für unbefristet "
            "oder off zum Ausschalten."
        )
    state = retention.set_rule(args.rule, int(value), True, reason)
    print(f"Eingeschaltet: {state.title} [{state.kind}].")
    print("Gelöscht wird erst mit `koordination retention run`; vorher zeigt")
    print("`koordination retention preview`, was das wäre.")
    return 0
