"""Engagement offers in the audit trail and in the access report, on SQLite and PostgreSQL: adding,
editing, confirming and closing an offer are entries of the offer, of its organisation and of
its contact person, in German; the contact person's Art. 15 report lists the offers naming
them and whether citizens see their name (only with the sharing consent, only while open)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from support.offers import TODAY, network, offer_input

from koordination.db.engine import Database
from koordination.domain.inputs.offers import build_offer, offer_values
from koordination.outputs import document as documents
from koordination.outputs.builders.access_letter import access_document
from koordination.outputs.builders.sittings import letterhead
from koordination.services.directory.service import Directory
from koordination.services.privacy.audit_trail import AuditTrail
from koordination.services.privacy.service import Privacy


def test_changes_of_an_offer_are_in_the_trail_of_offer_organisation_and_contact(
    db: Database,
) -> None:
    net = network(db)
    offer = net.offers.add(
        offer_input(
            net.tafel,
            title="Fahrerinnen für die Tafel",
            tags="für Ältere, Führerschein",
            contact_person_id=net.sharing,
        )
    )
    data, problems = build_offer(offer_values(offer) | {"hours": "3", "hours_per": "Woche"})
    assert not problems and data is not None
    net.offers.update(offer, data)
    net.offers.close(offer.id)

    trail = AuditTrail(db)
    entries = trail.of_record("offer", offer.id)
    assert [e.what for e in entries if e.kind == "offer"] == [
        "Mitwirkungsmöglichkeit geändert",  # besetzt
        "Mitwirkungsmöglichkeit geändert",  # hours
        "Mitwirkungsmöglichkeit angelegt",
    ]
    closed, edited, created = (e for e in entries if e.kind == "offer")
    assert [(c.label, c.text) for c in closed.changes] == [("Status", "offen → besetzt")]
    assert {(c.label, c.text) for c in edited.changes} == {
        ("Stunden", "– → 3"),
        ("Stunden je", "– → pro Woche"),
    }
    shown = {c.label: c.new_text for c in created.changes}
    assert shown["Titel"] == "Fahrerinnen für die Tafel"
    assert shown["Organisation"].startswith("Tafel Musterstadt e.V.")
    assert shown["Kontaktperson"].startswith("Dr. Dora Ulrich")
    assert shown["Ablaufdatum"] == (TODAY + timedelta(days=181)).strftime("%d.%m.%Y")
    tags = {
        c.new_text for e in entries if e.kind == "offer_tag" for c in e.changes if c.field == "tag"
    }
    assert tags == {"für Ältere", "Führerschein"}
    assert {e.kind_label for e in entries} == {
        "Mitwirkungsmöglichkeit",
        "Passt für (Mitwirkungsmöglichkeit)",
    }

    # The organisation's and the contact person's Verlauf show the offer too.
    for kind, number in (("organisation", net.tafel), ("person", net.sharing)):
        assert "Mitwirkungsmöglichkeit angelegt" in {e.what for e in trail.of_record(kind, number)}
    assert not [e for e in trail.of_record("person", net.private) if e.kind == "offer"]


def test_the_access_report_lists_the_offers_naming_the_person(db: Database, tmp_path: Path) -> None:
    net = network(db)
    net.offers.add(
        offer_input(net.tafel, title="Fahrerinnen für die Tafel", contact_person_id=net.sharing)
    )
    filled = net.offers.add(
        offer_input(net.verein, title="Kuchen für das Fest", contact_person_id=net.sharing)
    )
    net.offers.close(filled.id)
    net.offers.add(offer_input(net.verein, title="Lesepaten", contact_person_id=net.private))
    privacy = Privacy(db, net.offers.clock)  # the clock the consents were given on

    report = privacy.access_report(net.sharing)
    assert report["labels"]["offers"] == "Kontaktperson von Mitwirkungsmöglichkeiten"
    assert report["offers"] == [
        {
            "title": "Fahrerinnen für die Tafel",
            "organisation": "Tafel Musterstadt e.V.",
            "status": "offen",
            "expires_on": (TODAY + timedelta(days=181)).isoformat(),
            "published_with_name": True,
        },
        {
            "title": "Kuchen für das Fest",
            "organisation": "Bürgerverein Nordstadt e.V.",
            "status": "besetzt",
            "expires_on": (TODAY + timedelta(days=181)).isoformat(),
            "published_with_name": False,  # a filled offer is published nowhere
        },
    ]
    bases = {p["key"]: p["legal_basis"] for p in report["information"]["purposes"]}
    # Publishing offers is the office's task (lit. e with the state norm); the mailing of the
    # office rests on consent.
    assert bases["angebote"].startswith("Art. 6 Abs. 1 lit. e DSGVO i. V. m.")
    assert bases["informationen"] == "Einwilligung, Art. 6 Abs. 1 lit. a DSGVO"
    categories = report["information"]["categories"]
    assert "Nennung als Kontaktperson von Mitwirkungsmöglichkeiten" in categories

    # Without the sharing consent the office knows the contact; citizens do not see it.
    private = privacy.access_report(net.private)
    assert [(o["title"], o["published_with_name"]) for o in private["offers"]] == [
        ("Lesepaten", False)
    ]

    head = letterhead(Directory(db).get_city())
    path = documents.write(access_document(report, head), "pdf", tmp_path / "auskunft.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "Kontaktperson von Mitwirkungsmöglichkeiten" in text
    assert "Fahrerinnen für die Tafel" in text
    assert "ja (mit Ihrer Einwilligung)" in text
