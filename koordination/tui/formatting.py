"""Records turned into the German text the detail panes and the overview show (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from textual.markup import escape

from koordination.domain.enums import Sector
from koordination.domain.records import (
    CityProfileRecord,
    GroupRecord,
    OrganisationRecord,
    Overview,
    PersonRecord,
)

BERLIN = ZoneInfo("Europe/Berlin")


def number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}".replace(",", ".")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date() if value.tzinfo else value.date()
    return value.strftime("%d.%m.%Y")


def period(valid_from: date | None, valid_to: date | None) -> str:
    if valid_from and valid_to:
        return f"{day(valid_from)} – {day(valid_to)}"
    if valid_from:
        return f"seit {day(valid_from)}"
    if valid_to:
        return f"bis {day(valid_to)}"
    return ""


def _section(title: str, lines: Iterable[str], empty: str = "–") -> list[str]:
    body = list(lines)
    return ["", f"[b]{title}[/b]", *(body or [f"  [dim]{empty}[/dim]"])]


def _field(label: str, value: str) -> str:
    return f"  [dim]{label}:[/dim] {escape(value)}" if value else ""


def person_detail(p: PersonRecord, today: date) -> str:
    head = escape(" ".join(x for x in (p.salutation, p.display_name) if x))
    lines = [f"[b]{head}[/b]" + ("  [reverse] archiviert [/reverse]" if p.archived else "")]
    lines += [f"  [dim]Nr. {p.id}[/dim]"]
    contact = [_field("E-Mail", e) for e in p.emails] + [_field("Telefon", t) for t in p.phones]
    contact += [_field("Post", p.postal_address.replace("\n", ", "))]
    contact += [_field("Einladungsweg", p.preferred_channel.label)]
    lines += _section("Kontakt", [c for c in contact if c])
    orgs = []
    for a in p.affiliations:
        when = period(a.valid_from, a.valid_to)
        state = "" if a.current(today) else " [dim](beendet)[/dim]"
        detail = ", ".join(x for x in (a.function, a.sector.label, when) if x)
        orgs.append(f"  • {escape(a.organisation_name)} [dim]({escape(detail)})[/dim]{state}")
    lines += _section("Organisationen", orgs)
    groups = []
    for m in p.memberships:
        state = "" if m.current(today) else " [dim](beendet)[/dim]"
        rep = f", für {m.representing_name}" if m.representing_name else ""
        groups.append(
            f"  • {escape(m.group_name)} [dim]({escape(m.role.label + rep)})[/dim]{state}"
        )
    lines += _section("Gruppen", groups)
    consents = []
    for c in p.consents:
        if c.active:
            state = f"[green]erteilt am {day(c.given_at)}[/green]"
        else:
            state = f"[red]widerrufen am {day(c.withdrawn_at)}[/red] (erteilt {day(c.given_at)})"
        version = f", Text {c.text_version}" if c.text_version else ""
        consents.append(f"  • {escape(c.purpose.label)}: {state}")
        consents.append(f"    [dim]{escape(c.legal_basis.label + version)}[/dim]")
    lines += _section("Einwilligungen", consents, "keine erfasst")
    if p.tags:
        lines += _section("Schlagworte", ["  " + escape(", ".join(p.tags))])
    if p.notes:
        lines += _section("Notizen", ["  " + escape(p.notes)])
    return "\n".join(lines)


def organisation_detail(o: OrganisationRecord, today: date) -> str:
    lines = [
        f"[b]{escape(o.name)}[/b]" + ("  [reverse] archiviert [/reverse]" if o.archived else "")
    ]
    lines += [f"  [dim]Nr. {o.id} · {o.sector.label} · {o.kind.label}[/dim]"]
    contact = [
        _field("Kurzname", o.short_name),
        _field("Anschrift", o.address.replace("\n", ", ")),
        _field("Telefon", o.phone),
        _field("E-Mail", o.email),
        _field("Webseite", o.website),
    ]
    lines += _section("Kontakt", [c for c in contact if c])
    people = [
        f"  • {escape(a.person_name)}"
        + (f" [dim]({escape(a.function)})[/dim]" if a.function else "")
        for a in o.people
        if a.current(today)
    ]
    lines += _section("Personen", people)
    lines += _section("Gruppen", [f"  • {escape(g)}" for g in o.groups])
    if o.notes:
        lines += _section("Notizen", ["  " + escape(o.notes)])
    return "\n".join(lines)


def missing_sectors_warning(g: GroupRecord) -> str:
    missing = g.missing_core_sectors
    if not missing:
        return ""
    names = " und ".join(s.label for s in missing)
    return (
        f"⚠ Es fehlt {names}. Die Engagierte Stadt lebt von der Zusammenarbeit "
        "von Zivilgesellschaft und Verwaltung."
    )


def group_detail(g: GroupRecord, today: date) -> str:
    lines = [
        f"[b]{escape(g.name)}[/b]" + ("  [reverse] archiviert [/reverse]" if g.archived else "")
    ]
    sub = f"Nr. {g.id} · {g.kind.label}"
    if g.parent_name:
        sub += f" · gehört zu {g.parent_name}"
    lines += [f"  [dim]{escape(sub)}[/dim]"]
    if g.description:
        lines += ["", "  " + escape(g.description)]
    balance = [f"  {s.label:<18} {g.sector_balance.get(s, 0):>3}" for s in Sector]
    lines += _section("Sektoren (aktuelle Mitglieder)", balance)
    current = [m for m in g.members if m.current(today)]
    members = []
    for m in sorted(current, key=lambda m: (m.role != m.role.SPRECHER, m.person_name)):
        extra = [m.role.label]
        if m.representing_name:
            extra.append(f"für {m.representing_name}")
        elif m.sector:
            extra.append(m.sector.label)
        members.append(f"  • {escape(m.person_name)} [dim]({escape(', '.join(extra))})[/dim]")
    lines += _section(f"Mitglieder ({len(current)})", members)
    former = [m for m in g.members if not m.current(today)]
    if former:
        lines += _section(
            "Frühere Mitglieder",
            [
                f"  [dim]• {escape(m.person_name)} ({escape(period(m.valid_from, m.valid_to))})"
                "[/dim]"
                for m in former
            ],
        )
    return "\n".join(lines)


def city_summary(city: CityProfileRecord | None) -> str:
    if city is None:
        return (
            "[b]Noch kein Stadtprofil[/b]\n"
            "  [dim]Bitte unter „Stadtprofil“ (Taste 5) anlegen.[/dim]"
        )
    rows = [
        ("Bundesland", city.bundesland.label if city.bundesland else "–"),
        ("Einwohner", number(city.inhabitants)),
        ("Im Netzwerk seit", str(city.network_since) if city.network_since else "–"),
        ("Tandempartner", city.tandem_partner or "–"),
        ("Schwerpunkt", city.focus or "–"),
    ]
    lines = [f"[b]{escape(city.name)}[/b]", ""]
    lines += [f"  [dim]{label:<17}[/dim] {escape(value)}" for label, value in rows]
    return "\n".join(lines)


def sector_table(overview: Overview) -> str:
    lines = [f"[b]{'Sektor':<20}{'Personen':>10}{'Organisationen':>16}[/b]"]
    for s in Sector:
        people = overview.people_per_sector.get(s, 0)
        orgs = overview.organisations_per_sector.get(s, 0)
        lines.append(f"{s.label:<20}{number(people):>10}{number(orgs):>16}")
    unknown = overview.people_per_sector.get(None, 0)
    if unknown:
        lines.append(f"[dim]{'ohne Organisation':<20}{number(unknown):>10}{'':>16}[/dim]")
    lines.append(
        f"[b]{'Gesamt':<20}{number(overview.people_total):>10}"
        f"{number(overview.organisations_total):>16}[/b]"
    )
    return "\n".join(lines)


def groups_table(overview: Overview) -> str:
    if not overview.groups:
        return "[b]Gruppen[/b]\n  [dim]Noch keine Gruppen.[/dim]"
    lines = [f"[b]{'Gruppe':<40}{'Art':<28}{'Mitglieder':>10}[/b]"]
    for g in overview.groups:
        name = g.name if len(g.name) <= 38 else g.name[:37] + "…"
        lines.append(f"{escape(name):<40}{g.kind.label:<28}{g.members:>10}")
    return "\n".join(lines)
