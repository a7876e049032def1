"""`koordination rundmail send|list|show|resume`: circular e-mails to groups, sectors,
organisations or everyone, one message per recipient, resumable and never sent twice."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import (
    INTERRUPTED,
    actions,
    bounded,
    command,
    cut,
    first_message,
    note,
    number,
    open_core,
    print_json,
    progress,
    stopped_by_ctrl_c,
    table,
)
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.circulars import CircularPlan, CircularRecord, SendResult


def register(sub: Any) -> None:
    from koordination.domain.records.circulars import DEFAULT_PER_MINUTE, MAX_PER_MINUTE

    circulars = actions(
        command(sub, "rundmail", "Rundmails an Gruppen, Sektoren, Organisationen oder alle"),
        "rundmail_command",
    )
    send = command(
        circulars,
        "send",
        "eine Rundmail schreiben und senden (jede Person erhält eine eigene Nachricht)",
        cmd_send,
    )
    send.add_argument(
        "--to",
        dest="audience",
        action="append",
        required=True,
        metavar="KREIS",
        help="an wen: gruppe:NAME, sektor:NAME, organisation:NAME, person:NR oder alle "
        "(mehrfach möglich)",
    )
    send.add_argument("--subject", required=True, metavar="BETREFF", help="der Betreff")
    send.add_argument(
        "--text",
        required=True,
        type=Path,
        metavar="DATEI",
        help="der Text in Markdown (UTF-8; „-“ liest ihn von der Standardeingabe)",
    )
    send.add_argument(
        "--attach",
        action="append",
        type=Path,
        default=[],
        metavar="DATEI",
        help="eine Datei anhängen (mehrfach möglich)",
    )
    send.add_argument(
        "--persoenlich",
        action="store_true",
        help="„Liebe Monika,“ statt „Sehr geehrte Frau Dr. Ulrich,“",
    )
    send.add_argument(
        "--pro-minute",
        type=bounded(1, MAX_PER_MINUTE),
        default=DEFAULT_PER_MINUTE,
        metavar="N",
        help=f"höchstens N Nachrichten pro Minute (Vorgabe {DEFAULT_PER_MINUTE}, schont "
        "kleine Mailserver)",
    )
    send.add_argument(
        "--dry-run",
        action="store_true",
        help="nur zeigen, wer sie erhielte und wie die erste Nachricht aussieht; nichts senden",
    )
    listing = command(circulars, "list", "alle Rundmails mit ihrem Versandstand", cmd_list)
    listing.add_argument("--json", action="store_true", help="als JSON ausgeben")
    show = command(circulars, "show", "eine Rundmail mit allen Empfängern zeigen", cmd_show)
    show.add_argument("id", type=number, metavar="NR", help="Nummer aus rundmail list")
    show.add_argument("--json", action="store_true", help="als JSON ausgeben")
    resume = command(
        circulars,
        "resume",
        "eine unterbrochene Rundmail fortsetzen (nichts wird doppelt gesendet)",
        cmd_resume,
    )
    resume.add_argument("id", type=number, metavar="NR", help="Nummer aus rundmail list")


def _read_text(path: Path) -> str:
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        raise KoordinationError(
            f"Die Textdatei {path} gibt es nicht. Es wurde nichts gesendet."
        ) from None
    except OSError as exc:
        raise KoordinationError(
            f"Die Textdatei {path} ist nicht lesbar ({exc.strerror or exc}). Es wurde nichts "
            "gesendet."
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KoordinationError(
            f"Die Textdatei {path} ist kein UTF-8-Text. Bitte als UTF-8 speichern; es wurde "
            "nichts gesendet."
        ) from None


def cmd_send(args: argparse.Namespace) -> int:
    from koordination.domain.records.circulars import CircularDraft

    draft = CircularDraft(
        subject=args.subject,
        body=_read_text(args.text),
        audience=tuple(args.audience),
        informal=args.persoenlich,
        attachments=tuple(args.attach),
        per_minute=args.pro_minute,
    )
    core = open_core(args)
    if args.dry_run:
        _print_plan(core.circulars.plan(draft))
        return 0
    from koordination.delivery.settings import load_smtp_settings

    settings = load_smtp_settings()  # before storing: a missing [smtp] stores nothing
    plan = core.circulars.create(draft)
    assert plan.circular_id is not None
    note(
        f"Rundmail Nr. {plan.circular_id} gespeichert: {len(plan.recipients)} Empfänger, "
        f"{len(plan.left_out)} nicht berücksichtigt."
    )
    for left in plan.left_out:
        note(f"  nicht berücksichtigt: {left.name} (Nr. {left.person_id}): {left.reason}")
    return _send(core, plan.circular_id, settings)


def cmd_resume(args: argparse.Namespace) -> int:
    from koordination.delivery.settings import load_smtp_settings

    core = open_core(args)
    record = core.circulars.get(args.id)  # an unknown number is said before the settings
    settings = load_smtp_settings()
    note(f"Rundmail Nr. {record.id} „{record.subject}“: {record.status()}.")
    return _send(core, record.id, settings)


def _send(core: Core, circular_id: int, settings: object) -> int:
    """Send with progress; the first Ctrl+C stops after the message on its way (the rest
    waits for `resume`), a second one stops at once."""
    with stopped_by_ctrl_c() as stop:
        result = core.circulars.send(
            circular_id, settings, progress=progress("Rundmail"), stop=stop
        )
    return _finished(result)


def _finished(result: SendResult) -> int:
    print(result.summary())
    if result.stopped:
        return INTERRUPTED
    return 1 if result.failed or result.remaining else 0


def _print_plan(plan: CircularPlan) -> None:
    print(f"Probelauf für „{plan.draft.subject}“: es wird nichts gespeichert und nichts gesendet.")
    print(f"\nEmpfänger ({len(plan.recipients)}):")
    for r in plan.recipients:
        print(f"  {r.name} <{r.email}>")
    if plan.left_out:
        print(f"\nNicht berücksichtigt ({len(plan.left_out)}):")
        for left in plan.left_out:
            print(f"  {left.name} (Nr. {left.person_id}): {left.reason}")
    if plan.attachments:
        print("\nAnhänge: " + ", ".join(f"{n} ({_size(s)})" for n, s in plan.attachments))
    if plan.first is None:
        print("\nNiemand aus diesem Empfängerkreis erhielte die Rundmail.")
        return
    first_message(plan.recipients[0].name, plan.first.subject, plan.first.text)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} Bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def _json(record: CircularRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": record.id,
        "subject": record.subject,
        "audience": list(record.audience),
        "informal": record.informal,
        "per_minute": record.per_minute,
        "created_at": record.created_at.isoformat(),
        "created_by": record.created_by,
        "attachments": [{"name": n, "size": s} for n, s in record.attachments],
        "left_out": record.left_out,
        "counts": {state.value: count for state, count in record.counts.items()},
    }
    if record.recipients:
        data["recipients"] = [
            {
                "person_id": r.person_id,
                "name": r.name,
                "email": r.email,
                "state": r.state.value,
                "message_id": r.message_id,
                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                "problem": r.problem,
            }
            for r in record.recipients
        ]
    return data


def cmd_list(args: argparse.Namespace) -> int:
    from koordination.clock import CITY_ZONE

    records = open_core(args).circulars.list()
    if args.json:
        print_json([_json(r) for r in records])
        return 0
    if not records:
        print("Noch keine Rundmail. `koordination rundmail send --help` zeigt, wie.")
        return 0
    table(
        [
            (
                str(r.id),
                f"{r.created_at.astimezone(CITY_ZONE):%d.%m.%Y %H:%M}",
                cut(r.subject, 50),
                r.status(),
            )
            for r in records
        ],
        ("Nr.", "Erstellt", "Betreff", "Stand"),
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from koordination.clock import CITY_ZONE

    record = open_core(args).circulars.get(args.id)
    if args.json:
        print_json(_json(record))
        return 0
    created = f"{record.created_at.astimezone(CITY_ZONE):%d.%m.%Y %H:%M}"
    print(f"Rundmail Nr. {record.id}: „{record.subject}“")
    print(f"Erstellt: {created}" + (f" von {record.created_by}" if record.created_by else ""))
    print("An: " + "; ".join(record.audience))
    print(
        "Anrede: "
        + ("persönlich („Liebe …“)" if record.informal else "förmlich („Sehr geehrte …“)")
        + f"; höchstens {record.per_minute} pro Minute"
    )
    if record.attachments:
        print("Anhänge: " + ", ".join(f"{n} ({_size(s)})" for n, s in record.attachments))
    print(f"Stand: {record.status()}; {record.left_out} nicht berücksichtigt")
    print()
    table(
        [
            (
                r.name,
                r.email,
                r.state.label
                + (f" {r.sent_at.astimezone(CITY_ZONE):%d.%m.%Y %H:%M}" if r.sent_at else ""),
                r.problem,
            )
            for r in record.recipients
        ],
        ("Name", "E-Mail", "Stand", "Hinweis"),
    )
    if record.open:
        print(f"\nWeiter mit „koordination rundmail resume {record.id}“.")
    return 0
