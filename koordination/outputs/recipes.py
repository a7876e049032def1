"""How each output in the registry is built from the core and its subject, and what its file
is called: ``build_<key>(core, subject)`` and ``stem_<key>(subject, product)``.

The registry names these functions and imports this module only when something is built, so
the builders, the renderers and the services stay unloaded for ``--help``; each recipe imports
its own builder, so a table of 100,000 people loads no document model or renderer. Reading
happens through the core's services; the builders get plain records.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from koordination.outputs.files import slug
from koordination.outputs.registry import (
    Dossier,
    Folder,
    MinutesVersion,
    PersonRequest,
    Product,
    Progress,
    Rows,
    SurveyReport,
)

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.meetings import SittingRecord
    from koordination.domain.records.offers import OfferPublication
    from koordination.domain.records.programme import AnnualReportData, SteckbriefData
    from koordination.domain.records.surveys import SurveyForm, SurveyResults
    from koordination.outputs.builders.raw_anonymity import RawAnswersRequest
    from koordination.outputs.document.model import Document, Letterhead


def _head(core: Core) -> Letterhead:
    from koordination.outputs.builders.sittings import letterhead

    return letterhead(core.directory.get_city())


# ---------------------------------------------------------------------------- access report
# Art. 15/20 DSGVO: subject is the person's number or a PersonRequest (who asked).


def _asked(subject: int | PersonRequest) -> PersonRequest:
    return subject if isinstance(subject, PersonRequest) else PersonRequest(subject)


def build_auskunft(core: Core, subject: int | PersonRequest) -> Dossier:
    from koordination.outputs.builders.access_letter import access_document

    asked = _asked(subject)
    report = core.privacy.access_report(asked.person_id, requester=asked.requester)
    return Dossier(access_document(report, _head(core)), data=report)


def stem_auskunft(subject: int | PersonRequest, product: Product) -> str:
    from koordination.outputs.builders.access_letter import access_file_stem

    assert isinstance(product, Dossier) and product.data is not None
    day = datetime.fromisoformat(product.data["created_at"]).date()
    return access_file_stem(_asked(subject).person_id, day)


def name_auskunft(core: Core, subject: int | PersonRequest) -> str:
    from koordination.outputs.builders.access_letter import access_file_stem

    # Without building: building the report logs it and answers the person's request.
    return access_file_stem(_asked(subject).person_id, core.clock.today())


# ---------------------------------------------------------------------------- paperwork
# The office's record of processing (subject None) and information text (subject: True for
# the version with the Art. 14 source), from the city profile and the retention rules.


def build_verzeichnis(core: Core, _subject: None) -> Document:
    from koordination.outputs.builders.privacy_paperwork import processing_record

    return processing_record(core.paperwork(), _head(core))


def stem_verzeichnis(_subject: None, product: Product) -> str:
    from koordination.outputs.builders.privacy_paperwork import record_stem

    return record_stem(_stand(product))


def build_information(core: Core, art14: bool | None) -> Document:
    from koordination.outputs.builders.privacy_paperwork import information_text

    return information_text(core.paperwork(), _head(core), art14=bool(art14))


def stem_information(art14: bool | None, product: Product) -> str:
    from koordination.outputs.builders.privacy_paperwork import information_stem

    return information_stem(_stand(product), bool(art14))


def _stand(product: Product) -> date:
    from koordination.outputs.document.model import Document

    assert isinstance(product, Document)
    return datetime.strptime(dict(product.meta)["Stand"], "%d.%m.%Y").date()


# ---------------------------------------------------------------------------- a sitting
# Subject is the SittingRecord as the face shows it; the document is built from what is
# stored now. The minutes take a MinutesVersion for an earlier approved version.


def _sitting(subject: SittingRecord | MinutesVersion) -> SittingRecord:
    return subject.sitting if isinstance(subject, MinutesVersion) else subject


def _sitting_stem(subject: SittingRecord | MinutesVersion, what: str) -> str:
    record = _sitting(subject)
    # The day it takes place: a moved date is named after where it went, not the series slot.
    return f"{record.start:%Y-%m-%d}-{slug(record.title)}-{what}"


def build_einladung(core: Core, subject: SittingRecord) -> Document:
    from koordination.outputs.builders.sittings import invitation_letter

    return invitation_letter(core.sittings.get(subject.id), _head(core))


def stem_einladung(subject: SittingRecord, _product: Product) -> str:
    return _sitting_stem(subject, "einladung")


def build_protokoll(core: Core, subject: SittingRecord | MinutesVersion) -> Document:
    from koordination.domain.enums import MinutesStatus
    from koordination.outputs.builders.sittings import draft_minutes, minutes_document

    minutes = core.sittings
    record = minutes.get(_sitting(subject).id)
    version = subject.version if isinstance(subject, MinutesVersion) else None
    if version is not None or record.frozen:
        # Approved minutes come from the frozen content, with its fingerprint.
        content, print_ = minutes.approved_content(record.id, version)
        return minutes_document(
            content,
            _head(core),
            status=MinutesStatus.GENEHMIGT,
            fingerprint=print_,
            version=version or record.versions[-1].number,
        )
    return draft_minutes(record, _head(core))


def stem_protokoll(subject: SittingRecord | MinutesVersion, _product: Product) -> str:
    return _sitting_stem(subject, "protokoll")


def build_teilnehmende(core: Core, subject: SittingRecord) -> Dossier:
    """The sign-in sheet to print, and the attendance as a table (CSV)."""
    from koordination.outputs.builders.sittings import attendance_table, sign_in_sheet

    record = core.sittings.get(subject.id)
    return Dossier(sign_in_sheet(record, _head(core)), table=attendance_table(record))


def stem_teilnehmende(subject: SittingRecord, _product: Product) -> str:
    return _sitting_stem(subject, "teilnehmende")


def build_ergebnisbericht(core: Core, subject: SittingRecord) -> Document:
    from koordination.outputs.builders.sittings import workshop_report

    return workshop_report(core.sittings.get(subject.id), _head(core))


def stem_ergebnisbericht(subject: SittingRecord, _product: Product) -> str:
    return _sitting_stem(subject, "ergebnisbericht")


# ---------------------------------------------------------------------------- the programme
# Subject is the record core.programme returns; the file is named after the city.


def build_steckbrief(_core: Core, data: SteckbriefData) -> Document:
    from koordination.outputs.builders.programme import steckbrief

    return steckbrief(data)


def stem_steckbrief(data: SteckbriefData, _product: Product) -> str:
    return "-".join(p for p in ("steckbrief", slug(data.city.name) if data.city else "") if p)


def build_jahresbericht(_core: Core, data: AnnualReportData) -> Document:
    from koordination.outputs.builders.programme import annual_report

    return annual_report(data)


def stem_jahresbericht(data: AnnualReportData, _product: Product) -> str:
    city = slug(data.city.name) if data.city else ""
    return "-".join(p for p in (f"jahresbericht-{data.year}", city) if p)


# ---------------------------------------------------------------------------- surveys


def _survey_slug(title: str) -> str:
    return slug(title, fallback="umfrage")


def build_fragebogen(core: Core, form: SurveyForm) -> Document:
    from koordination.outputs.builders.surveys import questionnaire

    return questionnaire(form, _head(core))


def stem_fragebogen(form: SurveyForm, _product: Product) -> str:
    return f"{_survey_slug(form.survey.title)}-fragebogen"


def _report(subject: SurveyResults | SurveyReport) -> SurveyReport:
    return subject if isinstance(subject, SurveyReport) else SurveyReport(subject)


def build_umfragebericht(core: Core, subject: SurveyResults | SurveyReport) -> Document:
    from koordination.outputs.builders.surveys import results_report

    report = _report(subject)
    return results_report(report.results, _head(core), report.comparison)


def stem_umfragebericht(subject: SurveyResults | SurveyReport, _product: Product) -> str:
    report = _report(subject)
    stem = _results_stem(report.results)
    if report.compared_with is not None:
        stem += f"-vergleich-{report.compared_with}"
    return stem


def _results_stem(results: SurveyResults) -> str:
    return f"{_survey_slug(results.title)}-ergebnis-{results.stand:%Y-%m-%d}"


def build_auszaehlung(_core: Core, results: SurveyResults) -> Rows:
    from koordination.outputs.builders.survey_tables import write_results

    def write(fmt: str, target: Path, _progress: Progress | None) -> int:
        write_results(results, fmt, target)
        return len(results.questions)

    return Rows(write)


def stem_auszaehlung(results: SurveyResults, _product: Product) -> str:
    return _results_stem(results)


def build_rohdaten(core: Core, subject: int | RawAnswersRequest) -> Rows:
    """The anonymous answers, one row per response, coarsened until every combination of
    the quasi-identifiers occurs at least five times (k-anonymity, stated at the top of the
    file); free texts only when asked for. Counted as they are written."""
    from koordination.outputs.builders.raw_anonymity import RawAnswersRequest
    from koordination.outputs.builders.raw_anonymity import plan as anonymity_plan
    from koordination.outputs.builders.survey_tables import write_raw

    request = subject if isinstance(subject, RawAnswersRequest) else RawAnswersRequest(subject)
    survey_id = request.survey_id
    survey = core.surveys.get(survey_id)
    headers, first_pass = core.survey_results.raw_answers(survey_id)
    questions = core.surveys.questions(survey_id, include_retired=True)
    plan = anonymity_plan(questions, headers, first_pass, free_texts=request.free_texts)

    def write(fmt: str, target: Path, _progress: Progress | None) -> int:
        _, rows = core.survey_results.raw_answers(survey_id)
        return write_raw(plan.out_headers, plan.apply(rows), fmt, target, note=plan.note())

    today = core.clock.today()
    return Rows(write, name=f"{_survey_slug(survey.title)}-rohdaten-{today:%Y-%m-%d}")


def stem_rohdaten(_survey_id: int, product: Product) -> str:
    assert isinstance(product, Rows)
    return product.name


# ---------------------------------------------------------------------------- the directory
# The tables page through the directory service while they are written. Subject: a filter
# (PeopleFilter, OrganisationFilter, GroupFilter) or None for everything current.


def _directory_rows(core: Core, kind: str, subject: Any) -> Rows:
    from koordination.outputs.builders import directory

    exporter = getattr(directory, f"export_{kind}")
    by = {} if subject is None else {kind: subject}

    def write(fmt: str, target: Path, progress: Progress | None) -> int:
        count: int = exporter(core.directory, fmt, target, progress, **by)
        return count

    return Rows(write)


def build_personen(core: Core, subject: Any) -> Rows:
    return _directory_rows(core, "people", subject)


def stem_personen(_subject: Any, _product: Product) -> str:
    return "personen"


def build_organisationen(core: Core, subject: Any) -> Rows:
    return _directory_rows(core, "organisations", subject)


def stem_organisationen(_subject: Any, _product: Product) -> str:
    return "organisationen"


def build_gruppen(core: Core, subject: Any) -> Rows:
    return _directory_rows(core, "groups", subject)


def stem_gruppen(_subject: Any, _product: Product) -> str:
    return "gruppen"


# ---------------------------------------------------------------------------- open data


def build_oparl(core: Core, base_url: str) -> Folder:
    """The network as open data (OParl 1.1) under ``base_url``: read through the open-data
    service (the one consent rule), built here, written as one folder."""
    from koordination.clock import CITY_ZONE
    from koordination.outputs.oparl import build_oparl, check_base_url, write_oparl

    base = check_base_url(base_url)
    source = core.open_data.source()
    export = build_oparl(source, base, source.read_at.astimezone(CITY_ZONE).date())

    def write(target: Path) -> None:
        write_oparl(export, target)

    return Folder(write, export.summary)


def stem_oparl(_base_url: str, _product: Product) -> str:
    return "oparl"


# ---------------------------------------------------------------------------- change history
# Subject is the audit service's TrailQuery (a service type, so named here only in words);
# the entries are read when the output is built.


def build_verlauf(core: Core, query: Any) -> Rows:
    """The change history as a table for Excel or LibreOffice, one row per changed field;
    counts the entries written."""
    from koordination.outputs.builders.audit import write_csv as write_trail

    entries = core.audit.entries(query)

    def write(_fmt: str, target: Path, _progress: Progress | None) -> int:
        return write_trail(entries, target)

    return Rows(write)


def stem_verlauf(query: Any, _product: Product) -> str:
    if query.record is None:
        return "verlauf"
    kind, number = query.record
    return f"verlauf-{kind}-{number}"


# ---------------------------------------------------------------------------- offers
# Subject is what core.offers.publication() read: the offers a citizen may see.


def build_wegweiser(_core: Core, pub: OfferPublication) -> Document:
    """The printable Engagement-Wegweiser with the office's letterhead."""
    from koordination.outputs.builders.offers import wegweiser

    return wegweiser(pub)


def stem_wegweiser(pub: OfferPublication, _product: Product) -> str:
    return "-".join(p for p in ("engagement-wegweiser", slug(pub.city)) if p)


def build_angebote(_core: Core, pub: OfferPublication) -> Folder:
    """The offers as a static website folder (pages, style, calendar feed, Wegweiser)."""
    from koordination.outputs.website import write_site

    summary: list[object] = []

    def write(target: Path) -> None:
        summary.append(write_site(pub, target))

    return Folder(write, summary)


def stem_angebote(_pub: OfferPublication, _product: Product) -> str:
    return "angebote"
