"""The audit trail in German: labels of kinds, actions and fields, values as the office reads
them, and the ``kind:number`` a coordinator names a record with."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import inspect

from koordination.clock import CITY_ZONE
from koordination.db.audit import ACTIONS, ERASED, KIND_LABELS, TRACKED
from koordination.domain.enums import LabeledEnum
from koordination.errors import KoordinationError

#: German labels of the stored columns; a column not listed is shown by its name.
FIELD_LABELS = {
    "achievements": "Erfolge",
    "actual_value": "Istwert",
    "added_at": "Eingeladen am",
    "address": "Anschrift",
    "address_key": "E-Mail (Suchschlüssel)",
    "anonymous": "Anonym",
    "approved_at": "Genehmigt am",
    "approved_by": "Genehmigt von",
    "archived": "Archiviert",
    "assignee_group_id": "Zuständige Gruppe",
    "assignee_person_id": "Zuständige Person",
    "attachments": "Anlagen",
    "audience": "Zielgruppe",
    "audience_note": "Zielgruppe (Hinweis)",
    "bank_item_id": "Frage der Fragensammlung",
    "breakdown": "Aufschlüsseln nach",
    "bundesland": "Bundesland",
    "cancel_sent_sequence": "Absage verschickt (Fassung)",
    "cancelled": "Abgesagt",
    "chair_id": "Leitung",
    "cluster": "Cluster",
    "code": "Kürzel",
    "condition_option_id": "Bedingung (Antwort)",
    "condition_question_id": "Bedingung (Frage)",
    "confirmed_at": "Bestätigt am",
    "consensus": "Im Konsens",
    "contact": "Kontaktdaten",
    "contact_person_id": "Ansprechperson",
    "content": "Inhalt",
    "copied_from_id": "Kopiert von",
    "created_by": "Erstellt von",
    "decision_id": "Beschluss",
    "description": "Beschreibung",
    "district": "Stadtteil",
    "done_on": "Erledigt am",
    "done_reported_in_id": "Erledigt gemeldet in Sitzung",
    "due": "Fällig am",
    "due_on": "Fällig am",
    "duration_minutes": "Dauer (Minuten)",
    "email": "E-Mail",
    "enabled": "Eingeschaltet",
    "end_at": "Ende",
    "ended_at": "Ende",
    "ends_at": "Ende",
    "ends_on": "Ende",
    "erased_at": "Gelöscht am",
    "expires_on": "Ablaufdatum",
    "external_id": "Externe Nr.",
    "family_name": "Nachname",
    "field_id": "Handlungsfeld",
    "fingerprint": "Prüfsumme",
    "focus": "Schwerpunkte",
    "function": "Funktion",
    "given_at": "Erteilt am",
    "given_name": "Vorname",
    "goal_id": "Ziel",
    "group_id": "Gruppe",
    "guest": "Gast",
    "hashtags": "Hashtags",
    "high_label": "Beschriftung oben",
    "hint": "Hinweis",
    "hours": "Stunden",
    "hours_per": "Stunden je",
    "inhabitants": "Einwohner",
    "introduction": "Einleitung",
    "item_id": "Tagesordnungspunkt",
    "key": "Schlüssel",
    "kind": "Art",
    "label": "Beschriftung",
    "last_end_at": "Letzter Termin endet",
    "lead_group_id": "Federführende Gruppe",
    "legal_basis": "Rechtsgrundlage",
    "low_label": "Beschriftung unten",
    "measure_id": "Maßnahme",
    "measured_on": "Gemessen am",
    "meeting_id": "Termin",
    "minute_taker_id": "Protokoll",
    "minutes_kind": "Protokollart",
    "minutes_status": "Protokollstatus",
    "months": "Monate",
    "name": "Name",
    "needed": "Was gebraucht wird",
    "network_since": "Im Netzwerk seit",
    "note": "Notiz",
    "notes": "Notizen",
    "number": "Nummer",
    "occurrence": "Termin (ursprünglicher Beginn)",
    "office_address": "Anschrift der Koordinierungsstelle",
    "office_email": "E-Mail der Koordinierungsstelle",
    "office_name": "Name der Koordinierungsstelle",
    "office_phone": "Telefon der Koordinierungsstelle",
    "online": "Online",
    "online_url": "Online-Zugang",
    "options": "Antwortmöglichkeiten",
    "organisation": "Organisation",
    "organisation_id": "Organisation",
    "parent_id": "Übergeordnet",
    "person_id": "Person",
    "phone": "Telefon",
    "place": "Ort",
    "portrait": "Porträt",
    "position": "Reihenfolge",
    "postal_address": "Postanschrift",
    "preferred_channel": "Einladungsweg",
    "presenter": "Vortrag",
    "previous_id": "Vorherige Serie",
    "principles_accepted_on": "Grundsätze anerkannt am",
    "progress": "Fortschritt (%)",
    "public": "Öffentlich",
    "purpose": "Zweck",
    "question_id": "Frage",
    "recurrence_id": "Termin (ursprünglicher Beginn)",
    "reminded_at": "Erinnert am",
    "reminded_for": "Erinnert zur Bestätigung vom",
    "removed_at": "Von der Liste genommen am",
    "replaces_id": "Ersetzt Frage",
    "representing_id": "Vertritt Organisation",
    "request_sequence": "Einladungsfassung",
    "required": "Pflichtfrage",
    "resources": "Ressourcen",
    "responsible_group_id": "Verantwortliche Gruppe",
    "responsible_person_id": "Verantwortliche Person",
    "result": "Ergebnis",
    "retired": "Ersetzt",
    "role": "Rolle",
    "room": "Raum",
    "rrule": "Wiederholung",
    "salutation": "Anrede",
    "scale_max": "Skala bis",
    "scale_min": "Skala von",
    "section": "Abschnitt",
    "sector": "Sektor",
    "sent_at": "Verschickt am",
    "sent_email": "Verschickt an",
    "sent_sequence": "Verschickte Fassung",
    "sequence": "Fassung",
    "short_name": "Kurzname",
    "sitting_id": "Sitzung",
    "source": "Quelle",
    "stand": "Stand",
    "standing": "Ständiger TOP",
    "start_at": "Beginn",
    "started_at": "Beginn",
    "starts_at": "Beginn",
    "starts_on": "Beginn",
    "status": "Status",
    "submitted_at": "Abgegeben am",
    "survey_id": "Umfrage",
    "survey_question_id": "Frage einer Umfrage",
    "tag": "Schlagwort",
    "tandem_partner": "Tandempartner",
    "target_value": "Zielwert",
    "task_id": "Aufgabe",
    "text": "Text",
    "text_version": "Fassung des Textes",
    "title": "Titel",
    "type": "Fragetyp",
    "uid": "Kalender-UID",
    "unit": "Einheit",
    "valid_from": "Von",
    "valid_to": "Bis",
    "via_group_id": "Eingeladen über Gruppe",
    "vision": "Vision",
    "votes": "Punkte",
    "votes_abstain": "Enthaltungen",
    "votes_no": "Nein-Stimmen",
    "votes_yes": "Ja-Stimmen",
    "voting_right": "Stimmrecht",
    "website": "Webseite",
    "withdrawn_at": "Widerrufen am",
    "wording": "Wortlaut",
}

#: Where the same column means something else in one kind of record.
KIND_FIELD_LABELS = {
    ("person_email", "address"): "E-Mail-Adresse",
    ("person_phone", "number"): "Telefonnummer",
    ("minutes_version", "number"): "Fassung",
    ("group", "parent_id"): "Übergeordnete Gruppe",
    ("agenda_item", "parent_id"): "Übergeordneter TOP",
    ("retention_rule", "kind"): "Regel",
    ("consent", "text_id"): "Einwilligungstext",
    ("consent", "channel"): "Kanal",
    ("consent", "evidence"): "Nachweis",
    ("consent", "withdrawal_channel"): "Kanal des Widerrufs",
    ("person", "art14_source"): "Herkunft der Daten (Art. 14 DSGVO)",
    ("person", "art14_informed_at"): "Information nach Art. 14 versandt am",
    ("offer", "contact_person_id"): "Kontaktperson",
    ("offer", "action_field_id"): "Handlungsfeld",
    ("offer_tag", "tag"): "Passt für",
    ("objection", "scope"): "Bereich",
    ("objection", "reason"): "Grund",
    ("objection", "received_at"): "Eingegangen am",
    ("objection", "decided_at"): "Entschieden am",
    ("objection", "outcome"): "Ergebnis",
}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_RECORD = re.compile(r"^\s*([a-z_]+)\s*:\s*(\d+)\s*$")


def field_label(kind: str, field: str) -> str:
    """The German label of a stored column (the column's name when there is none)."""
    return KIND_FIELD_LABELS.get((kind, field)) or FIELD_LABELS.get(field, field)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


#: Actions written by hand beyond the listener's (a retention run).
_MORE_ACTIONS = {"run": "ausgeführt"}


def action_label(action: str) -> str:
    return ACTIONS.get(action) or _MORE_ACTIONS.get(action, action)


def local_time(at: datetime) -> str:
    """An instant as the office reads it: "22.11.2026 14:03" in Europe/Berlin."""
    return at.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")


#: The records a coordinator usually asks about; every other kind of the trail works too.
MAIN_KINDS = (
    "person",
    "organisation",
    "group",
    "meeting",
    "sitting",
    "survey",
    "action_field",
    "measure",
    "city",
    "retention_rule",
    "offer",
)


def known_kinds() -> str:
    """The kinds one can ask the trail about, for help texts and error messages."""
    main = ", ".join(f"{kind} ({KIND_LABELS[kind]})" for kind in MAIN_KINDS)
    more = ", ".join(kind for kind in KIND_LABELS if kind not in MAIN_KINDS)
    return f"{main}; außerdem {more}"


def parse_record(text: str) -> tuple[str, int]:
    """``"person:12"`` → ``("person", 12)``; a German error for anything else."""
    match = _RECORD.match(text or "")
    if match is None:
        raise KoordinationError(
            f"„{text}“ ist keine Angabe eines Eintrags. Bitte ART:NR angeben, z. B. person:12 "
            f"oder group:3. Bekannte Arten: {known_kinds()}."
        )
    kind, number = match.group(1), int(match.group(2))
    if kind not in KIND_LABELS:
        raise KoordinationError(
            f"„{kind}“ ist keine bekannte Art. Bekannte Arten: {known_kinds()}."
        )
    return kind, number


#: Derived columns that only mirror another one: kept in the JSON, left out of tables.
DERIVED = frozenset({"address_key"})


@cache
def column_order() -> dict[str, dict[str, int]]:
    """kind → column → position in the table: an entry lists fields as the form does."""
    return {
        tracked.kind: {attr.key: i for i, attr in enumerate(inspect(model).column_attrs)}
        for model, tracked in TRACKED.items()
    }


@cache
def _enum_columns() -> dict[tuple[str, str], type[LabeledEnum]]:
    """(kind, column) → the enum stored there: the trail holds values, people read labels."""
    found: dict[tuple[str, str], type[LabeledEnum]] = {}
    for model, tracked in TRACKED.items():
        for attr in inspect(model).column_attrs:
            enum_class = getattr(attr.columns[0].type, "enum_class", None)
            if isinstance(enum_class, type) and issubclass(enum_class, LabeledEnum):
                found[tracked.kind, attr.key] = enum_class
    return found


def enum_label(kind: str, field: str, value: Any) -> str | None:
    enum_class = _enum_columns().get((kind, field))
    if enum_class is None or not isinstance(value, str):
        return None
    try:
        return enum_class(value).label
    except ValueError:
        return None  # stored as a label already, or a value no longer known


def render_value(value: Any) -> str:
    """A stored value in German: "–" for nothing, ja/nein, dates and instants as in Germany."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if value == ERASED:
            return value
        if _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value).strftime("%d.%m.%Y")
            except ValueError:
                return value
        if _ISO_INSTANT.match(value):
            try:
                instant = datetime.fromisoformat(value)
            except ValueError:
                return value
            if instant.tzinfo is None:
                return instant.strftime("%d.%m.%Y %H:%M")
            return local_time(instant)
        return value
    return json.dumps(value, ensure_ascii=False)
