"""A column of labelled fields that validates as you type and shows German problems per field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.strip import Strip
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import OptionDoesNotExist

from koordination.errors import FieldError


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    #: "text" (Input), "select" (Select with ``choices``) or "lines" (TextArea, one entry a line).
    kind: str = "text"
    choices: Sequence[tuple[str, Any]] = ()
    placeholder: str = ""
    #: The FieldError.field names whose problems belong under this field (default: the label).
    error_names: tuple[str, ...] = ()
    allow_blank: bool = True
    #: Completions offered while typing in a text field (→ accepts), e.g. existing names.
    suggestions: Sequence[str] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.error_names or (self.label,)


T = TypeVar("T")


class CheckList(SelectionList[T]):
    """A list of choices to tick that reads as text: ``[x]`` ticked, ``[ ]`` not (the stock
    list shows a coloured block either way, which says nothing without colour)."""

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        try:
            option = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        base = (segments[0].style if segments else None) or self.rich_style
        mark = "[x] " if option.value in self._selected else "[ ] "
        style = base + Style(bold=option.value in self._selected, meta={"option": index})
        return Strip([Segment(mark, style), *segments])


#: Turns the raw values into the service's input object and its problems.
Builder = Callable[[dict[str, Any]], tuple[Any, list[FieldError]]]


class FormFields(VerticalScroll):
    """Fields with a problem line under each; problems show once a field was touched."""

    class Validated(Message):
        def __init__(self, form: FormFields, problems: list[FieldError]) -> None:
            super().__init__()
            self.form = form
            self.problems = problems

    def __init__(
        self,
        fields: Sequence[FieldSpec],
        values: dict[str, Any],
        build: Builder,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.fields = list(fields)
        self.initial = dict(values)
        self.build = build
        self.touched: set[str] = set()
        self.show_all = False

    def allow_focus(self) -> bool:
        # The fields take the focus; the column scrolls to whichever field has it.
        return False

    def compose(self) -> ComposeResult:
        for spec in self.fields:
            value = self.initial.get(spec.key)
            lines = " field-row-lines" if spec.kind == "lines" else ""
            with Horizontal(classes="field-row" + lines):
                yield Label(spec.label, classes="field-label")
                if spec.kind == "select":
                    yield Select(
                        list(spec.choices),
                        value=value if value is not None else Select.NULL,
                        allow_blank=spec.allow_blank,
                        prompt="– bitte wählen –",
                        id=f"field-{spec.key}",
                        compact=True,
                    )
                elif spec.kind == "lines":
                    yield TextArea(
                        "" if value is None else str(value),
                        id=f"field-{spec.key}",
                        classes="field-lines",
                        soft_wrap=True,
                        tab_behavior="focus",
                        compact=True,
                        placeholder=spec.placeholder,
                    )
                else:
                    yield Input(
                        "" if value is None else str(value),
                        placeholder=spec.placeholder,
                        id=f"field-{spec.key}",
                        compact=True,
                        suggester=(
                            SuggestFromList(spec.suggestions, case_sensitive=False)
                            if spec.suggestions
                            else None
                        ),
                    )
            yield Static("", id=f"problem-{spec.key}", classes="field-problem")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.fields:
            if spec.kind == "select":
                value = self.query_one(f"#field-{spec.key}", Select).value
                out[spec.key] = None if value is Select.NULL else value
            elif spec.kind == "lines":
                out[spec.key] = self.query_one(f"#field-{spec.key}", TextArea).text
            else:
                out[spec.key] = self.query_one(f"#field-{spec.key}", Input).value
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for spec in self.fields:
            value = values.get(spec.key)
            if spec.kind == "select":
                widget = self.query_one(f"#field-{spec.key}", Select)
                widget.value = value if value is not None else Select.NULL
            elif spec.kind == "lines":
                self.query_one(f"#field-{spec.key}", TextArea).load_text(
                    "" if value is None else str(value)
                )
            else:
                self.query_one(f"#field-{spec.key}", Input).value = (
                    "" if value is None else str(value)
                )
        self.touched.clear()
        self.show_all = False
        self.validate_now()

    def result(self) -> tuple[Any, list[FieldError]]:
        return self.build(self.values())

    def validate_now(self) -> list[FieldError]:
        _data, problems = self.result()
        focused = self.screen.focused if self.is_attached else None
        for spec in self.fields:
            mine = [p.message for p in problems if p.field in spec.names]
            visible = mine if (self.show_all or spec.key in self.touched) else []
            box = self.query_one(f"#problem-{spec.key}", Static)
            box.update("\n".join(visible))
            box.display = bool(visible)
            widget = self.query_one(f"#field-{spec.key}")
            widget.set_class(bool(visible), "-invalid")
            if visible and widget is focused:
                # The line under the field being typed in (the last one of a long form at
                # 80×24) would otherwise stay below the visible part.
                self.call_after_refresh(box.scroll_visible, animate=False, immediate=True)
        self.post_message(self.Validated(self, problems))
        return problems

    def reveal_all(self) -> list[FieldError]:
        self.show_all = True
        return self.validate_now()

    def on_mount(self) -> None:
        self.validate_now()

    def _touch(self, widget_id: str | None) -> None:
        if widget_id and widget_id.startswith("field-"):
            self.touched.add(widget_id.removeprefix("field-"))
        if self.is_mounted:
            self.validate_now()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.value or event.input.id in {f"field-{k}" for k in self.touched}:
            self._touch(event.input.id)
        else:
            self.validate_now()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._touch(event.select.id)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._touch(event.text_area.id)
