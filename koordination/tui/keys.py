"""The one keymap: which key does what, the same in every area, screen and dialog.

Areas and screens build their bindings with :func:`bind` from a verb of :data:`VERBS`, so a
letter can never mean "Bearbeiten" in one area and "Ergebnisse" in another. Keys that only one
place needs (``v`` Verschieben in Termine) are verbs here too: written down once, shown by F1,
checked by ``tests/unit/test_keymap.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Verb:
    """One meaning of one key: ``key`` in Textual's notation, ``label`` for the footer."""

    key: str
    label: str
    #: Shown instead of the key name (``Strg+E``); empty: derived from ``key``.
    display: str = ""


#: Every key with its one meaning. The label is the footer's default; a place may say it more
#: precisely ("Neue Frage"), never something else.
VERBS: dict[str, Verb] = {
    # Common to all lists
    "new": Verb("n", "Neu"),
    "edit": Verb("e", "Bearbeiten"),
    "remove": Verb("x", "Archivieren"),
    "history": Verb("h", "Verlauf"),
    "search": Verb("slash", "Suchen", "/"),
    "archive_view": Verb("z", "Archiv zeigen"),
    "import": Verb("i", "Import"),
    "export": Verb("ctrl+e", "Ausgabe", "Strg+E"),
    "open": Verb("enter", "Öffnen"),
    "filter": Verb("f", "Filter"),
    "goto": Verb("g", "Gehe zu"),
    "today": Verb("t", "Heute"),
    "done": Verb("d", "Erledigt"),
    "copy": Verb("c", "Kopieren"),
    "more": Verb("l", "Mehr laden"),
    # Ordered lists (questions, agenda items): K and J where a terminal swallows Strg+↑/↓
    "item_up": Verb("ctrl+up,K", "Nach oben", "Strg+↑/K"),
    "item_down": Verb("ctrl+down,J", "Nach unten", "Strg+↓/J"),
    "reload": Verb("ctrl+r", "Neu laden", "Strg+R"),
    # Meetings and surveys
    "invite": Verb("s", "Einladen"),
    "move": Verb("v", "Verschieben"),
    "cancel_date": Verb("a", "Absagen"),
    "cancel_series": Verb("A", "Serie absagen"),
    "answer": Verb("r", "Antwort erfassen"),
    "fetch_answers": Verb("R", "Antworten abholen"),
    "sitting": Verb("p", "Sitzung"),
    "results": Verb("E", "Ergebnisse"),
    "month": Verb("m", "Monat"),
    "kiosk": Verb("k", "Kiosk"),
    "open_only": Verb("o", "Offen/alle"),
    "guest": Verb("G", "Gast"),
    # The review list of replies: counter-proposals, comments, delegations
    "review": Verb("P", "Prüfen"),
    "accept": Verb("y", "Annehmen"),
    # The sitting: agenda, attendance, minutes, approval
    "sub_item": Verb("ctrl+n", "Unterpunkt", "Strg+N"),
    "present": Verb("space", "Anwesend", "Leertaste"),
    "excused": Verb("F", "Entschuldigt"),
    "header": Verb("ctrl+k", "Kopf", "Strg+K"),
    "decision": Verb("ctrl+b", "Beschluss", "Strg+B"),
    "task": Verb("ctrl+t", "Aufgabe", "Strg+T"),
    "submit": Verb("ctrl+f", "Zur Genehmigung", "Strg+F"),
    "approve": Verb("ctrl+g", "Genehmigen", "Strg+G"),
    "correct": Verb("ctrl+o", "Korrektur", "Strg+O"),
    # Surveys: the questionnaire, the question bank, the results
    "survey_status": Verb("S", "Start/Ende"),
    "new_version": Verb("N", "Neue Fassung"),
    "from_bank": Verb("b", "Aus Sammlung"),
    "to_bank": Verb("B", "In Sammlung"),
    "internal_view": Verb("I", "Intern/veröff."),
    "breakdown": Verb("u", "Aufschlüsselung"),
    "compare": Verb("C", "Vergleich"),
    # Handlungsfelder
    "indicator": Verb("number_sign", "Kennzahl", "#"),
    "link": Verb("V", "Verknüpfen"),
    "unlink": Verb("L", "Lösen"),
    "trace": Verb("T", "Rückverfolgen"),
    # Directory relations
    "add_member": Verb("plus", "Mitglied +", "+"),
    "end_member": Verb("minus", "Mitglied −", "−"),
    "consent": Verb("w", "Einwilligung"),
    "withdraw": Verb("W", "Widerruf"),
    "consent_texts": Verb("D", "Einwilligungstexte"),
    "art14_informed": Verb("Y", "Art. 14 informiert"),
    "access_report": Verb("U", "Auskunft"),
    "erase": Verb("delete", "Löschen (DSGVO)", "Entf"),
    "retention": Verb("M", "Fristen"),
    "run_rules": Verb("Z", "Löschlauf"),
    "restrict": Verb("X", "Einschränken"),
    "objection": Verb("ctrl+w", "Widerspruch", "Strg+W"),
    # Mitwirkungsmöglichkeiten (engagement offers): from Organisationen ("mithelfen")
    "offers": Verb("H", "Angebote"),
    # What goes out by itself (reminders, approved minutes): from the Übersicht
    "outgoing": Verb("Q", "Versand"),
    # Rundmails: from anywhere in the main window
    "circulars": Verb("O", "Rundmails"),
    # Writing and seeing what it becomes (the Rundmail's text and its first message)
    "preview": Verb("f2", "Vorschau", "F2"),
    # Views inside an area (Netzwerk: Sektoren, Engagement, Zusammenarbeit, Arbeitsgruppe)
    "next_view": Verb("greater_than_sign", "Nächste Ansicht", ">"),
    "previous_view": Verb("less_than_sign", "Vorige Ansicht", "<"),
    # Forms and dialogs
    "save": Verb("ctrl+s", "Speichern", "Strg+S"),
    "cancel": Verb("escape", "Abbrechen", "Esc"),
    "undo": Verb("ctrl+z", "Rückgängig", "Strg+Z"),
    "clear_form": Verb("ctrl+l", "Leeren", "Strg+L"),
    "yes": Verb("j", "Ja"),
    "no": Verb("n", "Nein"),
    # Everywhere
    "help": Verb("f1,question_mark", "Hilfe", "F1"),
    "palette": Verb("ctrl+p", "Befehle", "Strg+P"),
    "quit": Verb("ctrl+q", "Beenden", "Strg+Q"),
}

#: Verbs that live only in dialogs, where the list keys do not apply (``n`` Nein).
DIALOG_VERBS = frozenset({"save", "cancel", "yes", "no"})

#: Switching areas: the digits when no text field has the focus, Alt+digit always.
AREA_DIGITS = "1234567890"


def bind(
    verb: str,
    action: str,
    tooltip: str = "",
    *,
    label: str = "",
    show: bool = True,
    priority: bool = False,
) -> Binding:
    """The binding for ``verb`` running ``action``. ``tooltip`` is what F1 and the command
    palette say ("Person bearbeiten"); ``label`` the footer's word, if more precise."""
    v = VERBS[verb]
    return Binding(
        v.key,
        action,
        label or v.label,
        show=show,
        key_display=v.display or None,
        priority=priority,
        tooltip=tooltip,
        # The verb is the binding's id: the same verb is one binding everywhere, and a
        # keymap that moves it (App.set_keymap) moves it in every area at once.
        id=verb,
    )


def verb_of(binding: Binding) -> str | None:
    """The verb a binding was made from (``None``: a binding made by hand)."""
    return binding.id if binding.id in VERBS else None


def keymap_bindings() -> list[Binding]:
    """The keymap itself, for the help screen."""
    return [
        Binding(v.key, name, v.label, key_display=v.display or None, tooltip=v.label)
        for name, v in VERBS.items()
    ]
