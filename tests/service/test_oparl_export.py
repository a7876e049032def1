"""The open-data export after OParl 1.1: every object fits the official schemas, every id and
reference is a URL under the base URL that resolves, and people appear only with consent."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, FormatChecker
from support.consents import withdraw_consent

from koordination.cli.main import main
from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose, DecisionResult, MinutesStatus
from koordination.domain.models import AgendaItem, Decision, Meeting, Sitting
from koordination.domain.records.directory import PersonRecord
from koordination.errors import KoordinationError
from koordination.outputs import oparl
from koordination.outputs.oparl import check_base_url, export_oparl, location_fields
from koordination.services.directory.service import Directory
from koordination.services.open_data import OpenData

SCHEMAS = Path(__file__).parent.parent / "fixtures" / "oparl-1.1-schema"
BASE = "https://daten.wiesenbrueck.example.org/oparl"
#: The demo city's "now": minutes of September to November 2026 exist, the series run into 2027.
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
TODAY = date(2026, 11, 20)
PUBLISHING = ConsentPurpose.OFFENE_DATEN
SHARING = ConsentPurpose.KONTAKTDATEN_TEILEN

FORMATS = FormatChecker(formats=())


@FORMATS.checks("url")
def _is_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    # OParl wants ISO 8601 with a zone offset.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or (len(value) == 10 and bool(date.fromisoformat(value)))


def _load_schemas() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}


SCHEMA = _load_schemas()
#: Which objects each file lists.
FILE_KINDS = {
    "body.json": "Body",
    "organization.json": "Organization",
    "person.json": "Person",
    "membership.json": "Membership",
    "meeting.json": "Meeting",
    "agenda-item.json": "AgendaItem",
    "location.json": "Location",
    "paper.json": "Paper",
}


class Export:
    """An export folder read back: its files, every object (embedded ones too) with its kind."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.iterdir()}
        self.text = "\n".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
        self.objects: list[tuple[str, dict[str, Any], str]] = []  # (kind, object, where)
        self.errors: list[str] = []
        self._walk("System", self.files["system.json"], "system.json")
        for name, kind in FILE_KINDS.items():
            for n, obj in enumerate(self.files[name]["data"]):
                self._walk(kind, obj, f"{name}[{n}]")

    def _walk(self, kind: str, obj: dict[str, Any], where: str) -> None:
        """Validate against the schema of ``kind``, then follow "schema" into embedded ones."""
        schema = SCHEMA[kind]
        self.objects.append((kind, obj, where))
        for error in Draft4Validator(schema, format_checker=FORMATS).iter_errors(obj):
            self.errors.append(f"{where} ({kind}) {list(error.path)}: {error.message}")
        for key, value in obj.items():
            prop = schema["properties"].get(key)
            if prop is None:
                self.errors.append(f"{where}: „{key}“ is no property of {kind}")
                continue
            items = prop.get("items", {})
            if prop.get("type") == "object" and "schema" in prop:
                self._walk(prop["schema"].removesuffix(".json"), value, f"{where}.{key}")
            elif prop.get("type") == "array" and "schema" in items:
                for n, item in enumerate(value):
                    self._walk(items["schema"].removesuffix(".json"), item, f"{where}.{key}[{n}]")

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [obj for k, obj, _where in self.objects if k == kind]

    def by_id(self, object_id: str) -> dict[str, Any]:
        return next(obj for _k, obj, _w in self.objects if obj["id"] == object_id)

    def strings(self) -> Iterator[str]:
        def walk(value: Any) -> Iterator[str]:
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                for v in value.values():
                    yield from walk(v)
            elif isinstance(value, list):
                for v in value:
                    yield from walk(v)

        yield from walk(self.files)


@pytest.fixture
def city(demo_city: Database) -> Database:
    return demo_city


def export(db: Database, folder: Path) -> Export:
    export_oparl(OpenData(db).source(NOW), BASE, folder)
    return Export(folder)


def members(db: Database) -> list[PersonRecord]:
    """Current members of a group, with e-mail and phone, so there is something to leak."""
    return [
        p
        for p in Directory(db, Clock.on(TODAY)).person_records()
        if not p.archived and p.emails and p.phones and any(m.current(TODAY) for m in p.memberships)
    ]


def assert_absent(result: Export, person: PersonRecord) -> None:
    """Nothing of the person anywhere in the export text: no name, e-mail, phone or id."""
    for address in person.emails:
        assert address not in result.text
    for number in person.phones:
        assert number not in result.text
    name = re.compile(rf"\b{re.escape(person.given_name)}\s+{re.escape(person.family_name)}\b")
    assert not any(name.search(s) for s in result.strings())
    assert not any(
        (p.get("givenName"), p.get("familyName")) == (person.given_name, person.family_name)
        for p in result.of("Person")
    )
    assert f'{BASE}/person/{person.id}"' not in result.text
    # Their seats are still there, without them and without what would name them in a small
    # group: role, start date, the organisation represented.
    for m in person.memberships:
        membership = result.by_id(f"{BASE}/membership/gruppe-{m.id}")
        assert "person" not in membership
        assert not {"role", "startDate", "onBehalfOf"} & membership.keys()
        assert membership["organization"] == f"{BASE}/organization/gruppe-{m.group_id}"


# ------------------------------------------------------------------------------ schemas


def test_every_exported_object_validates_against_the_oparl_schemas(
    city: Database, tmp_path: Path
) -> None:
    result = export(city, tmp_path / "oparl")
    assert result.errors == []
    kinds = {kind for kind, _obj, _where in result.objects}
    assert kinds >= {
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Location",
    }
    for name, kind in FILE_KINDS.items():
        listing = result.files[name]
        assert listing["pagination"]["totalElements"] == len(listing["data"])
        assert listing["links"]["first"] == f"{BASE}/{name}"
        assert all(obj["type"] == f"https://schema.oparl.org/1.1/{kind}" for obj in listing["data"])


def test_ids_are_urls_under_the_base_url_and_every_reference_resolves(
    city: Database, tmp_path: Path
) -> None:
    result = export(city, tmp_path / "oparl")
    ids: dict[str, set[str]] = {}
    seen: dict[str, dict[str, Any]] = {}
    for kind, obj, where in result.objects:
        assert obj["id"].startswith(BASE + "/"), where
        ids.setdefault(kind, set()).add(obj["id"])
        # An object embedded somewhere is the same object as in its list.
        assert seen.setdefault(obj["id"], obj) == obj, where
    lists = {f"{BASE}/{name}": kind for name, kind in FILE_KINDS.items()}
    checked = 0
    for kind, obj, where in result.objects:
        for key, value in obj.items():
            prop = SCHEMA[kind]["properties"][key]
            target = prop.get("references") or prop.get("items", {}).get("references")
            if target is None:
                continue
            for url in value if isinstance(value, list) else [value]:
                checked += 1
                if target == "externalList":
                    listed = prop["items"]["schema"].removesuffix(".json")
                    assert lists.get(url) == listed, f"{where}.{key}: {url}"
                else:
                    assert url in ids.get(target, set()), f"{where}.{key}: {url} is no {target}"
    assert checked > 250  # fewer since seats without their person name no organisation
    assert result.files["system.json"]["body"] == f"{BASE}/body.json"


def test_groups_meet_as_gremien_and_member_organisations_carry_their_sector(
    city: Database, tmp_path: Path
) -> None:
    result = export(city, tmp_path / "oparl")
    consortium = result.by_id(f"{BASE}/organization/gruppe-1")
    assert consortium["organizationType"] == "Gremium"
    assert consortium["classification"] == "Konsortium/Steuerungsgruppe"
    ak = next(o for o in result.of("Organization") if o["name"] == "AK Stadtteilarbeit")
    assert ak["subOrganizationOf"] == consortium["id"]
    tafel = next(o for o in result.of("Organization") if o["name"] == "Tafel Wiesenbrück e.V.")
    assert (tafel["organizationType"], tafel["classification"]) == (
        "Institution",
        "Zivilgesellschaft",
    )
    assert tafel["keyword"] == ["Verein"]
    amt = next(o for o in result.of("Organization") if o.get("shortName") == "Jugendamt")
    assert amt["organizationType"] == "Verwaltungsbereich"
    # Only a published person's seat names the organisation they stand for.
    on_behalf = [m for m in result.of("Membership") if "onBehalfOf" in m]
    assert on_behalf and all("person" in m for m in on_behalf)


def test_series_become_dates_with_moved_and_cancelled_ones_and_agendas(
    city: Database, tmp_path: Path
) -> None:
    result = export(city, tmp_path / "oparl")
    meetings = result.files["meeting.json"]["data"]
    ak = [m for m in meetings if m["name"] == "AK Stadtteilarbeit"]
    starts = [m["start"] for m in ak]
    assert starts[0] == "2026-09-08T18:00:00+02:00"
    assert starts[-1] == "2027-07-13T18:00:00+02:00"  # the series ends in July 2027
    # December moved by a week keeps its id (its original date), in the other room.
    december = result.by_id(f"{BASE}/meeting/1-20261208T170000Z")
    assert december["start"] == "2026-12-15T18:00:00+01:00"
    assert december["location"]["room"] == "Sitzungssaal 1"
    assert december["location"]["streetAddress"] == "Marktplatz 3"
    assert result.by_id(f"{BASE}/meeting/1-20270112T170000Z")["cancelled"] is True
    september = result.by_id(f"{BASE}/meeting/1-20260908T160000Z")
    assert september["meetingState"] == "durchgeführt"  # minutes approved
    assert september["organization"] == [
        o["id"] for o in result.of("Organization") if o["name"] == "AK Stadtteilarbeit"
    ]
    items = september["agendaItem"]
    assert [(i["number"], i["order"]) for i in items][:2] == [("1", 1), ("2", 2)]
    reports = next(i for i in items if i["name"] == "Berichte aus der Runde")
    assert reports["public"] is True
    assert reports["result"] == "angenommen"
    assert "Stadtteilfest" in reports["resolutionText"]
    assert all(i["meeting"] == september["id"] for i in items)
    # Online links are not published; that a meeting is online is.
    assert "meet.example.org" not in result.text
    digital = next(m for m in meetings if m["name"].startswith("Sprechstunde"))
    assert "location" not in digital and "Online" in digital["keyword"]


def test_what_is_not_public_stays_out(city: Database, tmp_path: Path) -> None:
    with city.session() as session:
        workshop = session.query(Meeting).filter_by(title="Entwicklungswerkstatt 2026").one()
        workshop.public = False
        ak = session.query(Meeting).filter_by(uid="demo-1@wiesenbrueck.example.org").one()
        september = (
            session.query(Sitting)
            .filter(Sitting.meeting_id == ak.id, Sitting.minutes_status == MinutesStatus.GENEHMIGT)
            .order_by(Sitting.occurrence)
            .first()
        )
        assert september is not None
        secret = next(i for i in september.items if i.title == "Berichte aus der Runde")
        secret.public = False
        secret.title = "Personalfrage Frau Beispiel"
        november = session.query(Sitting).filter_by(minutes_status=MinutesStatus.ZUR_GENEHMIGUNG)
        draft_item = session.query(AgendaItem).filter_by(sitting_id=november.one().id).first()
        assert draft_item is not None
        session.add(
            Decision(
                item_id=draft_item.id,
                wording="Ein Beschluss im Entwurf des Protokolls",
                result=DecisionResult.ANGENOMMEN,
            )
        )
    result = export(city, tmp_path / "oparl")
    assert result.errors == []
    assert "Entwicklungswerkstatt 2026" not in result.text
    assert "Personalfrage" not in result.text
    assert "Stadtteilfest" not in result.text  # the decision on the non-public item
    assert "im Entwurf des Protokolls" not in result.text  # minutes not yet approved
    hidden = next(i for i in result.of("AgendaItem") if i["public"] is False)
    assert hidden["name"] == "Nicht öffentlicher Tagesordnungspunkt"


# ------------------------------------------------------------------------------ consent


def test_person_without_the_publication_consent_appears_nowhere(
    city: Database, tmp_path: Path
) -> None:
    person = next(p for p in members(city) if not p.has_consent(PUBLISHING))
    assert not any(c.purpose == PUBLISHING for c in person.consents)
    assert_absent(export(city, tmp_path / "oparl"), person)


def test_sharing_contact_data_in_the_network_publishes_nobody(
    city: Database, tmp_path: Path
) -> None:
    sharing_only = [
        p for p in members(city) if p.has_consent(SHARING) and not p.has_consent(PUBLISHING)
    ]
    assert sharing_only
    result = export(city, tmp_path / "oparl")
    for person in sharing_only:
        assert_absent(result, person)


def test_person_whose_consent_was_withdrawn_disappears(city: Database, tmp_path: Path) -> None:
    person = next(p for p in members(city) if p.has_consent(PUBLISHING))
    before = export(city, tmp_path / "oparl")
    assert person.emails[0] in before.text
    consent = next(c for c in person.consents if c.purpose == PUBLISHING)
    withdraw_consent(Directory(city), consent.id, at=NOW - timedelta(days=1))
    # Into the same folder: a previous export is replaced as a whole.
    assert_absent(export(city, tmp_path / "oparl"), person)


def test_person_with_consent_appears_with_name_email_and_memberships(
    city: Database, tmp_path: Path
) -> None:
    person = next(p for p in members(city) if p.has_consent(PUBLISHING))
    result = export(city, tmp_path / "oparl")
    shown = result.by_id(f"{BASE}/person/{person.id}")
    assert shown["name"] == person.display_name
    assert (shown["givenName"], shown["familyName"]) == (person.given_name, person.family_name)
    assert shown["email"] == list(person.emails)
    assert shown["phone"] == list(person.phones)
    assert "Lindenallee" not in json.dumps(shown)  # no postal address
    group_seats = {m["id"] for m in shown["membership"] if "/membership/gruppe-" in m["id"]}
    assert group_seats == {f"{BASE}/membership/gruppe-{m.id}" for m in person.memberships}
    for seat in group_seats:
        assert result.by_id(seat)["person"] == shown["id"]
    works_at = {m["organization"] for m in shown["membership"] if "organisation-" in m["id"]}
    assert works_at == {
        f"{BASE}/organization/organisation-{a.organisation_id}" for a in person.affiliations
    }


def test_only_people_with_current_consent_are_listed(city: Database, tmp_path: Path) -> None:
    consenting = {
        p.id
        for p in Directory(city).person_records()
        if p.has_consent(PUBLISHING) and not p.archived
    }
    result = export(city, tmp_path / "oparl")
    # In the demo city everybody who consented works for an organisation, so all are listed.
    assert {int(p["id"].rsplit("/", 1)[1]) for p in result.of("Person")} == consenting
    anonymous = [m for m in result.of("Membership") if "person" not in m]
    assert anonymous and all("/membership/gruppe-" in m["id"] for m in anonymous)
    # A seat without its person: no role, start or organisation that would name them.
    assert all(not {"role", "startDate", "onBehalfOf"} & m.keys() for m in anonymous)
    assert all("votingRight" in m for m in anonymous)
    named = [
        m for m in result.of("Membership") if "/membership/gruppe-" in m["id"] and "person" in m
    ]
    assert named and all("role" in m for m in named)


# ------------------------------------------------------------------------------ writing


def test_export_refuses_a_foreign_folder_and_a_file(city: Database, tmp_path: Path) -> None:
    foreign = tmp_path / "eigene-dateien"
    foreign.mkdir()
    (foreign / "notizen.txt").write_text("bleibt")
    with pytest.raises(KoordinationError, match="nicht leer und enthält keinen früheren"):
        export_oparl(OpenData(city).source(NOW), BASE, foreign)
    assert [p.name for p in foreign.iterdir()] == ["notizen.txt"]
    a_file = tmp_path / "oparl.json"
    a_file.write_text("{}")
    with pytest.raises(KoordinationError, match="ist eine Datei"):
        export_oparl(OpenData(city).source(NOW), BASE, a_file)
    assert a_file.read_text() == "{}"
    empty = tmp_path / "leer"
    empty.mkdir()
    export_oparl(OpenData(city).source(NOW), BASE, empty)
    assert (empty / "system.json").exists()


def test_failed_export_leaves_the_previous_one_and_no_half_folder(
    city: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "ausgabe" / "oparl"
    export_oparl(OpenData(city).source(NOW), BASE, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    real_dump = json.dump
    calls = 0

    def failing_dump(obj: Any, fh: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise OSError(28, "No space left on device")
        real_dump(obj, fh, **kwargs)

    monkeypatch.setattr(oparl.json, "dump", failing_dump)
    with pytest.raises(KoordinationError, match="kann nicht geschrieben werden"):
        export_oparl(OpenData(city).source(NOW), BASE, target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in target.parent.iterdir()] == ["oparl"]  # no temporary folder left


def test_base_url_must_be_set_and_a_web_address() -> None:
    with pytest.raises(KoordinationError) as missing:
        check_base_url("")
    assert "oparl_base_url" in str(missing.value)
    assert "KOORDINATION_OPARL_BASE_URL" in str(missing.value)
    for wrong in ("daten.example.org", "ftp://daten.example.org", "https://x.org/?a=1"):
        with pytest.raises(KoordinationError, match="keine Web-Adresse"):
            check_base_url(wrong)
    assert check_base_url(" https://daten.example.org/oparl/ ") == "https://daten.example.org/oparl"


def test_free_text_addresses_become_location_fields() -> None:
    assert location_fields("Marktplatz 3\n35999 Wiesenbrück", "Raum 2") == {
        "description": "Raum 2, Marktplatz 3, 35999 Wiesenbrück",
        "streetAddress": "Marktplatz 3",
        "postalCode": "35999",
        "locality": "Wiesenbrück",
        "room": "Raum 2",
    }
    assert location_fields("Bürgerhaus am See") == {"description": "Bürgerhaus am See"}


# ------------------------------------------------------------------------------ command line


@pytest.fixture
def demo_file(demo_sqlite: Callable[..., Path]) -> str:
    """The demo city as ``koordination demo`` writes it (copied, it is built once per run)."""
    return str(demo_sqlite())


def test_cli_writes_the_export_and_says_what_it_holds(
    demo_file: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KOORDINATION_OPARL_BASE_URL", BASE + "/")
    capsys.readouterr()
    assert main(["--db", demo_file, "export", "oparl", "-o", str(tmp_path / "offen")]) == 0
    out = capsys.readouterr().out
    assert f"nach {tmp_path / 'offen'} geschrieben" in out
    assert "Personen mit Einwilligung „Veröffentlichung in offenen Daten“" in out
    assert "Mitgliedschaften stehen ohne Person, Rolle, Beginn und Organisation im Export" in out
    assert Export(tmp_path / "offen").errors == []
    # Without -o into exports/oparl; the base URL from the settings file works as well.
    monkeypatch.delenv("KOORDINATION_OPARL_BASE_URL")
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'oparl_base_url = "{BASE}"\n', encoding="utf-8")
    assert main(["--db", demo_file, "export", "oparl"]) == 0
    assert json.loads((tmp_path / "exports" / "oparl" / "system.json").read_text())["id"] == (
        f"{BASE}/system.json"
    )


def test_cli_without_base_url_says_in_german_how_to_set_it(
    demo_file: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KOORDINATION_OPARL_BASE_URL", raising=False)
    capsys.readouterr()
    assert main(["--db", demo_file, "export", "oparl", "-o", str(tmp_path / "offen")]) == 1
    err = capsys.readouterr().err
    assert "Fehler: Für die offenen Daten (OParl) fehlt die Basis-URL" in err
    assert "oparl_base_url" in err and "KOORDINATION_OPARL_BASE_URL" in err
    assert "Traceback" not in err
    assert not (tmp_path / "offen").exists()
