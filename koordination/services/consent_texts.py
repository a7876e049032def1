"""Provable consent (Art. 7 (1) DSGVO): the office's catalogue of consent texts, and consents
given to one of its wordings or withdrawn, each with the way it came and where its proof lies.

Every consent points at the catalogue wording the person agreed to (purpose and version), so
the office can show what exactly was agreed, since when and how. A wording is never changed
once people agreed to it: a new wording is a new version. Giving and withdrawing go through
the ORM, so the audit trail of the person records each of them with its values.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.inputs.directory import (
    CONSENT_FIELDS,
    ConsentInput,
    ConsentTextInput,
    WithdrawalInput,
)
from koordination.domain.models import Consent, ConsentText, Person
from koordination.domain.records.consent import ConsentTextRecord
from koordination.domain.records.directory import ConsentRecord, display_name
from koordination.errors import FieldError, NotFoundError, ValidationError


def text_record(t: ConsentText) -> ConsentTextRecord:
    return ConsentTextRecord(t.id, t.purpose, t.version, t.wording, t.valid_from)


def consent_record(c: Consent) -> ConsentRecord:
    return ConsentRecord(
        c.id,
        c.purpose,
        c.legal_basis,
        c.text_version,
        c.given_at,
        c.withdrawn_at,
        c.channel,
        c.evidence,
        c.withdrawal_channel,
    )


def _day(value: datetime) -> str:
    return f"{value.astimezone(CITY_ZONE):%d.%m.%Y}"


def unknown_version(
    purpose: ConsentPurpose, version: str, known: list[ConsentTextRecord]
) -> FieldError:
    """The German problem of a version the catalogue does not hold for ``purpose``."""
    versions = ", ".join(t.version for t in known if t.purpose == purpose)
    hint = (
        f"vorhanden: {versions}"
        if versions
        else "der Katalog hat für diesen Zweck noch keinen Text; bitte zuerst anlegen "
        "(koordination people consent text-add)"
    )
    return FieldError(
        CONSENT_FIELDS["version"],
        f"„{version}“ ist keine Fassung des Einwilligungstextes „{purpose.label}“ ({hint}).",
    )


class Consents:
    """The consent catalogue and consents given or withdrawn; every method one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    # ------------------------------------------------------------------ catalogue
    def texts(self, purpose: ConsentPurpose | None = None) -> list[ConsentTextRecord]:
        """The catalogue (or one purpose's wordings), by purpose and then oldest first."""
        stmt = select(ConsentText)
        if purpose is not None:
            stmt = stmt.where(ConsentText.purpose == purpose)
        with self.db.session() as session:
            found = [text_record(t) for t in session.scalars(stmt)]
        order = {p: i for i, p in enumerate(ConsentPurpose)}
        return sorted(found, key=lambda t: (order[t.purpose], t.valid_from, t.version))

    def add_text(self, data: ConsentTextInput) -> ConsentTextRecord:
        """Add a wording to the catalogue; a purpose's version exists once."""
        with self.db.session() as session:
            taken = session.scalar(
                select(ConsentText).where(
                    ConsentText.purpose == data.purpose, ConsentText.version == data.version
                )
            )
            if taken is not None:
                raise ValidationError([self._taken(data)])
            text = ConsentText(
                purpose=data.purpose,
                version=data.version,
                wording=data.wording,
                valid_from=data.valid_from,
                created_at=self.clock.now(),
            )
            session.add(text)
            try:
                session.flush()
            except IntegrityError as exc:  # someone else added the same version meanwhile
                raise ValidationError([self._taken(data)]) from exc
            return text_record(text)

    @staticmethod
    def _taken(data: ConsentTextInput) -> FieldError:
        return FieldError(
            CONSENT_FIELDS["version"],
            f"„{data.version}“ gibt es für „{data.purpose.label}“ schon. Ein Wortlaut, dem "
            "schon zugestimmt wurde, bleibt unverändert; bitte eine neue Fassung anlegen.",
        )

    def _text(self, session: Session, purpose: ConsentPurpose, version: str) -> ConsentText:
        text = session.scalar(
            select(ConsentText).where(
                ConsentText.purpose == purpose, ConsentText.version == version
            )
        )
        if text is None:
            known = [text_record(t) for t in session.scalars(select(ConsentText))]
            raise ValidationError([unknown_version(purpose, version, known)])
        return text

    # ------------------------------------------------------------------ giving, withdrawing
    def give(self, person_id: int, data: ConsentInput) -> ConsentRecord:
        """Record a consent to a catalogue wording; earlier ones of the purpose stay as history.
        Refused (German, nothing saved) for a wording not in the catalogue, a day before the
        wording was valid, or in the future."""
        now = self.clock.now()
        problems: list[FieldError] = []
        if not data.version.strip():
            problems.append(FieldError(CONSENT_FIELDS["version"], "darf nicht leer sein."))
        if not data.evidence.strip():
            problems.append(FieldError(CONSENT_FIELDS["evidence"], "darf nicht leer sein."))
        if data.given_at > now:
            problems.append(FieldError(CONSENT_FIELDS["given_at"], "liegt in der Zukunft."))
        if problems:
            raise ValidationError(problems)
        with self.db.session() as session:
            person = self._person(session, person_id)
            text = self._text(session, data.purpose, data.version.strip())
            if data.given_at.astimezone(CITY_ZONE).date() < text.valid_from:
                raise ValidationError(
                    [
                        FieldError(
                            CONSENT_FIELDS["given_at"],
                            f"{_day(data.given_at)} liegt vor der Gültigkeit der Fassung "
                            f"{text.version} (ab {text.valid_from:%d.%m.%Y}); bitte die "
                            "Fassung wählen, die damals galt.",
                        )
                    ]
                )
            consent = Consent(
                person_id=person.id,
                purpose=data.purpose,
                legal_basis=data.legal_basis,
                text_version=text.version,
                text_id=text.id,
                channel=data.channel,
                evidence=data.evidence.strip(),
                given_at=data.given_at,
            )
            session.add(consent)
            person.updated_at = now
            session.flush()
            return consent_record(consent)

    def withdraw(self, person_id: int, data: WithdrawalInput) -> list[ConsentRecord]:
        """End every current consent of the purpose at ``data.at``, noting how the withdrawal
        came. A German error when there is none to withdraw."""
        now = self.clock.now()
        if data.at > now:
            raise ValidationError(
                [FieldError(CONSENT_FIELDS["withdrawn_at"], "liegt in der Zukunft.")]
            )
        with self.db.session() as session:
            person = self._person(session, person_id)
            current = session.scalars(
                select(Consent)
                .where(
                    Consent.person_id == person.id,
                    Consent.purpose == data.purpose,
                    Consent.withdrawn_at.is_(None),
                )
                .order_by(Consent.id)
            ).all()
            if not current:
                name = display_name(person.title, person.given_name, person.family_name)
                raise ValidationError(
                    [
                        FieldError(
                            CONSENT_FIELDS["purpose"],
                            f"{name} (Nr. {person.id}) hat keine gültige Einwilligung "
                            f"„{data.purpose.label}“, die widerrufen werden könnte.",
                        )
                    ]
                )
            for consent in current:
                if data.at < consent.given_at:
                    raise ValidationError(
                        [
                            FieldError(
                                CONSENT_FIELDS["withdrawn_at"],
                                f"{_day(data.at)} liegt vor der Erteilung "
                                f"({_day(consent.given_at)}).",
                            )
                        ]
                    )
                consent.withdrawn_at = data.at
                consent.withdrawal_channel = data.channel
            person.updated_at = now
            session.flush()
            return [consent_record(c) for c in current]

    @staticmethod
    def _person(session: Session, person_id: int) -> Person:
        person = session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
        return person
