"""The directory service on SQLite and PostgreSQL: validation, duplicates, filters, history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from support.consents import give_consent, withdraw_consent

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    ConsentPurpose,
    GroupKind,
    GroupRole,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from koordination.errors import ConflictError, NotFoundError, ValidationError
from koordination.services.directory.search import OrganisationFilter, PeopleFilter
from koordination.services.directory.service import Directory


@pytest.fixture
def directory(db: Database) -> Directory:
    return Directory(db, Clock.on(date(2026, 11, 22)))


def _org(d: Directory, name: str, sector: Sector) -> int:
    kind = OrganisationKind.VEREIN
    return d.create_organisation(OrganisationInput(name=name, sector=sector, kind=kind)).record.id


def _person(d: Directory, given: str, family: str, *emails: str) -> int:
    data = PersonInput(given_name=given, family_name=family, emails=list(emails))
    return d.create_person(data).record.id


def test_editing_a_person_keeps_their_addresses_under_the_unique_address_rule(
    directory: Directory,
) -> None:
    pid = _person(directory, "Greta", "Wagner", "greta@example.org", "gw@example.org")
    original = directory.get_person(pid)
    changed = PersonInput(
        given_name="Greta",
        family_name="Wagner",
        title="Dr.",
        # the same address in other capitals, the other two swapped and one new
        emails=["new@example.org", "GW@example.org", "Greta@Example.org"],
    )
    saved = directory.update_person(original, changed).record
    assert saved.title == "Dr."
    assert list(directory.get_person(pid).emails) == [
        "new@example.org",
        "GW@example.org",
        "Greta@Example.org",
    ]


def test_invalid_person_is_refused_with_german_messages_and_nothing_saved(
    directory: Directory,
) -> None:
    with pytest.raises(ValidationError) as err:
        directory.create_person(PersonInput(given_name="Anna", emails=["anna@", "ok@example.org"]))
    message = str(err.value)
    assert "Nachname: darf nicht leer sein." in message
    assert "„anna@“ ist keine gültige E-Mail-Adresse" in message
    assert directory.count_people() == 0


def test_a_second_person_with_the_same_address_is_refused_and_a_same_name_warned(
    directory: Directory,
) -> None:
    first = _person(directory, "Erika", "Müller", "erika@example.org")
    with pytest.raises(ValidationError, match=r"erika@example.org gehört schon zu Erika Müller"):
        directory.create_person(
            PersonInput(given_name="Erika", family_name="Müller", emails=["ERIKA@example.org"])
        )
    assert directory.count_people() == 1
    saved = directory.create_person(PersonInput(given_name="Erika", family_name="Müller"))
    assert f"Es gibt schon eine Person Erika Müller (Nr. {first})." in saved.warnings


def test_search_finds_people_by_name_email_and_organisation(directory: Directory) -> None:
    org = _org(directory, "Tafel Nordstadt e.V.", Sector.ZIVILGESELLSCHAFT)
    anna = _person(directory, "Anna", "Schäfer", "anna@example.org")
    _person(directory, "Bernd", "Krüger", "bk@example.net")
    directory.add_affiliation(anna, org, "Vorsitz")
    names = lambda text: [r.name for r in directory.list_people(PeopleFilter(search=text))]  # noqa: E731
    assert names("schäf") == ["Anna Schäfer"]
    assert names("example.net") == ["Bernd Krüger"]
    assert names("tafel") == ["Anna Schäfer"]
    assert names("ANNA tafel") == ["Anna Schäfer"]
    assert names("50%_") == []
    assert directory.count_people(PeopleFilter(search="example")) == 2


def test_people_filters_by_sector_group_tag_and_archive(directory: Directory) -> None:
    town = _org(directory, "Stadtverwaltung", Sector.VERWALTUNG)
    anna = _person(directory, "Anna", "Schäfer")
    bernd = _person(directory, "Bernd", "Krüger")
    directory.add_affiliation(anna, town, "Amtsleitung")
    group = directory.create_group(GroupInput(name="AK Stadtteilarbeit")).record
    directory.add_membership(group.id, bernd, GroupRole.SPRECHER)
    record = directory.get_person(bernd)
    data = PersonInput(given_name="Bernd", family_name="Krüger", tags=["Presse"])
    directory.update_person(record, data)

    def ids(**kw: object) -> list[int]:
        return [r.id for r in directory.list_people(PeopleFilter(**kw))]  # type: ignore[arg-type]

    assert ids(sector=Sector.VERWALTUNG) == [anna]
    assert ids(group_id=group.id) == [bernd]
    assert ids(tag="Presse") == [bernd]
    directory.set_person_archived(directory.get_person(anna), True)
    assert ids() == [bernd]
    assert ids(archived=True) == [anna]
    directory.set_person_archived(directory.get_person(anna), False)
    assert sorted(ids()) == sorted([anna, bernd])


def test_list_rows_show_current_organisation_and_groups(directory: Directory) -> None:
    old = _org(directory, "Alter Verein", Sector.ZIVILGESELLSCHAFT)
    new = _org(directory, "Sparkasse Auental", Sector.WIRTSCHAFT)
    pid = _person(directory, "Anna", "Schäfer", "anna@example.org")
    directory.add_affiliation(pid, old, "Mitglied", date(2018, 1, 1), date(2020, 12, 31))
    directory.add_affiliation(pid, new, "Marketing", date(2021, 1, 1))
    group = directory.create_group(GroupInput(name="Konsortium", kind=GroupKind.KONSORTIUM))
    directory.add_membership(group.record.id, pid, GroupRole.MITGLIED, representing_id=new)
    (row,) = directory.list_people()
    assert (row.organisation, row.sector, row.groups) == (
        "Sparkasse Auental",
        Sector.WIRTSCHAFT,
        ("Konsortium",),
    )
    person = directory.get_person(pid)
    assert [a.organisation_name for a in person.affiliations] == [
        "Alter Verein",
        "Sparkasse Auental",
    ]
    assert directory.list_people(PeopleFilter(search="alter verein")) == []


def test_dates_out_of_order_are_refused(directory: Directory) -> None:
    org = _org(directory, "Verein", Sector.ZIVILGESELLSCHAFT)
    pid = _person(directory, "Anna", "Schäfer")
    with pytest.raises(ValidationError, match="liegt vor dem Beginn"):
        directory.add_affiliation(pid, org, "", date(2024, 5, 1), date(2023, 1, 1))
    assert directory.get_person(pid).affiliations == ()


def test_concurrent_edit_of_the_same_person_is_refused_with_what_changed(db: Database) -> None:
    # Two coordinators, two engines on the same database.
    first, second = Directory(db), Directory(Database(db.url.render_as_string(False)))
    pid = _person(first, "Anna", "Schäfer", "anna@example.org")
    seen_by_first = first.get_person(pid)
    seen_by_second = second.get_person(pid)
    first.update_person(
        seen_by_first,
        PersonInput(given_name="Anna", family_name="Schäfer", emails=["neu@example.org"]),
    )
    with pytest.raises(ConflictError) as err:
        second.update_person(seen_by_second, PersonInput(given_name="Anne", family_name="Schäfer"))
    assert "inzwischen an anderer Stelle geändert" in err.value.message
    assert "E-Mail" in err.value.message
    assert first.get_person(pid).given_name == "Anna"
    assert first.get_person(pid).emails == ("neu@example.org",)
    second.db.dispose()


def test_consents_are_kept_as_history(directory: Directory) -> None:
    pid = _person(directory, "Anna", "Schäfer", "anna@example.org")
    given = datetime(2025, 1, 10, 9, tzinfo=UTC)
    consent = give_consent(directory, pid, ConsentPurpose.EINLADUNGEN, version="v1", given_at=given)
    withdraw_consent(directory, consent.id, datetime(2025, 6, 1, tzinfo=UTC))
    give_consent(directory, pid, ConsentPurpose.EINLADUNGEN, version="v2")
    person = directory.get_person(pid)
    assert [(c.text_version, c.active) for c in person.consents] == [("v1", False), ("v2", True)]
    assert person.consents[0].given_at == given
    assert person.has_consent(ConsentPurpose.EINLADUNGEN)
    assert not person.has_consent(ConsentPurpose.FOTOS)
    withdraw_consent(directory, consent.id)  # ends v2, the current one
    assert not directory.get_person(pid).has_consent(ConsentPurpose.EINLADUNGEN)
    with pytest.raises(ValidationError, match="keine gültige Einwilligung"):
        withdraw_consent(directory, consent.id)


def test_group_sector_balance_warns_when_a_core_sector_is_missing(directory: Directory) -> None:
    civil = _org(directory, "Verein", Sector.ZIVILGESELLSCHAFT)
    town = _org(directory, "Stadt", Sector.VERWALTUNG)
    group = directory.create_group(GroupInput(name="AK Digitales")).record
    a, b = _person(directory, "Anna", "A"), _person(directory, "Bernd", "B")
    directory.add_membership(group.id, a, representing_id=civil)
    assert directory.get_group(group.id).missing_core_sectors == (Sector.VERWALTUNG,)
    membership = directory.add_membership(group.id, b, representing_id=town)
    record = directory.get_group(group.id)
    assert record.sector_balance == {Sector.ZIVILGESELLSCHAFT: 1, Sector.VERWALTUNG: 1}
    assert record.missing_core_sectors == ()
    directory.end_membership(membership.id, date(2026, 1, 31))
    assert directory.get_group(group.id).missing_core_sectors == (Sector.VERWALTUNG,)
    assert len(directory.get_group(group.id).members) == 2  # history kept


def test_group_cannot_be_its_own_ancestor(directory: Directory) -> None:
    top = directory.create_group(GroupInput(name="Konsortium", kind=GroupKind.KONSORTIUM)).record
    child = directory.create_group(GroupInput(name="AK", parent_id=top.id)).record
    with pytest.raises(ValidationError, match="nicht in sich selbst"):
        directory.update_group(top, GroupInput(name="Konsortium", parent_id=child.id))


def test_organisations_filter_and_rename_updates_people_search(directory: Directory) -> None:
    org = directory.create_organisation(
        OrganisationInput(name="Bürgerverein", sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    _org(directory, "Sparkasse", Sector.WIRTSCHAFT)
    pid = _person(directory, "Anna", "Schäfer")
    directory.add_affiliation(pid, org.id)
    rows = directory.list_organisations(OrganisationFilter(sector=Sector.ZIVILGESELLSCHAFT))
    assert [(r.name, r.people) for r in rows] == [("Bürgerverein", 1)]
    directory.update_organisation(
        org, OrganisationInput(name="Nachbarschaftsverein", sector=Sector.ZIVILGESELLSCHAFT)
    )
    assert [r.id for r in directory.list_people(PeopleFilter(search="nachbarschaft"))] == [pid]
    with pytest.raises(ConflictError):
        directory.update_organisation(org, OrganisationInput(name="X", sector=Sector.POLITIK))


def test_invalid_organisation_and_city_inputs_are_refused(directory: Directory) -> None:
    with pytest.raises(ValidationError, match="Sektor: bitte einen Sektor wählen"):
        directory.create_organisation(OrganisationInput(name="Ohne Sektor"))
    with pytest.raises(ValidationError, match="Webseite"):
        directory.create_organisation(
            OrganisationInput(name="V", sector=Sector.POLITIK, website="kein link")
        )
    with pytest.raises(ValidationError, match="Einwohnerzahl"):
        directory.save_city(None, CityProfileInput(name="Wiesenbrück", inhabitants=-5))
    assert directory.get_city() is None
    city = directory.save_city(None, CityProfileInput(name="Wiesenbrück", inhabitants=45000))
    assert directory.save_city(city, CityProfileInput(name="W", network_since=2021)).name == "W"
    with pytest.raises(ConflictError):
        directory.save_city(city, CityProfileInput(name="Z"))


def test_missing_records_give_german_not_found(directory: Directory) -> None:
    with pytest.raises(NotFoundError, match=r"Person Nr\. 999 wurde nicht gefunden"):
        directory.get_person(999)


def test_a_new_city_profile_names_its_fixed_contact_and_principles(db: Database) -> None:
    directory = Directory(db)
    person = directory.create_person(PersonInput(given_name="Renate", family_name="Kaiser")).record
    saved = directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            contact_person_id=person.id,
            principles_accepted_on=date(2020, 3, 12),
        ),
    )
    assert (saved.contact_person, saved.principles_accepted_on) == (
        "Renate Kaiser",
        date(2020, 3, 12),
    )
    with pytest.raises(ValidationError, match="Feste Ansprechperson"):
        directory.save_city(saved, CityProfileInput(name="Wiesenbrück", contact_person_id=99999))
