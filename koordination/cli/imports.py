"""`koordination import`: lists of people or organisations from Excel, LibreOffice or CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import command, err, open_core, progress
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.domain.enums import ConsentPurpose


def register(sub: Any) -> None:
    imp = command(sub, "import", "Listen aus Excel, LibreOffice oder CSV einlesen", run)
    imp.add_argument("kind", choices=["people", "organisations"], help="people oder organisations")
    imp.add_argument("file", metavar="DATEI", type=Path, help="Tabelle: .xlsx, .ods oder .csv")
    imp.add_argument(
        "--sheet",
        metavar="NAME",
        help="Tabellenblatt einer .xlsx- oder .ods-Datei (sonst das erste sichtbare)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="nur prüfen und berichten, nichts speichern"
    )
    imp.add_argument(
        "--einwilligung",
        action="append",
        default=[],
        metavar="ZWECK=FASSUNG",
        help="welcher Fassung des Einwilligungstextes die Liste zustimmen ließ, z. B. "
        "einladungen=2026-01 (mehrfach möglich); ohne sie wird eine Spalte „Einwilligung“ "
        "mit „ja“ abgelehnt",
    )
    imp.add_argument(
        "--quelle",
        metavar="NAME",
        help="woher die Liste stammt (Art. 14 DSGVO), sonst der Dateiname",
    )
    existing = imp.add_mutually_exclusive_group()
    existing.add_argument(
        "--update-existing",
        action="store_true",
        help="bekannte Einträge (gleiche E-Mail bzw. gleicher Name) aktualisieren",
    )
    existing.add_argument(
        "--skip-existing", action="store_true", help="bekannte Einträge überspringen"
    )


def named_versions(given: list[str]) -> dict[ConsentPurpose, str]:
    """``--einwilligung einladungen=2026-01`` (repeatable) as purpose → version."""
    from koordination.domain.enums import ConsentPurpose

    named: dict[ConsentPurpose, str] = {}
    for item in given:
        purpose_text, _, version = item.partition("=")
        purpose = ConsentPurpose.parse(purpose_text.strip())
        if purpose is None or not version.strip():
            known = ", ".join(p.value for p in ConsentPurpose)
            raise KoordinationError(
                f"--einwilligung „{item}“: bitte ZWECK=FASSUNG angeben, z. B. "
                f"einladungen=2026-01 (Zwecke: {known}). Es wurde nichts importiert."
            )
        named[purpose] = version.strip()
    return named


def run(args: argparse.Namespace) -> int:
    from koordination.services.directory.imports.report import Existing

    imports = open_core(args).imports
    existing: Existing = (
        "update" if args.update_existing else "skip" if args.skip_existing else "error"
    )
    if args.kind == "people":
        report = imports.people(
            args.file,
            existing=existing,
            dry_run=args.dry_run,
            progress=progress("Import"),
            sheet=args.sheet,
            consents=named_versions(args.einwilligung),
            source=args.quelle,
        )
    else:
        report = imports.organisations(
            args.file,
            existing=existing,
            dry_run=args.dry_run,
            progress=progress("Import"),
            sheet=args.sheet,
        )
    for warning in report.warnings:
        err(f"Hinweis: {warning}")
    print(report.summary())
    return 0
