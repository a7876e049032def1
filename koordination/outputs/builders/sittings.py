"""A sitting as documents: invitation letter, minutes, sign-in list and workshop report."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from koordination.domain.enums import (
    AttendanceStatus,
    CardKind,
    DecisionResult,
    MinutesKind,
    MinutesStatus,
    Sector,
)
from koordination.domain.records.directory import CityProfileRecord
from koordination.domain.records.meetings import SittingRecord, content_json
from koordination.outputs.document.german import long_date
from koordination.outputs.document.model import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Note,
    Paragraph,
    SignatureLines,
    Table,
)


def letterhead(city: CityProfileRecord | None) -> Letterhead:
    if city is None:
        return Letterhead(office_name="Koordinierungsstelle")
    return Letterhead(
        office_name=city.office_name or f"Koordinierungsstelle {city.name}",
        address=city.office_address,
        phone=city.office_phone,
        email=city.office_email,
    )


def _when(start: datetime, end: datetime) -> str:
    return f"{long_date(start.date())}, {start:%H:%M}–{end:%H:%M} Uhr"


def _content(record: SittingRecord) -> dict[str, Any]:
    """A draft in the same shape as frozen minutes, so one builder serves both."""
    data: dict[str, Any] = json.loads(content_json(record))
    return data


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def invitation_letter(record: SittingRecord, head: Letterhead) -> Document:
    """The Einladung with date, place, online link and the public agenda."""
    blocks: list[Any] = [
        Paragraph("Sehr geehrte Damen und Herren,"),
        Paragraph(
            f"hiermit laden wir Sie herzlich ein zur Sitzung „{record.title}“ "
            f"am {long_date(record.start.date())} von {record.start:%H:%M} bis "
            f"{record.end:%H:%M} Uhr."
        ),
        KeyValue(
            tuple(
                (label, value)
                for label, value in (
                    ("Wann", _when(record.start, record.end)),
                    ("Wo", record.place),
                    ("Online", record.online_url),
                )
                if value
            )
        ),
        Heading("Tagesordnung", 2),
        Table(
            ("TOP", "Thema", "Beginn", "Wer"),
            tuple(
                (
                    f"TOP {i.number}",
                    i.title + (f"\n{i.description}" if i.description else ""),
                    f"{i.planned_start:%H:%M}" if i.planned_start else "",
                    i.presenter,
                )
                for i in record.items
                if i.public
            ),
            widths=(1.2, 6, 1.2, 2.5),
        ),
    ]
    if record.open_tasks:
        blocks += [
            Heading("Offene Aufgaben", 2),
            BulletList(tuple(_task_line(t.__dict__) for t in record.open_tasks)),
        ]
    blocks += [
        Paragraph("Bitte geben Sie uns Bescheid, ob Sie teilnehmen können."),
        Paragraph(f"Mit freundlichen Grüßen\n{head.office_name}"),
    ]
    return Document(
        title=f"Einladung: {record.title}",
        subtitle=_when(record.start, record.end),
        blocks=tuple(blocks),
        letterhead=head,
    )


def _task_line(t: dict[str, Any]) -> str:
    due = f", bis {datetime.fromisoformat(str(t['due'])):%d.%m.%Y}" if t.get("due") else ""
    done = " (erledigt)" if t.get("done_on") else ""
    return f"{t['title']} – {t['assignee']}{due}{done}"


def minutes_document(
    content: dict[str, Any],
    head: Letterhead,
    *,
    status: MinutesStatus,
    fingerprint: str | None = None,
    version: int | None = None,
) -> Document:
    """The Protokoll, from frozen content (approved) or a draft's content (``_content``)."""
    start, end = _dt(content["start"]), _dt(content["end"])
    attendance = content["attendance"]

    def names(*statuses: AttendanceStatus) -> str:
        wanted = {s.value for s in statuses}
        rows = [a for a in attendance if a["status"] in wanted]
        return ", ".join(
            a["name"] + (f" ({a['organisation']})" if a["organisation"] else "") for a in rows
        )

    kind = MinutesKind(content["minutes_kind"])
    meta = (
        ("Datum", long_date(start.date())),
        ("Zeit", f"{start:%H:%M}–{end:%H:%M} Uhr"),
        ("Ort", content["place"] or ("online" if content["online_url"] else "")),
        ("Leitung", content["chair"]),
        ("Protokoll", content["minute_taker"]),
        ("Anwesend", names(AttendanceStatus.ANWESEND, AttendanceStatus.GAST)),
        ("Entschuldigt", names(AttendanceStatus.ENTSCHULDIGT)),
    )
    blocks: list[Any] = [KeyValue(tuple((k, v) for k, v in meta if v))]
    if status != MinutesStatus.GENEHMIGT:
        blocks.append(Note(f"Noch nicht genehmigt (Stand: {status.label}).", "warning"))
    for item in content["items"]:
        blocks.append(
            Heading(f"TOP {item['number']}: {item['title']}", 2 if "." not in item["number"] else 3)
        )
        if item["standing"] == "aufgaben" and content.get("open_tasks"):
            blocks.append(BulletList(tuple(_task_line(t) for t in content["open_tasks"])))
        if item["notes"]:
            blocks.append(Paragraph(item["notes"]))
        for d in item["decisions"]:
            if d["consensus"]:
                vote = "im Konsens"
            else:
                vote = (
                    f"Ja {d['votes_yes'] or 0}, Nein {d['votes_no'] or 0}, "
                    f"Enthaltung {d['votes_abstain'] or 0}"
                )
            result = DecisionResult(d["result"]).label
            blocks.append(Note(f"{d['wording']}\n({vote}; {result})", "decision"))
        if item["tasks"]:
            blocks.append(
                Table(
                    ("Aufgabe", "Wer", "Bis"),
                    tuple(
                        (
                            t["title"],
                            t["assignee"],
                            f"{datetime.fromisoformat(str(t['due'])):%d.%m.%Y}" if t["due"] else "",
                        )
                        for t in item["tasks"]
                    ),
                    widths=(6, 3, 1.5),
                )
            )
    footer = f"{kind.label} · Fassung {version}" if version else f"{kind.label} · {status.label}"
    return Document(
        title=f"Protokoll: {content['title']}",
        subtitle=long_date(start.date()),
        blocks=tuple(blocks),
        letterhead=head,
        fingerprint=fingerprint,
        footer=footer,
    )


def draft_minutes(record: SittingRecord, head: Letterhead) -> Document:
    return minutes_document(_content(record), head, status=record.minutes_status)


def sign_in_sheet(record: SittingRecord, head: Letterhead, blank: int = 8) -> Document:
    """The Teilnehmendenliste to print: everybody expected, space for those who come along."""
    expected = [a for a in record.attendance if a.status != AttendanceStatus.ENTSCHULDIGT]
    return Document(
        title=f"Teilnehmendenliste: {record.title}",
        subtitle=_when(record.start, record.end),
        meta=(("Ort", record.place or "online"),),
        blocks=(SignatureLines(tuple((a.name, a.organisation) for a in expected), blank=blank),),
        letterhead=head,
    )


def attendance_table(record: SittingRecord) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Attendance as rows for CSV: name, organisation, sector, status."""
    return (
        ("Name", "Organisation", "Sektor", "Anwesenheit"),
        [
            (a.name, a.organisation, a.sector.label if a.sector else "", a.status.label)
            for a in record.attendance
        ],
    )


def workshop_report(record: SittingRecord, head: Letterhead) -> Document:
    """The Ergebnisbericht of a Werkstatt: run sheet, who took part, the cards, the tasks."""
    present = [
        a
        for a in record.attendance
        if a.status in (AttendanceStatus.ANWESEND, AttendanceStatus.GAST)
    ]
    by_sector = {s.label: 0 for s in Sector}
    for a in present:
        key = a.sector.label if a.sector else "ohne Zuordnung"
        by_sector[key] = by_sector.get(key, 0) + 1
    blocks: list[Any] = [
        Heading("Ablauf", 2),
        Table(
            ("Zeit", "Programmpunkt", "Minuten"),
            tuple(
                (
                    f"{i.planned_start:%H:%M}" if i.planned_start else "",
                    i.title,
                    str(i.duration_minutes or ""),
                )
                for i in record.items
            ),
            widths=(1.2, 7, 1.5),
        ),
        Heading("Teilnehmende nach Sektor", 2),
        Table(
            ("Sektor", "Anzahl"),
            tuple((k, str(v)) for k, v in by_sector.items() if v),
            widths=(4, 1),
        ),
        Heading("Ergebnisse", 2),
    ]
    clusters: dict[str, list[Any]] = {}
    for card in sorted(record.cards, key=lambda c: -c.votes):
        clusters.setdefault(card.cluster or "Ohne Gruppe", []).append(card)
    for cluster, cards in sorted(clusters.items(), key=lambda kv: -sum(c.votes for c in kv[1])):
        blocks.append(Heading(cluster, 3))
        blocks.append(
            Table(
                ("Karte", "Art", "Punkte"),
                tuple((c.text, CardKind(c.kind).label, str(c.votes)) for c in cards),
                widths=(7, 2, 1),
            )
        )
    tasks = [t for i in record.items for t in i.tasks]
    if tasks:
        blocks += [
            Heading("Verabredungen", 2),
            BulletList(tuple(_task_line(t.__dict__) for t in tasks)),
        ]
    return Document(
        title=f"Ergebnisbericht: {record.title}",
        subtitle=_when(record.start, record.end),
        meta=(("Ort", record.place), ("Teilnehmende", str(len(present)))),
        blocks=tuple(blocks),
        letterhead=head,
    )
