"""Engagement opportunities (Mitwirkungsmöglichkeiten): the offers of the network's
organisations with kind, hours, dates, place and Stadtteil, whom they suit, the action field,
a contact, status and expiry, the last confirmation and the reminder sent for it; and the
consent purpose "Informationen der Koordinierungsstelle erhalten" (nobody has it yet).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_PURPOSES = ("einladungen", "kontaktdaten_teilen", "fotos", "newsletter", "offene_daten")
PURPOSES = (*OLD_PURPOSES, "informationen")
KINDS = ("einmalig", "kurzzeitig", "regelmaessig")
PERIODS = ("insgesamt", "woche", "monat")
STATUSES = ("offen", "besetzt", "abgelaufen")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _purposes(values: Sequence[str]) -> None:
    """The CHECK constraints of both purpose columns, allowing exactly ``values``."""
    for table in ("consent", "consent_text"):
        name = f"ck_{table}_consent_purpose"
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), sa.text(_in("purpose", values)))


def upgrade() -> None:
    op.create_table(
        "engagement_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("needed", sa.Text(), nullable=False),
        sa.Column("kind", _enum(KINDS, "offer_kind"), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("hours_per", _enum(PERIODS, "hours_period"), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("district", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("action_field_id", sa.Integer(), nullable=True),
        sa.Column("contact_person_id", sa.Integer(), nullable=True),
        sa.Column("status", _enum(STATUSES, "offer_status"), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_for", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_engagement_offer_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["action_field_id"],
            ["action_field.id"],
            name=op.f("fk_engagement_offer_action_field_id_action_field"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["person.id"],
            name=op.f("fk_engagement_offer_contact_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_offer")),
        sa.UniqueConstraint("uid", name=op.f("uq_engagement_offer_uid")),
    )
    for column in ("organisation_id", "action_field_id", "contact_person_id"):
        op.create_index(
            op.f(f"ix_engagement_offer_{column}"), "engagement_offer", [column], unique=False
        )
    for column in ("district", "status", "expires_on"):
        op.create_index(
            op.f(f"ix_engagement_offer_{column}"), "engagement_offer", [column], unique=False
        )
    op.create_table(
        "engagement_offer_tag",
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["engagement_offer.id"],
            name=op.f("fk_engagement_offer_tag_offer_id_engagement_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offer_id", "tag", name=op.f("pk_engagement_offer_tag")),
    )
    op.create_index(
        op.f("ix_engagement_offer_tag_tag"), "engagement_offer_tag", ["tag"], unique=False
    )
    # The new purpose widens the CHECK constraints, as 0013 did for "offene_daten".
    _purposes(PURPOSES)


def downgrade() -> None:
    # Consents and catalogue wordings of the purpose the older schema does not know go with it.
    op.execute("DELETE FROM consent WHERE purpose = 'informationen'")
    op.execute("DELETE FROM consent_text WHERE purpose = 'informationen'")
    _purposes(OLD_PURPOSES)
    op.drop_index(op.f("ix_engagement_offer_tag_tag"), table_name="engagement_offer_tag")
    op.drop_table("engagement_offer_tag")
    for column in (
        "expires_on",
        "status",
        "district",
        "contact_person_id",
        "action_field_id",
        "organisation_id",
    ):
        op.drop_index(op.f(f"ix_engagement_offer_{column}"), table_name="engagement_offer")
    op.drop_table("engagement_offer")
