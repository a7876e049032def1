"""Engagement offers on SQLite and PostgreSQL: add, edit, confirm and close; the lists and
their filters; the review list of offers not confirmed for six months; expiry (an expired
offer is never published); the contact a citizen sees (a person only with their sharing
consent, never while restricted); German refusals that change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from support.consents import withdraw_consent
from support.offers import TODAY, network, offer_input, set_confirmed

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import OfferKind, OfferStatus
from koordination.domain.inputs.offers import build_offer, offer_values
from koordination.errors import ConflictError, KoordinationError, ValidationError
from koordination.services.offers.service import OfferFilter, Offers
from koordination.services.privacy.restriction import Restrictions


def test_an_offer_is_added_edited_confirmed_and_closed(db: Database) -> None:
    net = network(db)
    offers = net.offers
    fest = offers.add(
        offer_input(
            net.verein,
            title="Helferinnen für das Stadtteilfest",
            kind="einmalig",
            starts="12.06.2027 10:00",
            ends="18:00",
            place="Bürgerhaus am Markt",
            tags="Jugendliche, barrierefrei; Grillmeister",
            hours="8",
            hours_per="insgesamt",
            action_field_id=net.field,
        )
    )
    assert (fest.kind, fest.status, fest.organisation) == (
        OfferKind.EINMALIG,
        OfferStatus.OFFEN,
        "Bürgerverein Nordstadt e.V.",
    )
    assert fest.tags == ("für Jugendliche", "barrierefrei", "Grillmeister")
    assert f"{fest.starts_at:%H:%M}" != "" and fest.dated
    assert fest.expires_on == date(2027, 6, 12)  # a dated offer expires after its day
    assert fest.hours_text == "8 Stunden insgesamt"
    assert fest.where == "Bürgerhaus am Markt (Nordstadt)"
    assert fest.action_field == "Junge Menschen gewinnen"

    values = offer_values(fest) | {"title": "Helfer:innen für das Stadtteilfest", "online": True}
    edited, problems = build_offer(values)
    assert not problems and edited is not None
    saved = offers.update(fest, edited)
    assert saved.title == "Helfer:innen für das Stadtteilfest"
    assert saved.where == "Bürgerhaus am Markt (Nordstadt) und online"
    assert saved.confirmed_at == fest.confirmed_at  # editing is no confirmation
    with pytest.raises(ConflictError, match="inzwischen an anderer Stelle geändert"):
        offers.update(fest, edited)  # the old version

    later = Offers(db, Clock.on(date(2026, 10, 1)))
    assert later.confirm(fest.id).confirmed_at > fest.confirmed_at
    closed = later.close(fest.id)
    assert closed.status == OfferStatus.BESETZT
    assert later.publication().offers == ()
    with pytest.raises(KoordinationError, match="schon besetzt"):
        later.close(fest.id)
    assert later.confirm(fest.id).status == OfferStatus.OFFEN  # confirming opens it again


def test_the_lists_filter_by_open_district_kind_tag_and_action_field(db: Database) -> None:
    net = network(db)
    offers = net.offers
    read = offers.add(offer_input(net.tafel, title="Lesepaten", tags="für Ältere"))
    online = offers.add(
        offer_input(
            net.tafel,
            title="Online-Nachhilfe",
            kind="kurzzeitig",
            district="",
            online=True,
            action_field_id=net.field,
            tags="ohne Deutsch",
        )
    )
    south = offers.add(offer_input(net.verein, title="Gartenpflege", district="Südviertel"))
    offers.close(south.id)

    def titles(**f: object) -> list[str]:
        return [r.title for r in offers.find(OfferFilter(**f))]  # type: ignore[arg-type]

    assert titles() == ["Gartenpflege", "Lesepaten", "Online-Nachhilfe"]
    assert titles(open_only=True) == ["Lesepaten", "Online-Nachhilfe"]
    assert titles(district="Südviertel") == ["Gartenpflege"]
    assert titles(kind=OfferKind.KURZZEITIG) == ["Online-Nachhilfe"]
    assert titles(tag="ohne Deutschkenntnisse möglich") == ["Online-Nachhilfe"]
    assert titles(tag="Senioren") == ["Lesepaten"]  # an accepted spelling of "für Ältere"
    assert titles(action_field_id=net.field) == ["Online-Nachhilfe"]
    assert titles(search="nachhilfe") == ["Online-Nachhilfe"]
    assert offers.districts() == ["Nordstadt", "Südviertel"]
    assert read.where == "Nordstadt" and online.where == "online"


def test_the_review_list_shows_offers_not_confirmed_for_six_months(db: Database) -> None:
    net = network(db)
    old = net.offers.add(offer_input(net.tafel, title="Alt", expires="31.12.2027"))
    fresh = net.offers.add(offer_input(net.tafel, title="Frisch", expires="31.12.2027"))
    set_confirmed(db, old.id, date(2026, 2, 28))
    set_confirmed(db, fresh.id, date(2026, 3, 2))
    assert [r.title for r in net.offers.review()] == ["Alt"]
    assert [r.title for r in net.offers.review(months=5)] == ["Alt", "Frisch"]
    net.offers.confirm(old.id)
    assert net.offers.review() == []
    with pytest.raises(ValidationError, match="Monate"):
        net.offers.review(months=0)


def test_an_expired_offer_reads_abgelaufen_and_is_never_published(db: Database) -> None:
    net = network(db)
    offer = net.offers.add(offer_input(net.tafel, title="Bald vorbei", expires="30.09.2026"))
    assert [o.title for o in net.offers.publication().offers] == ["Bald vorbei"]

    after = Offers(db, Clock.on(date(2026, 10, 1)))
    assert after.get(offer.id).status == OfferStatus.ABGELAUFEN  # before anybody stored it
    assert after.publication().offers == ()
    assert after.find(OfferFilter(open_only=True)) == []
    assert after.review() == []
    assert after.expire() == 1
    assert after.expire() == 0
    with pytest.raises(KoordinationError, match=r"abgelaufen.*neues Ablaufdatum"):
        after.confirm(offer.id)
    renewed = after.confirm(offer.id, date(2027, 3, 31))
    assert (renewed.status, renewed.expires_on) == (OfferStatus.OFFEN, date(2027, 3, 31))


def test_the_contact_is_a_person_only_with_their_sharing_consent(db: Database) -> None:
    net = network(db)
    shared = net.offers.add(offer_input(net.tafel, contact_person_id=net.sharing))
    private = net.offers.add(offer_input(net.tafel, contact_person_id=net.private))
    assert shared.contact.personal and shared.contact.name == "Dr. Dora Ulrich"
    assert shared.contact.email == "dora.ulrich@example.org"
    assert not private.contact.personal
    assert (private.contact.name, private.contact.email) == (
        "Tafel Musterstadt e.V.",
        "info@tafel.example.org",
    )
    assert "Keller" not in repr(private.contact)
    assert private.contact_person == "Jona Keller"  # the office still sees whom to ask

    Restrictions(db, Clock.on(TODAY)).restrict(net.sharing, "Richtigkeit bestritten")
    assert not net.offers.get(shared.id).contact.personal
    Restrictions(db, Clock.on(TODAY)).lift(net.sharing)
    assert net.offers.get(shared.id).contact.personal
    consent = next(c for c in _consents(db, net.sharing))
    withdraw_consent(net.offers, consent)
    published = net.offers.publication().offers
    assert [o.contact.personal for o in published] == [False, False]
    assert all("Ulrich" not in repr(o.contact) for o in published)


def _consents(db: Database, person_id: int) -> list[int]:
    from sqlalchemy import select

    from koordination.domain.models import Consent

    with db.session() as session:
        return list(session.scalars(select(Consent.id).where(Consent.person_id == person_id)))


def test_a_dated_offer_is_published_until_its_date_and_not_confirmed_once_it_is_over(
    db: Database,
) -> None:
    net = network(db)
    fest = net.offers.add(
        offer_input(
            net.verein, title="Stadtteilfest", kind="einmalig", starts="12.9.26 10:00", ends="18:00"
        )
    )
    assert fest.expires_on == date(2026, 9, 12)
    # An expiry day after the date would leave the page inviting to a day gone by.
    later = offer_input(
        net.verein,
        title="Stadtteilfest",
        kind="einmalig",
        starts="12.9.26 10:00",
        ends="18:00",
        expires="30.09.2026",
    )
    with pytest.raises(ValidationError, match=r"Ablaufdatum: liegt nach dem Ende des Termins"):
        net.offers.update(fest, later)
    _, problems = build_offer(offer_values(fest) | {"expires": "30.09.2026"}, TODAY)
    assert [p.field for p in problems] == ["Ablaufdatum"]

    # After the date it has expired; confirming it would publish a day that is over.
    after = Offers(db, Clock.on(date(2026, 10, 1)))
    for new_day in (None, date(2026, 12, 31)):
        with pytest.raises(KoordinationError, match=r"Der Termin war am 12\.09\.2026"):
            after.confirm(fest.id, new_day)
    assert after.get(fest.id).status == OfferStatus.ABGELAUFEN
    assert after.publication().offers == ()
    # The date of the next one makes it open again (the expiry left empty: until that date).
    _, problems = build_offer(offer_values(fest), date(2026, 10, 1))
    assert {p.field for p in problems} == {"Ende", "Ablaufdatum"}
    moved, problems = build_offer(
        offer_values(fest) | {"starts": "11.09.2027 10:00", "ends": "18:00", "expires": ""},
        date(2026, 10, 1),
    )
    assert moved is not None, problems
    again = after.update(after.get(fest.id), moved)
    assert (again.status, again.expires_on) == (OfferStatus.OFFEN, date(2027, 9, 11))
    with pytest.raises(ValidationError, match=r"Ende: Der Termin war am 12\.09\.2026"):
        after.add(offer_input(net.tafel, kind="einmalig", starts="12.9.26 10:00", ends="18:00"))


def test_a_day_without_a_time_goes_with_an_end_without_one(db: Database) -> None:
    from koordination.outputs.builders.offers import when_text

    _, problems = build_offer({"starts": "12.6.27", "ends": "17:00"})
    said = {p.field: p.message for p in problems}
    assert said["Beginn"].startswith("bitte mit Uhrzeit angeben, z. B. 12.06.2027 10:00")
    net = network(db)
    one_day = net.offers.add(
        offer_input(net.tafel, kind="einmalig", starts="12.6.27", ends="12.6.27")
    )
    assert when_text(one_day) == "Samstag, 12. Juni 2027"  # not "00:00–23:59 Uhr"
    two_days = net.offers.add(
        offer_input(net.tafel, kind="einmalig", starts="12.6.27", ends="13.6.27")
    )
    assert when_text(two_days) == "12.06.2027 bis 13.06.2027"


def test_bad_input_is_refused_in_german_and_nothing_is_saved(db: Database) -> None:
    net = network(db)
    data, problems = build_offer(
        {
            "title": "",
            "kind": "manchmal",
            "hours": "viel",
            "starts": "12.06.2027 18:00",
            "ends": "10:00",
            "expires": "morgen",
        }
    )
    assert data is None
    said = {p.field: p.message for p in problems}
    assert said["Titel"] == "darf nicht leer sein."
    assert "Organisation" in said and "keine der Möglichkeiten" in said["Art"]
    assert "Zahl" in said["Stunden"] and said["Ende"] == "liegt nicht nach dem Beginn."
    assert "kein Datum" in said["Ablaufdatum"]
    assert "Ort" in said
    for wrong, match in (
        ({"contact_person_id": 999}, "Kontaktperson: Nr. 999 gibt es nicht"),
        ({"expires": "31.08.2026"}, "Ablaufdatum: 31.08.2026 liegt in der Vergangenheit"),
        ({"action_field_id": 77}, "Handlungsfeld: Nr. 77 gibt es nicht"),
    ):
        with pytest.raises(ValidationError, match=match):
            net.offers.add(offer_input(net.tafel, **wrong))
    Restrictions(db, Clock.on(TODAY)).restrict(net.private, "Widerspruch wird geprüft")
    with pytest.raises(ValidationError, match="eingeschränkt"):
        net.offers.add(offer_input(net.tafel, contact_person_id=net.private))
    assert net.offers.find() == []


def test_the_wegweiser_keeps_a_stadtteil_heading_with_its_first_offer(db: Database) -> None:
    import io

    from pypdf import PdfReader

    from koordination.outputs.builders.offers import wegweiser
    from koordination.outputs.document.pdf import render_pdf

    net = network(db)
    # The first offer's text is as long as puts the next Stadtteil's heading at the foot of
    # the first page: there it stood alone, its offer on the next page.
    net.offers.add(
        offer_input(
            net.tafel, title="Vorne", district="Altstadt", description="Worum es geht. " * 76
        )
    )
    net.offers.add(offer_input(net.tafel, title="Erstes in der Nordstadt", district="Nordstadt"))
    pdf = PdfReader(io.BytesIO(render_pdf(wegweiser(net.offers.publication()))))
    for page in pdf.pages:
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("Seite ") and "Stand:" not in line]
        assert body[-1] != "Nordstadt", page.extract_text()
    whole = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Nordstadt\nErstes in der Nordstadt" in whole
