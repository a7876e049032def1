"""The table of what each command needs on a shared database names real commands only, and
a command it does not know is treated as changing data."""

from __future__ import annotations

import argparse

from koordination.cli.main import build_parser
from koordination.cli.rights import ADMINISTERING, PROTECTING, READING, command_path, needs
from koordination.db.roles import ADMIN, EDIT, PRIVACY, Access, Role


def _paths() -> set[str]:
    found: set[str] = set()

    def visit(parser: argparse.ArgumentParser, path: str) -> None:
        children = [
            action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
        ]
        if not children:
            found.add(path)
        for action in children:
            for name, child in action.choices.items():
                visit(child, f"{path} {name}".strip())

    visit(build_parser(), "")
    found.discard("export")
    return found | {"export people", "export organisations", "export groups", "export oparl"}


def test_every_named_command_exists() -> None:
    assert (READING | PROTECTING | ADMINISTERING) - _paths() == set()


def test_the_path_of_parsed_arguments_names_the_command_and_the_export() -> None:
    parser = build_parser()
    assert command_path(parser.parse_args(["people", "erase", "3", "--yes"])) == "people erase"
    assert command_path(parser.parse_args(["export", "people"])) == "export people"
    assert command_path(parser.parse_args(["roles", "grant", "a", "Lesen"])) == "roles grant"


def test_what_commands_need_and_how_a_refusal_reads() -> None:
    assert needs("people list") is None
    assert needs("people erase") is PRIVACY
    assert needs("roles grant") is ADMIN
    assert needs("ein neuer befehl") is EDIT  # unknown: changes data
    reader = Access("anna", Role.LESEN)
    assert not reader.allows(EDIT)
    assert reader.refusal(EDIT) == (
        "Ihre Anmeldung 'anna' hat die Rolle Lesen: Ändern ist nicht erlaubt. Bitten Sie die "
        "Koordinierungsstelle um die Rolle Bearbeiten."
    )
    assert Access("owner", Role.VERWALTUNG).allows(ADMIN)
    assert Role.parse("datenschutz") is Role.DATENSCHUTZ and Role.parse("Chef") is None
