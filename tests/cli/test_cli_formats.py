"""The command line offers the formats the output registry can produce.

The parser writes its ``--format`` choices out (reading them from the registry would import
the services on every start, even for ``--help``); these tests keep both lists the same.
"""

from __future__ import annotations

import argparse

import pytest

from koordination.cli.main import build_parser
from koordination.outputs.registry import DOCUMENT_FORMATS, OUTPUTS, TABLE_FORMATS


def format_choices(*path: str) -> set[str]:
    parser: argparse.ArgumentParser = build_parser()
    for name in path:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    option = next(a for a in parser._actions if "--format" in a.option_strings)
    assert option.choices is not None
    return set(option.choices)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        (("people", "export-data"), "auskunft"),
        (("agenda", "export"), "einladung"),
        (("minutes", "export"), "protokoll"),
        (("workshop", "report"), "ergebnisbericht"),
        (("steckbrief",), "steckbrief"),
        (("report", "annual"), "jahresbericht"),
    ],
)
def test_format_choices_are_the_formats_of_the_registered_output(
    path: tuple[str, ...], key: str
) -> None:
    assert format_choices(*path) == set(OUTPUTS[key].formats)


def test_the_questionnaire_not_yet_in_the_registry_offers_every_document_format() -> None:
    assert format_choices("surveys", "questionnaire") == set(DOCUMENT_FORMATS)


def test_survey_results_offer_every_document_and_table_format() -> None:
    assert format_choices("surveys", "results") == {*DOCUMENT_FORMATS, *TABLE_FORMATS}


def test_list_exports_offer_the_table_formats() -> None:
    assert format_choices("export") == set(TABLE_FORMATS)
