"""Surveys: questionnaires, the shared question bank, versioned questions and responses."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import (
    BankItemInput,
    QuestionInput,
    SurveyInput,
    question_problems,
)
from koordination.domain.inputs.validation import date_order
from koordination.domain.models import (
    Person,
    QuestionBankItem,
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from koordination.domain.records.surveys import (
    AnswerValue,
    BankItemRecord,
    QuestionRecord,
    SurveyForm,
    SurveyRecord,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError
from koordination.services.surveys.answers import answer_rows, check_answers
from koordination.services.surveys.questions import (
    BREAKDOWN_TYPES,
    apply_changes,
    check_condition,
    clear_breakdown,
    current_value,
    next_code,
)
from koordination.services.surveys.records import (
    answer_counts,
    bank_record,
    clean_options,
    count_responses,
    load_question,
    load_survey,
    question_record,
    record_of,
    survey_counts,
    survey_record,
)

#: Question fields whose change alters what earlier answers mean.
MEANING_FIELDS = ("text", "type", "options", "scale_min", "scale_max", "low_label", "high_label")
#: Question fields that may change at any time.
FREE_FIELDS = ("section", "hint", "required", "breakdown", "condition")

_FIELD_LABELS = {
    "text": "Fragetext",
    "type": "Fragetyp",
    "options": "Antwortmöglichkeiten",
    "scale_min": "Skala von",
    "scale_max": "Skala bis",
    "low_label": "Beschriftung unten",
    "high_label": "Beschriftung oben",
}
_SURVEY_FIELDS = (
    "title",
    "audience",
    "audience_note",
    "starts_on",
    "ends_on",
    "introduction",
    "anonymous",
)


class Surveys:
    """Use cases of surveys; every method is one transaction and returns plain records."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    # ----------------------------------------------------------------- surveys

    def list_surveys(self, status: SurveyStatus | None = None) -> list[SurveyRecord]:
        """All surveys, running ones first, then drafts, then closed; newest first within."""
        order = {SurveyStatus.LAEUFT: 0, SurveyStatus.ENTWURF: 1, SurveyStatus.ABGESCHLOSSEN: 2}
        with self.db.session() as session:
            query = select(Survey)
            if status is not None:
                query = query.where(Survey.status == status)
            surveys = list(session.scalars(query))
            responses, questions = survey_counts(session, [s.id for s in surveys])
            records = [
                survey_record(s, responses.get(s.id, 0), questions.get(s.id, 0)) for s in surveys
            ]
        return sorted(
            records,
            key=lambda r: (order[r.status], -(r.starts_on or date.min).toordinal(), -r.id),
        )

    def get(self, survey_id: int) -> SurveyRecord:
        with self.db.session() as session:
            return record_of(session, load_survey(session, survey_id))

    @staticmethod
    def _check_survey(values: Mapping[str, Any]) -> None:
        problems: list[FieldError] = []
        if not str(values.get("title", "")).strip():
            problems.append(FieldError("Titel", "darf nicht leer sein."))
        order = date_order("Zeitraum", values.get("starts_on"), values.get("ends_on"))
        if order:
            problems.append(order)
        if problems:
            raise ValidationError(problems)

    def create(self, data: SurveyInput) -> SurveyRecord:
        """A new survey, as a draft."""
        self._check_survey(dataclasses.asdict(data))
        with self.db.session() as session:
            survey = Survey(
                title=data.title.strip(),
                audience=data.audience,
                audience_note=data.audience_note.strip(),
                starts_on=data.starts_on,
                ends_on=data.ends_on,
                introduction=data.introduction.strip(),
                anonymous=data.anonymous,
                status=SurveyStatus.ENTWURF,
            )
            session.add(survey)
            session.flush()
            return record_of(session, survey)

    def update(self, original: SurveyRecord, data: SurveyInput) -> SurveyRecord:
        """Change title, audience, period, introduction or anonymity; what differs from
        ``original`` is saved, unless the survey changed since ``original`` was read."""
        changes = data.changes(original)
        with self.db.session() as session:
            survey = load_survey(session, original.id)
            if survey.version != original.version:
                raise ConflictError(
                    "Die Umfrage wurde inzwischen an anderer Stelle geändert. Ihre Änderungen "
                    "wurden nicht gespeichert. Bitte neu laden und erneut bearbeiten."
                )
            merged = {name: getattr(survey, name) for name in _SURVEY_FIELDS} | changes
            self._check_survey(merged)
            if (
                "anonymous" in changes
                and changes["anonymous"] != survey.anonymous
                and count_responses(session, original.id)
            ):
                raise ConflictError(
                    "Ob eine Umfrage anonym ist, lässt sich nicht mehr ändern, sobald "
                    "Antworten vorliegen: den Antwortenden wurde etwas zugesagt."
                )
            for name, value in changes.items():
                setattr(survey, name, value.strip() if isinstance(value, str) else value)
            session.flush()
            return record_of(session, survey)

    def set_status(self, survey_id: int, status: SurveyStatus) -> SurveyRecord:
        """Start, close or reopen a survey; a survey with answers never goes back to draft."""
        with self.db.session() as session:
            survey = load_survey(session, survey_id)
            if status is SurveyStatus.LAEUFT and not any(not q.retired for q in survey.questions):
                raise ValidationError(
                    [FieldError("Status", "Eine Umfrage ohne Fragen kann nicht starten.")]
                )
            if status is SurveyStatus.ENTWURF and count_responses(session, survey_id):
                raise ConflictError(
                    "Die Umfrage hat schon Antworten und kann nicht zurück in den Entwurf. "
                    "Sie können sie abschließen oder kopieren."
                )
            survey.status = status
            session.flush()
            return record_of(session, survey)

    def copy(
        self, survey_id: int, title: str | None = None, audience: SurveyAudience | None = None
    ) -> SurveyRecord:
        """A new draft with the same introduction and current questions, without answers.
        Questions keep their bank links, so the two surveys can be compared."""
        with self.db.session() as session:
            source = load_survey(session, survey_id)
            copy = Survey(
                title=(title or f"Kopie von {source.title}").strip(),
                audience=audience or source.audience,
                audience_note=source.audience_note,
                introduction=source.introduction,
                anonymous=source.anonymous,
                status=SurveyStatus.ENTWURF,
                copied_from_id=source.id,
            )
            session.add(copy)
            session.flush()
            question_map: dict[int, SurveyQuestion] = {}
            option_map: dict[int, int] = {}
            for old in (q for q in source.questions if not q.retired):
                new = SurveyQuestion(
                    survey_id=copy.id,
                    position=old.position,
                    code=old.code,
                    version=1,
                    section=old.section,
                    text=old.text,
                    hint=old.hint,
                    type=old.type,
                    required=old.required,
                    scale_min=old.scale_min,
                    scale_max=old.scale_max,
                    low_label=old.low_label,
                    high_label=old.high_label,
                    breakdown=old.breakdown,
                    bank_item_id=old.bank_item_id,
                    options=[
                        QuestionOption(position=o.position, label=o.label) for o in old.options
                    ],
                )
                session.add(new)
                session.flush()
                question_map[old.id] = new
                for old_option, new_option in zip(old.options, new.options, strict=True):
                    option_map[old_option.id] = new_option.id
            for original in (q for q in source.questions if not q.retired):
                target = question_map[original.id]
                cond_q, cond_o = original.condition_question_id, original.condition_option_id
                if cond_q in question_map and cond_o:
                    target.condition_question_id = question_map[cond_q].id
                    target.condition_option_id = option_map.get(cond_o)
            session.flush()
            return record_of(session, copy)

    def delete(self, survey_id: int) -> None:
        """Delete a survey with its questions, answers and snapshots."""
        with self.db.session() as session:
            survey = load_survey(session, survey_id)
            # Answers first, in bulk: the ORM cascade would load every row.
            question_ids = select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey_id)
            session.execute(delete(SurveyAnswer).where(SurveyAnswer.question_id.in_(question_ids)))
            session.execute(delete(SurveyResponse).where(SurveyResponse.survey_id == survey_id))
            session.delete(survey)

    # --------------------------------------------------------------- questions

    def questions(self, survey_id: int, *, include_retired: bool = False) -> list[QuestionRecord]:
        """The survey's questions in order, each with how many responses answered it."""
        with self.db.session() as session:
            survey = load_survey(session, survey_id)
            chosen = [q for q in survey.questions if include_retired or not q.retired]
            counts = answer_counts(session, [q.id for q in chosen])
            return [question_record(q, counts.get(q.id, 0)) for q in chosen]

    def form(self, survey_id: int) -> SurveyForm:
        """The survey and its current questions: what the questionnaire shows."""
        with self.db.session() as session:
            survey = session.scalar(
                select(Survey)
                .where(Survey.id == survey_id)
                .options(selectinload(Survey.questions).selectinload(SurveyQuestion.options))
            )
            if survey is None:
                raise NotFoundError(f"Die Umfrage Nr. {survey_id} gibt es nicht (mehr).")
            questions = tuple(question_record(q) for q in survey.questions if not q.retired)
            return SurveyForm(record_of(session, survey), questions)

    def add_question(self, survey_id: int, data: QuestionInput) -> QuestionRecord:
        """A new question at the end of the survey (any status; answers never change meaning
        by a question being added)."""
        return self._insert_question(survey_id, data, bank_item_id=None)

    def _insert_question(
        self, survey_id: int, data: QuestionInput, bank_item_id: int | None
    ) -> QuestionRecord:
        kind, scale_min, scale_max = data.type, data.scale_min, data.scale_max
        cleaned = clean_options(kind, data.options)
        if kind is QuestionType.SKALA and scale_min is None and scale_max is None:
            scale_min, scale_max = 1, 5
        problems = question_problems(kind, data.text, cleaned, scale_min, scale_max)
        if problems:
            raise ValidationError(problems)
        with self.db.session() as session:
            survey = load_survey(session, survey_id)
            position = max((q.position for q in survey.questions), default=0) + 1
            code = data.code.strip() or next_code(survey)
            if any(q.code == code for q in survey.questions):
                raise ValidationError([FieldError("Kürzel", f"„{code}“ gibt es schon.")])
            cond_q, cond_o = check_condition(session, survey_id, position, data.condition)
            if data.breakdown:
                clear_breakdown(survey)
            question = SurveyQuestion(
                survey_id=survey_id,
                position=position,
                code=code,
                version=1,
                section=data.section.strip(),
                text=data.text.strip(),
                hint=data.hint.strip(),
                type=kind,
                required=data.required,
                scale_min=scale_min if kind is QuestionType.SKALA else None,
                scale_max=scale_max if kind is QuestionType.SKALA else None,
                low_label=data.low_label.strip() if kind is QuestionType.SKALA else "",
                high_label=data.high_label.strip() if kind is QuestionType.SKALA else "",
                breakdown=data.breakdown and kind in BREAKDOWN_TYPES,
                bank_item_id=bank_item_id,
                condition_question_id=cond_q,
                condition_option_id=cond_o,
                options=[QuestionOption(position=i, label=o) for i, o in enumerate(cleaned, 1)],
            )
            survey.questions.append(question)
            session.flush()
            return question_record(question)

    def update_question(self, original: QuestionRecord, data: QuestionInput) -> QuestionRecord:
        """Change a question: what ``data`` changes against ``original`` is saved. Section,
        hint, required, breakdown and condition may always change; text, type, options and
        scale only while nobody has answered it — after that the change needs
        :meth:`new_version`, so earlier answers keep their meaning."""
        changes = data.changes(original)
        with self.db.session() as session:
            question = load_question(session, original.id)
            if question.retired:
                raise ConflictError(
                    f"Frage {question.code} in Fassung {question.version} ist abgelöst und "
                    "bleibt, wie sie beantwortet wurde."
                )
            changed = [
                name
                for name in MEANING_FIELDS
                if name in changes and changes[name] != current_value(question, name)
            ]
            if changed:
                answers = answer_counts(session, [question.id]).get(question.id, 0)
                if answers:
                    labels = ", ".join(_FIELD_LABELS[name] for name in changed)
                    raise ConflictError(
                        f"Auf Frage {question.code} gibt es schon {answers} Antworten. "
                        f"Eine Änderung an {labels} würde ihre Bedeutung ändern: legen Sie "
                        "dafür eine neue Fassung der Frage an (die alte bleibt mit ihren "
                        "Antworten erhalten)."
                    )
            apply_changes(session, question, changes)
            session.flush()
            counts = answer_counts(session, [question.id])
            return question_record(question, counts.get(question.id, 0))

    def new_version(self, original: QuestionRecord, data: QuestionInput) -> QuestionRecord:
        """Replace a question by a new version (Fassung) with what ``data`` changes against
        ``original``; the old version is retired and keeps its answers. Display conditions that
        point at the old question move to the new one where the chosen answer still exists, and
        are dropped otherwise."""
        changes = data.changes(original)
        with self.db.session() as session:
            old = load_question(session, original.id)
            if old.retired:
                raise ConflictError(f"Frage {old.code} hat schon eine neuere Fassung.")
            survey = old.survey
            new = SurveyQuestion(
                survey_id=old.survey_id,
                position=old.position,
                code=old.code,
                version=max(q.version for q in survey.questions if q.code == old.code) + 1,
                section=old.section,
                text=old.text,
                hint=old.hint,
                type=old.type,
                required=old.required,
                scale_min=old.scale_min,
                scale_max=old.scale_max,
                low_label=old.low_label,
                high_label=old.high_label,
                breakdown=old.breakdown,
                bank_item_id=None if set(changes) & set(MEANING_FIELDS) else old.bank_item_id,
                condition_question_id=old.condition_question_id,
                condition_option_id=old.condition_option_id,
                replaces_id=old.id,
                options=[QuestionOption(position=o.position, label=o.label) for o in old.options],
            )
            old.retired = True
            old.breakdown = False
            survey.questions.append(new)
            session.flush()
            apply_changes(session, new, changes)
            session.flush()
            labels = {o.label: o.id for o in new.options}
            old_labels = {o.id: o.label for o in old.options}
            for dependant in survey.questions:
                if dependant.condition_question_id == old.id and not dependant.retired:
                    label = old_labels.get(dependant.condition_option_id or 0)
                    if label in labels:
                        dependant.condition_question_id = new.id
                        dependant.condition_option_id = labels[label]
                    else:
                        dependant.condition_question_id = None
                        dependant.condition_option_id = None
            session.flush()
            return question_record(new)

    def move_question(self, question_id: int, delta: int) -> list[QuestionRecord]:
        """Move a question up (-1) or down (+1); a question cannot move before the question
        its display condition depends on."""
        with self.db.session() as session:
            question = load_question(session, question_id)
            current = [q for q in question.survey.questions if not q.retired]
            index = current.index(question)
            target = index + delta
            if 0 <= target < len(current):
                other = current[target]
                first, second = (other, question) if delta < 0 else (question, other)
                if second.condition_question_id == first.id:
                    raise ValidationError(
                        [
                            FieldError(
                                "Reihenfolge",
                                f"{second.code} hängt von {first.code} ab und muss danach kommen.",
                            )
                        ]
                    )
                question.position, other.position = other.position, question.position
                session.flush()
            session.expire(question.survey, ["questions"])
            counts = answer_counts(session, [q.id for q in current])
            return [
                question_record(q, counts.get(q.id, 0))
                for q in question.survey.questions
                if not q.retired
            ]

    def remove_question(self, question_id: int) -> bool:
        """Remove a question. One that has answers is retired instead, with its answers kept;
        returns True when it was deleted, False when retired."""
        with self.db.session() as session:
            question = load_question(session, question_id)
            answers = answer_counts(session, [question_id]).get(question_id, 0)
            session.execute(
                update(SurveyQuestion)
                .where(SurveyQuestion.condition_question_id == question_id)
                .values(condition_question_id=None, condition_option_id=None)
            )
            if answers:
                question.retired = True
                question.breakdown = False
                return False
            session.delete(question)
            return True

    # -------------------------------------------------------------- bank

    def bank(self) -> list[BankItemRecord]:
        with self.db.session() as session:
            used = dict(
                session.execute(
                    select(
                        SurveyQuestion.bank_item_id,
                        func.count(func.distinct(SurveyQuestion.survey_id)),
                    )
                    .where(SurveyQuestion.bank_item_id.is_not(None))
                    .group_by(SurveyQuestion.bank_item_id)
                ).all()
            )
            items = session.scalars(select(QuestionBankItem).order_by(QuestionBankItem.key))
            return [bank_record(b, used.get(b.id, 0)) for b in items]

    def add_to_bank(self, question_id: int, key: str) -> BankItemRecord:
        """Put a survey's question into the shared bank under ``key`` and link it there."""
        key = key.strip()
        if not key:
            raise ValidationError([FieldError("Schlüssel", "darf nicht leer sein.")])
        with self.db.session() as session:
            question = load_question(session, question_id)
            if session.scalar(select(QuestionBankItem).where(QuestionBankItem.key == key)):
                raise ValidationError(
                    [FieldError("Schlüssel", f"„{key}“ gibt es in der Fragensammlung schon.")]
                )
            item = QuestionBankItem(
                key=key,
                text=question.text,
                type=question.type,
                options="\n".join(o.label for o in question.options),
                scale_min=question.scale_min,
                scale_max=question.scale_max,
                low_label=question.low_label,
                high_label=question.high_label,
            )
            session.add(item)
            session.flush()
            question.bank_item_id = item.id
            return bank_record(item, 1)

    def create_bank_item(self, data: BankItemInput) -> BankItemRecord:
        """A new question in the shared bank, under a key of its own."""
        kind, scale_min, scale_max = data.type, data.scale_min, data.scale_max
        key = data.key.strip()
        cleaned = clean_options(kind, data.options)
        if kind is QuestionType.SKALA and scale_min is None and scale_max is None:
            scale_min, scale_max = 1, 5
        problems = question_problems(kind, data.text, cleaned, scale_min, scale_max)
        if not key:
            problems.append(FieldError("Schlüssel", "darf nicht leer sein."))
        if problems:
            raise ValidationError(problems)
        with self.db.session() as session:
            if session.scalar(select(QuestionBankItem).where(QuestionBankItem.key == key)):
                raise ValidationError(
                    [FieldError("Schlüssel", f"„{data.key}“ gibt es in der Fragensammlung schon.")]
                )
            item = QuestionBankItem(
                key=key,
                text=data.text.strip(),
                type=kind,
                options="\n".join(cleaned),
                scale_min=scale_min if kind is QuestionType.SKALA else None,
                scale_max=scale_max if kind is QuestionType.SKALA else None,
                low_label=data.low_label.strip(),
                high_label=data.high_label.strip(),
            )
            session.add(item)
            session.flush()
            return bank_record(item)

    def add_from_bank(
        self,
        survey_id: int,
        bank_item_id: int,
        *,
        section: str = "",
        required: bool = False,
        breakdown: bool = False,
    ) -> QuestionRecord:
        """Add the bank's question to a survey, linked, so it can be compared across surveys."""
        with self.db.session() as session:
            item = session.get(QuestionBankItem, bank_item_id)
            if item is None:
                raise NotFoundError(f"Die Frage Nr. {bank_item_id} der Sammlung gibt es nicht.")
            record = bank_record(item)
        data = QuestionInput(
            record.text,
            record.type,
            options=record.options,
            section=section,
            required=required,
            scale_min=record.scale_min,
            scale_max=record.scale_max,
            low_label=record.low_label,
            high_label=record.high_label,
            breakdown=breakdown,
        )
        return self._insert_question(survey_id, data, bank_item_id=record.id)

    # -------------------------------------------------------------- responses

    def submit(
        self,
        survey_id: int,
        answers: Mapping[int, AnswerValue | None],
        *,
        source: ResponseSource,
        person_id: int | None = None,
        contact: str = "",
        submitted_at: datetime | None = None,
    ) -> int:
        """Save one filled-in questionnaire after checking every answer; returns its number.
        Kiosk answers need a running survey; paper answers may still come in after closing."""
        form = self.form(survey_id)
        survey = form.survey
        if survey.status is SurveyStatus.ENTWURF:
            raise ConflictError(
                "Die Umfrage ist noch ein Entwurf. Starten Sie sie, bevor Antworten erfasst werden."
            )
        if source is ResponseSource.KIOSK and survey.status is not SurveyStatus.LAEUFT:
            raise ConflictError("Die Umfrage ist abgeschlossen und nimmt keine Antworten mehr an.")
        if survey.anonymous and (person_id is not None or contact.strip()):
            raise ValidationError(
                [FieldError("Kontakt", "Die Umfrage ist anonym: keine Personendaten speichern.")]
            )
        problems = check_answers(form, answers)
        if not problems and not answer_rows(form, 0, answers):
            problems.append(FieldError("Antworten", "Der Bogen ist leer: keine Frage beantwortet."))
        if problems:
            raise ValidationError(problems)
        with self.db.session() as session:
            if person_id is not None and session.get(Person, person_id) is None:
                raise NotFoundError(f"Die Person Nr. {person_id} gibt es nicht (mehr).")
            response = SurveyResponse(
                survey_id=survey_id,
                source=source,
                person_id=person_id,
                contact=contact.strip(),
                submitted_at=submitted_at or self.clock.now(),
            )
            session.add(response)
            session.flush()
            session.execute(insert(SurveyAnswer), answer_rows(form, response.id, answers))
            return response.id

    def delete_response(self, response_id: int) -> None:
        with self.db.session() as session:
            response = session.get(SurveyResponse, response_id)
            if response is None:
                raise NotFoundError(f"Die Antwort Nr. {response_id} gibt es nicht (mehr).")
            session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response_id))
            session.delete(response)

    def response_count(self, survey_id: int) -> int:
        with self.db.session() as session:
            return count_responses(session, survey_id)
