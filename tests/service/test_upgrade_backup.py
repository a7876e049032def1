"""Opening an older SQLite database upgrades it, after a backup copy next to it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from koordination.db import migrations
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.inputs.directory import OrganisationInput, PersonInput
from koordination.services.directory.service import Directory

# A later schema revision, as a future koordination version would ship it.
NEXT_REVISION = '''
"""Test revision: add a column."""
import sqlalchemy as sa
from alembic import op

revision = "0002_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("nickname", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("nickname")
'''


def test_older_database_is_backed_up_then_upgraded_with_data_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stadt.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db)
    directory = Directory(db)
    org = directory.create_organisation(
        OrganisationInput(name="Tafel e.V.", sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    person = directory.create_person(PersonInput(given_name="Jürgen", family_name="Weiß")).record
    directory.add_affiliation(person.id, org.id, "Vorsitz")
    old_revision = migrations.current_revision(db)
    db.dispose()

    schema = tmp_path / "schema"
    shutil.copytree(migrations.schema_dir(), schema)
    (schema / "versions" / "0002_test.py").write_text(NEXT_REVISION.format(head=old_revision))
    monkeypatch.setattr(migrations, "schema_dir", lambda: schema)

    db = Database(str(path))
    backup = migrations.upgrade(db)
    assert migrations.current_revision(db) == "0002_test"
    assert Directory(db).get_person(person.id).affiliations[0].organisation_name == "Tafel e.V."
    db.dispose()

    assert backup is not None and backup.parent == path.parent
    assert backup.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (old_revision,)
        assert conn.execute("SELECT family_name FROM person").fetchall() == [("Weiß",)]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(person)")]
        assert "nickname" not in columns
