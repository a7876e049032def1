"""A form opened again with what was typed, when saving was refused (an e-mail address or an
organisation name that another record has, a locked database) or taken back to the form: it
says why on top, and Esc asks before throwing the input away, since none of it is saved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.markup import escape

from koordination.tui.dialogs.form import FormScreen
from koordination.tui.widgets.form import Builder, FieldSpec


class RefusedForm(FormScreen):
    """The form again, with ``values`` as typed and ``reason`` (German) above the fields."""

    def __init__(
        self,
        title: str,
        fields: Sequence[FieldSpec],
        values: dict[str, Any],
        build: Builder,
        reason: str = "",
    ) -> None:
        note = f"[b red]Nicht gespeichert:[/] {escape(reason)}" if reason else ""
        super().__init__(title, fields, values, build, note=note)
        self.reason = reason

    def unsaved_changes(self) -> bool:
        # What the form opened with was typed but never saved.
        return True
