"""`koordination check eligibility`, `steckbrief` and `report annual`: the programme
Engagierte Stadt.

`check eligibility` ends with exit status 0 when every required criterion of the call for
cities is met and 1 otherwise, so scripts can test it; optional criteria never fail it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import actions, command, open_core, print_json, year
from koordination.outputs.registry import OUTPUTS

if TYPE_CHECKING:
    from koordination.domain.records.programme import EligibilityReport


def register(sub: Any) -> None:
    check = actions(command(sub, "check", "Prüfungen"), "check_command")
    eligibility = command(
        check,
        "eligibility",
        "Voraussetzungen des Programms Engagierte Stadt prüfen "
        "(Rückgabewert 0: alle Pflicht-Voraussetzungen erfüllt, 1: mindestens eine fehlt)",
        cmd_eligibility,
    )
    eligibility.add_argument("--json", action="store_true", help="als JSON ausgeben")

    steckbrief = command(sub, "steckbrief", "Steckbrief der Stadt ausgeben", cmd_steckbrief)
    steckbrief.add_argument(
        "--format", choices=OUTPUTS["steckbrief"].formats, required=True, help="Dateiformat"
    )
    steckbrief.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )

    report = actions(command(sub, "report", "Berichte"), "report_command")
    annual = command(report, "annual", "Jahresbericht", cmd_annual_report)
    annual.add_argument("--year", type=year, required=True, metavar="JAHR", help="z. B. 2026")
    annual.add_argument(
        "--format", choices=OUTPUTS["jahresbericht"].formats, required=True, help="Dateiformat"
    )
    annual.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )


def print_checklist(report: EligibilityReport) -> None:
    city = f" – {report.city}" if report.city else ""
    print(f"Voraussetzungen des Programms Engagierte Stadt{city}")
    print()
    for c in report.criteria:
        print(f"{c.symbol} {c.label}")
        print(f"    {c.detail}")
    print()
    print("✓ erfüllt · ✗ fehlt noch · ○ optional")
    print(report.summary)
    if report.missing:
        print("Noch zu tun:")
        for c in report.missing:
            print(f"  – {c.label}")


def cmd_eligibility(args: argparse.Namespace) -> int:
    """The checklist; exit status 0 when eligible, 1 when a required criterion is missing."""
    report = open_core(args).programme.eligibility()
    if args.json:
        print_json(report.as_dict())
    else:
        print_checklist(report)
    return 0 if report.eligible else 1


def cmd_steckbrief(args: argparse.Namespace) -> int:
    from koordination.outputs.builders.programme import steckbrief_gaps
    from koordination.outputs.registry import produce

    core = open_core(args)
    data = core.programme.steckbrief()
    gaps = steckbrief_gaps(data.city)
    if gaps:
        print(f"Hinweis: Im Stadtprofil fehlt noch: {', '.join(gaps)}.", file=sys.stderr)
    written = produce(core, "steckbrief", data, args.format, args.output)
    print(f"Geschrieben: {written}")
    return 0


def cmd_annual_report(args: argparse.Namespace) -> int:
    from koordination.outputs.registry import produce

    core = open_core(args)
    data = core.programme.annual_report(args.year)
    written = produce(core, "jahresbericht", data, args.format, args.output)
    print(f"Geschrieben: {written}")
    return 0
