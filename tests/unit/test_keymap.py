"""One keymap: a key means the same in every area, screen and dialog (koordination/tui/keys.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen

import koordination.tui
from koordination.tui.keys import DIALOG_VERBS, VERBS, bind, verb_of


def _classes_with_bindings() -> list[type[DOMNode]]:
    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(koordination.tui.__path__, "koordination.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, DOMNode)
                and cls.__module__.startswith("koordination.")
                and "BINDINGS" in cls.__dict__
            ):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def _keys(binding: Binding) -> list[str]:
    return [key.strip() for key in binding.key.split(",")]


LIST_KEYS = {
    key: name
    for name, v in VERBS.items()
    if name not in DIALOG_VERBS
    for key in _keys(Binding(v.key, name))
}
DIALOG_KEYS = {key for name in DIALOG_VERBS for key in _keys(Binding(VERBS[name].key, name))}


def test_every_verb_has_its_own_key() -> None:
    keys = Counter(
        key
        for name, v in VERBS.items()
        if name not in DIALOG_VERBS
        for key in _keys(Binding(v.key, name))
    )
    assert [key for key, n in keys.items() if n > 1] == []


def test_bind_marks_the_binding_with_its_verb() -> None:
    binding = bind("edit", "edit_person", "Person bearbeiten")
    assert (binding.key, binding.description, verb_of(binding)) == ("e", "Bearbeiten", "edit")
    assert bind("new", "new", "Neue Frage", label="Neue Frage").description == "Neue Frage"


def test_no_key_means_two_things_anywhere_in_the_interface() -> None:
    clashes: list[str] = []
    classes = _classes_with_bindings()
    assert len(classes) > 20  # the walk found the areas, screens and dialogs
    for cls in classes:
        modal = issubclass(cls, ModalScreen)
        for binding in cls.__dict__["BINDINGS"]:
            if not isinstance(binding, Binding):
                continue
            where = f"{cls.__module__}.{cls.__qualname__}: {binding.key} → {binding.action}"
            verb = verb_of(binding)
            if verb is not None:
                if binding.key != VERBS[verb].key:
                    clashes.append(f"{where} (Verb {verb} hat die Taste {VERBS[verb].key})")
                continue
            if binding.action == "nothing":
                continue  # a key switched off (the kiosk swallows Strg+Q, F1, ...)
            for key in _keys(binding):
                if modal and (key in DIALOG_KEYS or key == "enter"):
                    continue  # in a dialog Enter presses the focused button
                if key in LIST_KEYS:
                    clashes.append(f"{where} (die Taste gehört zu {LIST_KEYS[key]})")
    assert clashes == []


def test_list_areas_put_their_own_keys_before_the_rarer_list_keys() -> None:
    # The footer shows keys in binding order as far as they fit: at 80 columns what comes
    # after the daily list keys and the area's own keys is what gives way.
    from koordination.tui.areas.groups import GroupsArea
    from koordination.tui.areas.organisations import OrganisationsArea
    from koordination.tui.areas.people import PeopleArea

    for area, own in (
        (PeopleArea, ["consent"]),
        (GroupsArea, ["add_member", "end_member"]),
        (OrganisationsArea, ["offers"]),
    ):
        shown = [verb_of(b) for b in area.BINDINGS if isinstance(b, Binding) and b.show]
        assert shown == ["new", "edit", "search", *own, "remove", "archive_view"], area
