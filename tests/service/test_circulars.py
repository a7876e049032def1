"""Who receives a circular (Rundmail) and who is named with the reason, how people are greeted,
and what planning and storing keep: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.circulars import GROUP, Network, build_network

from koordination.clock import Clock
from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import CircularState
from koordination.domain.models import Circular, CircularRecipient
from koordination.domain.records.circulars import CircularDraft
from koordination.errors import KoordinationError, ValidationError
from koordination.services.privacy.restriction import RESTRICTED

BODY = "Liebe Netzwerkpartner,\n\ndas **Stadtteilfest** braucht Hilfe.\n"


@pytest.fixture
def network(
    built_db: Callable[..., tuple[Database, tuple[Clock, dict[str, int], dict[str, str]]]],
) -> Network:
    """The circulars' network (tests/support/circulars.py), built once per run and backend and
    copied per test; the copy's clock runs on from the build's, so what was recorded then (the
    consents) lies in the past."""
    db, (clock, ids, emails) = built_db(_build_network)
    return Network(Core(db, clock), ids, emails)


def _build_network(db: Database) -> tuple[Clock, dict[str, int], dict[str, str]]:
    network = build_network(db)
    return network.core.clock, network.ids, network.emails


def draft(*audience: str, **more: object) -> CircularDraft:
    return CircularDraft("Stadtteilfest am 12.06.", BODY, audience, **more)  # type: ignore[arg-type]


def stored(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(Circular.id))) or 0)


def test_only_people_who_consent_and_are_not_restricted_receive_it_the_others_with_reason(
    network: Network,
) -> None:
    plan = network.core.circulars.plan(draft(f"gruppe:{GROUP}", "sektor:Wirtschaft"))
    ids = network.ids
    # Each person once, in the directory's order; Ida left the group yesterday.
    assert [r.person_id for r in plan.recipients] == [ids["Jona"], ids["Monika"], ids["Bernd"]]
    assert {r.email for r in plan.recipients} == {
        network.emails[n] for n in ("Jona", "Monika", "Bernd")
    }
    reasons = {o.person_id: o.reason for o in plan.left_out}
    assert reasons == {
        ids["Gustav"]: "keine E-Mail-Adresse",
        ids["Frieda"]: "archiviert",
        ids["Dora"]: "Einwilligung „Informationen der Koordinierungsstelle erhalten“ widerrufen",
        ids["Emil"]: RESTRICTED,
        ids["Clara"]: "keine Einwilligung „Informationen der Koordinierungsstelle erhalten“",
    }
    assert ids["Ida"] not in reasons and ids["Hanna"] not in reasons
    assert stored(network.core.db) == 0  # planning stores nothing


def test_everyone_and_an_organisation_reach_the_people_of_the_directory(network: Network) -> None:
    circulars, ids = network.core.circulars, network.ids
    everyone = circulars.plan(draft("alle"))
    assert {r.person_id for r in everyone.recipients} == {
        ids[n] for n in ("Monika", "Jona", "Bernd", "Hanna", "Ida")
    }
    assert len(everyone.left_out) == 5
    tafel = circulars.plan(draft("organisation:tafel wiesenbrück e.v."))
    assert [r.person_id for r in tafel.recipients] == [ids["Hanna"], ids["Monika"]]
    single = circulars.plan(draft(f"person:{ids['Bernd']}"))
    assert [r.name for r in single.recipients] == ["Bernd Weiß"]


def test_the_audiences_offered_for_completion_are_typed_as_the_planning_reads_them(
    network: Network,
) -> None:
    circulars = network.core.circulars
    offered = circulars.audience_choices()
    assert offered[0] == "alle"
    assert f"gruppe:{GROUP}" in offered
    assert "sektor:Wirtschaft" in offered
    assert [o for o in offered if o.startswith("organisation:")] == [
        "organisation:Bäckerei Korn",
        "organisation:Stadtwerke Wiesenbrück",
        "organisation:Tafel Wiesenbrück e.V.",
    ]
    for audience in offered:
        circulars.plan(draft(audience))  # each one as offered is understood


def test_the_greeting_comes_from_the_directory_formal_or_informal(network: Network) -> None:
    audience = (f"gruppe:{GROUP}", "sektor:Wirtschaft")
    formal = network.core.circulars.plan(draft(*audience))
    informal = network.core.circulars.plan(draft(*audience, informal=True))
    assert [r.greeting for r in formal.recipients] == [
        "Guten Tag Jona Keller,",
        "Sehr geehrte Frau Dr. Ulrich,",
        "Sehr geehrter Herr Weiß,",
    ]
    assert [r.greeting for r in informal.recipients] == [
        "Hallo Jona,",
        "Liebe Monika,",
        "Lieber Bernd,",
    ]
    assert formal.first is not None
    assert formal.first.text.startswith("Guten Tag Jona Keller,\n\nLiebe Netzwerkpartner,")
    assert "„abmelden“ an engagiert@wiesenbrueck.example.org" in formal.first.text
    assert "<strong>Stadtteilfest</strong>" in formal.first.html


@pytest.mark.parametrize(
    ("audience", "said"),
    [
        ("gruppe:AK Gibtsnicht", "Die Gruppe „AK Gibtsnicht“ gibt es nicht"),
        ("sektor:Landwirtschaft", "„Landwirtschaft“ ist kein Sektor"),
        ("organisation:Niemand e.V.", "Die Organisation „Niemand e.V.“ gibt es nicht"),
        ("person:999", "Eine Person Nr. 999 gibt es nicht"),
        ("Stadtteil:Nord", "ist keine Empfängerangabe. Möglich sind gruppe:NAME"),
    ],
)
def test_an_unknown_audience_is_refused_in_german_and_nothing_is_stored(
    network: Network, audience: str, said: str
) -> None:
    with pytest.raises(KoordinationError) as caught:
        network.core.circulars.create(draft(audience))
    assert said in caught.value.message
    assert stored(network.core.db) == 0


def test_empty_text_a_missing_attachment_and_nobody_to_receive_are_refused(
    network: Network, tmp_path: Path
) -> None:
    circulars = network.core.circulars
    with pytest.raises(ValidationError, match="Text: darf nicht leer sein"):
        circulars.create(CircularDraft("Betreff", "  \n", ("alle",)))
    with pytest.raises(ValidationError, match=r"fehlt\.pdf gibt es nicht"):
        circulars.create(draft("alle", attachments=(tmp_path / "fehlt.pdf",)))
    with pytest.raises(KoordinationError, match="Niemand aus diesem Empfängerkreis"):
        circulars.create(draft(f"person:{network.ids['Clara']}"))
    assert stored(network.core.db) == 0


def test_storing_plans_one_message_per_recipient_with_its_own_message_id(
    network: Network, tmp_path: Path
) -> None:
    flyer = tmp_path / "Flyer Stadtteilfest.pdf"
    flyer.write_bytes(b"%PDF-1.4 ein Flyer\n")
    plan = network.core.circulars.create(
        draft(f"gruppe:{GROUP}", "sektor:Wirtschaft", attachments=(flyer,))
    )
    assert plan.circular_id is not None
    record = network.core.circulars.get(plan.circular_id)
    assert record.counts == {CircularState.GEPLANT: 3}
    assert record.left_out == 5
    assert record.audience == (f"gruppe:{GROUP}", "sektor:Wirtschaft")
    assert record.attachments == (("Flyer Stadtteilfest.pdf", 19),)
    assert len({r.message_id for r in record.recipients}) == 3
    assert all(r.message_id.endswith("@wiesenbrueck.example.org>") for r in record.recipients)
    [listed] = network.core.circulars.list()
    assert listed.status() == "0 von 3 gesendet"
    with network.core.db.session() as session:
        assert session.scalar(select(func.count(CircularRecipient.id))) == 3


def test_the_access_report_says_which_circulars_went_to_the_person_and_erasure_blanks_them(
    network: Network,
) -> None:
    core = network.core
    monika = network.ids["Monika"]
    core.circulars.create(draft(f"gruppe:{GROUP}"))
    report = core.privacy.access_report(monika)
    assert report["labels"]["circulars"] == "Rundmails der Koordinierungsstelle"
    [row] = report["circulars"]
    assert (row["subject"], row["email"], row["state"]) == (
        "Stadtteilfest am 12.06.",
        network.emails["Monika"],
        "geplant",
    )
    # Her own record, not a "mention" elsewhere.
    assert not [m for m in report["mentions"] if "Rundmail" in m["kind"]]
    core.privacy.erase_person(monika)
    with core.db.session() as session:
        kept = session.execute(
            select(
                CircularRecipient.name, CircularRecipient.email, CircularRecipient.greeting
            ).where(CircularRecipient.person_id == monika)
        ).one()
    assert "Ulrich" not in " ".join(kept) and network.emails["Monika"] not in " ".join(kept)
