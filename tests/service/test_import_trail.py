"""The trail entry of each imported consent holds its values as JSON, whatever the file is
called: the entries are written from one encoding per wording with the instant put in."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from support.consents import VERSION, import_people

from koordination.db.engine import Database
from koordination.domain.enums import ConsentChannel, ConsentPurpose, LegalBasis
from koordination.domain.models import AuditEntry, Consent
from koordination.services.directory.imports.service import Imports


def test_each_imported_consent_has_its_values_in_its_entry(db: Database, tmp_path: Path) -> None:
    path = tmp_path / 'Liste "Süd" \\ 2026.csv'  # quotes, a backslash, an umlaut
    path.write_text(
        "Vorname;Nachname;E-Mail;Einwilligung;Einwilligung am\n"
        "Anna;Muster;anna@example.org;Einladungen;03.05.2025\n"
        "Jürgen;Weiß;juergen@example.org;Einladungen, Newsletter;04.05.2025\n",
        encoding="utf-8",
    )
    purposes = (ConsentPurpose.EINLADUNGEN, ConsentPurpose.NEWSLETTER)
    assert import_people(Imports(db), path, purposes).created == 2
    with db.session() as session:
        consents = {c.id: c for c in session.scalars(select(Consent))}
        entries = session.scalars(select(AuditEntry).where(AuditEntry.kind == "consent")).all()
    assert sorted(e.record_id for e in entries) == sorted(consents)
    for entry in entries:
        consent = consents[entry.record_id]
        assert entry.owner_id == consent.person_id
        assert json.loads(entry.changes) == {
            "purpose": [None, consent.purpose.label],
            "legal_basis": [None, LegalBasis.EINWILLIGUNG.label],
            "text_version": [None, VERSION],
            "channel": [None, ConsentChannel.IMPORT.label],
            "evidence": [None, path.name],
            "given_at": [None, consent.given_at.isoformat()],
        }
