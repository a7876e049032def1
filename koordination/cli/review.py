"""`koordination replies list|accept|dismiss|invite-delegate`: the review list of replies
(counter-proposals, comments, delegations, replies that could not be booked)."""

from __future__ import annotations

import argparse
from typing import Any

from koordination.cli.common import command, number, open_core, print_json, table

COMMANDS = ("list", "accept", "dismiss", "invite-delegate")


def register(replies_actions: Any) -> None:
    listing = command(
        replies_actions,
        "list",
        "Rückmeldungen zur Durchsicht: Gegenvorschläge, Kommentare, Vertretungen, nicht Verbuchtes",
    )
    listing.add_argument("--offen", action="store_true", help="nur noch nicht erledigte")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")
    accept = command(
        replies_actions,
        "accept",
        "einen Gegenvorschlag annehmen: der Termin wird verlegt, alle werden neu gefragt",
    )
    accept.add_argument("id", type=number, metavar="NR", help="Nummer aus replies list")
    dismiss = command(replies_actions, "dismiss", "eine Rückmeldung als erledigt ablegen")
    dismiss.add_argument("id", type=number, metavar="NR", help="Nummer aus replies list")
    delegate = command(
        replies_actions, "invite-delegate", "die genannte Vertretung als Gast einladen"
    )
    delegate.add_argument("id", type=number, metavar="NR", help="Nummer aus replies list")
    delegate.add_argument(
        "--person",
        type=number,
        metavar="NR",
        help="diese Person aus dem Verzeichnis einladen (sonst die mit der genannten Adresse)",
    )


def run(args: argparse.Namespace) -> int:
    review = open_core(args).meetings.review
    if args.replies_command == "list":
        items = review.items(open_only=args.offen)
        if args.json:
            print_json([_json(i) for i in items])
            return 0
        if not items:
            print("Keine offenen Rückmeldungen." if args.offen else "Keine Rückmeldungen.")
            return 0
        table(
            [
                (
                    str(i.id),
                    f"{i.received_at:%d.%m.%Y}",
                    i.kind.label,
                    i.text(),
                    "offen" if i.open else i.resolution,
                )
                for i in items
            ],
            ["Nr.", "Eingang", "Art", "Rückmeldung", "Stand"],
        )
        return 0
    action = {"accept": "accept", "dismiss": "dismiss", "invite-delegate": "invite_delegate"}
    result = review.resolve(
        args.id, action[args.replies_command], person_id=getattr(args, "person", None)
    )
    for warning in result.warnings:
        print(f"Achtung: {warning}")
    print(result.message)
    return 0


def _json(item: Any) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": item.id,
        "kind": item.kind.value,
        "received_at": iso(item.received_at),
        "meeting_id": item.meeting_id,
        "person_id": item.person_id,
        "attendee_email": item.attendee_email,
        "sender": item.sender,
        "recurrence_id": iso(item.recurrence_id),
        "proposed_start": iso(item.proposed_start),
        "proposed_end": iso(item.proposed_end),
        "comment": item.comment,
        "delegate_email": item.delegate_email,
        "reason": item.reason,
        "open": item.open,
        "resolution": item.resolution,
        "text": item.text(),
    }
