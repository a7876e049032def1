"""Command-line faces of surveys: list, response import, results, questionnaire, snapshots."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from koordination.cli_meetings import Actions, Command, number

DOCUMENT_FORMATS = ("md", "html", "docx", "odt", "pdf")
RESULT_FORMATS = (*DOCUMENT_FORMATS, "csv", "json")
QUESTIONNAIRE_FORMATS = ("pdf", "docx", "odt", "md", "html")


def _day(text: str) -> date:
    from koordination.domain.inputs.validation import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_commands(sub: Any, command: Command, actions: Actions) -> None:
    surveys = actions(
        command(sub, "surveys", "Umfragen: Antworten, Ergebnisse, Fragebogen"), "surveys_command"
    )

    listing = command(surveys, "list", "alle Umfragen mit Status und Zahl der Antworten")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")

    imp = command(surveys, "import-responses", "Antworten eines Online-Formulars (CSV) einlesen")
    imp.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    imp.add_argument("file", type=Path, metavar="DATEI", help="CSV-Datei, eine Zeile je Antwort")
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="DATEI",
        help="Zuordnung Spalte → Frage (JSON); ohne wird sie vorgeschlagen und angezeigt",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="nur prüfen und berichten, nichts speichern"
    )

    results = command(surveys, "results", "Ergebnisbericht oder Rohdaten ausgeben")
    results.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    results.add_argument("--format", choices=RESULT_FORMATS, required=True, help="Dateiformat")
    results.add_argument(
        "--raw",
        action="store_true",
        help="bei csv/json: die einzelnen Antworten (anonym) statt der Auszählung",
    )
    results.add_argument(
        "--snapshot",
        type=_day,
        metavar="DATUM",
        help="einen veröffentlichten Stand ausgeben (Datum des Stands)",
    )
    results.add_argument(
        "--compare",
        type=number,
        metavar="UMFRAGE",
        help="gemeinsame Fragen mit dieser Umfrage vergleichen",
    )
    results.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )

    questionnaire = command(surveys, "questionnaire", "Fragebogen zum Ausdrucken ausgeben")
    questionnaire.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    questionnaire.add_argument(
        "--format", choices=QUESTIONNAIRE_FORMATS, required=True, help="Dateiformat"
    )
    questionnaire.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )

    publish = command(surveys, "publish", "Ergebnisse mit Datum veröffentlichen (Stand einfrieren)")
    publish.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    publish.add_argument(
        "--stand", type=_day, metavar="DATUM", help="Datum des Stands (sonst heute)"
    )

    kiosk = command(surveys, "kiosk", "Kiosk-Modus: Besucher füllen den Fragebogen am Laptop aus")
    kiosk.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")


def cmd_kiosk(args: argparse.Namespace) -> int:
    from koordination.cli import _database
    from koordination.tui.kiosk import run_kiosk

    return run_kiosk(_database(args), args.id)


def cmd_surveys(args: argparse.Namespace) -> int:
    from koordination import cli_survey_import, cli_survey_results

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "list": cli_survey_results.cmd_list,
        "import-responses": cli_survey_import.cmd_import_responses,
        "results": cli_survey_results.cmd_results,
        "questionnaire": cli_survey_results.cmd_questionnaire,
        "publish": cli_survey_results.cmd_publish,
        "kiosk": cmd_kiosk,
    }
    return handlers[args.surveys_command](args)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {"surveys": cmd_surveys}
