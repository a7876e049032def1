"""`koordination datenschutz`: the office's data-protection work. ``anfrage`` records data
subjects' requests (Art. 15-21 DSGVO) and shows their one-month deadline.

Each sub-command is one entry of :data:`SUBCOMMANDS`: a function that adds its parser below
``datenschutz`` and sets its handler. A new one (``verzeichnis``, ``information``) is a
function and one line there.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
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
            "Datenschutz der Koordinierungsstelle: Anfragen Betroffener und ihre Fristen",
            examples=(
                "koordination datenschutz anfrage add auskunft --person 12",
                "koordination datenschutz anfrage list",
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


#: The sub-commands of ``datenschutz``, in the order ``--help`` lists them.
SUBCOMMANDS: list[Callable[[Any], None]] = [_requests]
