"""Consents and the Art. 14 source of a people import.

A cell "Einwilligung: ja" proves nothing by itself: it becomes a consent only when whoever
imports names the catalogue wording the list had people agree to (``--einwilligung
einladungen=2026-01``). Such consents come by the channel "Import" with the file's name as
evidence, and each one gets its own entry in the person's audit trail (the bulk insert writes
no entries by itself). People the import creates are noted with the list as the source of
their data, so the office sees whom it still owes the information of Art. 14 DSGVO.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from koordination.db import audit
from koordination.domain.enums import ConsentChannel, ConsentPurpose, LegalBasis
from koordination.domain.models import AuditEntry, ConsentText
from koordination.domain.records.consent import ConsentTextRecord
from koordination.errors import ImportFailed
from koordination.services.consent_texts import text_record
from koordination.services.directory.imports.bulk import Bulk, table_of

#: How the faces let the office name a version: the command line's option, the dialog's field.
HOW_TO_NAME = (
    "beim Import angeben, welcher Fassung des Einwilligungstextes die Liste zustimmen ließ "
    "(Befehlszeile: --einwilligung {example}; Importdialog: Einwilligungstext)"
)


@dataclass(frozen=True)
class ImportConsents:
    """The catalogue wordings named for one import, and what it notes about the list."""

    texts: Mapping[ConsentPurpose, ConsentTextRecord]
    #: Where the proof lies: the file's name.
    evidence: str
    #: The list's name as the source of the data of the people it creates (Art. 14 DSGVO).
    source: str
    catalogue: tuple[ConsentTextRecord, ...] = field(default=(), repr=False)

    @property
    def yes_purpose(self) -> ConsentPurpose:
        """What a bare "ja" agrees to: the one purpose named, else invitations."""
        if len(self.texts) == 1:
            return next(iter(self.texts))
        return ConsentPurpose.EINLADUNGEN

    def refuse(self, unnamed: Mapping[ConsentPurpose, int], column: str) -> ImportFailed:
        """The German refusal of a file whose consents name no catalogue version."""
        found = ", ".join(f"{p.label} (ab Zeile {line})" for p, line in unnamed.items())
        purpose = next(iter(unnamed))
        versions = [t.version for t in self.catalogue if t.purpose == purpose]
        example = f"{purpose.value}={versions[-1] if versions else 'FASSUNG'}"
        known = (
            f" Fassungen im Katalog für {purpose.label}: {', '.join(versions)}."
            if versions
            else f" Der Katalog hat für {purpose.label} noch keinen Text; bitte zuerst anlegen "
            "(koordination people consent text-add)."
        )
        return ImportFailed(
            f"Die Spalte „{column}“ nennt Einwilligungen – {found} –, aber keine Fassung aus "
            "dem Katalog der Einwilligungstexte. Ohne den Text, dem zugestimmt wurde, ist eine "
            f"Einwilligung nicht nachweisbar. Bitte {HOW_TO_NAME.format(example=example)}."
            f"{known} Es wurde nichts importiert."
        )


def import_consents(
    session: Session,
    named: Mapping[ConsentPurpose, str],
    file_name: str,
    source: str | None,
    today: date,
) -> ImportConsents:
    """The wordings ``named`` (purpose → version) as the catalogue holds them; a German
    :class:`ImportFailed` for a version it lacks or one not yet valid."""
    catalogue = tuple(
        sorted(
            (text_record(t) for t in session.scalars(select(ConsentText))),
            key=lambda t: (t.valid_from, t.version),
        )
    )
    texts: dict[ConsentPurpose, ConsentTextRecord] = {}
    for purpose, version in named.items():
        text = next(
            (t for t in catalogue if t.purpose == purpose and t.version == version.strip()), None
        )
        if text is None:
            versions = ", ".join(t.version for t in catalogue if t.purpose == purpose)
            raise ImportFailed(
                f"„{version}“ ist keine Fassung des Einwilligungstextes „{purpose.label}“ "
                + (f"(vorhanden: {versions})." if versions else "(der Katalog hat noch keine).")
                + " Es wurde nichts importiert."
            )
        if text.valid_from > today:
            raise ImportFailed(
                f"Die Fassung {text.version} des Einwilligungstextes „{purpose.label}“ gilt erst "
                f"ab {text.valid_from:%d.%m.%Y}; einer Liste von heute kann sie nicht zugrunde "
                "liegen. Es wurde nichts importiert."
            )
        texts[purpose] = text
    return ImportConsents(texts, file_name, (source or file_name).strip(), catalogue)


def _changes(purpose: ConsentPurpose, version: str, evidence: str, given: datetime) -> str:
    """An entry's values as the audit listener writes them for a consent it sees created."""
    before, after = _changes_around(purpose, version, evidence)
    # An ISO instant is JSON as it stands between quotes: digits, - : . + T only.
    return f'{before}"given_at": [null, "{given.isoformat()}"]{after}'


#: What stands for the instant while the rest of an entry's values is encoded (the only value
#: that is no string, so no string can hold it).
_GIVEN_GAP = '"given_at": [null, 0]'


@lru_cache(maxsize=64)
def _changes_around(purpose: ConsentPurpose, version: str, evidence: str) -> tuple[str, str]:
    """The JSON of an entry's values before and after its instant: the consents of a city
    were given on tens of thousands of instants but name a handful of wordings."""
    values = {
        "purpose": purpose.label,
        "legal_basis": LegalBasis.EINWILLIGUNG.label,
        "text_version": version,
        "channel": ConsentChannel.IMPORT.label,
        "evidence": evidence,
        "given_at": 0,
    }
    text = json.dumps({k: [None, v] for k, v in values.items()}, ensure_ascii=False, sort_keys=True)
    before, after = text.split(_GIVEN_GAP)
    return before, after


class ConsentEntries:
    """One audit entry per imported consent, owned by its person, written in bulk."""

    _COLUMNS = (
        "at",
        "actor",
        "login",
        "action",
        "kind",
        "record_id",
        "owner_kind",
        "owner_id",
        "refs",
        "changes",
    )

    def __init__(self, session: Session, conn: Connection, imported: ImportConsents) -> None:
        self.bulk = Bulk(conn, table_of(AuditEntry), self._COLUMNS)
        self.base = (
            self.bulk.value("at", audit.now_of(session)),
            audit.actor_of(session),
            audit.login_of(session),
            "import",
            "consent",
        )
        self.imported = imported
        self.rows: list[tuple[Any, ...]] = []

    def changes(self, purpose: ConsentPurpose, given: datetime) -> str:
        """The values of the entry of a consent to ``purpose`` given at ``given``."""
        text = self.imported.texts[purpose]
        return _changes(purpose, text.version, self.imported.evidence, given)

    def add(self, consent_id: int, person_id: int, changes: str) -> None:
        self.rows.append((*self.base, consent_id, "person", person_id, "", changes))

    def run(self) -> None:
        self.bulk.run(self.rows)
        self.rows = []
