"""The help screen's sections: the keys of the main window, of every area and of the screens
over it (imported when the help or the palette is opened, not at start)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding


def key_sections(everywhere: list[Binding]) -> list[tuple[str, list[Binding]]]:
    """(title, keys) per section; ``everywhere``: the app's own keys."""
    from koordination.tui.areas.shell import area_classes
    from koordination.tui.dialogs.form import FormScreen
    from koordination.tui.dialogs.pickers import LinkPickerScreen
    from koordination.tui.keys import keymap_bindings
    from koordination.tui.screens.answer_entry import AnswerEntryScreen
    from koordination.tui.screens.circulars import CircularsScreen
    from koordination.tui.screens.offers import OffersScreen
    from koordination.tui.screens.questionnaire import QuestionnaireScreen
    from koordination.tui.screens.retention import RetentionScreen
    from koordination.tui.screens.review import ReviewScreen
    from koordination.tui.screens.sitting import SittingScreen
    from koordination.tui.screens.survey_results import SurveyResultsScreen
    from koordination.tui.widgets.field_tree import FieldTree
    from koordination.tui.widgets.lazy_table import LazyTable
    from koordination.tui.widgets.month_view import MonthView

    def keys(owner: Any) -> list[Binding]:
        return [b for b in owner.BINDINGS if isinstance(b, Binding)]

    areas = [(cls.TITLE, cls) for _id, _key, cls in area_classes()]
    screens: list[tuple[str, Any]] = [
        ("Sitzung (Tagesordnung, Anwesenheit, Protokoll, Aufgaben, Werkstatt)", SittingScreen),
        ("Rückmeldungen prüfen (Termine, Taste P)", ReviewScreen),
        ("Aufbewahrungsfristen (Übersicht, Taste M)", RetentionScreen),
        ("Rundmails (überall, Taste O)", CircularsScreen),
        ("Mitwirkungsmöglichkeiten (Organisationen, Taste H)", OffersScreen),
        ("Fragebogen einer Umfrage", QuestionnaireScreen),
        ("Papierbögen erfassen", AnswerEntryScreen),
        ("Ergebnisse einer Umfrage", SurveyResultsScreen),
        ("Handlungsfelder: der Baum", FieldTree),
        ("Verknüpfen und Rückverfolgen", LinkPickerScreen),
        ("Listen", LazyTable),
        ("Monatsansicht", MonthView),
        ("Formulare", FormScreen),
    ]
    sections = [
        ("Überall", everywhere),
        ("Die Tasten: überall dieselbe Bedeutung", keymap_bindings()),
    ]
    sections += [(title, keys(owner)) for title, owner in areas + screens if keys(owner)]
    return sections
