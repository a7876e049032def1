"""The access report (Art. 15 DSGVO) as a letter to the person: built from the report's dict
(``Privacy.access_report``), so the letter and the JSON always say the same."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from koordination.outputs.document.german import month_date
from koordination.outputs.document.model import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Paragraph,
)
from koordination.outputs.document.model import (
    Table as DocTable,
)


def _german(value: Any) -> str:
    """An ISO date or instant from the report as a German date ("08.09.2026, 18:00")."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", value):
        parsed = datetime.fromisoformat(value)
        if "T" not in value:
            return f"{parsed:%d.%m.%Y}"
        return f"{parsed:%d.%m.%Y, %H:%M} Uhr"
    if isinstance(value, list):
        return ", ".join(_german(v) for v in value)
    return str(value)


def _span(row: Mapping[str, Any]) -> str:
    start, end = _german(row.get("valid_from")), _german(row.get("valid_to"))
    if not start and not end:
        return ""
    return f"{start or '…'} – {end or 'heute'}"


_EMPTY = "Keine Einträge."

#: The German headings of the information section (Art. 15 Abs. 1 lit. a-h and Abs. 2), in
#: the order the letter gives them; the report's ``information`` holds the same keys.
_INFORMATION_LABELS = {
    "controller": "Verantwortliche Stelle",
    "dpo": "Datenschutzbeauftragte Person",
    "purposes": "Zwecke und Rechtsgrundlagen (Art. 15 Abs. 1 lit. a DSGVO)",
    "categories": "Kategorien personenbezogener Daten (lit. b)",
    "recipients": "Empfänger und Auftragsverarbeiter (lit. c)",
    "storage": "Speicherdauer (lit. d)",
    "rights": "Ihre Rechte (lit. e)",
    "complaint": "Beschwerderecht bei der Aufsichtsbehörde (lit. f)",
    "source": "Herkunft der Daten (lit. g)",
    "automated_decisions": "Automatisierte Entscheidungen und Profiling (lit. h)",
    "third_countries": "Übermittlung in Drittländer (Art. 15 Abs. 2 DSGVO)",
}


#: German names of the fields the audit section lists; numbers linking records are left out.
_FIELD_LABELS = {
    "salutation": "Anrede",
    "title": "Titel",
    "given_name": "Vorname",
    "family_name": "Nachname",
    "postal_address": "Anschrift",
    "notes": "Notizen",
    "preferred_channel": "Einladungsweg",
    "archived": "Archiviert",
    "erased_at": "Gelöscht am",
    "address": "Adresse",
    "number": "Nummer",
    "tag": "Schlagwort",
    "purpose": "Zweck",
    "legal_basis": "Rechtsgrundlage",
    "text_version": "Fassung",
    "given_at": "Erteilt am",
    "withdrawn_at": "Widerrufen am",
    "function": "Funktion",
    "valid_from": "Beginn",
    "valid_to": "Ende",
    "role": "Rolle",
    "voting_right": "Stimmrecht",
    "guest": "Gast",
    "added_at": "Aufgenommen am",
    "removed_at": "Entfernt am",
    "sent_at": "Zugestellt am",
    "sent_email": "Zustelladresse",
    "sent_sequence": "Fassung der Einladung",
    "cancel_sent_sequence": "Absage",
    "status": "Status",
    "organisation": "Organisation",
    "sector": "Sektor",
    "due": "Fällig",
    "done_on": "Erledigt am",
    "contact": "Kontakt",
    "description": "Beschreibung",
}


def _fields(names: Sequence[str]) -> str:
    labels = [
        _FIELD_LABELS.get(name, name)
        for name in names
        if not name.endswith("_id") and name not in ("position", "address_key")
    ]
    return ", ".join(dict.fromkeys(labels))


def _section(
    labels: Mapping[str, str],
    key: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
) -> list[Any]:
    blocks: list[Any] = [Heading(labels[key], 2)]
    if rows:
        blocks.append(DocTable(tuple(headers), tuple(tuple(r) for r in rows), tuple(widths)))
    else:
        blocks.append(Paragraph(_EMPTY))
    return blocks


def access_document(report: Mapping[str, Any], letterhead: Letterhead) -> Document:
    """The access report as a letter to the person (PDF, DOCX, …)."""
    labels: Mapping[str, str] = report["labels"]
    profile = report["profile"]
    created = datetime.fromisoformat(report["created_at"])
    name = report["name"]
    blocks: list[Any] = [
        Paragraph(f"Guten Tag {name},"),
        Paragraph(
            f"Sie haben{_asked_on(report)} Auskunft darüber verlangt, welche Daten die "
            "Koordinierungsstelle über Sie gespeichert hat (Art. 15 DSGVO). Im Folgenden finden "
            "Sie alle Daten, die zu Ihrer Person gespeichert sind, und die Angaben, die Ihnen "
            "dazu zustehen. Auf Wunsch erhalten Sie dieselben Daten in maschinenlesbarer Form "
            "(JSON, Art. 20 DSGVO)."
        ),
        Heading(labels["profile"], 2),
        KeyValue(
            tuple(
                (label, value)
                for label, value in (
                    ("Nummer", str(profile["id"])),
                    ("Anrede", profile["salutation"]),
                    ("Titel", profile["title"]),
                    ("Vorname", profile["given_name"]),
                    ("Nachname", profile["family_name"]),
                    ("E-Mail", ", ".join(profile["emails"])),
                    ("Telefon", ", ".join(profile["phones"])),
                    ("Postanschrift", profile["postal_address"].replace("\n", ", ")),
                    ("Notizen", profile["notes"]),
                    ("Schlagworte", ", ".join(profile["tags"])),
                    ("Einladungsweg", profile["preferred_channel"] or ""),
                    ("Archiviert", "ja" if profile["archived"] else ""),
                    ("Angelegt am", _german(profile["created_at"])),
                    ("Zuletzt geändert am", _german(profile["updated_at"])),
                    ("Gelöscht am", _german(profile["erased_at"])),
                )
                if value
            )
        ),
    ]
    blocks += _restriction(labels, report["restriction"])
    blocks += _section(
        labels,
        "affiliations",
        ("Organisation", "Sektor", "Funktion", "Zeitraum"),
        [
            (a["organisation"], a["sector"] or "", a["function"], _span(a))
            for a in report["affiliations"]
        ],
        (4, 2, 2.5, 2.5),
    )
    blocks += _section(
        labels,
        "memberships",
        ("Gruppe", "Rolle", "für", "Zeitraum"),
        [
            (m["group"], m["role"] or "", m["representing"] or "", _span(m))
            for m in report["memberships"]
        ],
        (4, 2, 3, 2.5),
    )
    blocks += _section(
        labels,
        "consents",
        ("Zweck", "Fassung", "Weg und Nachweis", "erteilt", "widerrufen"),
        [
            (
                c["purpose"] or "",
                c["text_version"] or "–",
                ", ".join(x for x in (c["channel"], c["evidence"]) if x) or "–",
                _german(c["given_at"]),
                " ".join(
                    x for x in (_german(c["withdrawn_at"]), c["withdrawal_channel"] or "") if x
                )
                or "–",
            )
            for c in report["consents"]
        ],
        (2.5, 2, 3, 2.2, 2.3),
    )
    blocks += _section(
        labels,
        "objections",
        ("Eingang", "gegen", "Begründung", "Entscheidung"),
        [
            (
                _german(o["received_at"]),
                o["scope"],
                o["reason"],
                " ".join(x for x in (_german(o["decided_at"]), o["outcome"]) if x) or "offen",
            )
            for o in report["objections"]
        ],
        (2.2, 2.5, 4, 3.3),
    )
    blocks += _section(
        labels,
        "requests",
        ("Anfrage", "Eingang", "Frist", "erledigt"),
        [
            (
                r["kind"] or "",
                _german(r["received_at"]),
                _german(r["due_on"]),
                _german(r["completed_at"]) or "offen",
            )
            for r in report["requests"]
        ],
        (4.5, 2.5, 2, 3),
    )
    blocks += _section(
        labels,
        "invitations",
        ("Termin", "Beginn", "über", "zugestellt an", "Rückmeldungen"),
        [
            (
                i["meeting"] + (" (Serie)" if i["series"] else ""),
                _german(i["start"]),
                i["via"],
                ", ".join(x for x in (i["sent_email"], _german(i["sent_at"])) if x) or "–",
                "; ".join(
                    f"{_german(r['date']) or 'alle Termine'}: {r['status']}" for r in i["responses"]
                )
                or "–",
            )
            for i in report["invitations"]
        ],
        (3.2, 2.4, 2.4, 3.2, 2.8),
    )
    blocks += _section(
        labels,
        "circulars",
        ("Rundmail", "erstellt", "an", "Stand"),
        [
            (
                c["subject"],
                _german(c["created_at"]),
                c["email"],
                " ".join(x for x in (c["state"] or "", _german(c["sent_at"])) if x),
            )
            for c in report.get("circulars", [])
        ],
        (4.5, 2.2, 3.3, 2.5),
    )
    blocks += _section(
        labels,
        "attendance",
        ("Sitzung", "Datum", "Anwesenheit", "Organisation (Sektor)"),
        [
            (
                a["meeting"],
                _german(a["date"]),
                a["status"] or "",
                a["organisation"] + (f" ({a['sector']})" if a["sector"] else ""),
            )
            for a in report["attendance"]
        ],
        (3, 2.5, 2, 4),
    )
    blocks += _section(
        labels,
        "sitting_roles",
        ("Sitzung", "Datum", "Aufgabe"),
        [(r["meeting"], _german(r["date"]), r["role"]) for r in report["sitting_roles"]],
        (4, 3, 3),
    )
    blocks += _section(
        labels,
        "tasks",
        ("Aufgabe", "aus", "bis", "erledigt"),
        [
            (
                t["title"] + (f"\n{t['description']}" if t["description"] else ""),
                t["origin"],
                _german(t["due"]),
                _german(t["done_on"]) or "offen",
            )
            for t in report["tasks"]
        ],
        (5, 3.5, 1.8, 1.8),
    )
    blocks += _section(
        labels,
        "mentions",
        ("Wo", "Feld", "Auszug"),
        [(m["where"], m["field"], "\n".join(m["excerpts"])) for m in report["mentions"]],
        (3.5, 1.5, 6),
    )
    blocks += _section(
        labels,
        "survey_responses",
        ("Umfrage", "abgegeben", "Kontakt", "Antworten"),
        [
            (
                s["survey"],
                _german(s["submitted_at"]),
                s["contact"],
                "\n".join(f"{a['question']}: {a['answer']}" for a in s["answers"]),
            )
            for s in report["survey_responses"]
        ],
        (2.5, 2, 2, 5.5),
    )
    blocks += _section(
        labels,
        "measures",
        ("Maßnahme", "Stand", "bis"),
        [(m["title"], m["status"] or "", _german(m["due"])) for m in report["measures"]],
        (6, 2.5, 2),
    )
    blocks += _section(
        labels,
        "offers",
        ("Mitwirkungsmöglichkeit", "Organisation", "Stand", "Ihr Name veröffentlicht"),
        [
            (
                o["title"],
                o["organisation"],
                f"{o['status']} bis {_german(o['expires_on'])}",
                "ja (mit Ihrer Einwilligung)" if o["published_with_name"] else "nein",
            )
            for o in report["offers"]
        ],
        (4, 3, 2.5, 2.5),
    )
    blocks.append(Heading(labels["city_contact"], 2))
    blocks.append(
        Paragraph(
            "Sie sind als feste Ansprechperson der Stadt im Programm Engagierte Stadt eingetragen."
            if report["city_contact"]
            else _EMPTY
        )
    )
    blocks += _section(
        labels,
        "audit",
        ("Wann", "Was", "Eintrag", "Änderungen"),
        [(_german(e["at"]), e["action"], e["kind"], _changes(e)) for e in report["audit"]],
        (2.3, 1.8, 2.4, 5.5),
    )
    blocks += _information(labels, report["information"])
    blocks.append(Paragraph(f"Mit freundlichen Grüßen\n{letterhead.office_name}"))
    return Document(
        title="Auskunft nach Art. 15 DSGVO",
        subtitle=f"{name} (Nr. {report['person_id']}), Stand {month_date(created.date())}",
        blocks=tuple(blocks),
        letterhead=letterhead,
    )


def _asked_on(report: Mapping[str, Any]) -> str:
    """ " am 03.11.2026" for the latest access request on record, else nothing."""
    asked = [r["received_at"] for r in report.get("requests", ()) if r["kind"].startswith("Ausk")]
    return f" am {_german(asked[-1]).split(',')[0]}" if asked else ""


def _changes(entry: Mapping[str, Any]) -> str:
    """An entry's changes with the values before and after where the report holds them."""
    if entry.get("changes"):
        return "\n".join(f"{c['field']}: {c['old']} → {c['new']}" for c in entry["changes"])
    return _fields(entry["fields"])


def _restriction(labels: Mapping[str, str], r: Mapping[str, Any]) -> list[Any]:
    pairs = [
        (
            "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
            f"seit {_german(r['restricted_at'])}"
            + (f": {r['restriction_reason']}" if r["restriction_reason"] else "")
            if r["restricted_at"]
            else "keine",
        ),
        (
            "Archiviert",
            ("ja" + (f": {r['archive_reason']}" if r["archive_reason"] else ""))
            if r["archived"]
            else "nein",
        ),
    ]
    if r["art14_source"]:
        informed = _german(r["art14_informed_at"])
        pairs.append(("Herkunft (Art. 14 DSGVO)", r["art14_source"]))
        pairs.append(("Über die Herkunft informiert am", informed or "noch nicht"))
    return [Heading(labels["restriction"], 2), KeyValue(tuple(pairs))]


def _information(labels: Mapping[str, str], info: Mapping[str, Any]) -> list[Any]:
    """Art. 15 Abs. 1 lit. a-h and Abs. 2, from the controller's data in the city profile."""
    blocks: list[Any] = [Heading(labels["information"], 2)]
    for key, title in _INFORMATION_LABELS.items():
        value = info.get(key)
        blocks.append(Heading(title, 3))
        if key == "purposes":
            blocks.append(
                DocTable(
                    ("Zweck", "Rechtsgrundlage"),
                    tuple((p["purpose"], p["legal_basis"]) for p in value or ()),
                    (5, 7),
                )
            )
        elif key == "categories":
            blocks.append(BulletList(tuple(value or ())))
        elif key == "recipients" and isinstance(value, Mapping):
            blocks.append(
                KeyValue(
                    (
                        ("Empfänger", value["recipients"]),
                        ("Auftragsverarbeiter (Art. 28 DSGVO)", value["processors"]),
                    )
                )
            )
        else:
            blocks.append(Paragraph(str(value or "nicht angegeben")))
    return blocks


def access_file_stem(person_id: int, day: date) -> str:
    """The file name of an access report without suffix; it names the number, not the person,
    so a file list never outlives an erasure with the name in it."""
    return f"auskunft-person-{person_id}-{day.isoformat()}"
