"""Records turned into the German text the detail panes and the overview show (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
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


# ---------------------------------------------------------------------------- detail panes
# A detail pane is a column of short sections. Each line is a grid row of a fixed prefix
# ("  • ") and the text, so a line too long for the pane wraps under its own text instead
# of at column 0.

Item = tuple[str, Text]
INDENT = "  "
BULLET = "  • "


def _grid(items: Iterable[Item]) -> Table:
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for prefix, body in items:
        grid.add_row(prefix, body)
    return grid


def _fields(pairs: Iterable[tuple[str, str]]) -> Table:
    """Label: value lines; the values start in one column and wrap there."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for label, value in pairs:
        if value:
            grid.add_row(f"{INDENT}{label}:", value)
    return grid


def ended(valid_to: date | None, today: date) -> bool:
    """An end date was set and has come: shown as "beendet", even on its last day."""
    return valid_to is not None and valid_to <= today


def _section(title: str, body: Table | list[Item], empty: str = "–") -> list[RenderableType]:
    if isinstance(body, list):
        body = _grid(body or [(INDENT, Text(empty, style="dim"))])
    elif body.row_count == 0:
        body = _grid([(INDENT, Text(empty, style="dim"))])
    return [Text(""), Text(title, style="bold"), body]


def _title(name: str, archived: bool, subtitle: str) -> list[RenderableType]:
    head = Text(name, style="bold")
    if archived:
        head.append("  ").append(" archiviert ", style="reverse")
    return [head, _grid([(INDENT, Text(subtitle, style="dim"))])]


def _bullet(name: str, detail: str = "", is_ended: bool = False) -> Item:
    text = Text(name)
    if detail:
        text.append(f" ({detail})", style="dim")
    if is_ended:
        text.append(" (beendet)", style="dim")
    return BULLET, text


def person_detail(p: PersonRecord, today: date) -> RenderableType:
    head = " ".join(x for x in (p.salutation, p.display_name) if x)
    parts = _title(head, p.archived, f"Nr. {p.id}")
    contact = [("E-Mail", e) for e in p.emails] + [("Telefon", t) for t in p.phones]
    contact += [("Post", p.postal_address.replace("\n", ", "))]
    contact += [("Einladungsweg", p.preferred_channel.label)]
    parts += _section("Kontakt", _fields(contact))
    # Current ones first; ended ones stay below as history.
    affiliations = sorted(p.affiliations, key=lambda a: ended(a.valid_to, today))
    orgs = []
    for a in affiliations:
        when = period(a.valid_from, a.valid_to)
        detail = ", ".join(x for x in (a.function, a.sector.label, when) if x)
        orgs.append(_bullet(a.organisation_name, detail, is_ended=ended(a.valid_to, today)))
    parts += _section("Organisationen", orgs)
    groups = []
    for m in p.memberships:
        rep = f", für {m.representing_name}" if m.representing_name else ""
        groups.append(_bullet(m.group_name, m.role.label + rep, is_ended=ended(m.valid_to, today)))
    parts += _section("Gruppen", groups)
    consents: list[Item] = []
    for c in p.consents:
        text = Text(f"{c.purpose.label}: ")
        if c.active:
            text.append(f"erteilt am {day(c.given_at)}", style="green")
        else:
            text.append(f"widerrufen am {day(c.withdrawn_at)}", style="red")
            text.append(f" (erteilt {day(c.given_at)})")
        version = f", Text {c.text_version}" if c.text_version else ""
        consents.append((BULLET, text))
        consents.append((" " * len(BULLET), Text(c.legal_basis.label + version, style="dim")))
    parts += _section("Einwilligungen", consents, "keine erfasst")
    if p.tags:
        parts += _section("Schlagworte", [(INDENT, Text(", ".join(p.tags)))])
    if p.notes:
        parts += _section("Notizen", [(INDENT, Text(p.notes))])
    return Group(*parts)


def organisation_detail(o: OrganisationRecord, today: date) -> RenderableType:
    parts = _title(o.name, o.archived, f"Nr. {o.id} · {o.sector.label} · {o.kind.label}")
    contact = [
        ("Kurzname", o.short_name),
        ("Anschrift", o.address.replace("\n", ", ")),
        ("Telefon", o.phone),
        ("E-Mail", o.email),
        ("Webseite", o.website),
    ]
    parts += _section("Kontakt", _fields(contact))
    people = [_bullet(a.person_name, a.function) for a in o.people if a.current(today)]
    parts += _section("Personen", people)
    parts += _section("Gruppen", [_bullet(g) for g in o.groups])
    if o.notes:
        parts += _section("Notizen", [(INDENT, Text(o.notes))])
    return Group(*parts)


def missing_sectors_warning(g: GroupRecord) -> str:
    missing = g.missing_core_sectors
    if not missing:
        return ""
    names = " und ".join(s.label for s in missing)
    return (
        f"⚠ Es fehlt {names}. Die Engagierte Stadt lebt von der Zusammenarbeit "
        "von Zivilgesellschaft und Verwaltung."
    )


def group_detail(g: GroupRecord, today: date) -> RenderableType:
    sub = f"Nr. {g.id} · {g.kind.label}"
    if g.parent_name:
        sub += f" · gehört zu {g.parent_name}"
    parts = _title(g.name, g.archived, sub)
    if g.description:
        parts += [Text(""), _grid([(INDENT, Text(g.description))])]
    balance = [(INDENT, Text(f"{s.label:<18} {g.sector_balance.get(s, 0):>3}")) for s in Sector]
    parts += _section("Sektoren (aktuelle Mitglieder)", balance)
    current = [m for m in g.members if m.current(today)]
    members = []
    for m in sorted(current, key=lambda m: (m.role != m.role.SPRECHER, m.person_name)):
        extra = [m.role.label]
        if m.representing_name:
            extra.append(f"für {m.representing_name}")
        elif m.sector:
            extra.append(m.sector.label)
        members.append(_bullet(m.person_name, ", ".join(extra)))
    parts += _section(f"Mitglieder ({len(current)})", members)
    former = [m for m in g.members if not m.current(today)]
    if former:
        parts += _section(
            "Frühere Mitglieder",
            [
                (BULLET, Text(f"{m.person_name} ({period(m.valid_from, m.valid_to)})", style="dim"))
                for m in former
            ],
        )
    return Group(*parts)


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
