"""Forms of a sitting: agenda item, decision, task, workshop card, minutes header, approval;
the export dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

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
from koordination.errors import FieldError, KoordinationError
from koordination.tui.screens.forms import FormScreen
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
        f"Protokoll genehmigen – {record.title}, {record.occurrence:%d.%m.%Y}",
        [FieldSpec("by", "Genehmigt durch", placeholder="z. B. AK in der Sitzung vom …")],
        {"by": default},
        build_approval,
        note="Danach ist das Protokoll eingefroren; Änderungen nur über „Korrektur beginnen“.",
    )


# ---------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportRequest:
    document: str
    fmt: str
    target: Path


#: (key, German label) of the documents a sitting can be exported as.
DOCUMENTS = [
    ("einladung", "Einladung mit Tagesordnung"),
    ("protokoll", "Protokoll"),
    ("teilnehmende", "Teilnehmendenliste"),
    ("ergebnisbericht", "Ergebnisbericht (Werkstatt)"),
]


class ExportScreen(ModalScreen[Path | None]):
    """Choose document, format and file; the file is written in a worker with a progress bar."""

    BINDINGS = [
        Binding("ctrl+s", "export", "Exportieren", tooltip="Datei schreiben"),
        Binding("escape", "cancel", "Abbrechen", tooltip="Dialog schließen"),
    ]

    def __init__(
        self,
        title: str,
        documents: Sequence[tuple[str, str]],
        formats: Sequence[tuple[str, str]],
        default: tuple[str, str],
        target_for: Callable[[str, str], Path],
        run: Callable[[ExportRequest], Path],
    ) -> None:
        super().__init__()
        self.title_text = title
        self.documents = list(documents)
        self.formats = list(formats)
        self.default = default
        self.target_for = target_for
        self.run = run
        self.running = False
        self._suggested = ""

    def compose(self) -> ComposeResult:
        document, fmt = self.default
        with Vertical(id="dialog", classes="transfer-dialog export-dialog"):
            yield Static(escape(self.title_text), classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label("Dokument", classes="field-label")
                yield Select(
                    [(label, key) for key, label in self.documents],
                    value=document,
                    allow_blank=False,
                    id="export-document",
                    compact=True,
                )
            with Horizontal(classes="field-row"):
                yield Label("Format", classes="field-label")
                yield Select(
                    [(label, key) for key, label in self.formats],
                    value=fmt,
                    allow_blank=False,
                    id="export-format",
                    compact=True,
                )
            yield Label("Datei", classes="field-label export-label")
            yield Input(id="export-target")
            yield ProgressBar(id="export-progress", show_eta=False, show_percentage=False)
            yield Static("", id="export-problem", classes="transfer-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Exportieren", variant="primary", id="export")
                yield Button("Abbrechen", id="cancel")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self._suggest()
        self.query_one("#export-document", Select).focus()

    def _choice(self) -> tuple[str, str]:
        document = self.query_one("#export-document", Select).value
        fmt = self.query_one("#export-format", Select).value
        return str(document), str(fmt)

    def _suggest(self) -> None:
        target = self.query_one("#export-target", Input)
        if target.value and target.value != self._suggested:
            # The user typed a path of their own: only the suffix follows the format.
            _doc, fmt = self._choice()
            target.value = str(Path(target.value).with_suffix(f".{fmt}"))
            return
        self._suggested = str(self.target_for(*self._choice()))
        target.value = self._suggested

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.is_mounted:
            self._suggest()

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#export-target")
    def action_export(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-target", Input).value.strip()
        problem = self.query_one("#export-problem", Static)
        if not text:
            problem.update("Bitte eine Zieldatei angeben.")
            return
        problem.update("")
        document, fmt = self._choice()
        self.running = True
        for button in self.query(Button):
            button.disabled = True
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None)
        self._export(ExportRequest(document, fmt, Path(text).expanduser()))

    @work(thread=True, exclusive=True, group="export")
    def _export(self, request: ExportRequest) -> None:
        try:
            path = self.run(request)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        except OSError as exc:
            self.app.call_from_thread(
                self._failed, f"Die Datei kann nicht geschrieben werden: {exc}"
            )
        except Exception as exc:  # say what happened instead of a traceback
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
        else:
            self.app.call_from_thread(self.dismiss, path)

    def _failed(self, message: str) -> None:
        self.running = False
        for button in self.query(Button):
            button.disabled = False
        self.query_one(ProgressBar).display = False
        self.query_one("#export-problem", Static).update(escape(message))
        self.notify(message, title="Export", severity="error", timeout=12)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.running:
            self.notify("Bitte warten, bis die Datei geschrieben ist.", severity="warning")
            return
        self.dismiss(None)
