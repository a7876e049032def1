"""The demo city's consents are provable: each points at a wording of its catalogue with a
channel and a proof, a few people agreed to publication in open data, and a "Fotos ok" tag
stands only beside a photo consent."""

from __future__ import annotations

from sqlalchemy import select

from koordination.db.engine import Database
from koordination.demo.consents import PHOTOS_TAG
from koordination.domain.enums import ConsentPurpose
from koordination.domain.models import Consent, ConsentText, PersonTag


def test_every_demo_consent_points_at_its_catalogue_wording_with_channel_and_proof(
    demo_city: Database,
) -> None:
    with demo_city.session() as session:
        texts = {t.id: t for t in session.scalars(select(ConsentText))}
        consents = session.scalars(select(Consent)).all()
        assert {c.purpose for c in consents} <= {t.purpose for t in texts.values()}
        for c in consents:
            text = texts[c.text_id]  # type: ignore[index]
            assert (text.purpose, text.version) == (c.purpose, c.text_version)
            assert c.given_at.date() >= text.valid_from
            assert c.channel is not None and c.evidence
            assert (c.withdrawn_at is None) == (c.withdrawal_channel is None)
        published = {c.person_id for c in consents if c.purpose == ConsentPurpose.OFFENE_DATEN}
        assert 5 <= len(published) <= 15


def test_fotos_ok_only_with_a_current_photo_consent(demo_city: Database) -> None:
    with demo_city.session() as session:
        tagged = set(
            session.scalars(select(PersonTag.person_id).where(PersonTag.tag == PHOTOS_TAG))
        )
        photos = set(
            session.scalars(
                select(Consent.person_id).where(
                    Consent.purpose == ConsentPurpose.FOTOS, Consent.withdrawn_at.is_(None)
                )
            )
        )
    assert tagged and tagged <= photos
