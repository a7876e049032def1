"""The command line offers the formats the output registry produces.

Every ``--format`` choice list is read from ``OUTPUTS``; these tests keep it so, and keep the
parser light: reading the registry imports no builder, no service and no SQLAlchemy.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from koordination.cli.main import build_parser
from koordination.outputs.registry import OUTPUTS


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
        (("attendance", "export"), "teilnehmende"),
        (("workshop", "report"), "ergebnisbericht"),
        (("steckbrief",), "steckbrief"),
        (("report", "annual"), "jahresbericht"),
        (("surveys", "questionnaire"), "fragebogen"),
        (("export",), "personen"),
        (("export",), "organisationen"),
        (("export",), "gruppen"),
    ],
)
def test_format_choices_are_the_formats_of_the_registered_output(
    path: tuple[str, ...], key: str
) -> None:
    assert format_choices(*path) == set(OUTPUTS[key].formats)


def test_survey_results_offer_the_report_and_both_tables() -> None:
    assert format_choices("surveys", "results") == {
        *OUTPUTS["umfragebericht"].formats,
        *OUTPUTS["auszaehlung"].formats,
        *OUTPUTS["rohdaten"].formats,
    }


def test_the_sign_in_sheet_is_offered_as_every_document_and_as_csv() -> None:
    assert format_choices("attendance", "export") == {"md", "html", "docx", "odt", "pdf", "csv"}


def test_help_loads_neither_sqlalchemy_nor_a_builder() -> None:
    code = (
        "import sys\n"
        "from koordination.cli.main import build_parser\n"
        "build_parser().format_help()\n"
        "print(sorted(m for m in ('sqlalchemy', 'koordination.services', "
        "'koordination.outputs.recipes', 'koordination.outputs.table') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
