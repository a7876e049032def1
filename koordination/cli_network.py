"""`koordination check eligibility`, `steckbrief` and `report annual`.

`check eligibility` ends with exit status 0 when every required criterion of the call for
cities is met and 1 otherwise, so scripts can test it; optional criteria never fail it.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from koordination.clock import Clock

if TYPE_CHECKING:
    from koordination.db.engine import Database
    from koordination.outputs.document.model import Document
    from koordination.services.programme import EligibilityReport


def _today() -> date:
    from koordination.clock import CITY_ZONE

    return datetime.now(CITY_ZONE).date()


def _db(args: argparse.Namespace) -> Database:
    from koordination.cli import _database

    return _database(args)


def _slug(text: str) -> str:
    """``wiesenbrueck``: lower case, umlauts spelled out, words joined by hyphens."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40]


def _target(args: argparse.Namespace, stem: str, city: str) -> Path:
    from koordination.paths import exports_dir

    if args.output is not None:
        return Path(args.output)
    name = "-".join(part for part in (stem, _slug(city)) if part)
    return exports_dir() / f"{name}.{args.format}"


def _write(document: Document, fmt: str, target: Path) -> None:
    from koordination.outputs import document as documents

    documents.write(document, fmt, target)
    print(f"Geschrieben: {target}")


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
    from koordination.services.programme import check_eligibility

    report = check_eligibility(_db(args), _today())
    if args.json:
        from koordination.cli import _print_json

        _print_json(report.as_dict())
    else:
        print_checklist(report)
    return 0 if report.eligible else 1


def cmd_steckbrief(args: argparse.Namespace) -> int:
    from koordination.services.directory import Directory
    from koordination.services.programme import steckbrief, steckbrief_gaps

    db = _db(args)
    today = _today()
    city = Directory(db, Clock.on(today)).get_city()
    gaps = steckbrief_gaps(city)
    if gaps:
        print(f"Hinweis: Im Stadtprofil fehlt noch: {', '.join(gaps)}.", file=sys.stderr)
    document = steckbrief(db, today)
    _write(document, args.format, _target(args, "steckbrief", city.name if city else ""))
    return 0


def cmd_annual_report(args: argparse.Namespace) -> int:
    from koordination.services.directory import Directory
    from koordination.services.programme import annual_report

    db = _db(args)
    today = _today()
    city = Directory(db, Clock.on(today)).get_city()
    document = annual_report(db, args.year, today)
    stem = f"jahresbericht-{args.year}"
    _write(document, args.format, _target(args, stem, city.name if city else ""))
    return 0
