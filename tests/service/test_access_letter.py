"""The Art. 15 letter as the data-protection officer reads it: built from the controller's data
in the city profile (lit. e and the state norm, never lit. f; the supervisory authority of the
Bundesland; storage as actually configured), with the old values of the audit trail, without
other people's sentences or names, and with the ambiguous "Frau Weiß" listed for review only.
Requests carry their one-month deadline and are marked done by the report and the erasure."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.controller import lit_f_problem
from koordination.domain.enums import (
    Bundesland,
    ConsentChannel,
    ConsentPurpose,
    LegalBasis,
    MeetingKind,
    PrivacyRequestKind,
)
from koordination.domain.inputs.directory import CityProfileInput, PersonInput
from koordination.domain.models import (
    AgendaItem,
    Consent,
    ConsentText,
    Meeting,
    RetentionRule,
    Sitting,
)
from koordination.errors import ValidationError
from koordination.outputs import document as documents
from koordination.outputs.builders.access_letter import access_document
from koordination.outputs.builders.sittings import letterhead
from koordination.services.directory.service import Directory
from koordination.services.privacy.mentions import sentence_spans
from koordination.services.privacy.requests import PrivacyRequests, one_month_after
from koordination.services.privacy.retention import Retention
from koordination.services.privacy.retention_rules import RULE_KINDS
from koordination.services.privacy.service import Privacy

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)


def _profile(directory: Directory, **changes: object) -> None:
    data = CityProfileInput(
        name="Wiesenbrück",
        bundesland=Bundesland.HE,
        office_name="Koordinierungsstelle Engagierte Stadt Wiesenbrück",
        office_address="Marktplatz 3\n35999 Wiesenbrück",
        controller="Stadt Wiesenbrück, vertreten durch den Bürgermeister, Marktplatz 1",
        dpo_contact="Datenschutzbeauftragte der Stadt, datenschutz@wiesenbrueck.example.org",
        state_law_basis="§ 3 HDSIG i. V. m. § 19 HGO",
        processors="Mailserver: Kommunales Rechenzentrum Mittelhessen",
        recipients="Mitglieder der Gruppen; das Programmbüro Engagierte Stadt (nur Zahlen)",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    directory.save_city(directory.get_city(), data)


def _bases(directory: Directory) -> dict[str, str]:
    city = directory.get_city()
    assert city is not None
    return city.legal_bases


def _person(directory: Directory, given: str, family: str, **more: object) -> int:
    data = PersonInput(family_name=family, given_name=given, **more)  # type: ignore[arg-type]
    return directory.create_person(data).record.id


def _text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    elif path.suffix == ".docx":
        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        text = " ".join([p.text for p in document.paragraphs] + cells)
    else:
        text = path.read_text(encoding="utf-8")
    return " ".join(text.split())


def _agenda_note(db: Database, notes: str) -> None:
    """An agenda item with ``notes`` in a sitting (the way minutes hold free text)."""
    with db.session() as session:
        meeting = Meeting(
            kind=MeetingKind.ARBEITSKREIS,
            title="AK Stadtteilarbeit",
            uid="letter-test@example.org",
            start_at=datetime(2026, 9, 8, 16, tzinfo=UTC),
            end_at=datetime(2026, 9, 8, 18, tzinfo=UTC),
        )
        session.add(meeting)
        session.flush()
        sitting = Sitting(meeting_id=meeting.id, occurrence=meeting.start_at)
        session.add(sitting)
        session.flush()
        session.add(AgendaItem(sitting_id=sitting.id, position=1, title="Berichte", notes=notes))


@pytest.fixture
def city(db: Database) -> Directory:
    directory = Directory(db, Clock.fixed(NOW))
    directory.save_city(None, CityProfileInput(name="Wiesenbrück", bundesland=Bundesland.HE))
    return directory


# --------------------------------------------------------------------------- the letter


def test_letter_sections_come_from_the_city_profile_with_lit_e_and_the_state_norm(
    city: Directory, tmp_path: Path
) -> None:
    db = city.db
    _profile(city)
    pid = _person(city, "Anna", "Muster", salutation="Frau", notes="Trennung von Partnerin")
    record = city.get_person(pid)
    city.update_person(record, PersonInput(family_name="Muster", given_name="Anna"))
    with db.session() as session:
        wording = ConsentText(
            purpose=ConsentPurpose.EINLADUNGEN,
            version="2026-01",
            wording="Ich möchte zu Sitzungen eingeladen werden.",
            valid_from=date(2026, 1, 1),
        )
        session.add(wording)
        session.flush()
        session.add(
            Consent(
                person_id=pid,
                purpose=ConsentPurpose.EINLADUNGEN,
                legal_basis=LegalBasis.EINWILLIGUNG,
                text_id=wording.id,
                channel=ConsentChannel.FORMULAR,
                evidence="Formular Nr. 17 vom 05.01.2026",
                given_at=datetime(2026, 1, 5, tzinfo=UTC),
            )
        )
    report = Privacy(db, Clock.fixed(NOW)).access_report(pid)
    json.dumps(report, ensure_ascii=False)
    head = letterhead(city.get_city())
    for fmt in ("pdf", "docx", "md"):
        path = documents.write(access_document(report, head), fmt, tmp_path / f"auskunft.{fmt}")
        text = _text_of(path)
        assert "Stadt Wiesenbrück, vertreten durch den Bürgermeister" in text, fmt
        assert "datenschutz@wiesenbrueck.example.org" in text, fmt
        assert "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG i. V. m. § 19 HGO" in text, fmt
        assert "Einwilligung, Art. 6 Abs. 1 lit. a DSGVO" in text, fmt
        # lit. f is only the letter's heading of the complaint right (Art. 15 (1) f).
        assert "Art. 6 Abs. 1 lit. f" not in text and "berechtigte" not in text.lower(), fmt
        assert "lit. b und f" not in text, fmt
        # lit. a-h and Abs. 2, each under its heading
        for heading in (
            "Zwecke und Rechtsgrundlagen (Art. 15 Abs. 1 lit. a DSGVO)",
            "Kategorien personenbezogener Daten (lit. b)",
            "Empfänger und Auftragsverarbeiter (lit. c)",
            "Speicherdauer (lit. d)",
            "Ihre Rechte (lit. e)",
            "Beschwerderecht bei der Aufsichtsbehörde (lit. f)",
            "Herkunft der Daten (lit. g)",
            "Automatisierte Entscheidungen und Profiling (lit. h)",
            "Übermittlung in Drittländer (Art. 15 Abs. 2 DSGVO)",
        ):
            assert heading in text, (fmt, heading)
        assert "Kommunales Rechenzentrum Mittelhessen" in text, fmt
        assert "Programmbüro Engagierte Stadt" in text, fmt
        # Every rule is off: the letter says so instead of promising rules.
        assert "keine Frist festgelegt" in text, fmt
        assert "Aufbewahrungsregeln der" not in text, fmt
        # The authority proposed from the Bundesland (Hessen), since none was entered.
        assert "Hessische/r Beauftragte/r für Datenschutz und Informationsfreiheit" in text, fmt
        assert "Widerspruch" in text or "widersprechen" in text, fmt
        assert "keine automatisierte Entscheidungsfindung" in text, fmt
        # The consent with its catalogue version, channel and evidence.
        assert "2026-01" in text and "Formular Nr. 17 vom 05.01.2026" in text, fmt
        # The note deleted since is in the trail, so it is in the letter's change history.
        assert "Trennung von Partnerin" in text, fmt


def test_storage_names_the_rules_that_are_switched_on(city: Directory) -> None:
    pid = _person(city, "Anna", "Muster")
    with city.db.session() as session:
        session.add(RetentionRule(kind="guests", months=12, enabled=True))
        session.add(RetentionRule(kind="invitations", months=24, enabled=False))
    storage = Privacy(city.db, Clock.fixed(NOW)).access_report(pid)["information"]["storage"]
    assert "Gäste nach 12 Monaten" in storage
    assert "Einladungslisten" not in storage  # switched off
    assert "Für alle anderen Daten ist keine Frist festgelegt" in storage


def test_a_public_body_cannot_save_lit_f_as_a_legal_basis(city: Directory) -> None:
    assert lit_f_problem("Art. 6 Abs. 1 lit. f DSGVO") is not None
    assert lit_f_problem("berechtigtes Interesse") is not None
    assert lit_f_problem("Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG") is None
    with pytest.raises(ValidationError, match=r"lit\. f"):
        _profile(city, legal_bases={"netzwerk": "Art. 6 Abs. 1 lit. f DSGVO"})
    assert _bases(city)["netzwerk"].startswith("Art. 6 Abs. 1 lit. e")


def test_default_bases_follow_the_state_norm_and_changed_ones_are_kept(city: Directory) -> None:
    _profile(city, state_law_basis="")
    shown = _bases(city)
    assert shown["sitzungen"].endswith("[Landesnorm]")
    shown["fotos"] = "Einwilligung (schriftlich), Art. 6 Abs. 1 lit. a DSGVO"
    # The form still shows the old default for "sitzungen" when the norm is typed.
    _profile(city, state_law_basis="§ 3 HDSIG", legal_bases=shown)
    after = _bases(city)
    assert after["sitzungen"] == "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 HDSIG"
    assert after["fotos"] == "Einwilligung (schriftlich), Art. 6 Abs. 1 lit. a DSGVO"


# --------------------------------------------------------------------------- excerpts


def test_an_excerpt_holds_only_the_sentence_naming_the_person_and_masks_other_names(
    city: Directory,
) -> None:
    pid = _person(city, "Anna", "Muster", salutation="Frau")
    _person(city, "Lukas", "Yilmaz", emails=["lukas.yilmaz@example.org"])
    _agenda_note(
        city.db,
        "Anna Muster übernimmt das Protokoll am 3. März. Lukas Yilmaz ist wegen einer "
        "Erkrankung bis März nicht dabei. Frau Muster vertritt bis dahin L. Yilmaz "
        "(lukas.yilmaz@example.org) im AK.",
    )
    report = Privacy(city.db, Clock.fixed(NOW)).access_report(pid)
    (note,) = [m for m in report["mentions"] if m["field"] == "Notizen"]
    assert note["excerpts"] == [
        "Anna Muster übernimmt das Protokoll am 3. März.",
        "Frau Muster vertritt bis dahin [Name] ([E-Mail]) im AK.",
    ]
    everything = json.dumps(report, ensure_ascii=False)
    assert "Erkrankung" not in everything and "Yilmaz" not in everything


def test_a_clause_naming_somebody_else_is_left_out_of_the_sentence(city: Directory) -> None:
    pid = _person(city, "Anna", "Muster", salutation="Frau")
    _person(city, "Lukas", "Yilmaz")
    _agenda_note(
        city.db,
        "Anna Muster berichtet vom Sprachcafé; Lukas Yilmaz ist wegen einer Erkrankung bis "
        "März nicht dabei – Frau Muster übernimmt. Sprachcafé: Frau Muster lädt ein.",
    )
    report = Privacy(city.db, Clock.fixed(NOW)).access_report(pid)
    (note,) = [m for m in report["mentions"] if m["field"] == "Notizen"]
    assert note["excerpts"] == [
        "Anna Muster berichtet vom Sprachcafé; …",
        "… Frau Muster übernimmt.",
        "Sprachcafé: Frau Muster lädt ein.",
    ]
    assert "Erkrankung" not in json.dumps(report, ensure_ascii=False)


def test_sentences_end_at_full_stops_but_not_after_titles_initials_or_days() -> None:
    text = "Dr. A. Muster kam am 3. März. Danach z. B. Kaffee!\nNeue Zeile"
    parts = [text[a:b].strip() for a, b in sentence_spans(text)]
    assert parts == ["Dr. A. Muster kam am 3. März.", "Danach z. B. Kaffee!", "Neue Zeile"]


def test_a_surname_shared_by_two_people_is_listed_for_review_not_put_into_the_letter(
    city: Directory,
) -> None:
    monika = _person(city, "Monika", "Weiß", salutation="Frau")
    _person(city, "Oliver", "Weiß", salutation="Herr")
    _agenda_note(city.db, "Frau Weiß bittet um Vertraulichkeit. Monika Weiß lädt ein.")
    privacy = Privacy(city.db, Clock.fixed(NOW))
    report = privacy.access_report(monika)
    excerpts = [e for m in report["mentions"] for e in m["excerpts"]]
    assert excerpts == ["Monika Weiß lädt ein."]
    review = privacy.access_review(monika)
    (hit,) = review.ambiguous
    assert hit.excerpt == "Frau Weiß bittet um Vertraulichkeit."
    assert hit.field == "Notizen" and "Tagesordnungspunkt" in hit.where
    assert any("Frau Weiß bittet um Vertraulichkeit." in line for line in review.lines())


# --------------------------------------------------------------------------- requests


def test_requests_get_one_month_and_are_done_when_answered(city: Directory) -> None:
    assert one_month_after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert one_month_after(date(2026, 12, 15)) == date(2027, 1, 15)
    pid = _person(city, "Anna", "Muster")
    requests = PrivacyRequests(city.db, Clock.fixed(NOW))
    asked = requests.add(PrivacyRequestKind.AUSKUNFT, pid, received_on=date(2026, 10, 20))
    erase = requests.add(PrivacyRequestKind.LOESCHUNG, pid, requester="Brief vom 21.11.")
    assert asked.due_on == date(2026, 11, 20) and asked.overdue(TODAY)
    assert asked.deadline(TODAY) == "überfällig seit 2 Tagen"
    assert erase.deadline(TODAY) == "noch 30 Tage"
    assert requests.status().retention_warning  # no rule is decided
    with pytest.raises(ValidationError, match="Zukunft"):
        requests.add(PrivacyRequestKind.AUSKUNFT, pid, received_on=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="anfragenden Person"):
        requests.add(PrivacyRequestKind.AUSKUNFT, None)

    privacy = Privacy(city.db, Clock.fixed(NOW))
    report = privacy.access_report(pid)
    assert [r["kind"] for r in report["requests"] if r["completed_at"]] == [
        "Auskunft (Art. 15 DSGVO)"
    ]
    assert [r.kind for r in requests.list()] == [PrivacyRequestKind.LOESCHUNG]
    privacy.erase_person(pid)
    assert requests.list() == []
    (done,) = [r for r in requests.list(open_only=False) if r.kind.value == "loeschung"]
    assert done.person_number == pid and done.done
    with city.db.session() as session:
        session.add(RetentionRule(kind="guests", months=12, enabled=True))
    assert "7 von 8 Fristen nicht festgelegt" in requests.status().retention_warning
    retention = Retention(city.db)
    for kind in RULE_KINDS:
        if kind != "guests":
            retention.keep(kind, "unbefristet, weil es die Dienstanweisung so regelt")
    assert requests.status().retention_warning == ""


def test_completing_a_request_twice_says_when_it_was_done(city: Directory) -> None:
    requests = PrivacyRequests(city.db, Clock.fixed(NOW))
    r = requests.add(PrivacyRequestKind.BERICHTIGUNG, None, requester="Erika Beispiel")
    requests.complete(r.id, "Anschrift berichtigt")
    with pytest.raises(ValidationError, match=r"seit 22\.11\.2026 erledigt"):
        requests.complete(r.id)
    with city.db.session() as session:
        assert session.scalar(select(Consent.id)) is None  # nothing else was touched
