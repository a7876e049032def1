"""Command-line faces of data protection: the access report and erasure of one person."""

from __future__ import annotations

import argparse
import sys

from koordination.errors import KoordinationError

#: What has to be typed to confirm an erasure on the terminal.
CONFIRM_WORD = "LÖSCHEN"


def cmd_export_data(args: argparse.Namespace) -> int:
    """`people export-data NR --format json|pdf [-o DATEI]`: Auskunft nach Art. 15/20 DSGVO."""
    from koordination.cli import _database
    from koordination.services.privacy import write_access_report

    path = write_access_report(_database(args), args.id, args.format, args.output)
    kind = "maschinenlesbar (JSON)" if args.format == "json" else "als Brief (PDF)"
    print(f"Auskunft zu Person Nr. {args.id} {kind} geschrieben: {path}")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    """`people erase NR [--yes]`: Löschen nach Art. 17 DSGVO, nach Rückfrage."""
    from koordination.cli import _database, _err
    from koordination.services.privacy import erase_person, person_to_erase

    db = _database(args)
    name = person_to_erase(db, args.id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise KoordinationError(
                f"Person Nr. {args.id} wird nur nach Bestätigung gelöscht. Ohne Terminal zum "
                "Nachfragen bitte --yes angeben (die Löschung lässt sich nur aus einer "
                "Sicherung rückgängig machen)."
            )
        _err(
            "Alle Personendaten werden überall entfernt; Protokolle und Statistiken behalten "
            "„N. N.“ mit Sektor und Organisation. Rückgängig nur aus einer Sicherung."
        )
        sys.stderr.write(
            f"Person Nr. {args.id} „{name}“ endgültig löschen? Tippen Sie {CONFIRM_WORD}: "
        )
        sys.stderr.flush()
        answer = sys.stdin.readline()
        if answer.strip().upper() != CONFIRM_WORD:
            _err("Abgebrochen: es wurde nichts gelöscht.")
            return 1
    report = erase_person(db, args.id)
    print(report.summary())
    return 0
