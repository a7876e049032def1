"""What `export people` loads: the table writers and the directory, never the document model
and renderers, the builders of other outputs, the workbook libraries, Alembic or Textual (each
import is paid by every export of 100,000 people)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.loaded import run_command

NOT_NEEDED = (
    "koordination.outputs.document",
    "koordination.outputs.document.model",
    "koordination.outputs.builders.access_letter",
    "koordination.outputs.builders.programme",
    "koordination.outputs.builders.sittings",
    "koordination.outputs.builders.surveys",
    "koordination.outputs.builders.survey_tables",
    "openpyxl",
    "odfdo",
    "alembic",
    "textual",
)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_people_loads_no_document_renderer_or_other_builder(
    demo_sqlite: Callable[..., Path], tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"personen.{fmt}"
    argv = ["--db", str(demo_sqlite()), "export", "people", "--format", fmt, "-o", str(target)]
    out, modules = run_command(*argv)
    assert "Einträge nach" in out, out
    assert target.stat().st_size > 0
    assert "koordination.outputs.builders.directory" in modules  # the export did run
    assert [m for m in NOT_NEEDED if m in modules] == []


def test_importing_the_directory_configures_no_mapper() -> None:
    # A loader option made at import would configure every mapper (~60 ms) for a command
    # that never loads a person's whole record; the first such load makes them.
    code = (
        "import koordination.services.directory.service\n"
        "from koordination.domain.models import Base\n"
        "print(Base.registry._new_mappers)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"]
