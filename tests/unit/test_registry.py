"""The output registry is the one list of outputs: every key has a German label and formats,
every format a label, and reading the list costs nothing (no builder, service or SQLAlchemy)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from koordination.errors import KoordinationError
from koordination.outputs.formats import ALL_FORMAT_LABELS, DOCUMENT_FORMATS, TABLE_FORMATS
from koordination.outputs.registry import OUTPUTS, SITTING_DOCUMENTS, output_for


@pytest.mark.parametrize("key", list(OUTPUTS))
def test_every_output_has_its_key_a_german_label_and_formats(key: str) -> None:
    output = OUTPUTS[key]
    assert output.key == key
    assert output.label.strip() and output.label[0].isupper()
    assert output.formats and len(set(output.formats)) == len(output.formats)


@pytest.mark.parametrize("key", list(OUTPUTS))
def test_every_format_of_an_output_has_a_label(key: str) -> None:
    choices = OUTPUTS[key].format_choices()
    assert [fmt for fmt, _label in choices] == list(OUTPUTS[key].formats)
    assert all(label.strip() for _fmt, label in choices)
    assert set(OUTPUTS[key].formats) <= set(ALL_FORMAT_LABELS)


def test_the_sitting_documents_are_registered_documents() -> None:
    for key in SITTING_DOCUMENTS:
        assert set(DOCUMENT_FORMATS) <= set(OUTPUTS[key].formats)


def test_tables_are_csv_and_json_and_the_open_data_is_a_folder() -> None:
    for key in ("auszaehlung", "rohdaten", "personen", "organisationen", "gruppen"):
        assert OUTPUTS[key].formats == tuple(TABLE_FORMATS)
    assert OUTPUTS["oparl"].is_folder
    assert OUTPUTS["angebote"].is_folder  # the offers' website
    assert not any(OUTPUTS[key].is_folder for key in OUTPUTS if key not in ("oparl", "angebote"))


def test_every_builder_and_stem_is_found_where_the_registry_names_it() -> None:
    from koordination.outputs import recipes

    for output in OUTPUTS.values():
        assert callable(getattr(recipes, output.builder))
        assert callable(getattr(recipes, output.namer))


def test_an_unknown_output_is_refused_in_german() -> None:
    with pytest.raises(KoordinationError, match="kann nicht erzeugt werden"):
        output_for("nichts")


def test_importing_the_registry_loads_no_sqlalchemy_service_or_builder() -> None:
    code = (
        "import sys, koordination.outputs.registry\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or m.startswith("
        "('koordination.services', 'koordination.outputs.builders', 'koordination.outputs.table',"
        " 'koordination.outputs.recipes', 'koordination.outputs.document'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
