"""The demo city's consent catalogue and the proof of its consents (invented wordings).

Every consent of the demo points at a wording of the catalogue and says how it came (form,
e-mail, in person) and where its proof lies; a few people agreed to publication in open data,
some signed up for the office's circulars;
everybody tagged "Fotos ok" has a photo consent (or loses the tag). Choices depend on the
person's number only, so the city's random sequence stays as it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from koordination.domain.enums import ConsentChannel, ConsentPurpose, LegalBasis
from koordination.domain.models import Consent, ConsentText, Person

#: The tag the office used before photo consents were recorded.
PHOTOS_TAG = "Fotos ok"

#: (purpose, version, valid from, wording): invented texts, as an office would word them.
CATALOGUE = (
    (
        ConsentPurpose.EINLADUNGEN,
        "2024-01",
        date(2024, 1, 1),
        "Ich bin einverstanden, dass die Koordinierungsstelle der Engagierten Stadt Wiesenbrück "
        "mich per E-Mail oder Post zu Sitzungen der Gremien einlädt, in denen ich mitwirke, und "
        "dafür meinen Namen, meine Anschrift und meine E-Mail-Adresse speichert. Ich kann diese "
        "Einwilligung jederzeit ohne Angabe von Gründen widerrufen.",
    ),
    (
        ConsentPurpose.KONTAKTDATEN_TEILEN,
        "2024-01",
        date(2024, 1, 1),
        "Ich bin einverstanden, dass meine E-Mail-Adresse und Telefonnummer an die Mitglieder "
        "der Gremien weitergegeben werden, in denen ich mitwirke (Kontaktlisten im Netzwerk). "
        "Ich kann diese Einwilligung jederzeit widerrufen.",
    ),
    (
        ConsentPurpose.FOTOS,
        "2021-01",
        date(2021, 3, 1),
        "Ich bin einverstanden, dass Fotos, auf denen ich zu erkennen bin, in Berichten, auf "
        "der Webseite und in sozialen Medien der Engagierten Stadt Wiesenbrück veröffentlicht "
        "werden. Ich kann diese Einwilligung jederzeit widerrufen; veröffentlichte Fotos werden "
        "dann entfernt, soweit möglich.",
    ),
    (
        ConsentPurpose.NEWSLETTER,
        "2021-01",
        date(2021, 3, 1),
        "Ich möchte den Newsletter der Engagierten Stadt Wiesenbrück per E-Mail erhalten. Ich "
        "kann ihn jederzeit abbestellen.",
    ),
    (
        ConsentPurpose.OFFENE_DATEN,
        "2025-01",
        date(2025, 1, 1),
        "Ich bin einverstanden, dass mein Name, meine Funktion in den Gremien und meine "
        "dienstliche E-Mail-Adresse und Telefonnummer als offene Daten (OParl) im Internet "
        "veröffentlicht werden. Ich kann diese Einwilligung jederzeit widerrufen; der nächste "
        "Export enthält mich dann nicht mehr.",
    ),
    (
        ConsentPurpose.INFORMATIONEN,
        "2026-01",
        date(2026, 1, 1),
        "Ich möchte von der Koordinierungsstelle der Engagierten Stadt Wiesenbrück per E-Mail "
        "Informationen über Mitwirkungsmöglichkeiten, Veranstaltungen und Neuigkeiten aus dem "
        "Netzwerk erhalten (Rundmail). Ich kann mich jederzeit abmelden, mit einer Antwort "
        "„abmelden“ oder formlos bei der Koordinierungsstelle.",
    ),
)


def catalogue(session: Session) -> dict[ConsentPurpose, ConsentText]:
    """The catalogue, stored (with ids) before any consent points at it."""
    texts = {
        purpose: ConsentText(
            purpose=purpose,
            version=version,
            wording=wording,
            valid_from=valid_from,
            created_at=datetime.combine(valid_from, datetime.min.time(), UTC),
        )
        for purpose, version, valid_from, wording in CATALOGUE
    }
    session.add_all(texts.values())
    session.flush()
    return texts


def proof(
    texts: dict[ConsentPurpose, ConsentText], purpose: ConsentPurpose, n: int, given: datetime
) -> dict[str, Any]:
    """The wording, channel and evidence of person ``n``'s consent, as ``Consent`` fields."""
    text = texts[purpose]
    if n % 4 == 1:
        channel, evidence = ConsentChannel.EMAIL, f"E-Mail vom {given:%d.%m.%Y}"
    elif n % 7 == 3:
        channel, evidence = ConsentChannel.MUENDLICH, f"Gesprächsnotiz vom {given:%d.%m.%Y}"
    else:
        channel, evidence = ConsentChannel.FORMULAR, f"Anmeldebogen Nr. {2024_000 + n + 1}"
    return {
        "text_id": text.id,
        "text_version": text.version,
        "channel": channel,
        "evidence": evidence,
    }


def complete(person: Person, n: int, texts: dict[ConsentPurpose, ConsentText]) -> None:
    """Withdrawals with their channel, the open-data consent of a few, and "Fotos ok" only
    with a photo consent."""
    for consent in person.consents:
        if consent.withdrawn_at is not None:
            consent.withdrawal_channel = ConsentChannel.EMAIL
    if n % 12 == 6:  # a few agreed to be named in the open data, on the 2025 form
        given = datetime(2025, 3, 1 + n % 28, 10, 0, tzinfo=UTC)
        _add(person, texts, ConsentPurpose.OFFENE_DATEN, given, f"Formular Offene Daten Nr. {n}")
    if n % 5 == 2 and person.emails:  # signed up for the office's circulars in 2026
        given = datetime(2026, 2, 1 + n % 27, 9, 0, tzinfo=UTC)
        _add(person, texts, ConsentPurpose.INFORMATIONEN, given, f"Anmeldung Rundmail Nr. {n}")
    if not any(t.tag == PHOTOS_TAG for t in person.tags):
        return
    if any(c.purpose == ConsentPurpose.FOTOS for c in person.consents):
        return
    if n % 2 == 0:  # signed the photo form at the thank-you evening
        given = datetime(2025, 9, 12, 19, 0, tzinfo=UTC)
        _add(person, texts, ConsentPurpose.FOTOS, given, "Fotoeinwilligung Dankeschön-Abend 2025")
    else:  # nobody can prove it: the tag goes
        person.tags = [t for t in person.tags if t.tag != PHOTOS_TAG]


def _add(
    person: Person,
    texts: dict[ConsentPurpose, ConsentText],
    purpose: ConsentPurpose,
    given: datetime,
    evidence: str,
) -> None:
    text = texts[purpose]
    person.consents.append(
        Consent(
            purpose=purpose,
            legal_basis=LegalBasis.EINWILLIGUNG,
            text_id=text.id,
            text_version=text.version,
            channel=ConsentChannel.FORMULAR,
            evidence=evidence,
            given_at=given,
        )
    )
