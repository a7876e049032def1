"""`koordination people consent …` and the Art. 14 flag: the catalogue of consent texts,
consents given and withdrawn with their proof, who still awaits the Art. 14 information.

Registered below `people` (see ``people.register``); only a `people` command loads it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from koordination.cli.common import actions, command, note, number, open_core, print_json, table
from koordination.errors import KoordinationError, ValidationError

#: The option that gives each field of a consent, for the German messages.
_OPTIONS = {
    "Zweck": "--zweck",
    "Fassung": "--version",
    "Kanal": "--kanal",
    "Nachweis": "--nachweis",
    "Erteilt am": "--am",
    "Widerrufen am": "--am",
    "Informiert am": "--am",
    "Wortlaut": "--text",
    "Gültig ab": "--ab",
}


def register(people: Any) -> None:
    """`people consent …`, `people art14-informed` and `people list --art14-offen`."""
    consent = actions(
        command(
            people,
            "consent",
            "Einwilligungen: Katalog der Texte, erteilen, widerrufen",
        ),
        "consent_command",
    )
    texts = command(consent, "texts", "Katalog der Einwilligungstexte anzeigen", cmd_texts)
    texts.add_argument("--zweck", metavar="ZWECK", help="nur dieser Zweck")
    texts.add_argument("--json", action="store_true", help="als JSON ausgeben")

    text_add = command(
        consent, "text-add", "neue Fassung eines Einwilligungstextes anlegen", cmd_text_add
    )
    text_add.add_argument("--zweck", metavar="ZWECK", help="z. B. Einladungen, Fotos")
    text_add.add_argument(
        "--version", "--fassung", dest="text_version", metavar="FASSUNG", help="z. B. 2026-01"
    )
    text_add.add_argument("--ab", metavar="DATUM", help="gültig ab (TT.MM.JJJJ)")
    wording = text_add.add_mutually_exclusive_group()
    wording.add_argument("--text", metavar="TEXT", help="der Wortlaut")
    wording.add_argument(
        "--datei", type=Path, metavar="DATEI", help="der Wortlaut aus einer Textdatei (UTF-8)"
    )

    add = command(
        consent, "add", "Einwilligung erfassen: Text (Fassung), Kanal und Nachweis", cmd_add
    )
    add.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    add.add_argument("--zweck", metavar="ZWECK", help="z. B. Einladungen, Fotos")
    add.add_argument(
        "--version",
        "--fassung",
        dest="text_version",
        metavar="FASSUNG",
        help="die Fassung aus dem Katalog, der zugestimmt wurde",
    )
    add.add_argument("--kanal", metavar="KANAL", help="Formular, E-Mail oder mündlich")
    add.add_argument(
        "--nachweis", metavar="TEXT", help="wo der Nachweis liegt, z. B. „Formular Nr. 12“"
    )
    add.add_argument("--am", metavar="DATUM", help="erteilt am (TT.MM.JJJJ, sonst heute)")

    withdraw = command(
        consent, "withdraw", "Einwilligung widerrufen (alle gültigen dieses Zwecks)", cmd_withdraw
    )
    withdraw.add_argument("id", metavar="NR", type=number, help="Nummer der Person")
    withdraw.add_argument("--zweck", metavar="ZWECK", help="z. B. Einladungen, Fotos")
    withdraw.add_argument("--kanal", metavar="KANAL", help="wie der Widerruf kam")
    withdraw.add_argument("--am", metavar="DATUM", help="widerrufen am (TT.MM.JJJJ, sonst heute)")

    informed = command(
        people,
        "art14-informed",
        "Information nach Art. 14 DSGVO an importierte Personen als versandt vermerken",
        cmd_art14_informed,
    )
    informed.add_argument("ids", metavar="NR", type=number, nargs="+", help="Nummern der Personen")
    informed.add_argument("--am", metavar="DATUM", help="versandt am (TT.MM.JJJJ, sonst heute)")

    listing = people.choices["list"]
    listing.add_argument(
        "--art14-offen",
        action="store_true",
        help="nur importierte Personen, denen die Information nach Art. 14 DSGVO noch fehlt",
    )


def refused(exc: ValidationError) -> KoordinationError:
    """A validation error that names the options to correct."""
    lines = []
    for e in exc.errors:
        option = _OPTIONS.get(e.field)
        lines.append(f"  {option} ({e.field}): {e.message}" if option else f"  {e}")
    return KoordinationError(
        "Bitte korrigieren:\n" + "\n".join(lines) + "\nEs wurde nichts gespeichert."
    )


def _checked(built: tuple[Any, list[Any]]) -> Any:
    data, problems = built
    if data is None:
        raise refused(ValidationError(problems))
    return data


def cmd_texts(args: argparse.Namespace) -> int:
    from koordination.domain.enums import ConsentPurpose
    from koordination.domain.inputs.directory import build_consent_text

    purpose = None
    if args.zweck:
        # The catalogue's own check of a purpose, for the same message.
        purpose = ConsentPurpose.parse(args.zweck)
        if purpose is None:
            _checked(build_consent_text({"purpose": args.zweck, "version": "x", "wording": "x"}))
    texts = open_core(args).consents.texts(purpose)
    if args.json:
        print_json(
            [
                {
                    "zweck": t.purpose.label,
                    "fassung": t.version,
                    "gueltig_ab": t.valid_from.isoformat(),
                    "wortlaut": t.wording,
                }
                for t in texts
            ]
        )
        return 0
    for t in texts:
        print(t.label)
        for line in t.wording.splitlines():
            print(f"  {line}")
    note(
        f"{len(texts)} Einwilligungstexte"
        if texts
        else "Der Katalog ist leer: koordination people consent text-add --zweck Einladungen "
        "--version 2026-01 --ab 01.01.2026 --text '…'"
    )
    return 0


def cmd_text_add(args: argparse.Namespace) -> int:
    from koordination.domain.inputs.directory import build_consent_text

    wording = args.text
    if args.datei is not None:
        try:
            wording = args.datei.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KoordinationError(
                f"Die Datei {args.datei} kann nicht als Text (UTF-8) gelesen werden. "
                "Es wurde nichts gespeichert."
            ) from exc
    data = _checked(
        build_consent_text(
            {
                "purpose": args.zweck,
                "version": args.text_version,
                "wording": wording,
                "valid_from": args.ab,
            }
        )
    )
    try:
        text = open_core(args).consents.add_text(data)
    except ValidationError as exc:
        raise refused(exc) from None
    print(f"Angelegt: {text.label}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from koordination.domain.inputs.directory import build_consent

    core = open_core(args)
    data = _checked(
        build_consent(
            {
                "purpose": args.zweck,
                "version": args.text_version,
                "channel": args.kanal,
                "evidence": args.nachweis,
                "given_at": args.am,
            },
            core.clock.now(),
        )
    )
    try:
        consent = core.consents.give(args.id, data)
    except ValidationError as exc:
        raise refused(exc) from None
    print(
        f"Einwilligung „{consent.purpose.label}“ (Fassung {consent.text_version}) für Person "
        f"Nr. {args.id} erfasst: {consent.given_at:%d.%m.%Y}, {data.channel.label}, "
        f"Nachweis: {consent.evidence}"
    )
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from koordination.domain.inputs.directory import build_withdrawal

    core = open_core(args)
    data = _checked(
        build_withdrawal(
            {"purpose": args.zweck, "channel": args.kanal, "withdrawn_at": args.am},
            core.clock.now(),
        )
    )
    try:
        ended = core.consents.withdraw(args.id, data)
    except ValidationError as exc:
        raise refused(exc) from None
    versions = ", ".join(c.text_version or "ohne Fassung" for c in ended)
    print(
        f"Einwilligung „{data.purpose.label}“ ({versions}) für Person Nr. {args.id} widerrufen "
        f"({data.channel.label}). Ab jetzt wird sie dafür nicht mehr verwendet."
    )
    return 0


def cmd_art14_informed(args: argparse.Namespace) -> int:
    from koordination.domain.inputs.directory import instant
    from koordination.domain.inputs.validation import date_value
    from koordination.errors import FieldError

    core = open_core(args)
    problems: list[FieldError] = []
    day = date_value({"am": args.am}, "am", "Informiert am", problems)
    if problems:
        raise refused(ValidationError(problems))
    try:
        count = core.art14.mark_informed(args.ids, instant(day, core.clock.now()))
    except ValidationError as exc:
        raise refused(exc) from None
    print(f"Information nach Art. 14 DSGVO vermerkt: {count} Personen.")
    return 0


def print_art14_open(args: argparse.Namespace) -> int:
    """`people list --art14-offen`: who still awaits the Art. 14 information."""
    from koordination.services.art14 import ART14_OPEN

    rows = open_core(args).art14.open()
    if args.json:
        print_json(
            [
                {"nr": r.id, "name": r.name, "herkunft": r.source, "seit": r.since.isoformat()}
                for r in rows
            ]
        )
        return 0
    table(
        [(str(r.id), r.name, r.source, f"{r.since:%d.%m.%Y}") for r in rows],
        ("Nr.", "Name", "Herkunft", "seit"),
    )
    note(f"{len(rows)} Personen: {ART14_OPEN}")
    return 0
