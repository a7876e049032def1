"""What the import dialog needs to import the responses an online form tool collected: the
core calls, and the questions a column of the file can be matched to."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import SurveyForm, SurveyRecord
from koordination.services.directory.imports.report import Progress
from koordination.tui.dialogs.transfer import ImportChoices, ImportPreview, ImportSource, Report

if TYPE_CHECKING:
    from koordination.core import Core

#: The choice "do not import this column" (Select needs a value that is not ``None``).
SKIP_COLUMN = ""


def target_choices(form: SurveyForm) -> list[tuple[str, str]]:
    """Everything a column of a response file can be: a question, one option of a multiple
    choice (ticked or not), the form tool's response id, the submission time, or nothing."""
    from koordination.services.surveys.column_mapping import ID, SUBMITTED, describe_target

    choices = [(describe_target(form, None), SKIP_COLUMN)]
    choices += [(describe_target(form, t), t) for t in (ID, SUBMITTED)]
    for q in form.questions:
        choices.append((describe_target(form, q.code), q.code))
        if q.type is QuestionType.MEHRFACH:
            for o in q.options:
                target = f"{q.code}={o.label}"
                choices.append((describe_target(form, target), target))
    return choices


def response_source(core: Core, survey: SurveyRecord) -> ImportSource:
    """Responses (CSV, .xlsx or .ods, one row each): the file is read, each column shows the
    question it was matched to and can be corrected; then check or import, all or nothing."""

    def preview(path: Path, sheet: str | None) -> ImportPreview:
        found = core.survey_import.preview(survey.id, path, sheet)
        form = core.surveys.form(survey.id)
        columns = tuple((m.column, m.target) for m in found.mapping)
        return ImportPreview(path, columns, tuple(target_choices(form)), found.rows)

    def run(path: Path, choices: ImportChoices, dry_run: bool, progress: Progress) -> Report:
        from koordination.services.surveys.column_mapping import ColumnMapping

        return core.survey_import.run(
            survey.id,
            path,
            [ColumnMapping(column, target) for column, target in choices.columns],
            dry_run=dry_run,
            progress=progress,
            sheet=choices.sheet,
        )

    return ImportSource(
        title=f"Antworten importieren – {survey.title}",
        note="Tabelle aus einem Online-Formular (CSV, .xlsx, .ods; LimeSurvey, Google Forms …), "
        "eine Zeile je Antwort. Die Zuordnung der Spalten zu Fragen bitte prüfen. Ist eine "
        "Zeile fehlerhaft, wird nichts importiert.",
        placeholder="z. B. ~/Downloads/antworten.csv",
        changed="survey",
        taken="die Antworten",
        run=run,
        preview=preview,
    )
