"""`koordination import`: lists of people or organisations from Excel, LibreOffice or CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from koordination.cli.common import command, err, open_core, progress


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
    existing = imp.add_mutually_exclusive_group()
    existing.add_argument(
        "--update-existing",
        action="store_true",
        help="bekannte Einträge (gleiche E-Mail bzw. gleicher Name) aktualisieren",
    )
    existing.add_argument(
        "--skip-existing", action="store_true", help="bekannte Einträge überspringen"
    )


def run(args: argparse.Namespace) -> int:
    from koordination.services.directory.imports.report import Existing

    imports = open_core(args).imports
    existing: Existing = (
        "update" if args.update_existing else "skip" if args.skip_existing else "error"
    )
    read = imports.people if args.kind == "people" else imports.organisations
    report = read(
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
