"""Handlungsfelder: link a measure with a decision, task or survey question, and the way back
from such evidence to the measures it drives."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from koordination.domain.records.fields import (
    LINK_LABELS,
    LinkKind,
    LinkRecord,
    MeasureRecord,
    MeasureRef,
)
from koordination.tui.areas.fields.base import FieldsBase

if TYPE_CHECKING:
    from koordination.services.fields.service import ActionFields
    from koordination.tui.dialogs.pickers import LinkChoice


def refs_of(fields: ActionFields, kind: LinkKind) -> Callable[[int], list[MeasureRef]]:
    """The service's way back (to the measures) for ``kind``."""
    return {
        "decision": fields.measures_for_decision,
        "task": fields.measures_for_task,
        "survey": fields.measures_for_question,
    }[kind]


def link_target(kind: LinkKind, target_id: int) -> dict[str, int]:
    """The keyword ``ActionFields.link`` takes for ``kind``."""
    return {
        {"decision": "decision_id", "task": "task_id", "survey": "survey_question_id"}[
            kind
        ]: target_id
    }


class FieldLinks(FieldsBase):
    """Linking, unlinking and tracing back."""

    # ------------------------------------------------------------------ links
    def action_link(self) -> None:
        from koordination.tui.dialogs.pickers import LINK_KINDS, ChoiceScreen

        service = self.needs_service()
        measure = self.selected_measure()
        if service is None or measure is None:
            return

        def kind_chosen(kind: LinkKind | None) -> None:
            if kind is not None:
                self.call_service(
                    lambda: service.link_candidates(kind),
                    lambda found: self._pick_link(measure, kind, found),
                )

        self.app.push_screen(
            ChoiceScreen(
                f"Verknüpfen – {measure.title}",
                LINK_KINDS,
                note="Was treibt oder stützt die Maßnahme?",
            ),
            kind_chosen,
        )

    def _pick_link(
        self, measure: MeasureRecord, kind: LinkKind, candidates: list[tuple[int, str]]
    ) -> None:
        from koordination.tui.dialogs.pickers import LinkPickerScreen

        service = self.service
        assert service is not None
        if not candidates:
            nothing = {
                "decision": "Es gibt noch keine Beschlüsse in den Protokollen.",
                "task": "Es gibt noch keine Aufgaben in den Protokollen.",
                "survey": "Es gibt noch keine Umfragefragen.",
            }
            self.notify(nothing[kind], severity="warning")
            return

        def done(choice: LinkChoice | None) -> None:
            if choice is None:
                return
            self.call_service(
                lambda: service.link(
                    measure.id, note=choice.note, **link_target(kind, choice.target_id)
                ),
                lambda link: self._saved(
                    f"„{measure.title}“ ist verknüpft: {link.label}", ("link", link.id)
                ),
            )

        self.app.push_screen(
            LinkPickerScreen(
                f"{LINK_LABELS[kind]} verknüpfen – {measure.title}",
                kind,
                candidates,
                refs_of(service, kind),
            ),
            done,
        )

    def action_unlink(self) -> None:
        from koordination.tui.dialogs.pickers import ChoiceScreen

        if self.needs_service() is None:
            return
        data = self.current()
        if isinstance(data, LinkRecord):
            self._unlink(data)
            return
        measure = self.selected_measure()
        if measure is None:
            return
        if not measure.links:
            self.notify("Die Maßnahme ist mit nichts verknüpft.", severity="warning")
            return

        def chosen(link: LinkRecord | None) -> None:
            if link is not None:
                self._unlink(link, confirm=False)

        self.app.push_screen(
            ChoiceScreen(
                f"Verknüpfung lösen – {measure.title}",
                [(f"← {link.label}", link) for link in measure.links],
            ),
            chosen,
        )

    def _unlink(self, link: LinkRecord, *, confirm: bool = True) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen
        from koordination.tui.formatting import escape_markup

        service = self.service
        assert service is not None

        def run() -> None:
            self.call_service(
                lambda: service.unlink(link.id),
                lambda _none: self._saved(
                    f"Verknüpfung gelöst: {link.label}", ("measure", link.measure_id)
                ),
            )

        if not confirm:
            run()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                run()

        self.app.push_screen(
            ConfirmScreen(
                "Verknüpfung lösen",
                [
                    escape_markup(link.label),
                    f"{link.kind_label} selbst bleibt; nur die Verbindung zur Maßnahme geht.",
                ],
                "Lösen",
                "Behalten",
            ),
            answer,
        )

    # ------------------------------------------------------------------ the way back
    def action_trace(self) -> None:
        from koordination.tui.dialogs.pickers import LINK_KINDS, ChoiceScreen, LinkPickerScreen

        service = self.needs_service()
        if service is None:
            return

        def picked(kind: LinkKind, candidates: list[tuple[int, str]]) -> None:
            labels = dict(candidates)

            def done(choice: LinkChoice | None) -> None:
                if choice is not None:
                    self.trace(kind, choice.target_id, labels.get(choice.target_id))

            self.app.push_screen(
                LinkPickerScreen(
                    f"Rückverfolgen: {LINK_LABELS[kind]}",
                    kind,
                    candidates,
                    refs_of(service, kind),
                    trace=True,
                    note="Unter der Liste steht, welche Maßnahmen der markierte Eintrag treibt.",
                ),
                done,
            )

        def kind_chosen(kind: LinkKind | None) -> None:
            if kind is not None:
                self.call_service(
                    lambda: service.link_candidates(kind),
                    lambda found: picked(kind, found),
                )

        self.app.push_screen(
            ChoiceScreen("Rückverfolgen: wovon ausgehen?", LINK_KINDS), kind_chosen
        )

    def trace(self, kind: LinkKind, target_id: int, label: str | None = None) -> None:
        """Which measures the decision, task or survey question ``target_id`` drives; shows
        them over whatever screen is open, and goes to the one chosen when that is possible."""
        service = self.needs_service()
        if service is None:
            return
        can_jump = len(self.app.screen_stack) == 1

        def load() -> tuple[str, list[MeasureRecord]]:
            refs = refs_of(service, kind)(target_id)
            subject = label or dict(service.link_candidates(kind)).get(target_id, "")
            return subject, [service.measure(r.measure_id) for r in refs]

        def loaded(result: tuple[str, list[MeasureRecord]]) -> None:
            from koordination.tui.dialogs.pickers import MeasuresScreen

            subject, measures = result

            def done(measure_id: int | None) -> None:
                if measure_id is not None:
                    self.show_measure(measure_id)

            count = "eine Maßnahme" if len(measures) == 1 else f"{len(measures)} Maßnahmen"
            self.app.push_screen(
                MeasuresScreen(
                    f"{LINK_LABELS[kind]} → {count}",
                    subject,
                    measures,
                    self.today(),
                    can_jump=can_jump,
                ),
                done,
            )

        self.call_service(load, loaded)
