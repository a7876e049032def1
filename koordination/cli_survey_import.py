"""`koordination surveys import-responses`: answers from an online form tool's CSV file."""

from __future__ import annotations

import argparse
import sys

#: Longest column header shown in the mapping; full question texts as headers are long.
_HEADER_WIDTH = 48


def _short(text: str, width: int = _HEADER_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_import_responses(args: argparse.Namespace) -> int:
    from koordination.cli import _database, _err, _progress
    from koordination.errors import KoordinationError
    from koordination.services.survey_import import ResponseImport, describe_target, load_mapping
    from koordination.services.surveys import Surveys

    db = _database(args)
    given = load_mapping(args.mapping) if args.mapping else None
    importer = ResponseImport(db)
    mapping = importer.resolve_mapping(args.id, args.file, given)
    form = Surveys(db).form(args.id)
    print(f"Umfrage {form.survey.id}: {form.survey.title}")
    print("Zuordnung der Spalten:")
    shown = [f"„{_short(m.column or '(ohne Überschrift)')}“" for m in mapping]
    width = max((len(s) for s in shown), default=0)
    for label, entry in zip(shown, mapping, strict=True):
        print(f"  {label.ljust(width)} → {describe_target(form, entry.target)}")

    report = _progress("Antworten")
    open_line = False

    def progress(done: int, total: int) -> None:
        nonlocal open_line
        if report is not None:
            report(done, total)
            open_line = done < total

    try:
        result = importer.run(args.id, args.file, given, dry_run=args.dry_run, progress=progress)
    except KoordinationError:
        if open_line:
            print(file=sys.stderr)  # end the progress line before the error
        raise
    for warning in result.warnings:
        _err(f"Hinweis: {warning}")
    if given is None and any(m.target is None for m in mapping if m.column):
        _err(
            'Hinweis: Zuordnung korrigieren mit --mapping DATEI (JSON: {"Spalte": "F3", '
            '"F2[SQ001]": "F2=Räume", "Spalte ohne Frage": null}); ungenannte Spalten '
            "werden wie oben zugeordnet."
        )
    print(result.summary())
    return 0
