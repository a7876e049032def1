"""`koordination retention`: retention rules (preview, run, set)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from koordination.cli.common import actions, command, open_core
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.services.privacy.retention import Retention
    from koordination.services.privacy.retention_rules import RetentionPlan, RuleState

#: What a person types to confirm a run at the terminal.
CONFIRMATION = "JA"


def register(sub: Any) -> None:
    retention = actions(
        command(
            sub, "retention", "Aufbewahrungsregeln: was nicht mehr gebraucht wird", cmd_retention
        ),
        "retention_command",
    )
    command(retention, "preview", "zeigen, was die Regeln löschen würden (ändert nichts)")
    run = command(retention, "run", "die Regeln ausführen und berichten")
    run.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")
    rule = command(retention, "set", "eine Regel einschalten (Monate) oder ausschalten (off)")
    rule.add_argument("rule", metavar="REGEL", help="z. B. guests, inactive_people")
    rule.add_argument("value", metavar="MONATE|off", help="Monate bis zum Löschen, oder off")


def cmd_retention(args: argparse.Namespace) -> int:
    retention = open_core(args).retention
    command = args.retention_command
    if command == "set":
        return _set(retention, args)
    states = retention.rules()
    plan = retention.preview()
    _print_rules(states, plan)
    if not plan.rules:
        print()
        print(
            "Keine Aufbewahrungsregel ist eingeschaltet; es wird nichts gelöscht. "
            "Einschalten: koordination retention set REGEL MONATE"
        )
        return 0
    print()
    _print_plan(plan)
    if command == "preview":
        return 0
    if not plan.empty and not _confirmed(args):
        print("Abgebrochen, es wurde nichts gelöscht.")
        return 1
    report = retention.run(plan=plan)
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
        note = "" if state.stored else " – noch nicht eingestellt (Vorschlag)"
        print(f"  {switch}  {state.title} [{state.kind}]{note}")


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
    """``retention set REGEL MONATE|off``: switch a rule on with its period, or off."""
    value = str(args.value).strip().lower()
    if value in ("off", "aus"):
        state = retention.set_rule(args.rule, None, False)
        print(f"Ausgeschaltet: {state.title} [{state.kind}].")
        return 0
    if not value.isdigit():
        raise KoordinationError(
            f"„{args.value}“ ist keine Anzahl Monate. Bitte eine Zahl angeben "
            "(z. B. koordination retention set guests 12) oder off zum Ausschalten."
        )
    state = retention.set_rule(args.rule, int(value), True)
    print(f"Eingeschaltet: {state.title} [{state.kind}].")
    print("Gelöscht wird erst mit `koordination retention run`; vorher zeigt")
    print("`koordination retention preview`, was das wäre.")
    return 0
