"""The Auskunft dialog (Art. 15/20 DSGVO): the export dialog of the access report with a field
for who asked, which goes into the act's trail entry and the request the report answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.widgets import Button, Input, Label

from koordination.outputs.registry import PersonRequest
from koordination.tui.areas.erasure import REQUESTER_HINT, REQUESTER_LABEL
from koordination.tui.dialogs.export import ExportDialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from koordination.core import Core


class AccessReportDialog(ExportDialog):
    """Write the access report of one person in one or every format; who asked is noted."""

    def __init__(
        self, core: Core, person_id: int, name: str, describe: Callable[[], str] | None = None
    ) -> None:
        # The readable letter and the machine-readable data (Art. 20) belong together: every
        # format at once unless one is chosen.
        super().__init__(
            core,
            "auskunft",
            subject_for=self._subject_now,
            title=f"Auskunft zu {name}",
            every_format=True,
            describe=describe,
        )
        self.person_id = person_id
        self.requester = ""

    def _subject_now(self, _key: str) -> Any:
        return PersonRequest(self.person_id, self.requester)

    def on_mount(self) -> None:
        # Runs before the export dialog's own on_mount, which focuses its button.
        self.query_one("#dialog").mount(
            Label(REQUESTER_LABEL, classes="field-label"),
            Input(id="access-requester", placeholder=REQUESTER_HINT),
            before="#export-hint",
        )
        self.call_after_refresh(lambda: self.query_one("#access-requester", Input).focus())

    @on(Input.Changed, "#access-requester")
    def _requester_typed(self, event: Input.Changed) -> None:
        event.stop()
        self.requester = " ".join(event.value.split())

    @on(Input.Submitted, "#access-requester")
    def _requester_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#export", Button).focus()
