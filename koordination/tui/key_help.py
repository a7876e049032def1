"""The help screen's sections: the keys of the main window, of every area and of the screens
over it (imported when the help or the palette is opened, not at start)."""

from __future__ import annotations

from textual.binding import Binding


def key_sections(everywhere: list[Binding]) -> list[tuple[str, list[Binding]]]:
    """(title, keys) per section; ``everywhere``: the app's own keys."""
    from koordination.tui.areas.shell import area_classes
    from koordination.tui.dialogs.form import FormScreen
    from koordination.tui.keys import keymap_bindings
    from koordination.tui.widgets.lazy_table import LazyTable
    from koordination.tui.widgets.month_view import MonthView

    sections: list[tuple[str, list[Binding]]] = [
        ("Überall", everywhere),
        ("Die Tasten: überall dieselbe Bedeutung", keymap_bindings()),
    ]
    for _area_id, _key, cls in area_classes():
        keys = [b for b in cls.BINDINGS if isinstance(b, Binding)]
        if keys:
            sections.append((cls.TITLE, keys))
    from koordination.tui.screens.sitting import SittingScreen

    sitting = [b for b in SittingScreen.BINDINGS if isinstance(b, Binding)]
    sections.append(
        ("Sitzung (Tagesordnung, Anwesenheit, Protokoll, Aufgaben, Werkstatt)", sitting)
    )
    from koordination.tui.screens.review import ReviewScreen

    sections.append(
        (
            "Rückmeldungen prüfen (Termine, Taste P)",
            [b for b in ReviewScreen.BINDINGS if isinstance(b, Binding)],
        )
    )
    from koordination.tui.screens.retention import RetentionScreen

    sections.append(
        (
            "Aufbewahrungsfristen (Übersicht, Taste M)",
            [b for b in RetentionScreen.BINDINGS if isinstance(b, Binding)],
        )
    )
    from koordination.tui.screens.circulars import CircularsScreen

    sections.append(
        (
            "Rundmails (überall, Taste O)",
            [b for b in CircularsScreen.BINDINGS if isinstance(b, Binding)],
        )
    )
    from koordination.tui.screens.offers import OffersScreen

    sections.append(
        (
            "Mitwirkungsmöglichkeiten (Organisationen, Taste H)",
            [b for b in OffersScreen.BINDINGS if isinstance(b, Binding)],
        )
    )
    from koordination.tui.screens.answer_entry import AnswerEntryScreen
    from koordination.tui.screens.questionnaire import QuestionnaireScreen
    from koordination.tui.screens.survey_results import SurveyResultsScreen

    for title, screen in (
        ("Fragebogen einer Umfrage", QuestionnaireScreen),
        ("Papierbögen erfassen", AnswerEntryScreen),
        ("Ergebnisse einer Umfrage", SurveyResultsScreen),
    ):
        sections.append((title, [b for b in screen.BINDINGS if isinstance(b, Binding)]))
    from koordination.tui.dialogs.pickers import LinkPickerScreen
    from koordination.tui.widgets.field_tree import FieldTree

    sections.append(
        ("Handlungsfelder: der Baum", [b for b in FieldTree.BINDINGS if isinstance(b, Binding)])
    )
    sections.append(
        (
            "Verknüpfen und Rückverfolgen",
            [b for b in LinkPickerScreen.BINDINGS if isinstance(b, Binding)],
        )
    )
    sections.append(("Listen", list(LazyTable.BINDINGS)))  # type: ignore[arg-type]
    sections.append(("Monatsansicht", list(MonthView.BINDINGS)))  # type: ignore[arg-type]
    sections.append(("Formulare", list(FormScreen.BINDINGS)))  # type: ignore[arg-type]
    return sections
