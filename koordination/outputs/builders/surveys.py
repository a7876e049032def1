"""A survey as documents: the printable questionnaire and the results report with charts."""

from __future__ import annotations

from collections.abc import Sequence

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import (
    MIN_CELL,
    BreakdownRow,
    ComparedQuestion,
    Comparison,
    NumberStats,
    OptionCount,
    QuestionRecord,
    QuestionResult,
    SurveyForm,
    SurveyResults,
)
from koordination.outputs.document.german import month_date
from koordination.outputs.document.model import (
    Bar,
    BarChart,
    Block,
    BulletList,
    Document,
    Heading,
    Letterhead,
    Note,
    Paragraph,
    QuestionBlock,
    QuestionKind,
    Table,
)

#: What a suppressed cell shows instead of its figure.
SUPPRESSED = f"< {MIN_CELL}"

SUPPRESSION_NOTE = (
    f"Werte, die auf weniger als {MIN_CELL} Antworten beruhen, werden nicht ausgewiesen und "
    f"erscheinen als „{SUPPRESSED}“, damit niemand an seinen Antworten zu erkennen ist. Wo sich "
    "die Anteile einer Frage zu 100 % ergänzen, ist zusätzlich ein weiterer kleiner Wert "
    "verborgen, sonst ließe sich der fehlende aus den übrigen errechnen."
)
INTERNAL_NOTE = (
    f"Interne Auswertung: Sie enthält auch Werte aus weniger als {MIN_CELL} Antworten und ist "
    "nicht zur Weitergabe oder Veröffentlichung bestimmt."
)
MULTIPLE_NOTE = (
    "Mehrfachnennung möglich: Die Anteile beziehen sich auf alle, die die Frage beantwortet "
    "haben, und können zusammen mehr als 100 % ergeben."
)
CHART_TITLE = "Anteile in Prozent (Anzahl)"

_KINDS: dict[QuestionType, QuestionKind] = {
    QuestionType.EINFACH: "single",
    QuestionType.MEHRFACH: "multiple",
    QuestionType.SKALA: "scale",
    QuestionType.JA_NEIN: "yesno",
    QuestionType.ZAHL: "number",
    QuestionType.DATUM: "date",
    QuestionType.TEXT: "text",
}

#: Free-text questions get this many lines to write on.
ANSWER_LINES = 5
#: A breakdown with more options than this is listed row by row instead of one column each.
WIDE_BREAKDOWN = 5


# ------------------------------------------------------------------ German figures


def german_number(value: float, decimals: int = 2) -> str:
    """``1.234,5``: thousands with a dot, decimals with a comma, trailing zeros dropped."""
    rounded = round(float(value), decimals)
    if rounded.is_integer():
        text = f"{int(rounded):,}"
    else:
        text = f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent_text(percent: float | None) -> str:
    """``42 %``, ``33,3 %``, or ``< 5`` for a suppressed cell."""
    return SUPPRESSED if percent is None else f"{german_number(percent, 1)} %"


def count_text(count: int | None) -> str:
    return SUPPRESSED if count is None else german_number(count, 0)


def cell_text(option: OptionCount) -> str:
    """One cell as charts and tables show it: ``42 % (21)``, or ``< 5`` when suppressed."""
    if option.count is None or option.percent is None:
        return SUPPRESSED
    return f"{percent_text(option.percent)} ({count_text(option.count)})"


def people(count: int) -> str:
    return "1 Person" if count == 1 else f"{german_number(count, 0)} Personen"


def question_label(code: str, version: int) -> str:
    """``F3``, from the second version on ``F3 (Fassung 2)``."""
    return code if version == 1 else f"{code} (Fassung {version})"


# ------------------------------------------------------------------ questionnaire


def condition_text(form: SurveyForm, question: QuestionRecord) -> str:
    """``Nur beantworten, wenn F2 = Ja`` for a question shown only after a certain answer."""
    if question.condition_question_id is None or question.condition_option_id is None:
        return ""
    earlier = form.question(question.condition_question_id)
    if earlier is None:
        return ""
    option = earlier.option(question.condition_option_id)
    label = option.label if option is not None else "?"
    if earlier.type is QuestionType.MEHRFACH:
        return f"Nur beantworten, wenn bei {earlier.code} „{label}“ angekreuzt ist"
    return f"Nur beantworten, wenn {earlier.code} = {label}"


def question_block(form: SurveyForm, question: QuestionRecord) -> QuestionBlock:
    return QuestionBlock(
        number=question.code,
        text=question.text,
        kind=_KINDS[question.type],
        options=tuple(o.label for o in question.options),
        hint=question.hint,
        required=question.required,
        condition=condition_text(form, question),
        scale=question.scale_values(),
        low_label=question.low_label,
        high_label=question.high_label,
        lines=ANSWER_LINES,
    )


def questionnaire(form: SurveyForm, letterhead: Letterhead) -> Document:
    """The questionnaire to print and fill in by hand: every current question in order, the
    sections as headings, tick boxes, scales and lines to write on."""
    survey = form.survey
    meta = [("Zielgruppe", survey.audience_label)]
    if survey.period_label:
        meta.append(("Zeitraum", survey.period_label))
    blocks: list[Block] = []
    if survey.introduction:
        blocks.append(Paragraph(survey.introduction))
    if survey.anonymous:
        blocks.append(
            Note(
                "Ihre Angaben sind anonym. Bitte schreiben Sie Ihren Namen oder Ihre "
                "Kontaktdaten nicht auf diesen Bogen.",
                "info",
                title="Datenschutz",
            )
        )
    how = "Bitte kreuzen Sie Zutreffendes an."
    if any(q.required for q in form.questions):
        how += " Fragen mit dem Vermerk „Pflichtfrage“ beantworten Sie bitte auf jeden Fall."
    blocks.append(Paragraph(how))
    section = ""
    for question in form.questions:
        if question.section and question.section != section:
            blocks.append(Heading(question.section, 1))
        section = question.section
        blocks.append(question_block(form, question))
    blocks.append(Heading("Vielen Dank!", 1))
    blocks.append(Paragraph("Vielen Dank, dass Sie sich die Zeit genommen haben."))
    if letterhead.office_name:
        back = "\n".join(p for p in (letterhead.office_name, letterhead.address) if p)
        blocks.append(Paragraph(f"Bitte geben Sie den ausgefüllten Bogen zurück an:\n{back}"))
    return Document(
        title=survey.title,
        subtitle="Fragebogen",
        meta=tuple(meta),
        blocks=tuple(blocks),
        letterhead=letterhead,
        footer=f"Fragebogen: {survey.title}",
    )


# ------------------------------------------------------------------ results report


def report_title(results: SurveyResults) -> str:
    """``Ergebnis Umfrage Engagement 2026, Stand 15. September 2026``."""
    return f"Ergebnis {results.title}, Stand {month_date(results.stand)}"


def option_chart(options: Sequence[OptionCount], title: str = CHART_TITLE) -> BarChart:
    return BarChart(
        title,
        tuple(Bar.single(o.label, o.percent, cell_text(o)) for o in options),
    )


def option_table(options: Sequence[OptionCount]) -> Table:
    return Table(
        ("Antwort", "Anzahl", "Anteil"),
        tuple((o.label, count_text(o.count), percent_text(o.percent)) for o in options),
        widths=(6, 1.5, 1.5),
    )


def stats_row(stats: NumberStats) -> tuple[str, str, str, str]:
    return (
        german_number(stats.mean),
        german_number(stats.median),
        "–" if stats.minimum is None else german_number(stats.minimum),
        "–" if stats.maximum is None else german_number(stats.maximum),
    )


STATS_HEADERS = ("Mittelwert", "Median", "Minimum", "Maximum")


def results_report(
    results: SurveyResults, letterhead: Letterhead, comparison: Comparison | None = None
) -> Document:
    """The results of one survey: per question a chart and a table of counts and shares,
    the statistics of scales and numbers, the free-text answers, the breakdown (e.g. by
    sector) and, given a comparison, the shared questions of both audiences side by side."""
    stand = month_date(results.stand)
    meta = [
        ("Zielgruppe", results.audience),
        ("Stand", stand),
        ("Antworten", german_number(results.response_count, 0)),
        ("Umfrage", results.status.label),
    ]
    if results.fingerprint:
        meta.append(("Veröffentlicht", f"eingefrorener Stand vom {stand} mit Prüfsumme"))
    blocks: list[Block] = []
    if results.published:
        blocks.append(Note(SUPPRESSION_NOTE, "info", title="Datenschutz"))
    else:
        blocks.append(Note(INTERNAL_NOTE, "warning"))
    if results.response_count == 0:
        blocks.append(Paragraph("Zu dieser Umfrage liegen noch keine Antworten vor."))
    section = ""
    for question in results.questions:
        if question.section and question.section != section:
            blocks.append(Heading(question.section, 1))
        section = question.section
        blocks.extend(_question_result(question, results.breakdown_by))
    if comparison is not None:
        blocks.extend(comparison_blocks(comparison))
    return Document(
        title=report_title(results),
        meta=tuple(meta),
        blocks=tuple(blocks),
        letterhead=letterhead,
        fingerprint=results.fingerprint,
        footer=report_title(results),
    )


def _question_result(q: QuestionResult, breakdown_by: str) -> list[Block]:
    blocks: list[Block] = [Heading(f"{question_label(q.code, q.version)} {q.text}", 2)]
    answered = (
        "weniger als 5 Personen" if q.suppressed or q.respondents is None else people(q.respondents)
    )
    blocks.append(Paragraph(f"{q.type.label} · beantwortet von {answered}"))
    if q.retired:
        blocks.append(
            Paragraph("Diese Fassung der Frage wird nicht mehr gestellt (frühere Antworten).")
        )
    if q.suppressed:
        blocks.append(
            Paragraph(
                f"Weniger als {MIN_CELL} Antworten: Zum Schutz der Antwortenden werden keine "
                "Ergebnisse ausgewiesen."
            )
        )
        return blocks
    if q.type is QuestionType.TEXT:
        if q.texts:
            blocks.append(Paragraph(f"Freitextantworten ({german_number(len(q.texts), 0)}):"))
            blocks.append(BulletList(q.texts))
        else:
            blocks.append(Paragraph("Keine Freitextantworten."))
        return blocks
    if q.respondents == 0:
        blocks.append(Paragraph("Keine Antworten."))
        return blocks
    if q.type is QuestionType.MEHRFACH:
        blocks.append(Paragraph(MULTIPLE_NOTE))
    if q.stats is not None:
        blocks.append(Table(STATS_HEADERS, (stats_row(q.stats),)))
    if q.options:
        blocks.append(option_chart(q.options))
        blocks.append(option_table(q.options))
        if any(o.suppressed for o in q.options):
            blocks.append(Paragraph(f"„{SUPPRESSED}“: nicht ausgewiesen (siehe Datenschutz)."))
    tables = breakdown_tables(q.breakdown)
    if tables:
        blocks.append(Heading(f"nach {breakdown_by}" if breakdown_by else "nach Gruppen", 3))
        blocks.extend(tables)
    return blocks


def breakdown_tables(rows: Sequence[BreakdownRow]) -> list[Block]:
    """A question's answers per group: one column per option (few options) or one row per
    group and option (many), then the statistics per group for scales and numbers."""
    blocks: list[Block] = []
    labels = [o.label for o in rows[0].options] if rows else []
    if labels and len(labels) <= WIDE_BREAKDOWN:
        blocks.append(
            Table(
                ("Gruppe", "Antwortende", *labels),
                tuple(
                    (
                        row.group,
                        count_text(row.respondents),
                        *(_cells_by_label(row.options, labels)),
                    )
                    for row in rows
                ),
                widths=(3, 2, *([1.6] * len(labels))),
            )
        )
    elif labels:
        table_rows: list[tuple[str, ...]] = []
        for row in rows:
            for option in row.options:
                table_rows.append(
                    (
                        row.group,
                        option.label,
                        count_text(option.count),
                        percent_text(option.percent),
                    )
                )
        blocks.append(
            Table(("Gruppe", "Antwort", "Anzahl", "Anteil"), tuple(table_rows), (3, 4, 1.3, 1.3))
        )
    if any(row.stats is not None for row in rows):
        blocks.append(
            Table(
                ("Gruppe", "Antwortende", *STATS_HEADERS),
                tuple(
                    (
                        row.group,
                        count_text(row.respondents),
                        *(stats_row(row.stats) if row.stats else (SUPPRESSED,) * 4),
                    )
                    for row in rows
                ),
                widths=(3, 2, 1.4, 1.4, 1.4, 1.4),
            )
        )
    return blocks


def _cells_by_label(options: Sequence[OptionCount], labels: Sequence[str]) -> list[str]:
    by_label = {o.label: o for o in options}
    return [cell_text(by_label[label]) if label in by_label else "–" for label in labels]


# ------------------------------------------------------------------ comparison


def series_names(comparison: Comparison) -> tuple[str, ...]:
    """The audiences as series names; the titles when two surveys ask the same audience."""
    names = [s.audience or s.title for s in comparison.surveys]
    if len(set(names)) < len(names):
        names = [f"{s.title} ({s.audience})" if s.audience else s.title for s in comparison.surveys]
    return tuple(names)


def comparison_blocks(comparison: Comparison) -> list[Block]:
    """ "Vergleich der Zielgruppen": every question the surveys share, side by side."""
    names = series_names(comparison)
    blocks: list[Block] = [Heading("Vergleich der Zielgruppen", 1)]
    surveys = "; ".join(
        f"{s.title} ({s.audience}, {german_number(s.response_count, 0)} Antworten, "
        f"Stand {month_date(s.stand)})"
        for s in comparison.surveys
    )
    blocks.append(
        Paragraph(
            "Fragen aus dem Fragenkatalog, die in allen verglichenen Umfragen gleich gestellt "
            f"wurden: {surveys}."
        )
    )
    if not comparison.questions:
        blocks.append(
            Paragraph("Die Umfragen haben keine gemeinsamen Fragen aus dem Fragenkatalog.")
        )
        return blocks
    for shared in comparison.questions:
        blocks.extend(_compared(shared, names))
    return blocks


def _compared(shared: ComparedQuestion, names: tuple[str, ...]) -> list[Block]:
    results = shared.results
    blocks: list[Block] = [Heading(shared.text, 2)]
    answered = [
        SUPPRESSED if r.suppressed or r.respondents is None else german_number(r.respondents, 0)
        for r in results
    ]
    labels: list[str] = []
    for result in results:
        labels.extend(o.label for o in result.options if o.label not in labels)
    if labels:
        bars = []
        rows = []
        for label in labels:
            cells = [next((o for o in r.options if o.label == label), None) for r in results]
            bars.append(
                Bar(
                    label,
                    tuple(c.percent if c is not None else None for c in cells),
                    tuple(cell_text(c) if c is not None else "–" for c in cells),
                )
            )
            rows.append((label, *(cell_text(c) if c is not None else "–" for c in cells)))
        blocks.append(BarChart(CHART_TITLE, tuple(bars), series=names))
        rows.append(("Antwortende", *answered))
        blocks.append(Table(("Antwort", *names), tuple(rows)))
    else:
        blocks.append(Table(("", *names), (("Antwortende", *answered),)))
    if any(r.stats is not None for r in results):
        columns = [stats_row(r.stats) if r.stats else (SUPPRESSED,) * 4 for r in results]
        blocks.append(
            Table(
                ("Kennzahl", *names),
                tuple(
                    (header, *(column[i] for column in columns))
                    for i, header in enumerate(STATS_HEADERS)
                ),
            )
        )
    if shared.type is QuestionType.TEXT:
        blocks.append(
            Paragraph("Freitextantworten stehen bei den Ergebnissen der einzelnen Umfragen.")
        )
    return blocks
