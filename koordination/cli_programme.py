"""Command-line faces of the programme: action fields, eligibility check, Steckbrief, annual
report and the open-data export."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from koordination.cli_meetings import Actions, Command, year

DOCUMENT_FORMATS = ("md", "html", "docx", "odt", "pdf")


def add_commands(sub: Any, command: Command, actions: Actions) -> None:
    fields = actions(
        command(sub, "fields", "Handlungsfelder mit Zielen und Maßnahmen"), "fields_command"
    )
    listing = command(fields, "list", "Handlungsfelder, Ziele und Maßnahmen mit Stand")
    listing.add_argument("--json", action="store_true", help="als JSON ausgeben")

    check = actions(command(sub, "check", "Prüfungen"), "check_command")
    eligibility = command(
        check,
        "eligibility",
        "Voraussetzungen des Programms Engagierte Stadt prüfen "
        "(Rückgabewert 0: alle Pflicht-Voraussetzungen erfüllt, 1: mindestens eine fehlt)",
    )
    eligibility.add_argument("--json", action="store_true", help="als JSON ausgeben")

    steckbrief = command(sub, "steckbrief", "Steckbrief der Stadt ausgeben")
    steckbrief.add_argument("--format", choices=DOCUMENT_FORMATS, required=True, help="Dateiformat")
    steckbrief.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )

    report = actions(command(sub, "report", "Berichte"), "report_command")
    annual = command(report, "annual", "Jahresbericht")
    annual.add_argument("--year", type=year, required=True, metavar="JAHR", help="z. B. 2026")
    annual.add_argument("--format", choices=DOCUMENT_FORMATS, required=True, help="Dateiformat")
    annual.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )


def cmd_fields(args: argparse.Namespace) -> int:
    from koordination.cli_fields import cmd_fields_list

    return cmd_fields_list(args)


def cmd_check(args: argparse.Namespace) -> int:
    from koordination.cli_network import cmd_eligibility

    return cmd_eligibility(args)


def cmd_steckbrief(args: argparse.Namespace) -> int:
    from koordination.cli_network import cmd_steckbrief as run

    return run(args)


def cmd_report(args: argparse.Namespace) -> int:
    from koordination.cli_network import cmd_annual_report

    return cmd_annual_report(args)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    "fields": cmd_fields,
    "check": cmd_check,
    "steckbrief": cmd_steckbrief,
    "report": cmd_report,
}
