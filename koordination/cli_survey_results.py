"""`koordination surveys list|results|questionnaire|publish`: listings, reports, questionnaires."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.db.engine import Database
    from koordination.outputs.document.model import Letterhead

DOCUMENT_FORMATS = ("md", "html", "docx", "odt", "pdf")
TABLE_FORMATS = ("csv", "json")


# --------------------------------------------------------------------------- helpers
def _head(db: Database) -> Letterhead:
    from koordination.outputs.builders.sittings import letterhead
    from koordination.services.directory import Directory

    return letterhead(Directory(db).get_city())


_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(text: str) -> str:
    """``Engagement in Gießen 2026`` → ``engagement-in-giessen-2026``: a file name that
    survives every file system, e-mail program and USB stick."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_GERMAN_LETTERS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:40].strip("-") or "umfrage"


_slug = slug  # the name the export dialog imports


def _target(args: argparse.Namespace, stem: str) -> Path:
    from koordination.paths import exports_dir

    if args.output is not None:
        return Path(args.output)
    return exports_dir() / f"{stem}.{args.format}"


def _written(target: Path) -> None:
    print(f"Geschrieben: {target}")


def _check_results_options(args: argparse.Namespace) -> None:
    """Combinations that would give a misleading file are refused before any work is done."""
    if args.raw and args.format not in TABLE_FORMATS:
        raise KoordinationError(
            "--raw gibt die einzelnen Antworten als Tabelle aus und geht nur mit "
            "--format csv oder --format json."
        )
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
    from koordination.cli import _database, _err, _print_json, _table
    from koordination.services.surveys import Surveys

    surveys = Surveys(_database(args)).list_surveys()
    if args.json:
        _print_json([_survey_json(s) for s in surveys])
        return 0
    _table(
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
    _err(f"{len(surveys)} Umfragen" if len(surveys) != 1 else "1 Umfrage")
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
    from koordination.cli import _database
    from koordination.services.survey_results import Evaluation

    _check_results_options(args)
    db = _database(args)
    evaluation = Evaluation(db)
    if args.raw:
        return _raw(args, evaluation)
    if args.snapshot is not None:
        results = evaluation.snapshot_results(args.id, args.snapshot)
    else:
        results = evaluation.results(args.id, published=True)
    stem = f"{slug(results.title)}-ergebnis-{results.stand:%Y-%m-%d}"
    if args.format in TABLE_FORMATS:
        from koordination.outputs.builders.survey_tables import write_results

        target = _target(args, stem)
        write_results(results, args.format, target)
        _written(target)
        return 0

    from koordination.outputs import document as documents
    from koordination.outputs.builders.surveys import results_report

    comparison = None
    if args.compare is not None:
        comparison = evaluation.compare([args.id, args.compare], published=True)
        stem += f"-vergleich-{args.compare}"
        if not comparison.questions:
            print(
                "Hinweis: Die beiden Umfragen haben keine gemeinsamen Fragen aus dem "
                "Fragenkatalog; der Vergleich im Bericht bleibt leer.",
                file=sys.stderr,
            )
    target = _target(args, stem)
    documents.write(results_report(results, _head(db), comparison), args.format, target)
    _written(target)
    return 0


def _raw(args: argparse.Namespace, evaluation: Any) -> int:
    from koordination.clock import CITY_ZONE
    from koordination.outputs.builders.survey_tables import write_raw
    from koordination.services.surveys import Surveys

    survey = Surveys(evaluation.db).get(args.id)
    headers, rows = evaluation.raw_answers(args.id)
    today = datetime.now(CITY_ZONE).date()
    target = _target(args, f"{slug(survey.title)}-rohdaten-{today:%Y-%m-%d}")
    count = write_raw(headers, rows, args.format, target)
    _written(target)
    print(f"{count} Antworten, ohne Namen und Kontaktdaten der Antwortenden.", file=sys.stderr)
    return 0


def cmd_questionnaire(args: argparse.Namespace) -> int:
    from koordination.cli import _database
    from koordination.outputs import document as documents
    from koordination.outputs.builders.surveys import questionnaire
    from koordination.services.surveys import Surveys

    db = _database(args)
    form = Surveys(db).form(args.id)
    if not form.questions:
        raise KoordinationError(
            f"Die Umfrage Nr. {args.id} hat noch keine Fragen; legen Sie zuerst Fragen an."
        )
    target = _target(args, f"{slug(form.survey.title)}-fragebogen")
    documents.write(questionnaire(form, _head(db)), args.format, target)
    _written(target)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    import getpass

    from koordination.cli import _database
    from koordination.outputs.document.german import month_date
    from koordination.services.survey_results import Evaluation

    try:
        by = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        by = ""
    snapshot = Evaluation(_database(args)).publish(args.id, args.stand, by=by)
    print(f"Veröffentlicht: Umfrage Nr. {args.id}, Stand {month_date(snapshot.stand)}")
    print(f"Prüfsumme (SHA-256): {snapshot.fingerprint}")
    print(
        f"Bericht: koordination surveys results {args.id} "
        f"--snapshot {snapshot.stand:%d.%m.%Y} --format pdf",
        file=sys.stderr,
    )
    return 0
