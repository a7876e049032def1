"""Erasure of one person (Art. 17 DSGVO), the rewriting of every mention, and compacting the
storage afterwards.

Erasure keeps the person's row as a tombstone: every personal field is emptied and the family
name becomes "N. N. (Sektor, Organisation)". Everything that shows a person (attendance lists,
minutes, tasks, group lists, exports) goes through that name and so shows the label without a
special case, and minutes, attendance counts and group statistics still add up. The person's
name in its usual spellings and their e-mail addresses and phone numbers are replaced by the
label in every text column of every table — frozen minutes get a new fingerprint — and in the
audit trail, whose entries about the person are blanked. One audit entry records the erasure
with nothing but the person's number. On SQLite the file is vacuumed afterwards, so the old
bytes are gone from the file and its write-ahead log, not just unreachable.

The label must not be a pseudonym: where the person is the only one from their organisation
in a group, "N. N. (Zivilgesellschaft)" names the sector alone, and the organisation goes
from their attendance rows and the seats they held for it. Open memberships and affiliations
end on the erasure day; a role only one person holds (Sprecher:in, Koordination,
Schirmherrschaft) becomes a plain membership. A mention by salutation and a family name that
someone else shares ("Frau Weiß") may be either of them: it is replaced only when the office
confirmed it (``mask_surnames``) after looking at the list (``Privacy.surnames_to_confirm``,
the mentions the access report lists for review).
The erasure ledger keeps the proof of lawful past processing without the person: each
consent's purpose, catalogue version, channel and dates.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, exists, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import Channel, GroupRole
from koordination.domain.models import (
    Affiliation,
    Attendance,
    Base,
    CityProfile,
    Consent,
    ConsentText,
    ErasureLedger,
    GroupMembership,
    Invitation,
    Measure,
    Objection,
    Person,
    SurveyResponse,
)
from koordination.domain.records.directory import display_name, erased_name
from koordination.errors import KoordinationError, NotFoundError
from koordination.services.directory.records import current_at
from koordination.services.directory.search import person_sort_key
from koordination.services.privacy.mentions import (
    JSON_COLUMNS,
    NOT_SCANNED,
    TABLE_LABELS,
    Mentions,
    person_mentions,
    scan,
    surname_mentions,
)
from koordination.services.privacy.person import erasure_label, label_affiliation, load_person

#: Roles only one member of a group holds: they would name the erased person.
UNIQUE_ROLES = frozenset({GroupRole.SPRECHER, GroupRole.KOORDINATION, GroupRole.SCHIRMHERRSCHAFT})


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure changed: how many records of each kind (German labels), and what the
    office still has to do."""

    person_id: int
    label: str
    erased_at: datetime
    counts: dict[str, int]
    notes: tuple[str, ...] = ()
    #: The tables the erasure changed (for :func:`compact_storage`).
    tables: frozenset[str] = frozenset()

    def summary(self) -> str:
        lines = [
            f"Person Nr. {self.person_id} wurde gelöscht und erscheint jetzt als „{self.label}“."
        ]
        lines += [f"  {what}: {count}" for what, count in self.counts.items() if count]
        lines += list(self.notes)
        return "\n".join(lines)


#: Frozen content with a SHA-256 fingerprint over it: (content column, fingerprint column).
_FINGERPRINTED = {
    "minutes_version": ("content", "fingerprint"),
    "survey_snapshot": ("content", "fingerprint"),
}


def _namesakes(session: Session, person: Person) -> list[int]:
    """Other people (not erased) with the same given and family name."""
    return list(
        session.scalars(
            select(Person.id)
            .where(
                Person.id != person.id,
                Person.erased_at.is_(None),
                func.lower(Person.given_name) == person.given_name.lower(),
                func.lower(Person.family_name) == person.family_name.lower(),
            )
            .order_by(Person.id)
        )
    )


def _json_dump_like(original: str, old: Any, new: Any) -> str:
    """``new`` as JSON in the form ``original`` was written in (keys sorted or not, compact or
    not), so unchanged parts stay byte for byte the same."""
    for sort_keys in (True, False):
        for separators in ((",", ":"), None):
            if (
                json.dumps(old, ensure_ascii=False, sort_keys=sort_keys, separators=separators)
                == original
            ):
                return json.dumps(
                    new, ensure_ascii=False, sort_keys=sort_keys, separators=separators
                )
    return json.dumps(new, ensure_ascii=False, sort_keys=True)


def _replace_values(data: Any, replace: Callable[[str], str]) -> Any:
    if isinstance(data, str):
        return replace(data)
    if isinstance(data, dict):
        return {key: _replace_values(value, replace) for key, value in data.items()}
    if isinstance(data, list):
        return [_replace_values(value, replace) for value in data]
    return data


def _replace_json(
    text: str, replace: Callable[[str], str], change: Callable[[Any], Any] | None = None
) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return replace(text)
    new = _replace_values(data, replace)
    if change is not None:
        new = change(new)
    return text if new == data else _json_dump_like(text, data, new)


def _fingerprint(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def person_to_erase(db: Database, person_id: int) -> str:
    """The name of a person who can be erased, for the question before; raises the German
    error the erasure itself would raise (unknown, or erased already)."""
    with db.session() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
        _refuse_erased(person)
        return display_name(person.title, person.given_name, person.family_name)


def _refuse_erased(person: Person) -> None:
    if person.erased_at is not None:
        raise KoordinationError(
            f"Person Nr. {person.id} wurde bereits am "
            f"{person.erased_at.astimezone(CITY_ZONE):%d.%m.%Y} gelöscht."
        )


def erase_in_session(
    session: Session,
    person_id: int,
    *,
    today: date,
    now: datetime,
    mask_surnames: bool = False,
) -> ErasureReport:
    """The erasure inside a transaction the caller holds (a retention run erases several
    people in one): nothing is committed here. After the commit, call
    :meth:`Privacy.compact_storage` with the report's tables, so the old bytes leave the
    database files too. ``mask_surnames``: also replace the mentions
    ``Privacy.surnames_to_confirm`` lists (the office looked at them)."""
    when, day = now, today
    counts: Counter[str] = Counter()
    notes: list[str] = []
    touched: set[str] = set()
    # The audit listener stays off: it would copy the old values into the trail. The erasure
    # writes its own entry, with the number only.
    was_off = session.info.get("audit_off", False)
    session.info["audit_off"] = True
    try:
        person = load_person(session, person_id)
        _refuse_erased(person)
        coarse = _singled_out(session, person, day)
        label = erasure_label(person, day)
        if coarse:
            chosen = label_affiliation(person, day)
            label = erased_name(chosen.organisation.sector if chosen else None, "")
        mentions = person_mentions(session, person, label)
        surnames = surname_mentions(session, person) if mask_surnames else None
        if surnames is not None:
            surnames = dataclasses.replace(surnames, label=label)
        namesakes = _namesakes(session, person)
        history = _consent_history(session, person, mentions)

        # Their own records: addresses, numbers, keywords and consents go entirely.
        counts["E-Mail-Adressen gelöscht"] = len(person.emails)
        counts["Telefonnummern gelöscht"] = len(person.phones)
        counts["Schlagworte gelöscht"] = len(person.tags)
        counts["Einwilligungen gelöscht"] = len(person.consents)
        person.emails.clear()
        person.phones.clear()
        person.tags.clear()
        person.consents.clear()
        _end_ties(session, person, day, coarse, counts)
        if coarse:
            # The organisation on the day of a sitting would name them beside the label.
            counts["Anwesenheiten (Organisation entfernt)"] = _rowcount(
                session.execute(
                    update(Attendance)
                    .where(Attendance.person_id == person_id, Attendance.organisation != "")
                    .values(organisation="")
                )
            )

        # The tombstone: the row stays for minutes, attendance and statistics.
        person.salutation = ""
        person.title = ""
        person.given_name = ""
        person.family_name = label[:200]
        person.postal_address = ""
        person.notes = ""
        # Reasons written about the person (a dispute, a move) and where their data came from.
        person.archive_reason = ""
        person.restriction_reason = ""
        person.restricted_at = None
        person.art14_source = ""
        # An objection stays as handled (area, dates, outcome); the person's own reasons go.
        counts["Widersprüche (Begründung entfernt)"] = _rowcount(
            session.execute(
                update(Objection)
                .where(Objection.person_id == person_id, Objection.reason != "")
                .values(reason="")
            )
        )
        person.preferred_channel = Channel.KEINE
        person.archived = True
        person.erased_at = when
        person.sort_key = person_sort_key(person.family_name, "")
        person.search_text = ""
        person.updated_at = when

        invitations = session.scalars(
            select(Invitation).where(Invitation.person_id == person_id, Invitation.sent_email != "")
        ).all()
        for invitation in invitations:
            invitation.sent_email = ""
        counts["Einladungen (Zustelladresse entfernt)"] = len(invitations)
        responses = session.scalars(
            select(SurveyResponse).where(
                SurveyResponse.person_id == person_id, SurveyResponse.contact != ""
            )
        ).all()
        for response in responses:
            response.contact = ""
        counts["Umfrageantworten (Kontakt entfernt)"] = len(responses)

        city = session.scalar(select(CityProfile).where(CityProfile.contact_person_id == person_id))
        if city is not None:
            city.contact_person_id = None
            city.updated_at = when
            notes.append(
                "Die Person war die feste Ansprechperson der Stadt: bitte im Stadtprofil eine "
                "neue wählen."
            )
        measures = session.scalar(
            select(func.count(Measure.id)).where(Measure.responsible_person_id == person_id)
        )
        if measures:
            notes.append(
                f"{measures} Maßnahme(n) nennen jetzt „{label}“ als verantwortlich: bitte neu "
                "besetzen."
            )
        session.flush()
        touched.update(
            ("person", "person_email", "person_phone", "person_tag", "consent", "affiliation")
        )
        touched.update(("invitation", "survey_response", "city_profile", "objection"))

        # Free text everywhere: the name and addresses become the label.
        fingerprints: list[str] = []
        frozen = _without_organisation(person_id) if coarse else None
        for table, row, columns in list(scan(session, mentions, skip=NOT_SCANNED)):
            _rewrite(session, table, row, columns, mentions, counts, fingerprints, frozen)
            touched.add(table.name)
        if surnames is not None:
            for table, row, columns in list(scan(session, surnames, skip=NOT_SCANNED)):
                _rewrite(
                    session, table, row, columns, surnames, counts, fingerprints, suffix=_MASKED
                )
                touched.add(table.name)
        if namesakes and any(what.endswith(_REPLACED) for what in counts):
            numbers = ", ".join(str(n) for n in namesakes[:10])
            more = " …" if len(namesakes) > 10 else ""
            notes.append(
                f"Weitere Personen tragen denselben Namen (Nr. {numbers}{more}): Erwähnungen "
                "des Namens wurden überall ersetzt; bitte prüfen, ob welche davon diese "
                "Personen meinten."
            )

        # The trail: entries about the person blanked, their mentions elsewhere replaced,
        # and the fingerprints frozen content had before the erasure dropped.
        counts["Einträge im Änderungsprotokoll geleert"] = audit.scrub(session, "person", person_id)
        trail = mentions.with_literals(fingerprints)
        for table, row, columns in list(scan(session, trail, only={"audit_entry"})):
            _rewrite(session, table, row, columns, trail, counts, [])
        if surnames is not None:
            for table, row, columns in list(scan(session, surnames, only={"audit_entry"})):
                _rewrite(session, table, row, columns, surnames, counts, [])
        touched.add("audit_entry")
        asked = str(session.info.get(audit.REQUESTER) or "")
        if asked:
            # Who asked is often the person: their name goes from the entry like everywhere.
            asked = mentions.replace(asked)
            session.info[audit.REQUESTER] = surnames.replace(asked) if surnames else asked
        audit.log(session, "erase", "person", person_id)
        # The ledger outlives a restore of an older backup, which replays it (see restore.py).
        session.add(
            ErasureLedger(
                person_number=person_id,
                erased_at=when,
                consent_history=json.dumps(history, ensure_ascii=False),
                masked_surnames=mask_surnames,
            )
        )
        session.flush()
        # The text was rewritten beside the ORM: what the caller holds must be read again.
        session.expire_all()
    finally:
        session.info["audit_off"] = was_off
    return ErasureReport(
        person_id,
        label,
        when,
        {k: v for k, v in counts.items() if v},
        tuple(notes),
        frozenset(touched),
    )


_REPLACED = " (Erwähnung ersetzt)"
_MASKED = " (Erwähnung mit Nachnamen ersetzt)"


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _stands_for(organisation_id: int, day: date) -> Any:
    """A membership that stands for the organisation on ``day``: it represents it, or its
    member belongs to it then."""
    gm = GroupMembership
    return or_(
        gm.representing_id == organisation_id,
        and_(
            gm.representing_id.is_(None),
            exists()
            .where(Affiliation.person_id == gm.person_id)
            .where(Affiliation.organisation_id == organisation_id)
            .where(current_at(Affiliation, day)),
        ),
    )


def _singled_out(session: Session, person: Person, day: date) -> bool:
    """Whether the organisation in the label (or one the person held a seat for) would name
    them: in some group of theirs nobody else stands for it now."""
    chosen = label_affiliation(person, day)
    gm = GroupMembership
    for membership in person.memberships:
        organisation = membership.representing_id or (chosen.organisation_id if chosen else None)
        if organisation is None:
            continue
        others = session.scalar(
            select(func.count(gm.id))
            .join(Person, Person.id == gm.person_id)
            .where(
                gm.group_id == membership.group_id,
                gm.person_id != person.id,
                Person.erased_at.is_(None),
                current_at(gm, day),
                _stands_for(organisation, day),
            )
        )
        if not others:
            return True
    return False


def _end_ties(
    session: Session, person: Person, day: date, coarse: bool, counts: Counter[str]
) -> None:
    """End open memberships and affiliations on the erasure day (those that would only begin
    later go), make unique roles plain memberships, and drop functions; with ``coarse`` also
    the organisations the person held seats for."""
    for affiliation in list(person.affiliations):
        affiliation.function = ""  # organisation and period stay: sector statistics
        if affiliation.valid_from is not None and affiliation.valid_from > day:
            person.affiliations.remove(affiliation)
            counts["Zugehörigkeiten zu Organisationen beendet"] += 1
        elif affiliation.valid_to is None or affiliation.valid_to > day:
            affiliation.valid_to = day
            counts["Zugehörigkeiten zu Organisationen beendet"] += 1
    for membership in list(person.memberships):
        if membership.role in UNIQUE_ROLES:
            membership.role = GroupRole.MITGLIED
            counts["Funktionen in Gruppen entfernt (Sprecher:in u. a.)"] += 1
        if coarse and membership.representing_id is not None:
            membership.representing_id = None
        if membership.valid_from is not None and membership.valid_from > day:
            person.memberships.remove(membership)
            counts["Mitgliedschaften in Gruppen beendet"] += 1
        elif membership.valid_to is None or membership.valid_to > day:
            membership.valid_to = day
            counts["Mitgliedschaften in Gruppen beendet"] += 1
    session.flush()


def _consent_history(
    session: Session, person: Person, mentions: Mentions
) -> list[dict[str, str | None]]:
    """The consents as the ledger keeps them: purpose, catalogue version, channel and days,
    nothing that names the person (no evidence reference, no wording)."""
    versions: dict[int | None, str] = dict(
        session.execute(
            select(ConsentText.id, ConsentText.version).where(
                ConsentText.id.in_([c.text_id for c in person.consents if c.text_id])
            )
        ).all()
    )

    def day_of(moment: datetime | None) -> str | None:
        return moment.astimezone(CITY_ZONE).date().isoformat() if moment else None

    def channel(value: Any) -> str | None:
        return value.value if value is not None else None

    consents: list[Consent] = sorted(person.consents, key=lambda c: (c.given_at, c.id))
    return [
        {
            "purpose": c.purpose.value,
            "legal_basis": c.legal_basis.value,
            "version": versions.get(c.text_id) or mentions.replace(c.text_version)[:100],
            "channel": channel(c.channel),
            "given": day_of(c.given_at),
            "withdrawn": day_of(c.withdrawn_at),
            "withdrawal_channel": channel(c.withdrawal_channel),
        }
        for c in consents
    ]


def _without_organisation(person_id: int) -> Callable[[Any], Any]:
    """Frozen minutes name the organisation beside each attendee: this person's goes."""

    def change(data: Any) -> Any:
        if isinstance(data, dict):
            for row in data.get("attendance") or ():
                if isinstance(row, dict) and row.get("person_id") == person_id:
                    row["organisation"] = ""
        return data

    return change


_MODEL_OF: dict[str, type[Any]] = {model.__tablename__: model for model in audit.TRACKED}


def _rewrite(
    session: Session,
    table: Table,
    row: Mapping[str, Any],
    columns: Sequence[str],
    mentions: Mentions,
    counts: Counter[str],
    fingerprints: list[str],
    frozen: Callable[[Any], Any] | None = None,
    *,
    suffix: str = _REPLACED,
) -> None:
    """Replace the mentions in one row. A Core update, so the audit trail gets no copy of the
    old text; frozen content gets a new fingerprint and an entry saying why (``frozen``:
    a further change to frozen minutes' data)."""
    values: dict[str, Any] = {}
    for column in columns:
        text = row[column]
        if (table.name, column) in JSON_COLUMNS:
            change = frozen if table.name in _FINGERPRINTED else None
            values[column] = _replace_json(text, mentions.replace, change)
        else:
            values[column] = mentions.replace(text)
    values = {k: v for k, v in values.items() if v != row[k]}
    if not values:
        return
    keys = [c == row[c.name] for c in table.primary_key.columns]
    refrozen: dict[str, list[str]] | None = None
    if table.name in _FINGERPRINTED and _FINGERPRINTED[table.name][0] in values:
        content, fingerprint = _FINGERPRINTED[table.name]
        old = session.scalar(select(table.c[fingerprint]).where(*keys))
        if old:
            fingerprints.append(str(old))
        values[fingerprint] = _fingerprint(values[content])
        refrozen = {
            content: [audit.ERASED, "Personendaten ersetzt (Art. 17 DSGVO)"],
            fingerprint: [audit.ERASED, values[fingerprint]],
        }
    if "version" in table.c:
        # Versioned rows: a form still open on the old text must not save it back unnoticed.
        values["version"] = table.c.version + 1
    session.execute(update(table).where(*keys).values(**values))
    if table.name != "audit_entry":
        counts[f"{TABLE_LABELS.get(table.name, table.name)}{suffix}"] += 1
    if refrozen is not None:
        tracked = audit.TRACKED[_MODEL_OF[table.name]]
        owner = None
        if tracked.owner is not None:
            owner_kind, attribute = tracked.owner
            owner = (owner_kind, session.scalar(select(table.c[attribute]).where(*keys)))
        audit.log(session, "update", tracked.kind, row["id"], owner=owner, changes=refrozen)


def compact_storage(db: Database, tables: Iterable[str] = ()) -> list[str]:
    """After the commit of an erasure: rewrite the storage so the old bytes are gone, not just
    unreachable; returns what the office should know (German), empty when all went well.

    SQLite keeps deleted text in free pages and in the write-ahead log until VACUUM and a
    checkpoint; PostgreSQL keeps dead row versions until VACUUM (of ``tables``, all tables
    when none are named). Both run outside any transaction. A failure leaves the erasure in
    place and is reported."""
    notes: list[str] = []
    if db.is_sqlite:
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
            cursor.close()
        except Exception as exc:  # sqlite3.OperationalError: another program holds a lock
            notes.append(
                f"Die Datenbankdatei konnte nicht neu geschrieben werden ({exc}). Die Löschung "
                "gilt, aber Reste der alten Daten können noch in freien Bereichen der Datei "
                "stehen: bitte alle Programme schließen, die sie geöffnet haben, und "
                f"„sqlite3 {db.path} VACUUM“ ausführen."
            )
            return notes
        finally:
            raw.close()
        if busy and busy[0]:
            notes.append(
                "Ein anderes Programm liest gerade die Datenbank: ihr Protokoll (-wal) wird "
                "erst geleert, wenn alle Programme sie geschlossen haben."
            )
        return notes
    names = sorted(set(tables) & set(Base.metadata.tables)) or sorted(Base.metadata.tables)
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.exec_driver_sql(f'VACUUM "{name}"')
    except SQLAlchemyError:
        notes.append(
            "Die alten Zeilenversionen konnten nicht sofort bereinigt werden (VACUUM); "
            "PostgreSQL erledigt das später selbst (autovacuum)."
        )
    return notes
