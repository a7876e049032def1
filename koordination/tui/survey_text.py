"""Surveys in words: the status colours, the narrow cells of the lists and the detail under
them, for the Umfragen area and the questionnaire screen (Textual markup, no widgets)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rich.text import Text

from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus
from koordination.domain.records.surveys import QuestionRecord, SurveyForm, SurveyRecord
from koordination.tui.formatting import clip, escape_markup, number
from koordination.tui.widgets.bar_chart import SUPPRESSED

STATUS_STYLE = {
    SurveyStatus.ENTWURF: "yellow",
    SurveyStatus.LAEUFT: "bold green",
    SurveyStatus.ABGESCHLOSSEN: "dim",
}

#: The audience in a narrow column (the detail below the list says it in full).
AUDIENCE_SHORT = {
    SurveyAudience.ORGANISATIONEN: "Organisationen",
    SurveyAudience.BUERGER: "Bürgerschaft",
}


def answers_text(count: int | None) -> str:
    """How many answered ("< 5 Antworten" for a count withheld as too small)."""
    if count is None:
        return f"{SUPPRESSED} Antworten"
    return "1 Antwort" if count == 1 else f"{count} Antworten"


def audience_cell(record: SurveyRecord, width: int) -> str:
    """The audience in full where it fits, else its short form."""
    full = record.audience_label
    if len(full) <= width:
        return full
    return clip(AUDIENCE_SHORT.get(record.audience) or full, width)


def short_period(record: SurveyRecord) -> str:
    """The period in a narrow column: "01.09.–30.11.26", across years "01.12.26–31.01.27"."""

    def fmt(d: date) -> str:
        return d.strftime("%d.%m.%y")

    start, end = record.starts_on, record.ends_on
    if start and end:
        first = f"{start:%d.%m.}" if start.year == end.year else fmt(start)
        return f"{first}–{fmt(end)}"
    if start:
        return f"ab {fmt(start)}"
    if end:
        return f"bis {fmt(end)}"
    return "–"


def survey_detail(s: SurveyRecord) -> str:
    """The highlighted survey under the list (Textual markup)."""
    facts = [
        f"{number(s.question_count)} Fragen",
        answers_text(s.response_count),
        "anonym" if s.anonymous else "mit Name oder Kontakt",
    ]
    if s.copied_from_id:
        facts.append(f"Kopie von Nr. {s.copied_from_id}")
    lines = [
        f"[b]{escape_markup(s.title)}[/b]  [dim]Nr. {s.id}[/dim]",
        f"{escape_markup(s.audience_label)} · {escape_markup(s.period_label or 'ohne Zeitraum')} · "
        f"[{STATUS_STYLE[s.status]}]{s.status.label}[/] · " + " · ".join(facts),
    ]
    if s.status is SurveyStatus.ENTWURF:
        nxt = "Enter: Fragebogen · S: starten · Strg+E: Fragebogen drucken"
    elif s.status is SurveyStatus.LAEUFT:
        nxt = "r: Papierbögen · k: Kiosk · i: Import · E: Ergebnisse · S: abschließen"
    else:
        nxt = "E: Ergebnisse · Strg+E: Bericht · r: späte Papierbögen · S: wieder öffnen"
    lines.append(f"[dim]{nxt}[/dim]")
    if s.introduction:
        intro = " ".join(s.introduction.split())
        lines.append(f"[dim]{escape_markup(clip(intro, 150))}[/dim]")
    return "\n".join(lines)


def question_texts(q: QuestionRecord, form: SurveyForm) -> dict[str, str]:
    """The whole texts of a question's row by column key (what each column needs)."""
    return {
        "code": q.label,
        "section": q.section,
        "type": q.type.label,
        "text": ("abgelöst: " if q.retired else "") + q.text,
        "required": "ja" if q.required else "",
        "condition": form.condition_label(q).removeprefix("Nur wenn "),
        "answers": number(q.answer_count) if q.answer_count else "–",
    }


def question_cells(q: QuestionRecord, form: SurveyForm, widths: Mapping[str, int]) -> list[Text]:
    """The cells of a question's row, for the columns shown (``widths`` by key, in order)."""
    style = "dim" if q.retired else ""
    whole = question_texts(q, form)
    text, condition = whole["text"], whole["condition"]
    cells = {
        "code": lambda w: Text(clip(q.label, w), style="dim" if q.retired else "bold"),
        "section": lambda w: Text(clip(q.section, w), style="dim"),
        "type": lambda w: Text(clip(q.type.label, w), style=style),
        "text": lambda w: Text(clip(text, w), style="dim strike" if q.retired else ""),
        "required": lambda w: Text("ja" if q.required else "", style=style),
        "condition": lambda w: Text(clip(condition, w), style="dim"),
        "answers": lambda w: Text(
            number(q.answer_count) if q.answer_count else "–", style=style, justify="right"
        ),
    }
    return [cells[key](width) for key, width in widths.items()]


def question_detail(q: QuestionRecord, form: SurveyForm) -> str:
    # The space stays inside the styled label, so no renderer drops it at the style's edge.
    lines = [f"[b]{escape_markup(q.label)} [/b]{escape_markup(q.text)}"]
    if q.section:
        lines.append(f"[dim]Abschnitt: [/dim]{escape_markup(q.section)}")
    if q.hint:
        lines.append(f"[dim]{escape_markup(q.hint)}[/dim]")
    if q.type.has_options:
        options = "  ".join(f"{i} {o.label}" for i, o in enumerate(q.options, start=1))
        lines.append(f"{q.type.label}: {escape_markup(options)}")
    elif q.type is QuestionType.SKALA:
        labels = f" ({q.low_label} … {q.high_label})" if q.low_label or q.high_label else ""
        lines.append(f"Skala {q.scale_min} bis {q.scale_max}{escape_markup(labels)}")
    else:
        lines.append(q.type.label)
    facts = []
    if q.required:
        facts.append("Pflichtfrage")
    if condition := form.condition_label(q):
        facts.append(escape_markup(condition))
    if q.breakdown:
        facts.append("Ergebnisse werden danach aufgeschlüsselt")
    if q.bank_item_id:
        facts.append("mit der Fragensammlung verknüpft")
    facts.append(answers_text(q.answer_count))
    if q.retired:
        facts.append("abgelöst durch eine neuere Fassung; die Antworten bleiben erhalten")
    if facts:
        lines.append("[dim]" + " · ".join(facts) + "[/dim]")
    return "\n".join(lines)
