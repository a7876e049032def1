"""`koordination people`: list and show people; access report, erasure, restriction and
objection (GDPR)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.cli.common import (
    actions,
    command,
    err,
    group_id,
    list_options,
    note,
    number,
    open_core,
    print_json,
    table,
)
from koordination.errors import KoordinationError
from koordination.outputs.registry import OUTPUTS

if TYPE_CHECKING:
    from koordination.db.backup_contents import HeldCopy

#: What has to be typed to confirm an erasure on the terminal.
CONFIRM_WORD = "LÖSCHEN"
#: ``people erase --masken``: replace the mentions by family name only, or leave them.
MASK_ANSWERS = ("bestätigen", "ablehnen")


def register(sub: Any) -> None:
    from koordination.cli import consents

    people = actions(command(sub, "people", "Personen auflisten und anzeigen"), "people_command")
    list_options(command(people, "list", "Personen auflisten", cmd_list), group=True, tag=True)
    consents.register(people)
    show = command(people, "show", "eine Person anzeigen", cmd_show)
    show.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    show.add_argument("--json", action="store_true", help="als JSON ausgeben")
    export_data = command(
        people,
        "export-data",
        "Auskunft (Art. 15/20 DSGVO): alles Gespeicherte zu einer Person",
        cmd_export_data,
    )
    export_data.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    export_data.add_argument(
        "--format", choices=OUTPUTS["auskunft"].formats, required=True, help="Dateiformat"
    )
    export_data.add_argument(
        "-o", "--output", type=Path, metavar="DATEI", help="Zieldatei (sonst im Ordner exports/)"
    )
    _requester_option(export_data)
    erase = command(
        people,
        "erase",
        "Person löschen (Art. 17 DSGVO): Personendaten überall entfernen",
        cmd_erase,
    )
    erase.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    erase.add_argument("--yes", action="store_true", help="ohne Rückfrage löschen")
    erase.add_argument(
        "--masken",
        choices=MASK_ANSWERS,
        help="Erwähnungen nur mit Nachnamen („Frau Weiß“), die auch eine andere Person meinen "
        "können: bestätigen (ersetzen) oder ablehnen (stehen lassen); sonst wird gefragt",
    )
    _requester_option(erase)
    restrict = command(
        people,
        "restrict",
        "Verarbeitung einschränken (Art. 18 DSGVO): keine Einladung, kein Export, keine Änderung",
        cmd_restrict,
    )
    restrict.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    restrict.add_argument(
        "--grund", required=True, metavar="TEXT", help="warum, z. B. „Richtigkeit bestritten“"
    )
    unrestrict = command(
        people, "unrestrict", "Einschränkung der Verarbeitung aufheben", cmd_unrestrict
    )
    unrestrict.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    objection = command(
        people,
        "object",
        "Widerspruch (Art. 21 DSGVO) erfassen oder darüber entscheiden",
        cmd_object,
    )
    objection.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    objection.add_argument(
        "--bereich", metavar="TEXT", help="wogegen, z. B. „Einladungen“, „Fotos“"
    )
    objection.add_argument("--grund", default="", metavar="TEXT", help="Begründung der Person")
    objection.add_argument("--ergebnis", metavar="TEXT", help="Entscheidung, z. B. „stattgegeben“")
    objection.add_argument(
        "--widerspruch",
        type=number,
        metavar="NR",
        help="über diesen erfassten Widerspruch entscheiden (mit --ergebnis)",
    )


def _requester_option(parser: Any) -> None:
    parser.add_argument(
        "--anfrage-von",
        dest="requester",
        default="",
        metavar="NAME",
        help="wer angefragt hat und wie (z. B. „die Person, Brief vom 02.11.“); steht im "
        "Änderungsprotokoll und bei der Anfrage",
    )


def cmd_list(args: argparse.Namespace) -> int:
    if args.art14_offen:
        from koordination.cli.consents import print_art14_open

        return print_art14_open(args)
    from koordination.services.directory.listing import list_people
    from koordination.services.directory.search import PeopleFilter

    core = open_core(args)
    f = PeopleFilter(
        search=args.search,
        sector=args.sector,
        # the directory service (and its imports) only when a group is named
        group_id=group_id(core.directory, args.group) if args.group else None,
        tag=args.tag,
        archived=args.archived,
    )
    rows = list_people(core.db, core.clock.today(), f)
    if args.json:
        from koordination.outputs.builders.directory import person_row_json

        print_json([person_row_json(r) for r in rows])
        return 0
    table(
        [
            (
                str(r.id),
                f"{r.name} (eingeschränkt)" if r.restricted else r.name,
                ", ".join(r.emails),
                r.organisation,
                r.sector.label if r.sector else "",
                ", ".join(r.groups),
            )
            for r in rows
        ],
        ("Nr.", "Name", "E-Mail", "Organisation", "Sektor", "Gruppen"),
    )
    note(f"{len(rows)} Personen")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from koordination.outputs.builders.directory import person_json

    core = open_core(args)
    person = core.directory.get_person(args.id)
    if args.json:
        print_json(person_json(person))
        return 0
    _print_person(person, core.clock.today())
    return 0


def _print_person(p: Any, today: Any) -> None:
    from koordination.domain.inputs.validation import format_date
    from koordination.services.privacy.restriction import restriction_note

    print(f"{p.display_name} (Nr. {p.id}){' – archiviert' if p.archived else ''}")
    if p.restricted_at is not None:
        print(f"  {restriction_note(p)}")
    if p.archived and p.archive_reason:
        print(f"  Archiviert, weil: {p.archive_reason}")
    if p.salutation:
        print(f"  Anrede:        {p.salutation}")
    print(f"  E-Mail:        {', '.join(p.emails) or '–'}")
    print(f"  Telefon:       {', '.join(p.phones) or '–'}")
    if p.postal_address:
        print(f"  Anschrift:     {p.postal_address.replace(chr(10), ', ')}")
    print(f"  Einladungsweg: {p.preferred_channel.label}")
    if p.tags:
        print(f"  Schlagworte:   {', '.join(p.tags)}")
    print("  Organisationen:")
    for a in p.affiliations:
        span = f"{format_date(a.valid_from) or '…'} – {format_date(a.valid_to) or 'heute'}"
        print(f"    {a.organisation_name} ({a.sector.label}), {a.function or '–'}, {span}")
    print("  Gruppen:")
    for m in p.memberships:
        ended = "" if m.current(today) else f" (bis {format_date(m.valid_to)})"
        print(f"    {m.group_name}: {m.role.label}{ended}")
    print("  Einwilligungen:")
    for c in p.consents:
        state = f"widerrufen am {c.withdrawn_at:%d.%m.%Y}" if c.withdrawn_at else "gültig"
        given = f"erteilt am {c.given_at:%d.%m.%Y}"
        print(f"    {c.purpose.label}: {given}, {state}")
        proof = [f"Fassung {c.text_version}" if c.text_version else "ohne Fassung"]
        proof += [c.channel.label] if c.channel else []
        proof += [f"Nachweis: {c.evidence}"] if c.evidence else []
        proof += [f"Widerruf: {c.withdrawal_channel.label}"] if c.withdrawal_channel else []
        print(f"      {', '.join(proof)}")
    if p.art14_source:
        informed = (
            f"informiert am {p.art14_informed_at:%d.%m.%Y}"
            if p.art14_informed_at
            else "Art. 14 Information offen"
        )
        print(f"  Herkunft:      {p.art14_source} ({informed})")
    if p.objections:
        print("  Widersprüche (Art. 21 DSGVO):")
    for o in p.objections:
        print(f"    Nr. {o.id} {o.scope}, eingegangen am {format_date(o.received_at.date())}")
        if o.reason:
            print(f"      Grund: {o.reason}")
        decided = f"entschieden am {format_date(o.decided_at.date())}: " if o.decided_at else ""
        print(f"      {decided}{o.outcome or 'noch nicht entschieden'}")
    if p.notes:
        print(f"  Notizen: {p.notes}")


def cmd_export_data(args: argparse.Namespace) -> int:
    """`people export-data NR --format pdf|docx|odt|json [-o DATEI] [--anfrage-von NAME]`:
    Auskunft nach Art. 15/20 DSGVO."""
    from koordination.outputs.registry import PersonRequest, produce

    core = open_core(args)
    subject = PersonRequest(args.id, args.requester)
    path = produce(core, "auskunft", subject, args.format, args.output)
    kind = _LETTER_KINDS.get(args.format, args.format.upper())
    print(f"Auskunft zu Person Nr. {args.id} {kind} geschrieben: {path}")
    # What the office checks before sending: never silently in the letter.
    review = core.privacy.access_review(args.id).lines()
    if review:
        print("Vor dem Versand prüfen:")
        print("\n".join(review))
    return 0


#: How ``people export-data`` names what it wrote.
_LETTER_KINDS = {
    "json": "maschinenlesbar (JSON)",
    "pdf": "als Brief (PDF)",
    "docx": "als Brief zum Bearbeiten (DOCX)",
    "odt": "als Brief zum Bearbeiten (ODT)",
}


def _mask_surnames(privacy: Any, args: argparse.Namespace) -> bool | None:
    """Whether to replace the mentions by family name only that may mean someone else: the
    option, else the answer on the terminal; ``None``: stop, nothing is erased."""
    found = privacy.surnames_to_confirm(args.id)
    if not found or args.masken is not None:
        return bool(found) and args.masken == "bestätigen"
    err(f"{len(found)} Erwähnung(en) nur mit Nachnamen können auch eine andere Person meinen:")
    for mention in found:
        err(f"  {mention.where}, {mention.field}: {mention.excerpt}")
    if not sys.stdin.isatty():
        raise KoordinationError(
            f"Person Nr. {args.id} wird erst gelöscht, wenn feststeht, ob diese Erwähnungen "
            "ersetzt werden. Ohne Terminal zum Nachfragen bitte --masken bestätigen (ersetzen) "
            "oder --masken ablehnen (stehen lassen) angeben. Es wurde nichts gelöscht."
        )
    sys.stderr.write("Meinen diese Erwähnungen die Person? Dann werden sie ersetzt. [j/n]: ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("j", "ja", "n", "nein"):
        err("Abgebrochen: es wurde nichts gelöscht (bitte j oder n antworten).")
        return None
    return answer.startswith("j")


def cmd_erase(args: argparse.Namespace) -> int:
    """`people erase NR [--yes] [--masken bestätigen|ablehnen] [--anfrage-von NAME]`: Löschen
    nach Art. 17 DSGVO, nach Rückfrage."""
    privacy = open_core(args).privacy
    name = privacy.person_to_erase(args.id)
    mask = _mask_surnames(privacy, args)
    if mask is None:
        return 1
    if not args.yes:
        if not sys.stdin.isatty():
            raise KoordinationError(
                f"Person Nr. {args.id} wird nur nach Bestätigung gelöscht. Ohne Terminal zum "
                "Nachfragen bitte --yes angeben (die Löschung lässt sich nur aus einer "
                "Sicherung rückgängig machen)."
            )
        err(
            "Alle Personendaten werden überall entfernt; Protokolle und Statistiken behalten "
            "„N. N.“ mit dem Sektor, mit der Organisation nur, wo sie die Person nicht verrät; "
            "Mitgliedschaften enden heute. Rückgängig nur aus einer Sicherung."
        )
        sys.stderr.write(
            f"Person Nr. {args.id} „{name}“ endgültig löschen? Tippen Sie {CONFIRM_WORD}: "
        )
        sys.stderr.flush()
        answer = sys.stdin.readline()
        if answer.strip().upper() != CONFIRM_WORD:
            err("Abgebrochen: es wurde nichts gelöscht.")
            return 1
    report = privacy.erase_person(args.id, requester=args.requester, mask_surnames=mask)
    print(report.summary())
    _print_copies_holding(privacy.copies_holding(args.id))
    return 0


def _print_copies_holding(copies: list[HeldCopy]) -> None:
    """Backups cannot be changed: say which still hold the person and when they go."""
    if not copies:
        print("Keine der Sicherungen im Datenordner enthält die Person noch.")
        return
    count = "einer Sicherung" if len(copies) == 1 else f"{len(copies)} Sicherungen"
    print(f"Die Person steht noch in {count}:")
    for copy in copies:
        print(f"  {copy.path} ({copy.kind}): {copy.removal}")
    print(
        "Wird eine davon zurückgespielt (db restore), löscht koordination die Person danach "
        "gleich wieder. Sicherungen an anderen Orten (z. B. USB-Stick) bitte selbst prüfen."
    )


def cmd_restrict(args: argparse.Namespace) -> int:
    """`people restrict NR --grund TEXT`: Einschränkung der Verarbeitung (Art. 18 DSGVO)."""
    restriction = open_core(args).restrictions.restrict(args.id, args.grund)
    print(
        f"Die Verarbeitung von Person Nr. {args.id} ist ab jetzt eingeschränkt: "
        f"{restriction.reason}. Sie bekommt keine Einladung, steht in keinem Export und keinen "
        "offenen Daten und kann nicht bearbeitet werden. Aufheben mit "
        f"„koordination people unrestrict {args.id}“."
    )
    return 0


def cmd_unrestrict(args: argparse.Namespace) -> int:
    """`people unrestrict NR`: die Einschränkung aufheben."""
    open_core(args).restrictions.lift(args.id)
    print(f"Die Einschränkung der Verarbeitung von Person Nr. {args.id} ist aufgehoben.")
    return 0


def cmd_object(args: argparse.Namespace) -> int:
    """`people object NR --bereich TEXT [--grund TEXT] [--ergebnis TEXT]` erfasst einen
    Widerspruch (Art. 21 DSGVO); `--widerspruch NR --ergebnis TEXT` entscheidet darüber."""
    objections = open_core(args).objections
    if args.widerspruch is not None:
        if not args.ergebnis:
            raise KoordinationError(
                f"Bitte mit --ergebnis angeben, wie über Widerspruch Nr. {args.widerspruch} "
                "entschieden wurde (z. B. --ergebnis „stattgegeben“)."
            )
        decided = objections.decide(args.widerspruch, args.ergebnis, person_id=args.id)
        print(f"Widerspruch Nr. {decided.id} ({decided.scope}) entschieden: {decided.outcome}")
        return 0
    if not args.bereich:
        raise KoordinationError(
            "Bitte mit --bereich angeben, wogegen sich der Widerspruch richtet (z. B. "
            "--bereich Einladungen), oder mit --widerspruch NR --ergebnis TEXT über einen "
            "erfassten entscheiden."
        )
    recorded = objections.record(args.id, args.bereich, args.grund, outcome=args.ergebnis or "")
    state = f"entschieden: {recorded.outcome}" if recorded.outcome else "noch nicht entschieden"
    print(
        f"Widerspruch Nr. {recorded.id} von Person Nr. {args.id} gegen „{recorded.scope}“ "
        f"erfasst ({state})."
    )
    return 0
