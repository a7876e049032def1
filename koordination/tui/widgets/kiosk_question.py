"""One question of the kiosk's questionnaire: its text, hint and the widgets to answer it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import AnswerValue, QuestionRecord
from koordination.services.surveys.answers import parse_answer

if TYPE_CHECKING:
    pass


REQUIRED = "Bitte beantworten Sie diese Frage."


class QuestionField(Vertical):
    """One question of the questionnaire: its text, hint and the widgets to answer it."""

    def __init__(self, question: QuestionRecord, number: int) -> None:
        super().__init__(id=f"kiosk-q-{question.id}", classes="kiosk-question")
        self.question = question
        self.number = number

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(self._heading(), classes="kiosk-question-text")
        if q.hint:
            yield Static(escape(q.hint), classes="kiosk-hint")
        if q.type in (QuestionType.EINFACH, QuestionType.JA_NEIN):
            row = " -row" if q.type is QuestionType.JA_NEIN else ""
            with RadioSet(classes="kiosk-choice" + row):
                for option in q.options:
                    yield RadioButton(escape(option.label))
        elif q.type is QuestionType.MEHRFACH:
            yield Static("Mehrere Antworten möglich.", classes="kiosk-hint")
            with Vertical(classes="kiosk-multi"):
                for option in q.options:
                    yield Checkbox(escape(option.label))
        elif q.type is QuestionType.SKALA:
            ends = []
            if q.low_label:
                ends.append(f"{q.scale_min} = {escape(q.low_label)}")
            if q.high_label:
                ends.append(f"{q.scale_max} = {escape(q.high_label)}")
            if ends:
                yield Static("   …   ".join(ends), classes="kiosk-hint kiosk-scale-ends")
            with RadioSet(classes="kiosk-choice -scale") as scale:
                scale.styles.grid_size_columns = len(q.scale_values())
                for value in q.scale_values():
                    yield RadioButton(str(value))
        else:
            placeholders = {
                QuestionType.ZAHL: "Zahl, z. B. 12 oder 3,5",
                QuestionType.DATUM: "Datum, z. B. 31.12.2026",
                QuestionType.TEXT: "Ihre Antwort",
            }
            yield Input(
                placeholder=placeholders.get(q.type, ""),
                classes="kiosk-input",
                select_on_focus=False,
            )
        yield Static("", classes="kiosk-problem")

    def _heading(self) -> str:
        required = " [b $error]*[/]" if self.question.required else ""
        return f"[b]{self.number}. {escape(self.question.text)}[/b]{required}"

    def renumber(self, number: int) -> None:
        """Questions are numbered as shown: a hidden conditional question leaves no gap."""
        if number != self.number:
            self.number = number
            self.query_one(".kiosk-question-text", Static).update(self._heading())

    def on_mount(self) -> None:
        self.show_problem(None)

    def answer_widget(self) -> RadioSet | Checkbox | Input | None:
        found = self.query("RadioSet, Checkbox, Input")
        widget = found.first() if found else None
        return widget if isinstance(widget, RadioSet | Checkbox | Input) else None

    def value(self) -> AnswerValue | None:
        """The answer given, None when none; raises AnswerProblem for a typed answer that
        does not fit (the message is German)."""
        q = self.question
        if q.type in (QuestionType.EINFACH, QuestionType.JA_NEIN, QuestionType.SKALA):
            index = self.query_one(RadioSet).pressed_index
            if index < 0:
                return None
            if q.type is QuestionType.SKALA:
                return q.scale_values()[index]
            return q.options[index].id
        if q.type is QuestionType.MEHRFACH:
            boxes = list(self.query(Checkbox))
            ticked = frozenset(o.id for o, box in zip(q.options, boxes, strict=True) if box.value)
            return ticked or None
        return parse_answer(q, self.query_one(Input).value)

    def show_problem(self, message: str | None) -> None:
        box = self.query_one(".kiosk-problem", Static)
        box.update(escape(message or ""))
        box.display = bool(message)
        self.set_class(bool(message), "-problem")
