"""Migration 0015 on SQLite and PostgreSQL: a database with people and consents gets the
offers' tables and the purpose "Informationen der Koordinierungsstelle erhalten" (nobody has
it); an offer and such a consent can be stored; going back to 0014 drops both and keeps the
rest, and upgrading again works."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from koordination.db import migrations
from koordination.db.engine import Database

INSERT = """
INSERT INTO organisation (id, name, name_key, short_name, sector, kind, address, phone, email,
    website, notes, archived, search_text, version, created_at, updated_at)
VALUES (1, 'Tafel Musterstadt e.V.', 'tafelmusterstadtev', 'Tafel', 'zivilgesellschaft',
    'verein', 'Markt 1', '', 'info@tafel.example', '', '', :false, 'tafel', 1, :now, :now);
"""
INSERT_PERSON = """
INSERT INTO person (id, salutation, title, given_name, family_name, postal_address, notes,
    preferred_channel, archived, sort_key, search_text, version, created_at, updated_at)
VALUES (1, 'Frau', '', 'Änne', 'Müller', '', '', 'email', :false, 'mueller aenne', 'änne',
    1, :now, :now)
"""
INSERT_CONSENT = """
INSERT INTO consent (person_id, purpose, legal_basis, text_version, given_at, evidence)
VALUES (1, :purpose, 'einwilligung', 'v1', :now, '')
"""
INSERT_OFFER = """
INSERT INTO engagement_offer (id, uid, organisation_id, title, description, needed, kind,
    place, district, online, status, expires_on, confirmed_at, version, created_at, updated_at)
VALUES (1, 'angebot-1@test', 1, 'Helferinnen für das Stadtteilfest', '', '', 'einmalig', '',
    'Nordstadt', :false, 'offen', '2027-06-12', :now, 1, :now, :now)
"""


def _config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    return cfg


def _count(db: Database, query: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def test_offers_and_the_information_purpose_come_and_go_with_0015(db_url: str) -> None:
    db = Database(db_url)
    try:
        command.upgrade(_config(db), "0014")
        now = "2026-03-01 09:30:00.000000" if db.is_sqlite else "2026-03-01 09:30:00+00"
        params = {"false": False, "now": now}
        with db.engine.begin() as conn:
            conn.execute(text(INSERT), params)
            conn.execute(text(INSERT_PERSON), params)
            conn.execute(text(INSERT_CONSENT), {**params, "purpose": "einladungen"})
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(INSERT_CONSENT), {**params, "purpose": "informationen"})

        command.upgrade(_config(db), "0015")

        assert migrations.current_revision(db) == "0015"
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert {"engagement_offer", "engagement_offer_tag"} <= tables
        # Nobody has the new purpose by the upgrade; it can be given now.
        assert _count(db, "SELECT count(*) FROM consent WHERE purpose = 'informationen'") == 0
        with db.engine.begin() as conn:
            conn.execute(text(INSERT_CONSENT), {**params, "purpose": "informationen"})
            conn.execute(text(INSERT_OFFER), params)
            conn.execute(text("INSERT INTO engagement_offer_tag VALUES (1, 'für Jugendliche')"))
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(INSERT_CONSENT), {**params, "purpose": "werbung"})

        command.downgrade(_config(db), "0014")

        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert not {"engagement_offer", "engagement_offer_tag"} & tables
        assert _count(db, "SELECT count(*) FROM consent") == 1  # the invitation consent stays
        assert _count(db, "SELECT count(*) FROM person") == 1
        assert _count(db, "SELECT count(*) FROM organisation") == 1

        command.upgrade(_config(db), "0015")
        assert migrations.current_revision(db) == "0015"
        assert _count(db, "SELECT count(*) FROM engagement_offer") == 0
    finally:
        db.dispose()
