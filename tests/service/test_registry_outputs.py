"""Every output in the registry is produced on the demo city, in each of its formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from koordination.core import Core
from koordination.db.engine import Database
from koordination.outputs.registry import OUTPUTS, SurveyReport, make
from koordination.services.privacy.audit_trail import TrailQuery

#: The demo's workshop (a one-off meeting with cards) and its first survey with questions.
WORKSHOP = 6


def subjects(core: Core) -> dict[str, Any]:
    """A subject for every key, as the faces hand them over."""
    person = core.directory.list_people()[0].id
    sitting = core.sittings.open(WORKSHOP, None)
    survey = next(s for s in core.surveys.list_surveys() if s.response_count)
    results = core.survey_results.results(survey.id, published=True)
    return {
        "auskunft": person,
        "einladung": sitting,
        "protokoll": sitting,
        "teilnehmende": sitting,
        "ergebnisbericht": sitting,
        "steckbrief": core.programme.steckbrief(),
        "jahresbericht": core.programme.annual_report(2026),
        "fragebogen": core.surveys.form(survey.id),
        "umfragebericht": results,
        "auszaehlung": results,
        "rohdaten": survey.id,
        "personen": None,
        "organisationen": None,
        "gruppen": None,
        "oparl": "https://example.org/oparl",
        "verlauf": TrailQuery(record=("person", person)),
        "wegweiser": core.offers.publication(),
        "angebote": core.offers.publication(),
        "verzeichnis": None,
        "information": True,
    }


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.iterdir())
    return path.stat().st_size


def test_every_registered_output_is_produced_in_every_format_on_the_demo_city(
    demo_city: Database, tmp_path: Path
) -> None:
    core = Core(demo_city)
    given = subjects(core)
    assert set(given) == set(OUTPUTS)
    for key, output in OUTPUTS.items():
        for fmt in output.formats:
            folder = tmp_path / key / fmt
            folder.mkdir(parents=True)
            target = folder / "oparl" if output.is_folder else folder
            made = make(core, key, given[key], fmt, target)
            assert made.path.exists(), (key, fmt)
            assert _size(made.path) > 0, (key, fmt)
            if not output.is_folder:
                assert made.path.name == f"{output.stem(given[key], made.product)}.{fmt}"


def test_a_report_with_a_comparison_names_the_other_survey_in_its_file(
    demo_city: Database, tmp_path: Path
) -> None:
    core = Core(demo_city)
    survey = next(s for s in core.surveys.list_surveys() if s.response_count)
    results = core.survey_results.results(survey.id, published=True)
    comparison = core.survey_results.compare([survey.id, survey.id], published=True)
    made = make(core, "umfragebericht", SurveyReport(results, comparison, 99), "md", tmp_path)
    assert made.path.name.endswith(f"-ergebnis-{results.stand:%Y-%m-%d}-vergleich-99.md")
