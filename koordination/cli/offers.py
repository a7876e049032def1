"""`koordination angebote`: the engagement opportunities (Mitwirkungsmöglichkeiten) of the
network's organisations: list and show them, add, edit, confirm and close them, publish them
as a website with calendar feed and printable Wegweiser, and remind their contacts."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from koordination.cli.common import (
    actions,
    command,
    cut,
    day,
    note,
    number,
    open_core,
    print_json,
    progress,
    table,
)
from koordination.errors import KoordinationError

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.offers import OfferRecord

EXAMPLES: dict[str, tuple[str, ...]] = {
    "angebote": (
        "koordination angebote list --offen --stadtteil Nordstadt",
        "koordination angebote publish -o ~/Website/angebote",
    ),
    "list": (
        "koordination angebote list --offen --stadtteil Nordstadt",
        "koordination angebote list --zu-pruefen --monate 6",
        "koordination angebote list --art einmalig --passt 'für Jugendliche' --json",
    ),
    "show": ("koordination angebote show 4",),
    "add": (
        "koordination angebote add --organisation 'Bürgerverein Nordstadt e.V.' "
        "--titel 'Helferinnen für das Stadtteilfest' --art einmalig "
        "--beginn '12.06.2027 10:00' --ende 18:00 --ort 'Marktplatz' --stadtteil Nordstadt",
        "koordination angebote add --organisation 12 --titel Lesepaten --art regelmäßig "
        "--stunden 2 --je Woche --online --passt 'ohne Vorkenntnisse, für Ältere' --kontakt 34",
    ),
    "edit": (
        "koordination angebote edit 4 --stunden 3 --je Monat",
        "koordination angebote edit 4 --kontakt keine --bis 31.12.2027",
    ),
    "confirm": (
        "koordination angebote confirm 4",
        "koordination angebote confirm 4 --bis 30.06.2027",
    ),
    "close": ("koordination angebote close 4",),
    "publish": (
        "koordination angebote publish",
        "koordination angebote publish -o /srv/www/engagement",
    ),
    "erinnern": (
        "koordination angebote erinnern --dry-run",
        "koordination angebote erinnern   # z. B. wöchentlich per cron",
    ),
}


def register(sub: Any) -> None:
    root = command(
        sub,
        "angebote",
        "Mitwirkungsmöglichkeiten: Engagement-Angebote pflegen und veröffentlichen",
        examples=EXAMPLES["angebote"],
    )
    offers = actions(root, "offers_command")

    listing = _cmd(offers, "list", "Angebote auflisten", cmd_list)
    listing.add_argument("--offen", action="store_true", help="nur offene, nicht abgelaufene")
    listing.add_argument(
        "--stadtteil", metavar="STADTTEIL", default="", help="nur dieser Stadtteil"
    )
    listing.add_argument("--art", metavar="ART", help="einmalig, kurzzeitig oder regelmäßig")
    listing.add_argument(
        "--passt", metavar="SCHLAGWORT", default="", help="z. B. 'für Jugendliche'"
    )
    listing.add_argument("--thema", metavar="HANDLUNGSFELD", help="Handlungsfeld (Titel oder Nr.)")
    listing.add_argument(
        "--zu-pruefen",
        dest="review",
        action="store_true",
        help="nur offene, die seit --monate Monaten niemand bestätigt hat",
    )
    listing.add_argument("--monate", type=number, default=6, help="Prüfzeitraum (Standard: 6)")
    listing.add_argument("--json", action="store_true", help="als JSON-Liste ausgeben")

    show = _cmd(offers, "show", "ein Angebot mit allen Angaben zeigen", cmd_show)
    show.add_argument("id", type=number, metavar="NR")
    show.add_argument("--json", action="store_true", help="als JSON ausgeben")

    add = _cmd(offers, "add", "ein Angebot anlegen", cmd_add)
    _offer_options(add, new=True)
    edit = _cmd(offers, "edit", "ein Angebot ändern (nur die genannten Angaben)", cmd_edit)
    edit.add_argument("id", type=number, metavar="NR")
    _offer_options(edit, new=False)

    confirm = _cmd(offers, "confirm", "bestätigen, dass ein Angebot noch aktuell ist", cmd_confirm)
    confirm.add_argument("id", type=number, metavar="NR")
    confirm.add_argument("--bis", type=day, metavar="DATUM", help="neues Ablaufdatum")
    close = _cmd(offers, "close", "ein Angebot als besetzt schließen", cmd_close)
    close.add_argument("id", type=number, metavar="NR")

    publish = _cmd(
        offers,
        "publish",
        "als Website-Ordner veröffentlichen (mit Kalender und Wegweiser als PDF)",
        cmd_publish,
    )
    publish.add_argument(
        "-o",
        "--output",
        metavar="ORDNER",
        help="Zielordner (Standard: „angebote“ im Export-Ordner); eine frühere "
        "Veröffentlichung dort wird ersetzt",
    )
    remind = _cmd(
        offers,
        "erinnern",
        "Kontakte per E-Mail fragen, ob ihre Angebote noch aktuell sind (einmal je Zeitraum)",
        cmd_remind,
    )
    remind.add_argument("--dry-run", action="store_true", help="nur zeigen, nichts senden")
    remind.add_argument("--monate", type=number, default=6, help="Prüfzeitraum (Standard: 6)")


def _cmd(group: Any, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    return command(group, name, help_text, handler, examples=EXAMPLES[name])


def _offer_options(p: argparse.ArgumentParser, *, new: bool) -> None:
    p.add_argument(
        "--organisation",
        metavar="ORGANISATION",
        required=new,
        help="anbietende Organisation (Name oder Nr.)",
    )
    p.add_argument("--titel", metavar="TITEL", required=new)
    p.add_argument("--art", metavar="ART", required=new, help="einmalig, kurzzeitig, regelmäßig")
    p.add_argument("--beschreibung", metavar="TEXT", help="worum es geht")
    p.add_argument("--gebraucht", metavar="TEXT", help="was gebraucht wird")
    p.add_argument("--stunden", metavar="ZAHL", help="Zeitaufwand in Stunden, z. B. 2 oder 1,5")
    p.add_argument("--je", metavar="ZEITRAUM", help="Woche, Monat oder insgesamt")
    p.add_argument("--beginn", metavar="ZEITPUNKT", help="z. B. '12.06.2027 10:00'")
    p.add_argument("--ende", metavar="ZEITPUNKT", help="z. B. 18:00 oder '13.06.2027 16:00'")
    p.add_argument("--ort", metavar="ORT", help="Adresse oder Treffpunkt")
    p.add_argument("--stadtteil", metavar="STADTTEIL")
    online = p.add_mutually_exclusive_group()
    online.add_argument("--online", dest="online", action="store_true", default=None)
    online.add_argument("--vor-ort", dest="online", action="store_false", help="nicht online")
    p.add_argument("--passt", metavar="SCHLAGWÖRTER", help="für wen, mit Komma getrennt")
    p.add_argument("--thema", metavar="HANDLUNGSFELD", help="Handlungsfeld (Titel oder Nr.)")
    p.add_argument(
        "--kontakt", metavar="PERSON", help="Nr. der Kontaktperson, „keine“: die Organisation"
    )
    p.add_argument("--bis", metavar="DATUM", help="Ablaufdatum (sonst Termin-Ende bzw. 6 Monate)")


# --------------------------------------------------------------------------- reading


def _field_id(core: Core, text: str | None) -> int | None:
    if not text:
        return None
    for field in core.fields.tree(include_archived=True):
        if str(field.id) == text.strip() or field.title.casefold() == text.strip().casefold():
            return field.id
    raise KoordinationError(
        f"Das Handlungsfeld „{text}“ gibt es nicht. `koordination fields list` zeigt alle."
    )


def _organisation_id(core: Core, text: str) -> int:
    found = core.directory.find_organisation(text)
    if found is not None:
        return found.id
    if text.strip().isdecimal():
        return int(text)  # the service names a number that does not exist
    raise KoordinationError(
        f"Die Organisation „{text}“ gibt es nicht. `koordination organisations list` zeigt alle."
    )


#: The list cuts a longer title with "…" (`angebote show` prints it whole).
TITLE_WIDTH = 50


def cmd_list(args: argparse.Namespace) -> int:
    from koordination.clock import CITY_ZONE
    from koordination.domain.enums import OfferKind
    from koordination.services.offers.service import OfferFilter

    core = open_core(args)
    if args.review:
        rows = core.offers.review(args.monate)
    else:
        kind = None
        if args.art:
            kind = OfferKind.parse(args.art)
            if kind is None:
                raise KoordinationError(
                    f"„{args.art}“ ist keine Art; möglich sind einmalig, kurzzeitig, regelmäßig."
                )
        f = OfferFilter(
            open_only=args.offen,
            district=args.stadtteil,
            kind=kind,
            tag=args.passt,
            action_field_id=_field_id(core, args.thema),
        )
        rows = core.offers.find(f)
    if args.json:
        print_json([offer_json(r) for r in rows])
        return 0
    table(
        [
            (
                str(r.id),
                cut(r.title, TITLE_WIDTH),
                r.kind.label,
                r.district or ("online" if r.online else "–"),
                r.status.label,
                f"{r.confirmed_at.astimezone(CITY_ZONE):%d.%m.%Y}",
                f"{r.expires_on:%d.%m.%Y}",
            )
            for r in rows
        ],
        ("Nr.", "Titel", "Art", "Stadtteil", "Stand", "Bestätigt", "Bis"),
    )
    what = "zu prüfen" if args.review else ""
    note(" ".join(p for p in (f"{len(rows)} Angebote", what) if p))
    return 0


def offer_json(r: OfferRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "organisation": r.organisation,
        "organisation_id": r.organisation_id,
        "kind": r.kind.value,
        "status": r.status.value,
        "description": r.description,
        "needed": r.needed,
        "hours": r.hours,
        "hours_per": r.hours_per.value if r.hours_per else None,
        "starts_at": r.starts_at.isoformat() if r.starts_at else None,
        "ends_at": r.ends_at.isoformat() if r.ends_at else None,
        "place": r.place,
        "district": r.district,
        "online": r.online,
        "tags": list(r.tags),
        "action_field": r.action_field,
        "contact_person_id": r.contact_person_id,
        "contact": {
            "name": r.contact.name,
            "email": r.contact.email,
            "phone": r.contact.phone,
            "personal": r.contact.personal,
        },
        "expires_on": r.expires_on.isoformat(),
        "confirmed_at": r.confirmed_at.isoformat(),
        "reminded_at": r.reminded_at.isoformat() if r.reminded_at else None,
    }


def cmd_show(args: argparse.Namespace) -> int:
    from koordination.clock import CITY_ZONE
    from koordination.outputs.builders.offers import contact_lines, facts

    record = open_core(args).offers.get(args.id)
    if args.json:
        print_json(offer_json(record))
        return 0
    print(f"Nr. {record.id}: {record.title}")
    rows = [*facts(record), ("Stand", record.status.label)]
    rows.append(("Bestätigt", f"{record.confirmed_at.astimezone(CITY_ZONE):%d.%m.%Y}"))
    if record.reminded_at is not None:
        rows.append(("Erinnert", f"{record.reminded_at.astimezone(CITY_ZONE):%d.%m.%Y}"))
    if record.contact_person:
        shown = "wird veröffentlicht" if record.contact.personal else "ohne Einwilligung zum "
        shown += "" if record.contact.personal else "Teilen nicht veröffentlicht"
        rows.append(
            ("Kontaktperson", f"{record.contact_person} (Nr. {record.contact_person_id}, {shown})")
        )
    rows.append(("Kontakt (öffentlich)", " · ".join(contact_lines(record.contact))))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    for title, text in (
        ("Beschreibung", record.description),
        ("Was gebraucht wird", record.needed),
    ):
        if text.strip():
            print(f"\n{title}:\n{text.strip()}")
    return 0


# --------------------------------------------------------------------------- writing


def _values(args: argparse.Namespace, core: Core) -> dict[str, Any]:
    """The typed options as the form's values (only those given)."""
    values: dict[str, Any] = {}
    if args.organisation is not None:
        values["organisation_id"] = _organisation_id(core, args.organisation)
    for option, key in (
        ("titel", "title"),
        ("art", "kind"),
        ("beschreibung", "description"),
        ("gebraucht", "needed"),
        ("stunden", "hours"),
        ("je", "hours_per"),
        ("beginn", "starts"),
        ("ende", "ends"),
        ("ort", "place"),
        ("stadtteil", "district"),
        ("passt", "tags"),
        ("bis", "expires"),
    ):
        value = getattr(args, option)
        if value is not None:
            values[key] = value.replace("\\n", "\n")
    if args.online is not None:
        values["online"] = args.online
    if args.thema is not None:
        values["action_field_id"] = (
            None if args.thema.strip().lower() == "keins" else _field_id(core, args.thema)
        )
    if args.kontakt is not None:
        text = args.kontakt.strip()
        if text.lower() in ("keine", "keiner", "-"):
            values["contact_person_id"] = None
        elif text.isdecimal():
            values["contact_person_id"] = int(text)
        else:
            raise KoordinationError(
                f"--kontakt: „{text}“ ist keine Personennummer (oder „keine“). "
                "`koordination people list --search NAME` zeigt die Nummer."
            )
    return values


def _build(values: dict[str, Any], core: Core) -> Any:
    from koordination.domain.inputs.offers import build_offer
    from koordination.errors import ValidationError

    data, problems = build_offer(values, core.clock.today())
    if problems:
        raise ValidationError(problems)
    return data


def cmd_add(args: argparse.Namespace) -> int:
    core = open_core(args)
    saved = core.offers.add(_build(_values(args, core), core))
    print(
        f"Angebot Nr. {saved.id} „{saved.title}“ angelegt; veröffentlicht bis "
        f"{saved.expires_on:%d.%m.%Y}."
    )
    _contact_note(saved)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from koordination.domain.inputs.offers import offer_values

    core = open_core(args)
    original = core.offers.get(args.id)
    values = _values(args, core)
    if not values:
        raise KoordinationError("Es wurde nichts zum Ändern angegeben (z. B. --titel oder --bis).")
    saved = core.offers.update(original, _build(offer_values(original) | values, core))
    print(f"Angebot Nr. {saved.id} „{saved.title}“ gespeichert.")
    _contact_note(saved)
    return 0


def _contact_note(saved: OfferRecord) -> None:
    if saved.contact_person_id is not None and not saved.contact.personal:
        note(
            f"Hinweis: {saved.contact_person} wird nicht veröffentlicht (keine Einwilligung "
            "„Kontaktdaten im Netzwerk teilen“); die Website nennt die Organisation."
        )


def cmd_confirm(args: argparse.Namespace) -> int:
    saved = open_core(args).offers.confirm(args.id, args.bis)
    print(
        f"Angebot Nr. {saved.id} „{saved.title}“ ist bestätigt und bis "
        f"{saved.expires_on:%d.%m.%Y} veröffentlicht."
    )
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    saved = open_core(args).offers.close(args.id)
    print(
        f"Angebot Nr. {saved.id} „{saved.title}“ ist besetzt; mit der nächsten "
        "Veröffentlichung verschwindet es von der Website."
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from pathlib import Path

    from koordination.outputs.website import write_site

    core = open_core(args)
    publication = core.offers.publication()
    target = Path(args.output) if args.output else _default_folder()
    summary = write_site(publication, target, progress("Dateien"))
    print(f"Website nach {target.absolute()} geschrieben: {summary}.")
    return 0


def _default_folder() -> Any:
    from koordination.paths import exports_dir

    return exports_dir() / "angebote"


def cmd_remind(args: argparse.Namespace) -> int:
    from koordination.services.offers.reminders import reminder_subject, reminder_text

    core = open_core(args)
    reminders = core.offer_reminders
    if not args.dry_run:
        expired = core.offers.expire()
        if expired:
            note(f"{expired} Angebot(e) sind abgelaufen und werden nicht mehr veröffentlicht.")
    plan = reminders.plan(args.monate)
    for record, reason in plan.unreachable:
        print(f"Keine Erinnerung zu Nr. {record.id} „{record.title}“: {reason}", file=sys.stderr)
    if not plan.messages:
        print("Niemand ist zu erinnern: alle offenen Angebote sind bestätigt oder erinnert.")
        return 0
    if args.dry_run:
        for m in plan.messages:
            numbers = ", ".join(str(o.id) for o in m.offers)
            print(f"würde gesendet: an {m.recipient_name} <{m.email}> zu Nr. {numbers}")
        office, contact = reminders.office()
        first = plan.messages[0]
        print(f"\nBetreff: {reminder_subject(first)}\n")
        print(reminder_text(first, office, contact))
        print(f"{len(plan.messages)} E-Mail(s) würden gesendet (Probelauf, nichts geändert).")
        return 0
    from koordination.delivery.settings import load_smtp_settings

    result = reminders.send(load_smtp_settings(), plan, progress("Erinnerungen"))
    for failure in result.failures:
        print(f"Nicht zugestellt: {failure}", file=sys.stderr)
    print(result.summary())
    return 0 if not result.failures else 1
