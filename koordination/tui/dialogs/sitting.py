"""Forms of a sitting: agenda item, decision, task, workshop card, minutes header, approval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.markup import escape

from koordination.domain.enums import CardKind, DecisionResult, MinutesKind
from koordination.domain.inputs.sittings import (
    TaskInput,
    build_card,
    build_decision,
    build_header,
    build_item,
    build_task,
)
from koordination.domain.records.meetings import AgendaItemRecord, CardRecord, SittingRecord
from koordination.errors import FieldError
from koordination.tui.dialogs.form import FormScreen
from koordination.tui.widgets.form import FieldSpec

# ---------------------------------------------------------------------- agenda item


ITEM_FIELDS = [
    FieldSpec("title", "Titel"),
    FieldSpec("presenter", "Vortragende", placeholder="wer berichtet oder leitet"),
    FieldSpec("duration", "Dauer (Minuten)", placeholder="z. B. 15"),
    FieldSpec("description", "Beschreibung"),
    FieldSpec(
        "public",
        "Öffentlich",
        kind="select",
        choices=[("öffentlich", True), ("nicht öffentlich", False)],
        allow_blank=False,
    ),
    FieldSpec(
        "attachments",
        "Anlagen",
        kind="lines",
        placeholder="eine Datei oder ein Link je Zeile",
    ),
]


def item_form(title: str, item: AgendaItemRecord | None) -> FormScreen:
    values: dict[str, Any] = {"public": True}
    if item is not None:
        values = {
            "title": item.title,
            "presenter": item.presenter,
            "duration": item.duration_minutes if item.duration_minutes is not None else "",
            "description": item.description,
            "public": item.public,
            "attachments": "\n".join(item.attachments),
        }
    return FormScreen(title, ITEM_FIELDS, values, build_item)


# ---------------------------------------------------------------------- decision

DECISION_FIELDS = [
    FieldSpec("wording", "Beschluss", placeholder="genauer Wortlaut"),
    FieldSpec(
        "how",
        "Abstimmung",
        kind="select",
        choices=[("im Konsens", "konsens"), ("mit Stimmen", "stimmen")],
    ),
    FieldSpec("yes", "Ja-Stimmen", error_names=("Ja-Stimmen",)),
    FieldSpec("no", "Nein-Stimmen"),
    FieldSpec("abstain", "Enthaltungen"),
    FieldSpec(
        "result", "Ergebnis", kind="select", choices=DecisionResult.choices(), allow_blank=False
    ),
]


def decision_form(item: AgendaItemRecord) -> FormScreen:
    return FormScreen(
        f"Beschluss zu TOP {item.number} – {item.title}",
        DECISION_FIELDS,
        {"result": DecisionResult.ANGENOMMEN},
        build_decision,
        note="Konsens, oder Ja/Nein/Enthaltung eintragen.",
    )


# ---------------------------------------------------------------------- task


def task_form(
    where: str, people: Sequence[tuple[str, int]], groups: Sequence[tuple[str, int]]
) -> FormScreen:
    fields = [
        FieldSpec("title", "Aufgabe", placeholder="was ist zu tun?"),
        FieldSpec(
            "person_id", "Wer (Person)", kind="select", choices=list(people), error_names=("Wer",)
        ),
        FieldSpec("group_id", "oder Gruppe", kind="select", choices=list(groups)),
        FieldSpec("due", "Fällig am", placeholder="TT.MM.JJJJ"),
    ]
    return FormScreen(
        f"Aufgabe erfassen – {where}",
        fields,
        {},
        build_task,
        note="Eine Person oder eine Gruppe wählen; das Datum ist freiwillig.",
    )


# ---------------------------------------------------------------------- workshop cards


def card_form(clusters: Sequence[str], cluster: str = "") -> FormScreen:
    fields = [
        FieldSpec("text", "Karte", placeholder="Idee, Erkenntnis oder Frage"),
        FieldSpec("kind", "Art", kind="select", choices=CardKind.choices(), allow_blank=False),
        FieldSpec(
            "cluster",
            "Cluster",
            placeholder="Thema, unter dem die Karte hängt (→ übernimmt den Vorschlag)",
            suggestions=clusters,
        ),
    ]
    return FormScreen(
        "Neue Karte",
        fields,
        {"kind": CardKind.IDEE, "cluster": cluster},
        build_card,
        note=escape("Vorhandene Cluster: " + (", ".join(clusters) or "noch keine")),
    )


def build_cluster(values: dict[str, Any]) -> tuple[str | None, list[FieldError]]:
    return str(values.get("cluster") or "").strip(), []


def cluster_form(card: CardRecord, clusters: Sequence[str]) -> FormScreen:
    return FormScreen(
        f"Cluster ändern – {escape(card.text)}",
        [FieldSpec("cluster", "Cluster", placeholder="leer: ohne Cluster", suggestions=clusters)],
        {"cluster": card.cluster},
        build_cluster,
        note=escape("Vorhandene Cluster: " + (", ".join(clusters) or "noch keine")),
    )


def card_task_form(
    card: CardRecord, people: Sequence[tuple[str, int]], groups: Sequence[tuple[str, int]]
) -> FormScreen:
    """Who does what the card says, by when; the card's text becomes the task."""

    def build(values: dict[str, Any]) -> tuple[TaskInput | None, list[FieldError]]:
        return build_task({**values, "title": card.text})

    fields = [
        FieldSpec(
            "person_id", "Wer (Person)", kind="select", choices=list(people), error_names=("Wer",)
        ),
        FieldSpec("group_id", "oder Gruppe", kind="select", choices=list(groups)),
        FieldSpec("due", "Fällig am", placeholder="TT.MM.JJJJ"),
    ]
    return FormScreen(
        f"Karte wird Aufgabe – {escape(card.text)}",
        fields,
        {},
        build,
        note="Eine Person oder eine Gruppe wählen; das Datum ist freiwillig.",
    )


# ---------------------------------------------------------------------- minutes header


def header_form(record: SittingRecord) -> FormScreen:
    people = [(a.name, a.person_id) for a in record.attendance if a.person_id is not None]
    fields = [
        FieldSpec("chair_id", "Sitzungsleitung", kind="select", choices=people),
        FieldSpec("minute_taker_id", "Protokoll", kind="select", choices=people),
        FieldSpec("started", "Beginn", placeholder="HH:MM"),
        FieldSpec("ended", "Ende", placeholder="HH:MM"),
        FieldSpec("kind", "Art", kind="select", choices=MinutesKind.choices(), allow_blank=False),
    ]
    values = {
        "chair_id": record.chair_id,
        "minute_taker_id": record.minute_taker_id,
        "started": f"{record.start:%H:%M}",
        "ended": f"{record.end:%H:%M}",
        "kind": record.minutes_kind,
    }
    return FormScreen("Protokollkopf", fields, values, build_header)


# ---------------------------------------------------------------------- approval


def build_approval(values: dict[str, Any]) -> tuple[str | None, list[FieldError]]:
    by = str(values.get("by") or "").strip()
    if not by:
        return None, [FieldError("Genehmigt durch", "Bitte angeben, wer genehmigt.")]
    return by, []


def approval_form(record: SittingRecord) -> FormScreen:
    default = record.groups[0] if record.groups else ""
    return FormScreen(
        f"Protokoll genehmigen – {record.title}, {record.start:%d.%m.%Y}",
        [FieldSpec("by", "Genehmigt durch", placeholder="z. B. AK in der Sitzung vom …")],
        {"by": default},
        build_approval,
        note="Danach ist das Protokoll eingefroren; Änderungen nur über „Korrektur beginnen“.",
    )
