"""Command-line faces of data protection: retention rules (preview, run, set) and the audit
trail (as a table, as JSON for scripts, as CSV for a spreadsheet)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.services.audit_trail import TrailEntry
    from koordination.services.retention import Retention, RetentionPlan, RuleState

#: What a person types to confirm a run at the terminal.
CONFIRMATION = "JA"
#: Longest value shown in the text table; the JSON and CSV exports carry everything.
_SHOWN = 60


# --------------------------------------------------------------------------- retention
def cmd_retention(args: argparse.Namespace) -> int:
    from koordination.cli import _database
    from koordination.services.retention import Retention

    retention = Retention(_database(args))
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


# --------------------------------------------------------------------------- audit trail
def cmd_audit(args: argparse.Namespace) -> int:
    from koordination.cli import _database, _err, _print_json
    from koordination.services.audit_trail import (
        AuditTrail,
        TrailQuery,
        entry_json,
        parse_record,
        write_csv,
    )

    # A malformed --record is refused before the database is opened.
    record = parse_record(args.record) if args.record else None
    entries = AuditTrail(_database(args)).entries(TrailQuery(record=record))
    output: Path | None = getattr(args, "output", None)
    if output is not None:
        count = write_csv(entries, output)
        print(f"{count} Einträge des Änderungsprotokolls nach {output} geschrieben.")
        return 0
    if args.json:
        _print_json([entry_json(e) for e in entries])
        return 0
    if not entries:
        where = f" zu {args.record.strip()}" if record else ""
        print(f"Keine Einträge im Änderungsprotokoll{where}.")
        return 0
    _print_entries(entries)
    _err(f"{len(entries)} Einträge")
    return 0


def _print_entries(entries: list[TrailEntry]) -> None:
    from koordination.cli import _table

    rows: list[tuple[str, ...]] = []
    for e in entries:
        head = (e.when, e.actor, e.what, e.subject)
        if not e.shown_changes:
            rows.append((*head, "", ""))
        for i, change in enumerate(e.shown_changes):
            shown = (
                f"{_short(change.old_text)} → {_short(change.new_text)}"
                if change.paired
                else _short(change.new_text)
            )
            rows.append((*(head if i == 0 else ("",) * len(head)), change.label, shown))
    _table(rows, ("Zeit", "Wer", "Was", "Eintrag", "Feld", "vorher → nachher"))


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1] + "…"
