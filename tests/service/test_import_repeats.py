"""A people import works out what repeats in a city once: the consents of one pair of cells
"Einwilligung" / "Einwilligung am" are read once, and the values of a consent and of its trail
entry once per purpose and instant, however many rows share them. A cell with a problem is
read anew on each row, so every line with it is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from support.consents import import_people

from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import AuditEntry, Consent
from koordination.errors import ImportFailed
from koordination.services.directory.imports.consents import ConsentEntries
from koordination.services.directory.imports.people import PeopleReader
from koordination.services.directory.imports.service import Imports

HEADER = "Vorname;Nachname;E-Mail;Einwilligung;Einwilligung am"
PURPOSES = (ConsentPurpose.EINLADUNGEN, ConsentPurpose.NEWSLETTER)


def _counting(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[Any]:
    calls: list[Any] = []
    original = getattr(owner, name)

    def counted(self: Any, *args: Any) -> Any:
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_repeated_consent_cells_are_read_and_encoded_once(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [HEADER]
    for n in range(12):
        cells = "Einladungen;03.05.2025" if n % 2 else "Einladungen, Newsletter;04.05.2025"
        rows.append(f"Anna;Muster{n};anna.{n}@example.org;{cells}")
    path = tmp_path / "liste.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    named = _counting(monkeypatch, PeopleReader, "_named")
    encoded = _counting(monkeypatch, ConsentEntries, "changes")

    assert import_people(Imports(db), path, PURPOSES).created == 12

    assert len(named) == 2  # two distinct pairs of cells
    assert len(encoded) == 3  # invitations on two days, the newsletter on one
    with db.session() as session:
        consents = session.scalar(select(func.count()).select_from(Consent))
        entries = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.kind == "consent")
        )
    assert consents == entries == 18  # still one consent and one entry per consent


def test_a_repeated_bad_consent_cell_is_named_on_every_line(db: Database, tmp_path: Path) -> None:
    rows = [
        HEADER,
        "Anna;Muster;anna@example.org;Einladungen;03.05.2025",
        "Ben;Muster;ben@example.org;Einladungen;31.12.2099",
        "Cem;Muster;cem@example.org;Einladungen;03.05.2025",
        "Dora;Muster;dora@example.org;Einladungen;31.12.2099",
    ]
    path = tmp_path / "liste.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_people(Imports(db), path, PURPOSES)
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (3, "Einwilligung am"),
        (5, "Einwilligung am"),
    ]
    assert all("in der Zukunft" in p.reason for p in caught.value.problems)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Consent)) == 0
