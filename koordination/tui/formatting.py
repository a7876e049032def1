"""Records turned into the German text the detail panes and the overview show (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.markup import escape

from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingStatus, ResponseStatus, Sector

# The records only as annotations: the Übersicht's first frame imports this module, and the
# records' dataclasses take longer to build than the frame (they come with the core later).
if TYPE_CHECKING:
    from koordination.db.glance import CityGlance, Glance
    from koordination.domain.records.directory import (
        CityProfileRecord,
        GroupRecord,
        OrganisationRecord,
        Overview,
        PersonRecord,
    )
    from koordination.domain.records.meetings import InvitationRow, MeetingRecord, OccurrenceRow


def number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}".replace(",", ".")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(CITY_ZONE).date() if value.tzinfo else value.date()
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


class _Fields:
    """Label: value lines; the values start in one column and wrap there. In a pane too
    narrow for the longest value beside its label (an e-mail address), each value goes on a
    line of its own under its label, so no address is broken in the middle."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = [(label, value) for label, value in pairs if value]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.pairs:
            return
        labels = max(cell_len(f"{INDENT}{label}:") for label, _ in self.pairs)
        longest = max(
            max(cell_len(word) for word in value.split() or [""]) for _, value in self.pairs
        )
        if labels + 1 + longest <= options.max_width:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, style="dim")
            grid.add_column(overflow="fold")
            for label, value in self.pairs:
                grid.add_row(f"{INDENT}{label}:", value)
            yield grid
            return
        room = options.max_width - 2 * len(INDENT)
        for label, value in self.pairs:
            yield Text(f"{INDENT}{label}:", style="dim")
            # An address too long for the pane breaks before its "@", not anywhere.
            if cell_len(value) > room and "@" in value and " " not in value:
                local, _, domain = value.partition("@")
                value = f"{local}\n@{domain}"
            yield _grid([(INDENT * 2, Text(value))])


class _Flow:
    """Short items on as few lines as the pane allows, broken only between items (the joiner
    is dropped at a break): "5 zugesagt" or "Di 15.12.2026 18:00" never lose their number or
    weekday to the next line. An item wider than a line wraps at its own spaces."""

    def __init__(
        self,
        items: Iterable[Text | tuple[Text, str]],
        joiner: str = " · ",
        *,
        first: str = INDENT,
        rest: str = INDENT,
    ) -> None:
        self.items = [(i, joiner) if isinstance(i, Text) else i for i in items]
        self.first = first
        self.rest = rest

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[Text] = []
        for item, joiner in self.items:
            prefix = self.rest if lines else self.first
            room = options.max_width - cell_len(prefix)
            if lines and lines[-1].cell_len + cell_len(joiner) + item.cell_len <= room:
                lines[-1].append(joiner, style="dim").append_text(item)
            elif lines and not lines[-1].plain:
                lines[-1].append_text(item)
            else:
                lines.append(item.copy())
        if lines and not (self.first or self.rest):
            yield from lines
        elif lines:
            yield _grid(
                [(self.first if i == 0 else self.rest, line) for i, line in enumerate(lines)]
            )


def flow(items: Iterable[Text], joiner: str = " · ") -> RenderableType:
    """Items ("Aus: AK Stadtteilarbeit") on as few lines as fit, broken only between them, so
    no label ends a line without its value."""
    return _Flow(items, joiner, first="", rest="")


def _fields(pairs: Iterable[tuple[str, str]]) -> _Fields:
    return _Fields(pairs)


def ended(valid_to: date | None, today: date) -> bool:
    """An end date was set and has come: shown as "beendet", even on its last day."""
    return valid_to is not None and valid_to <= today


def _section(
    title: str, body: Table | _Fields | list[Item], empty: str = "–"
) -> list[RenderableType]:
    nothing = _grid([(INDENT, Text(empty, style="dim"))])
    shown: RenderableType
    if isinstance(body, list):
        shown = _grid(body) if body else nothing
    elif isinstance(body, _Fields):
        shown = body if body.pairs else nothing
    else:
        shown = body if body.row_count else nothing
    return [Text(""), Text(title, style="bold"), shown]


def _title(name: str, archived: bool, *about: str) -> list[RenderableType]:
    """The record's name in bold, and under it short facts ("Nr. 1", its kind) that break
    only between them, or after a "/" inside one: "Konsortium/Steuerungsgruppe" never
    loses half a word to the next line."""
    head = Text(name, style="bold")
    if archived:
        head.append("  ").append(" archiviert ", style="reverse")
    items: list[tuple[Text, str]] = []
    for fact in about:
        pieces = re.split(r"(?<=/)(?=\S)", fact)
        items += [
            (Text(piece, style="dim"), " · " if i == 0 else "") for i, piece in enumerate(pieces)
        ]
    return [head, _Flow(items)]


def _bullet(name: str, detail: str = "", is_ended: bool = False) -> Item:
    text = Text(name)
    if detail:
        text.append(f" ({detail})", style="dim")
    if is_ended:
        text.append(" (beendet)", style="dim")
    return BULLET, text


def _bullet_flow(items: Sequence[Text]) -> _Flow:
    """A bullet whose parts (a date, a time, a place) break only between them."""
    return _Flow(items, " ", first=BULLET, rest=INDENT * 2)


def _privacy_status(p: PersonRecord) -> list[RenderableType]:
    """Under the name: a restriction (Art. 18 DSGVO) and how to lift it, the archive reason."""
    lines: list[RenderableType] = []
    if p.restricted_at is not None:
        since = day(p.restricted_at)
        text = Text()
        text.append(f"Verarbeitung eingeschränkt seit {since} (Art. 18 DSGVO)", style="bold red")
        if p.restriction_reason:
            text.append(f": {p.restriction_reason}")
        lines += [Text(""), text]
        lines.append(Text("Keine Einladung, kein Export, keine Änderung. Aufheben: X", style="dim"))
    if p.archived and p.archive_reason:
        lines.append(Text(f"Archiviert: {p.archive_reason}", style="dim"))
    return lines


def _objections(p: PersonRecord) -> list[Item]:
    items: list[Item] = []
    for o in p.objections:
        text = Text(f"{o.scope} ", style="bold")
        text.append(f"(eingegangen {day(o.received_at)})", style="dim")
        items.append((BULLET, text))
        if o.reason:
            items.append((" " * len(BULLET), Text(o.reason)))
        outcome = (
            Text(f"entschieden {day(o.decided_at)}: {o.outcome}")
            if o.decided_at is not None
            else Text("noch nicht entschieden", style="yellow")
        )
        items.append((" " * len(BULLET), outcome))
    return items


def person_detail(p: PersonRecord, today: date) -> RenderableType:
    head = " ".join(x for x in (p.salutation, p.display_name) if x)
    parts = _title(head, p.archived, f"Nr. {p.id}")
    parts += _privacy_status(p)
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
        proof = [f"Fassung {c.text_version}" if c.text_version else "ohne Fassung"]
        if c.channel is not None:
            proof.append(c.channel.label)
        if c.evidence:
            proof.append(c.evidence)
        if c.withdrawal_channel is not None:
            proof.append(f"Widerruf: {c.withdrawal_channel.label}")
        consents.append((BULLET, text))
        consents.append((" " * len(BULLET), Text(", ".join(proof), style="dim")))
    parts += _section("Einwilligungen", consents, "keine erfasst")
    if p.objections:
        parts += _section("Widersprüche (Art. 21 DSGVO)", _objections(p))
    if p.art14_source:
        source = Text(f"Daten aus: {p.art14_source}")
        if p.art14_informed_at is None:
            source.append(" – Art. 14 Information offen", style="bold yellow")
        else:
            source.append(f" – informiert am {day(p.art14_informed_at)}", style="dim")
        parts += _section("Herkunft (Art. 14 DSGVO)", [(INDENT, source)])
    if p.tags:
        parts += _section("Schlagworte", [(INDENT, Text(", ".join(p.tags)))])
    if p.notes:
        parts += _section("Notizen", [(INDENT, Text(p.notes))])
    return Group(*parts)


def organisation_detail(o: OrganisationRecord, today: date) -> RenderableType:
    parts = _title(o.name, o.archived, f"Nr. {o.id}", o.sector.label, o.kind.label)
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
    about = [f"Nr. {g.id}", g.kind.label]
    if g.parent_name:
        about.append(f"gehört zu {g.parent_name}")
    parts = _title(g.name, g.archived, *about)
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


def city_summary(city: CityProfileRecord | CityGlance | None) -> RenderableType:
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
    # A grid, so that a long focus text wraps under itself, not under the labels.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim", min_width=19)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(f"{INDENT}{label}", value)
    return Group(Text(city.name, style="bold"), grid)


def sector_table(overview: Overview | Glance) -> str:
    """People and organisations per sector, narrow enough for half of an 80-column screen:
    a figure never wraps away from its sector (the same from the core's overview and from
    the first glance at the file)."""
    lines = [f"[b]{'Sektor':<18}{'Pers.':>7}{'Org.':>7}[/b]"]
    for s in Sector:
        people = overview.people_per_sector.get(s, 0)
        orgs = overview.organisations_per_sector.get(s, 0)
        lines.append(f"{s.label:<18}{number(people):>7}{number(orgs):>7}")
    unknown = overview.people_per_sector.get(None, 0)
    if unknown:
        lines.append(f"[dim]{'ohne Organisation':<18}{number(unknown):>7}{'':>7}[/dim]")
    lines.append(
        f"[b]{'Gesamt':<18}{number(overview.people_total):>7}"
        f"{number(overview.organisations_total):>7}[/b]"
    )
    return "\n".join(lines)


def groups_table(overview: Overview) -> RenderableType:
    """The groups with their kind and members: a long name wraps at word boundaries in its
    own column, the kind and the figure never leave their row."""
    if not overview.groups:
        return "[b]Gruppen[/b]\n  [dim]Noch keine Gruppen.[/dim]"
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="bold")
    table.add_column("Gruppe", ratio=1, overflow="fold")
    table.add_column("Art", no_wrap=True)
    table.add_column("Mitglieder", justify="right", no_wrap=True)
    for g in overview.groups:
        table.add_row(g.name, g.kind.label, number(g.members))
    return table


# ---------------------------------------------------------------------------- meetings

WEEKDAYS_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
WEEKDAYS_LONG = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

#: Answers in the order the counts are shown; "eingeladen" means sent but not answered.
ANSWER_STYLES = {
    ResponseStatus.ZUGESAGT: "green",
    ResponseStatus.ABGESAGT: "red",
    ResponseStatus.VIELLEICHT: "yellow",
}


def short_day(value: datetime | date) -> str:
    """Di 08.12.2026"""
    return f"{WEEKDAYS_SHORT[value.weekday()]} {value:%d.%m.%Y}"


def time_span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M}–{end:%d.%m. %H:%M}"


def occurrence_place(row: OccurrenceRow) -> str:
    if row.place and row.online_url:
        return f"{row.place} + online"
    return row.place or ("online" if row.online_url else "")


def occurrence_status(row: OccurrenceRow) -> Text:
    if row.status == MeetingStatus.ABGESAGT:
        return Text(" abgesagt ", style="bold reverse red")
    text = Text(row.status.label, style="dim")
    if row.moved:
        text = Text("verschoben", style="bold yellow")
    return text


def answer_counts(rows: Iterable[InvitationRow]) -> dict[str, int]:
    """zugesagt / abgesagt / vielleicht / keine Antwort / nicht versandt / nicht einladbar."""
    counts = {
        "zugesagt": 0,
        "abgesagt": 0,
        "vielleicht": 0,
        "keine Antwort": 0,
        "noch nicht eingeladen": 0,
        "nicht einladbar": 0,
    }
    for r in rows:
        if r.removed:
            continue
        if r.excluded_because:
            counts["nicht einladbar"] += 1
        elif r.status in ANSWER_STYLES:
            counts[r.status.label] += 1
        elif r.sent_sequence is None:
            counts["noch nicht eingeladen"] += 1
        else:
            counts["keine Antwort"] += 1
    return counts


def date_answer(r: InvitationRow, recurrence_id: datetime) -> InvitationRow:
    """``r`` with its answer for one date of a series: a single-date answer (also one reset
    by a change of time) overrides the answer for the whole series."""
    for day, status in r.occurrence_answers:
        if day == recurrence_id:
            return replace(r, status=status)
    return r


def invitation_state(r: InvitationRow) -> Text:
    if r.excluded_because:
        return Text(f"nicht einladbar: {r.excluded_because}", style="dim red")
    if r.status in ANSWER_STYLES:
        return Text(r.status.label, style=ANSWER_STYLES[r.status])
    if r.sent_sequence is None:
        return Text("noch nicht eingeladen", style="dim")
    if r.status == ResponseStatus.EINGELADEN:
        return Text("eingeladen, keine Antwort", style="dim")
    return Text(r.status.label, style="dim")


def meeting_detail(
    m: MeetingRecord,
    invitations: Sequence[InvitationRow],
    occurrence: OccurrenceRow | None = None,
) -> RenderableType:
    """A meeting or series, the date picked in the agenda, and who is invited."""
    from koordination.calendar.recurrence import RecurrenceRule

    head = Text(m.title, style="bold")
    if m.status == MeetingStatus.ABGESAGT:
        head.append("  ").append(" abgesagt ", style="bold reverse red")
    listed = [r for r in invitations if not r.removed]
    if occurrence is not None and m.rrule:
        # The highlighted date's own answers count, where someone gave one.
        listed = [date_answer(r, occurrence.recurrence_id) for r in listed]
    summary: list[Text] = []
    for label, count in answer_counts(listed).items():
        if count == 0 and label in ("noch nicht eingeladen", "nicht einladbar"):
            continue
        style = {"zugesagt": "green", "abgesagt": "red", "vielleicht": "yellow"}.get(label, "")
        summary.append(Text(f"{count} {label}", style=style))
    about = [f"Nr. {m.id}", m.kind.label, m.status.label]
    parts: list[RenderableType] = [head, _Flow(Text(x, style="dim") for x in about)]
    if listed:
        # The answers are what a coordinator looks for first; the names follow below.
        parts.append(_Flow(summary))
    if occurrence is not None and m.rrule:
        when: list[Text | tuple[Text, str]] = [
            Text(f"{short_day(occurrence.start)},"),
            Text(time_span(occurrence.start, occurrence.end)),
        ]
        if occurrence.status == MeetingStatus.ABGESAGT:
            when.append((Text("abgesagt", style="bold red"), "  "))
        elif occurrence.moved:
            original = occurrence.recurrence_id
            when.append((Text("verschoben", style="bold yellow"), "  "))
            when.append(Text(f"(statt {short_day(original)} {original:%H:%M})", style="dim"))
        items: list[RenderableType] = [_Flow(when, " ")]
        where = occurrence_place(occurrence)
        if where:
            items.append(_grid([(INDENT, Text(where))]))
        parts += [Text(""), Text("Ausgewählter Termin", style="bold"), *items]
    if m.rrule:
        try:
            rule = RecurrenceRule.from_rrule(m.rrule).describe()
        except Exception:  # an odd rule from elsewhere must not break the pane
            rule = m.rrule
        timing = [
            ("Serie", rule),
            ("Zeit", f"{m.start:%H:%M}–{m.end:%H:%M} Uhr"),
            ("Ab", short_day(m.start)),
        ]
    else:
        timing = [("Wann", f"{short_day(m.start)}, {time_span(m.start, m.end)} Uhr")]
    fields = [
        *timing,
        ("Form", m.mode),
        ("Raum", m.room),
        ("Adresse", m.address.replace("\n", ", ")),
        ("Online", m.online_url),
        ("Gruppen", ", ".join(m.group_names) or "–"),
        ("Abo-Kalender", "ja (öffentlich)" if m.public else "nein"),
    ]
    parts += _section("Termin", _fields(fields))
    exceptions: list[RenderableType] = []
    for o in sorted(m.overrides, key=lambda o: o.recurrence_id):
        if o.cancelled:
            exceptions.append(_bullet_flow([Text(short_day(o.recurrence_id)), Text("abgesagt")]))
        elif o.start is not None:
            moved = [Text(f"{short_day(o.recurrence_id)} →"), Text(f"{short_day(o.start)}")]
            moved.append(Text(f"{o.start:%H:%M}"))
            place = ", ".join(x for x in (o.room, o.address) if x)
            if place:
                moved.append(Text(f"({place})", style="dim"))
            exceptions.append(_bullet_flow(moved))
    if exceptions:
        parts += [Text(""), Text("Ausnahmen", style="bold"), *exceptions]
    if m.description:
        parts += _section("Beschreibung", [(INDENT, Text(m.description))])
    people: list[RenderableType] = []
    for r in sorted(listed, key=lambda r: (bool(r.excluded_because), r.name)):
        who = [Text(r.name)]
        if r.via not in m.group_names or len(m.group_names) > 1:
            who.append(Text(f"({r.via})", style="dim"))
        text = invitation_state(r)
        comments = dict(r.answer_comments)
        said = [comments.get(None)]
        if occurrence is not None and m.rrule:
            rid = occurrence.recurrence_id
            if any(day == rid for day, _status in r.occurrence_answers):
                text.append(" nur an diesem Termin", style="dim")
            said.insert(0, comments.get(rid))
        # Name, where the invitation comes from, the answer: each whole, on one line if
        # there is room, else one under the other.
        person = [(w, " ") for w in who] + [(text, "  ")]
        people.append(_Flow(person, first=BULLET, rest=INDENT * 2))
        for comment in filter(None, said):
            people.append(_grid([(INDENT * 2, Text(f"„{comment}“", style="italic"))]))
    parts += [Text(""), Text(f"Einladungsliste ({len(listed)})", style="bold")]
    parts += people or [_grid([(INDENT, Text("noch niemand eingeladen", style="dim"))])]
    # A long UID breaks before its "@", not in the middle of a word.
    local, at, domain = m.uid.partition("@")
    uid = [(Text(f"UID {local}", style="dim"), "")]
    if at:
        uid.append((Text(f"@{domain}", style="dim"), ""))
    uid.append((Text(f"SEQUENCE {m.sequence}", style="dim"), " · "))
    parts += [Text(""), _Flow(uid, first="", rest="")]
    return Group(*parts)


def next_meetings_table(rows: Sequence[OccurrenceRow], open_answers: int | None) -> str:
    """The Übersicht's card: the next dates and how many answers are still open."""
    lines = ["[b]Nächste Termine[/b]"]
    if not rows:
        lines.append("  [dim]Keine Termine in den nächsten Wochen.[/dim]")
    for r in rows:
        title = r.title if len(r.title) <= 36 else r.title[:35] + "…"
        place = occurrence_place(r)
        place = place if len(place) <= 40 else place[:39] + "…"
        note = ""
        if r.status == MeetingStatus.ABGESAGT:
            note = "  [b red]abgesagt[/]"
        elif r.moved:
            note = "  [yellow]verschoben[/]"
        lines.append(
            f"  {short_day(r.start)}  {time_span(r.start, r.end):<11}  {escape(title):<36}  "
            f"[dim]{escape(place)}[/dim]{note}"
        )
    if open_answers is not None:
        lines.append("")
        lines.append(
            f"[b]Offene Antworten[/b]  {number(open_answers)} "
            "[dim]Eingeladene ohne Antwort (kommende Termine)[/dim]"
        )
    return "\n".join(lines)


def escape_markup(text: str) -> str:
    """User text inside Textual markup. ``textual.markup.escape`` leaves "[Sport]" or
    "F2[SQ001]" alone (tags starting in upper case or a digit), and the markup would eat them."""
    return text.replace("[", "\\[")


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def fit_widths(available: int, wanted: Sequence[int], least: Sequence[int]) -> list[int]:
    """Column widths that fit ``available`` cells: the columns with the most room to spare
    give up a cell first, none below its least width."""
    widths = list(wanted)
    while sum(widths) > available:
        i = max(range(len(widths)), key=lambda k: widths[k] - least[k])
        if widths[i] <= least[i]:
            break
        widths[i] -= 1
    return widths
