"""The office's data-protection paperwork as documents: the draft record of processing
activities (Art. 30 DSGVO) and the information text for volunteers (Art. 13/14 DSGVO), both
from the same :class:`~koordination.services.privacy.paperwork.Paperwork` facts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from koordination.outputs.document.model import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    Letterhead,
    Note,
    Paragraph,
)
from koordination.outputs.document.model import Table as DocTable

if TYPE_CHECKING:
    from koordination.services.privacy.paperwork import Paperwork
    from koordination.services.privacy.retention_rules import RuleState

MISSING = "[bitte im Stadtprofil ergänzen]"


def record_stem(day: date) -> str:
    return f"verzeichnis-verarbeitungstaetigkeiten-{day.isoformat()}"


def information_stem(day: date, art14: bool) -> str:
    return f"datenschutzinformation{'-art14' if art14 else ''}-{day.isoformat()}"


def _draft_note(facts: Paperwork) -> list[Any]:
    blocks: list[Any] = [
        Note(
            "Entwurf aus den Angaben in koordination (Stadtprofil, Aufbewahrungsregeln). Bitte "
            "mit der/dem Datenschutzbeauftragten prüfen und ergänzen, bevor er gilt.",
            "warning",
            "Entwurf",
        )
    ]
    if facts.open_points:
        blocks += [Paragraph("Noch offen:"), BulletList(facts.open_points)]
    return blocks


def _purposes(facts: Paperwork) -> DocTable:
    return DocTable(
        ("Zweck", "Rechtsgrundlage"),
        tuple((p.label, p.basis) for p in facts.purposes),
        (0.5, 0.5),
    )


def _period(state: RuleState) -> str:
    if state.enabled:
        return state.status
    if state.decided:
        return "keine Löschfrist"
    return "nicht festgelegt"


def _decided(state: RuleState) -> str:
    if not state.decided or state.decided_on is None:
        return ""
    by = f" ({state.decided_by})" if state.decided_by else ""
    return f"{state.decided_on:%d.%m.%Y}{by}"


def _what(state: RuleState) -> str:
    """What happens at the end of the period (and why that period), or why there is none."""
    if state.enabled:
        return f"{state.reason} – {state.deletes}" if state.reason else state.deletes
    return state.reason or "Noch zu entscheiden."


def processing_record(facts: Paperwork, letterhead: Letterhead) -> Document:
    """The draft record of processing activities of the office (Art. 30 Abs. 1 DSGVO)."""
    blocks: list[Any] = _draft_note(facts)
    blocks += [
        Heading("1. Verantwortliche Stelle (Art. 30 Abs. 1 lit. a)", 2),
        KeyValue(
            (
                ("Verantwortlich", facts.controller),
                ("Datenschutzbeauftragte", facts.dpo or MISSING),
                ("Aufsichtsbehörde", facts.authority or MISSING),
            )
        ),
        Heading("2. Verarbeitung", 2),
        Paragraph(
            "Koordination des Engagement-Netzwerks der Stadt"
            + (f" {facts.city}" if facts.city else "")
            + " mit dem Programm koordination: Verzeichnis von Personen, Organisationen und "
            "Gruppen, Termine und Einladungen, Sitzungen mit Anwesenheit und Protokoll, "
            "Aufgaben, Umfragen und Handlungsfelder."
        ),
        Heading("3. Zwecke und Rechtsgrundlagen (lit. b)", 2),
        _purposes(facts),
        Heading("4. Kategorien betroffener Personen (lit. c)", 2),
        BulletList(facts.subjects),
        Heading("5. Kategorien personenbezogener Daten (lit. c)", 2),
        BulletList(facts.categories),
        Paragraph(
            "Besondere Kategorien (Art. 9 DSGVO) werden nicht gezielt erhoben; "
            "Notizfelder sind so zu führen, dass sie keine enthalten."
        ),
        Heading("6. Empfänger (lit. d)", 2),
        KeyValue(
            (
                ("Empfänger", facts.recipients),
                ("Auftragsverarbeiter", facts.processors),
            )
        ),
        Heading("7. Übermittlung in Drittländer (lit. e)", 2),
        Paragraph(facts.third_countries),
        Heading("8. Fristen für die Löschung (lit. f)", 2),
        DocTable(
            ("Daten", "Frist", "Festgelegt am", "Was geschieht / Begründung"),
            tuple(
                (
                    s.label,
                    _period(s),
                    _decided(s),
                    _what(s),
                )
                for s in facts.periods
            ),
            (0.22, 0.14, 0.16, 0.48),
        ),
        Paragraph(
            "Protokolle haben keine eigene Frist: Sie dokumentieren die Beschlüsse des "
            "Netzwerks. Wer gelöscht wird, steht danach auch in Protokollen und "
            "Anwesenheitslisten nur noch als „N. N.“."
        ),
        Heading("9. Technische und organisatorische Maßnahmen (lit. g, Art. 32)", 2),
        BulletList(facts.measures),
    ]
    return Document(
        title="Verzeichnis von Verarbeitungstätigkeiten (Entwurf)",
        subtitle="nach Art. 30 Abs. 1 DSGVO",
        meta=(("Stand", f"{facts.today:%d.%m.%Y}"),),
        blocks=tuple(blocks),
        letterhead=letterhead,
    )


def _storage(facts: Paperwork) -> list[Any]:
    lines = []
    for s in facts.periods:
        if s.enabled:
            lines.append(f"{s.title}.")
        elif s.decided:
            lines.append(f"{s.label}: ohne Löschfrist ({s.reason}).")
        else:
            lines.append(f"{s.label}: noch keine Frist festgelegt.")
    return [
        Paragraph(
            "Wir speichern Ihre Daten, solange Sie im Netzwerk mitwirken und wir sie dafür "
            "brauchen, oder bis Sie die Löschung verlangen. Für einzelne Daten gilt:"
        ),
        BulletList(tuple(lines)),
    ]


def information_text(facts: Paperwork, letterhead: Letterhead, art14: bool = False) -> Document:
    """The information for volunteers (Art. 13 DSGVO; with ``art14`` also for people whose
    data came from another organisation's list, Art. 14)."""
    where = f" {facts.city}" if facts.city else ""
    blocks: list[Any] = _draft_note(facts)
    blocks += [
        Paragraph(
            f"Die Koordinierungsstelle der Engagierten Stadt{where} verarbeitet Daten von "
            "Menschen, die sich im Netzwerk engagieren. Hier erfahren Sie, welche Daten das "
            "sind, wozu wir sie brauchen und welche Rechte Sie haben."
        ),
        Heading("Verantwortliche Stelle", 2),
        Paragraph(facts.controller),
        Heading("Datenschutzbeauftragte", 2),
        Paragraph(facts.dpo or MISSING),
        Heading("Zwecke und Rechtsgrundlagen", 2),
        _purposes(facts),
        Paragraph(
            "Wo eine Einwilligung die Grundlage ist, können Sie sie jederzeit für die Zukunft "
            "widerrufen, formlos per E-Mail oder Brief an die Koordinierungsstelle."
        ),
        Heading("Empfänger", 2),
        Paragraph(facts.recipients),
        Paragraph(f"Auftragsverarbeiter: {facts.processors}"),
        Heading("Übermittlung in Drittländer", 2),
        Paragraph(facts.third_countries),
        Heading("Speicherdauer", 2),
        *_storage(facts),
        Heading("Ihre Rechte", 2),
        Paragraph(
            "Sie können Auskunft über Ihre gespeicherten Daten verlangen (Art. 15 DSGVO). "
            + facts.rights
        ),
        Heading("Beschwerderecht", 2),
        Paragraph(
            "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO)"
            + (
                f", insbesondere bei der für uns zuständigen: {facts.authority}."
                if facts.authority
                else "."
            )
        ),
        Heading("Bereitstellung der Daten", 2),
        Paragraph(facts.provision),
        Heading("Automatisierte Entscheidungen", 2),
        Paragraph(facts.automated),
    ]
    if art14:
        sources = facts.art14_sources or ("[Liste der Organisation ergänzen]",)
        blocks += [
            Heading("Herkunft Ihrer Daten (Art. 14 DSGVO)", 2),
            Paragraph(
                "Sie erhalten diese Information, weil wir Ihre Daten nicht bei Ihnen selbst "
                "erhoben haben. Name, Kontaktdaten und Ihre Organisation oder Funktion stammen "
                "aus einer Liste, die uns eine Organisation des Netzwerks überlassen hat; "
                "öffentlich zugängliche Quellen nutzen wir nicht. Die Listen:"
            ),
            BulletList(sources),
            Paragraph(
                "Wenn Sie nicht im Netzwerk geführt werden möchten, genügt eine kurze Nachricht: "
                "Wir löschen Ihre Daten dann."
            ),
        ]
    return Document(
        title="Datenschutzinformation für Engagierte",
        subtitle=(
            "Informationen nach Art. 13 und 14 DSGVO"
            if art14
            else "Informationen nach Art. 13 DSGVO"
        ),
        meta=(("Stand", f"{facts.today:%d.%m.%Y}"),),
        blocks=tuple(blocks),
        letterhead=letterhead,
    )
