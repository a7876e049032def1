"""Data protection as the data-protection officer audits it: a catalogue of consent texts and
consents that record version, channel and evidence; the purpose "Veröffentlichung in offenen
Daten"; restriction (Art. 18), archive reasons and the Art. 14 flag on people; objections
(Art. 21) and data subjects' requests with their deadline; the controller's data in the city
profile; the database login in the audit trail; a login's group scope for row-level security;
the consent history kept in the erasure ledger.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_PURPOSES = ("einladungen", "kontaktdaten_teilen", "fotos", "newsletter")
PURPOSES = (*OLD_PURPOSES, "offene_daten")
CHANNELS = ("formular", "email", "muendlich", "import")
REQUEST_KINDS = ("auskunft", "loeschung", "berichtigung", "einschraenkung", "widerspruch")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "consent_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", _enum(PURPOSES, "consent_purpose"), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_text")),
        sa.UniqueConstraint("purpose", "version", name=op.f("uq_consent_text_purpose")),
    )
    op.create_table(
        "login_scope",
        sa.Column("login", sa.String(length=200), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["network_group.id"],
            name=op.f("fk_login_scope_group_id_network_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("login", "group_id", name=op.f("pk_login_scope")),
    )
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_objection_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    op.create_index(op.f("ix_objection_person_id"), "objection", ["person_id"], unique=False)
    op.create_table(
        "privacy_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(REQUEST_KINDS, "privacy_request_kind"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_number", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_privacy_request_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_request")),
    )
    op.create_index(op.f("ix_privacy_request_due_on"), "privacy_request", ["due_on"], unique=False)
    op.create_index(
        op.f("ix_privacy_request_person_id"), "privacy_request", ["person_id"], unique=False
    )

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("login", sa.String(length=200), nullable=False, server_default="")
        )

    with op.batch_alter_table("city_profile", schema=None) as batch_op:
        for name in (
            "controller",
            "dpo_contact",
            "supervisory_authority",
            "legal_bases",
            "processors",
            "recipients",
            "third_country_transfers",
        ):
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("state_law_basis", sa.String(length=300), nullable=False, server_default="")
        )

    # The new purpose widens the CHECK constraint of consent.purpose.
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_consent_consent_purpose"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_consent_consent_purpose"), sa.text(_in("purpose", PURPOSES))
        )
        batch_op.add_column(sa.Column("text_id", sa.Integer(), nullable=True))
        # The channels' CHECKs are named here: SQLAlchemy 2.0 and 2.1 name a CHECK that comes
        # with a column added in batch mode differently.
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("evidence", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("withdrawal_channel", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_consent_consent_channel"), sa.text(_in("channel", CHANNELS))
        )
        batch_op.create_check_constraint(
            op.f("ck_consent_withdrawal_channel"), sa.text(_in("withdrawal_channel", CHANNELS))
        )
        batch_op.create_index(batch_op.f("ix_consent_text_id"), ["text_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_consent_text_id_consent_text"),
            "consent_text",
            ["text_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("erasure_ledger", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consent_history", sa.Text(), nullable=False, server_default="")
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archive_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("restriction_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("art14_source", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("art14_informed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        for name in (
            "art14_informed_at",
            "art14_source",
            "restriction_reason",
            "restricted_at",
            "archive_reason",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("erasure_ledger", schema=None) as batch_op:
        batch_op.drop_column("consent_history")

    op.execute("DELETE FROM consent WHERE purpose = 'offene_daten'")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_consent_text_id_consent_text"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_consent_text_id"))
        # The CHECKs of the two channel columns go first: SQLite's copy of the table would
        # otherwise keep them and name columns it no longer has.
        batch_op.drop_constraint(op.f("ck_consent_consent_channel"), type_="check")
        batch_op.drop_constraint(op.f("ck_consent_withdrawal_channel"), type_="check")
        for name in ("withdrawal_channel", "evidence", "channel", "text_id"):
            batch_op.drop_column(name)
        batch_op.drop_constraint(op.f("ck_consent_consent_purpose"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_consent_consent_purpose"), sa.text(_in("purpose", OLD_PURPOSES))
        )

    with op.batch_alter_table("city_profile", schema=None) as batch_op:
        for name in (
            "third_country_transfers",
            "recipients",
            "processors",
            "legal_bases",
            "state_law_basis",
            "supervisory_authority",
            "dpo_contact",
            "controller",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("login")

    op.drop_index(op.f("ix_privacy_request_person_id"), table_name="privacy_request")
    op.drop_index(op.f("ix_privacy_request_due_on"), table_name="privacy_request")
    op.drop_table("privacy_request")
    op.drop_index(op.f("ix_objection_person_id"), table_name="objection")
    op.drop_table("objection")
    op.drop_table("login_scope")
    op.drop_table("consent_text")
