"""`koordination surveys`: listing, response import, results, questionnaire, published
snapshots and the kiosk mode."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import (
    actions,
    command,
    day,
    err,
    number,
    open_core,
    print_json,
    progress,
    table,
)
from koordination.errors import KoordinationError
from koordination.outputs.registry import OUTPUTS

if TYPE_CHECKING:
    from koordination.core import Core

#: The results command writes the report (documents) or a table (counts or raw answers).
DOCUMENT_FORMATS = OUTPUTS["umfragebericht"].formats
TABLE_FORMATS = OUTPUTS["auszaehlung"].formats
RESULT_FORMATS = (*DOCUMENT_FORMATS, *TABLE_FORMATS)
assert OUTPUTS["rohdaten"].formats == TABLE_FORMATS
#: Longest column header shown in the mapping; full question texts as headers are long.
_HEADER_WIDTH = 48


def register(sub: Any) -> None:
    surveys = actions(
        command(sub, "surveys", "Umfragen: Antworten, Ergebnisse, Fragebogen"), "surveys_command"
    )

    listing = command(surveys, "list", "alle Umfragen mit Status und Zahl der Antworten", cmd_list)
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")

    imp = command(
        surveys,
        "import-responses",
        "Antworten eines Online-Formulars (CSV, .xlsx, .ods) einlesen",
        cmd_import_responses,
    )
    imp.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    imp.add_argument(
        "file",
        type=Path,
        metavar="DATEI",
        help="Tabelle (.csv, .xlsx, .ods), eine Zeile je Antwort",
    )
    imp.add_argument(
        "--sheet",
        metavar="NAME",
        help="Tabellenblatt einer .xlsx- oder .ods-Datei (sonst das erste sichtbare)",
    )
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="DATEI",
        help="Zuordnung Spalte → Frage (JSON); ohne wird sie vorgeschlagen und angezeigt",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="nur prüfen und berichten, nichts speichern"
    )

    results = command(surveys, "results", "Ergebnisbericht oder Rohdaten ausgeben", cmd_results)
    results.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    results.add_argument("--format", choices=RESULT_FORMATS, required=True, help="Dateiformat")
    results.add_argument(
        "--raw",
        action="store_true",
        help="bei csv/json: die einzelnen Antworten (anonym, k = 5) statt der Auszählung",
    )
    results.add_argument(
        "--freitexte",
        action="store_true",
        help="bei --raw: Freitextantworten mit ausgeben (sie können Personen nennen)",
    )
    results.add_argument(
        "--snapshot",
        type=day,
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

    questionnaire = command(
        surveys, "questionnaire", "Fragebogen zum Ausdrucken ausgeben", cmd_questionnaire
    )
    questionnaire.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    questionnaire.add_argument(
        "--format", choices=OUTPUTS["fragebogen"].formats, required=True, help="Dateiformat"
    )
    questionnaire.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ordner exports/)"
    )

    publish = command(
        surveys, "publish", "Ergebnisse mit Datum veröffentlichen (Stand einfrieren)", cmd_publish
    )
    publish.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")
    publish.add_argument(
        "--stand", type=day, metavar="DATUM", help="Datum des Stands (sonst heute)"
    )

    kiosk = command(
        surveys, "kiosk", "Kiosk-Modus: Besucher füllen den Fragebogen am Laptop aus", cmd_kiosk
    )
    kiosk.add_argument("id", type=number, metavar="UMFRAGE", help="Nummer der Umfrage")


# --------------------------------------------------------------------------- helpers
def _produce(core: Core, args: argparse.Namespace, key: str, subject: Any) -> int | None:
    """Write output ``key`` through the output registry and say where; returns the rows a
    table has."""
    from koordination.outputs.registry import make

    made = make(core, key, subject, args.format, args.output)
    print(f"Geschrieben: {made.path}")
    return made.count


def _short(text: str, width: int = _HEADER_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _check_results_options(args: argparse.Namespace) -> None:
    """Combinations that would give a misleading file are refused before any work is done."""
    if args.raw and args.format not in TABLE_FORMATS:
        raise KoordinationError(
            "--raw gibt die einzelnen Antworten als Tabelle aus und geht nur mit "
            "--format csv oder --format json."
        )
    if args.freitexte and not args.raw:
        raise KoordinationError("--freitexte gehört zu --raw (den einzelnen Antworten).")
    if args.raw and args.snapshot is not None:
        raise KoordinationError(
            "Ein veröffentlichter Stand enthält nur die Auszählung, keine einzelnen Antworten: "
            "--raw und --snapshot lassen sich nicht verbinden."
        )
    if args.compare is not None and args.format not in DOCUMENT_FORMATS:
        raise KoordinationError(
            "Der Vergleich zweier Umfragen erscheint nur im Bericht: --compare geht mit "
            f"--format {', '.join(DOCUMENT_FORMATS)}."
        )
    if args.compare is not None and args.snapshot is not None:
        raise KoordinationError(
            "Der Vergleich beruht auf dem aktuellen Stand beider Umfragen und passt nicht zu "
            "einem veröffentlichten Stand: --compare und --snapshot lassen sich nicht verbinden."
        )
    if args.compare is not None and args.compare == args.id:
        raise KoordinationError("Zum Vergleich braucht es eine andere Umfrage als die eigene.")


# --------------------------------------------------------------------------- commands
def cmd_list(args: argparse.Namespace) -> int:
    surveys = open_core(args).surveys.list_surveys()
    if args.json:
        print_json([_survey_json(s) for s in surveys])
        return 0
    table(
        [
            (
                str(s.id),
                s.title,
                s.audience_label,
                s.status.label,
                s.period_label or "–",
                str(s.response_count),
            )
            for s in surveys
        ],
        ("Nr.", "Titel", "Zielgruppe", "Status", "Zeitraum", "Antworten"),
    )
    err(f"{len(surveys)} Umfragen" if len(surveys) != 1 else "1 Umfrage")
    return 0


def _survey_json(s: Any) -> dict[str, Any]:
    # Keys are English identifiers; enums appear as the German labels the TUI shows, with
    # their stable value beside them for scripts.
    return {
        "id": s.id,
        "title": s.title,
        "audience": s.audience.value,
        "audience_label": s.audience_label,
        "status": s.status.value,
        "status_label": s.status.label,
        "starts_on": s.starts_on.isoformat() if s.starts_on else None,
        "ends_on": s.ends_on.isoformat() if s.ends_on else None,
        "anonymous": s.anonymous,
        "questions": s.question_count,
        "responses": s.response_count,
    }


def cmd_results(args: argparse.Namespace) -> int:
    _check_results_options(args)
    core = open_core(args)
    evaluation = core.survey_results
    if args.raw:
        return _raw(args, core)
    if args.snapshot is not None:
        results = evaluation.snapshot_results(args.id, args.snapshot)
    else:
        results = evaluation.results(args.id, published=True)
    if args.format in TABLE_FORMATS:
        _produce(core, args, "auszaehlung", results)
        return 0

    from koordination.outputs.registry import SurveyReport

    report = SurveyReport(results)
    if args.compare is not None:
        comparison = evaluation.compare([args.id, args.compare], published=True)
        report = SurveyReport(results, comparison, args.compare)
        if not comparison.questions:
            print(
                "Hinweis: Die beiden Umfragen haben keine gemeinsamen Fragen aus dem "
                "Fragenkatalog; der Vergleich im Bericht bleibt leer.",
                file=sys.stderr,
            )
    _produce(core, args, "umfragebericht", report)
    return 0


def _raw(args: argparse.Namespace, core: Core) -> int:
    from koordination.outputs.builders.raw_anonymity import RawAnswersRequest

    request = RawAnswersRequest(args.id, free_texts=args.freitexte)
    count = _produce(core, args, "rohdaten", request)
    print(
        f"{count} Antworten, ohne Namen und Kontaktdaten der Antwortenden; anonymisiert mit "
        f"k = 5 (siehe erste Zeile der Datei)" + ("." if args.freitexte else ", ohne Freitexte."),
        file=sys.stderr,
    )
    return 0


def cmd_questionnaire(args: argparse.Namespace) -> int:
    core = open_core(args)
    form = core.surveys.form(args.id)
    if not form.questions:
        raise KoordinationError(
            f"Die Umfrage Nr. {args.id} hat noch keine Fragen; legen Sie zuerst Fragen an."
        )
    _produce(core, args, "fragebogen", form)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    import getpass

    from koordination.outputs.document.german import month_date

    try:
        by = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        by = ""
    snapshot = open_core(args).survey_results.publish(args.id, args.stand, by=by)
    print(f"Veröffentlicht: Umfrage Nr. {args.id}, Stand {month_date(snapshot.stand)}")
    print(f"Prüfsumme (SHA-256): {snapshot.fingerprint}")
    print(
        f"Bericht: koordination surveys results {args.id} "
        f"--snapshot {snapshot.stand:%d.%m.%Y} --format pdf",
        file=sys.stderr,
    )
    return 0


def cmd_import_responses(args: argparse.Namespace) -> int:
    from koordination.services.surveys.column_mapping import describe_target, load_mapping

    core = open_core(args)
    given = load_mapping(args.mapping) if args.mapping else None
    importer = core.survey_import
    mapping = importer.resolve_mapping(args.id, args.file, given, args.sheet)
    form = core.surveys.form(args.id)
    print(f"Umfrage {form.survey.id}: {form.survey.title}")
    print("Zuordnung der Spalten:")
    shown = [f"„{_short(m.column or '(ohne Überschrift)')}“" for m in mapping]
    width = max((len(s) for s in shown), default=0)
    for label, entry in zip(shown, mapping, strict=True):
        print(f"  {label.ljust(width)} → {describe_target(form, entry.target)}")

    report = progress("Antworten")
    open_line = False

    def on_progress(done: int, total: int) -> None:
        nonlocal open_line
        if report is not None:
            report(done, total)
            open_line = done < total

    try:
        result = importer.run(
            args.id,
            args.file,
            given,
            dry_run=args.dry_run,
            progress=on_progress,
            sheet=args.sheet,
        )
    except KoordinationError:
        if open_line:
            print(file=sys.stderr)  # end the progress line before the error
        raise
    for warning in result.warnings:
        err(f"Hinweis: {warning}")
    if given is None and any(m.target is None for m in mapping if m.column):
        err(
            'Hinweis: Zuordnung korrigieren mit --mapping DATEI (JSON: {"Spalte": "F3", '
            '"F2[SQ001]": "F2=Räume", "Spalte ohne Frage": null}); ungenannte Spalten '
            "werden wie oben zugeordnet."
        )
    print(result.summary())
    return 0


def cmd_kiosk(args: argparse.Namespace) -> int:
    from koordination.tui.kiosk import run_kiosk

    return run_kiosk(open_core(args), args.id)
