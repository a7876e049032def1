"""`koordination datenschutz`: the office's data-protection work. ``anfrage`` records data
subjects' requests (Art. 15-21 DSGVO) and shows their one-month deadline; ``verzeichnis`` and
``information`` write the drafts of the record of processing (Art. 30) and of the information
text for volunteers (Art. 13/14).

Each sub-command is one entry of :data:`SUBCOMMANDS`: a function that adds its parser below
``datenschutz`` and sets its handler. A new one (``verzeichnis``, ``information``) is a
function and one line there.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import actions, command, day, number, open_core, print_json, table
from koordination.clock import CITY_ZONE

if TYPE_CHECKING:
    from koordination.domain.enums import PrivacyRequestKind
    from koordination.services.privacy.requests import RequestRecord


def register(sub: Any) -> None:
    privacy = actions(
        command(
            sub,
            "datenschutz",
            "Datenschutz der Koordinierungsstelle: Anfragen Betroffener und ihre Fristen, "
            "Verzeichnis (Art. 30) und Informationstext (Art. 13/14)",
            examples=(
                "koordination datenschutz anfrage add auskunft --person 12",
                "koordination datenschutz anfrage list",
                "koordination datenschutz verzeichnis --format pdf",
                "koordination datenschutz information --art14",
            ),
        ),
        "privacy_command",
    )
    for add in SUBCOMMANDS:
        add(privacy)


# --------------------------------------------------------------------------- anfrage


def _kind(text: str) -> PrivacyRequestKind:
    from koordination.domain.enums import PrivacyRequestKind

    found = PrivacyRequestKind.parse(text)
    if found is None:
        names = ", ".join(f"{k.value} ({k.label})" for k in PrivacyRequestKind)
        raise argparse.ArgumentTypeError(f"„{text}“ ist keine Art von Anfrage: {names}")
    return found


def _requests(privacy: Any) -> None:
    requests = actions(
        command(
            privacy,
            "anfrage",
            "Anfragen nach Art. 15-21 DSGVO erfassen, anzeigen, erledigen (Frist: ein Monat)",
            examples=(
                "koordination datenschutz anfrage add auskunft --person 12 --eingang 03.11.2026",
                "koordination datenschutz anfrage list --alle",
                "koordination datenschutz anfrage done 4 --notiz 'Brief per Post am 20.11.'",
            ),
        ),
        "request_command",
    )
    add = command(
        requests,
        "add",
        "eine Anfrage erfassen; die Frist (ein Monat ab Eingang) wird berechnet",
        _cmd_add,
        examples=(
            "koordination datenschutz anfrage add auskunft --person 12",
            "koordination datenschutz anfrage add loeschung --person 7 --eingang 01.11.2026",
            "koordination datenschutz anfrage add auskunft --von 'Erika Beispiel, Brief'",
        ),
    )
    add.add_argument(
        "kind",
        type=_kind,
        metavar="ART",
        help="auskunft (Art. 15), loeschung (17), berichtigung (16), einschraenkung (18), "
        "widerspruch (21)",
    )
    add.add_argument("--person", type=number, metavar="NR", help="Nummer der Person")
    add.add_argument(
        "--eingang", type=day, metavar="DATUM", help="Eingang der Anfrage (Standard: heute)"
    )
    add.add_argument(
        "--von",
        default="",
        metavar="TEXT",
        help="wer angefragt hat und wie (nötig, wenn die Person nicht im Verzeichnis steht)",
    )
    add.add_argument("--notiz", default="", metavar="TEXT", help="Bemerkung")
    listing = command(
        requests,
        "list",
        "offene Anfragen mit Frist, früheste zuerst",
        _cmd_list,
        examples=(
            "koordination datenschutz anfrage list",
            "koordination datenschutz anfrage list --alle --json",
        ),
    )
    listing.add_argument("--alle", action="store_true", help="auch erledigte Anfragen")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste (für Skripte)")
    done = command(
        requests,
        "done",
        "eine Anfrage als erledigt vermerken",
        _cmd_done,
        examples=("koordination datenschutz anfrage done 4 --notiz 'Berichtigt am 20.11.'",),
    )
    done.add_argument("id", type=number, metavar="NR", help="Nummer der Anfrage")
    done.add_argument("--notiz", default="", metavar="TEXT", help="wie sie erledigt wurde")


def _line(r: RequestRecord, today: Any) -> list[str]:
    from koordination.domain.inputs.validation import format_date

    return [
        str(r.id),
        r.kind.label.split(" (")[0],
        r.about,
        format_date(r.received_at.astimezone(CITY_ZONE).date()),
        format_date(r.due_on),
        r.deadline(today),
    ]


def _json(r: RequestRecord, today: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind.value,
        "kind_label": r.kind.label,
        "person_id": r.person_number,
        "person": r.person,
        "requester": r.requester,
        "received_at": r.received_at.isoformat(),
        "due_on": r.due_on.isoformat(),
        "overdue": r.overdue(today),
        "deadline": r.deadline(today),
        "completed_at": r.completed_at.isoformat() if r.completed_at else None,
        "recorded_by": r.recorded_by,
        "note": r.note,
    }


def _cmd_add(args: argparse.Namespace) -> int:
    from koordination.domain.inputs.validation import format_date

    core = open_core(args)
    r = core.privacy_requests.add(
        args.kind,
        args.person,
        received_on=args.eingang,
        requester=args.von,
        note=args.notiz,
    )
    received = format_date(r.received_at.astimezone(CITY_ZONE).date())
    print(
        f"Anfrage Nr. {r.id} erfasst: {r.kind.label}, {r.about}, Eingang {received}; Frist "
        f"bis {format_date(r.due_on)} ({r.deadline(core.clock.today())})."
    )
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    core = open_core(args)
    today = core.clock.today()
    found = core.privacy_requests.list(open_only=not args.alle)
    if args.json:
        print_json([_json(r, today) for r in found])
        return 0
    if not found:
        print("Keine offenen Anfragen." if not args.alle else "Keine Anfragen erfasst.")
        return 0
    table(
        [_line(r, today) for r in found],
        ["Nr.", "Art", "Person", "Eingang", "Frist", "Stand"],
    )
    late = sum(r.overdue(today) for r in found)
    if late:
        print(f"{late} {'Anfrage ist' if late == 1 else 'Anfragen sind'} überfällig.")
    return 0


def _cmd_done(args: argparse.Namespace) -> int:
    r = open_core(args).privacy_requests.complete(args.id, args.notiz)
    print(f"Anfrage Nr. {r.id} ({r.kind.label}, {r.about}) als erledigt vermerkt.")
    return 0


# --------------------------------------------------------------------------- paperwork


def _document_options(parser: argparse.ArgumentParser) -> None:
    from koordination.outputs.registry import PAPERWORK_FORMATS

    parser.add_argument(
        "--format",
        choices=PAPERWORK_FORMATS,
        default=PAPERWORK_FORMATS[0],
        help="Dateiformat (Standard: docx, zum Weiterbearbeiten)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="PFAD", help="Zieldatei (sonst im Ausgabeordner)"
    )


def _record(privacy: Any) -> None:
    record = command(
        privacy,
        "verzeichnis",
        "Entwurf des Verzeichnisses von Verarbeitungstätigkeiten (Art. 30 DSGVO) schreiben",
        _cmd_record,
        examples=(
            "koordination datenschutz verzeichnis",
            "koordination datenschutz verzeichnis --format pdf -o verzeichnis.pdf",
        ),
    )
    _document_options(record)


def _information(privacy: Any) -> None:
    information = command(
        privacy,
        "information",
        "Datenschutzinformation für Engagierte (Art. 13/14 DSGVO) als Entwurf schreiben",
        _cmd_information,
        examples=(
            "koordination datenschutz information --format pdf",
            "koordination datenschutz information --art14",
        ),
    )
    _document_options(information)
    information.add_argument(
        "--art14",
        action="store_true",
        help="mit der Herkunft der Daten (Art. 14) für übernommene Personen; nennt, wem sie "
        "noch zu schicken ist",
    )


def _written(core: Any, key: str, subject: Any, args: argparse.Namespace) -> None:
    from koordination.outputs.registry import make

    made = make(core, key, subject, args.format, args.output)
    print(f"Geschrieben: {made.path}")
    points = core.paperwork().open_points
    if points:
        print("Vor dem Verwenden noch offen:")
        for point in points:
            print(f"  - {point}")


def _cmd_record(args: argparse.Namespace) -> int:
    _written(open_core(args), "verzeichnis", None, args)
    return 0


def _cmd_information(args: argparse.Namespace) -> int:
    from koordination.services.privacy.paperwork import art14_open

    core = open_core(args)
    _written(core, "information", bool(args.art14), args)
    if not args.art14:
        return 0
    flagged = art14_open(core.db)
    if not flagged:
        print("Niemand wartet auf die Information nach Art. 14.")
        return 0
    print(f"Zu schicken an {len(flagged)} {'Person' if len(flagged) == 1 else 'Personen'}:")
    table([[str(p.id), p.name, p.source] for p in flagged], ["Nr.", "Name", "Herkunft"])
    numbers = " ".join(str(p.id) for p in flagged)
    print(f"Nach dem Versand: koordination people art14-informed {numbers}")
    return 0


#: The sub-commands of ``datenschutz``, in the order ``--help`` lists them.
SUBCOMMANDS: list[Callable[[Any], None]] = [_requests, _record, _information]
